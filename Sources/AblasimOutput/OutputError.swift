import AblasimCore

/// The output layer's name for `AblasimError`: a directory or results the user pointed at
/// that cannot work (`.invalidInput`, exit 2), or a failed write or read (`.io`, exit 3).
public typealias OutputError = AblasimError
