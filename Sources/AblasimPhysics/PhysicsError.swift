/// Errors of the physics layer. Messages say what, where and what would be valid.
import AblasimCore

public enum PhysicsError: Error, CustomStringConvertible, Equatable {
    /// Bad model or option: exit code 2 at the CLI.
    case invalidInput(String)
    /// The run itself failed (non-finite temperature, solver divergence): exit code 3.
    case runtime(String)

    public var description: String {
        switch self {
        case .invalidInput(let m), .runtime(let m): return m
        }
    }
}

extension PhysicsError: AblasimError {
    public var isInputError: Bool {
        if case .invalidInput = self { return true }
        return false
    }
}
