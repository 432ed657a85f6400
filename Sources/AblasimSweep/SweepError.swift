import AblasimCore

/// The sweep layer's name for `AblasimError`: bad sweep file or option, an output folder of
/// another sweep, `sbatch` missing (`.invalidInput`, exit 2); a case process that could not
/// start, a failed write (`.runtime`, exit 3).
public typealias SweepError = AblasimError
