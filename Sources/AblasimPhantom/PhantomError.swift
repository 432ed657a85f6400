import AblasimCore

/// The phantom module's name for `AblasimError`: bad .vox / NIfTI files, bad generator or
/// import options (input errors, CLI exit 2) and failures to write outputs (runtime
/// errors, exit 3; `PhantomError(message, isInputError: false)`).
public typealias PhantomError = AblasimError
