import AblasimCore

/// The simulation layer's name for `AblasimError`: scenario files, options, the run itself.
public typealias SimulationError = AblasimError
