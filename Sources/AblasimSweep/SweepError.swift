import AblasimCore

/// Errors of the sweep layer: sweep files, output folders, the scheduler.
public enum SweepError: AblasimError, Equatable {
    /// Bad sweep file, bad option, an output folder of another sweep, `sbatch` missing: exit 2.
    case invalidInput(String)
    /// Something failed while running: a case process could not start, a write failed: exit 3.
    case runtime(String)

    public var description: String {
        switch self {
        case .invalidInput(let m), .runtime(let m): return m
        }
    }

    public var isInputError: Bool {
        if case .invalidInput = self { return true }
        return false
    }
}
