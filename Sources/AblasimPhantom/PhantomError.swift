import AblasimCore

/// Errors of the phantom module: bad .vox / NIfTI files, bad generator or import options
/// (input errors, CLI exit 2) and failures to write outputs (runtime errors, exit 3).
/// Every message says what was wrong, where, and what would be valid.
public struct PhantomError: AblasimError, Equatable {
    public let message: String
    public let isInputError: Bool

    public init(_ message: String, isInputError: Bool = true) {
        self.message = message
        self.isInputError = isInputError
    }

    public var description: String { message }
}
