import AblasimCore

/// Errors of the output layer: the output directory and the files written into it.
public enum OutputError: AblasimError, Equatable {
    /// The user asked for something that cannot work (unwritable or non-empty directory,
    /// a results directory missing its files): exit 2.
    case invalidInput(String)
    /// Writing or reading failed during the run: exit 3.
    case io(String)

    public var description: String {
        switch self {
        case .invalidInput(let m), .io(let m): return m
        }
    }

    public var isInputError: Bool {
        if case .invalidInput = self { return true }
        return false
    }
}
