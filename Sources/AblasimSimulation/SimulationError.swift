import AblasimCore

/// Errors of the simulation layer: scenario files, options, the run itself.
public enum SimulationError: AblasimError, Equatable {
    case invalidInput(String)
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
