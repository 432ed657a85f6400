/// What every module's error type tells the CLI: the message for the user and whether
/// the fault was in the input (exit 2) or in the run itself (exit 3).
public protocol AblasimError: Error, CustomStringConvertible {
    var isInputError: Bool { get }
}

extension CoreError: AblasimError {
    public var isInputError: Bool { true }
}
