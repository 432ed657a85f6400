import AblasimCore

/// The physics layer's name for `AblasimError`: bad model or option (`.invalidInput`, exit 2),
/// or the run itself failed (`.runtime`: non-finite temperature, solver divergence, exit 3).
public typealias PhysicsError = AblasimError
