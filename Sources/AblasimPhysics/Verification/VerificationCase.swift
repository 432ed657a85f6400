import AblasimCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How fine the grids of a verification run are: `quick` for unit tests in debug builds,
/// `standard` for `ablasim validate`, `long` for an extra refinement level.
public enum VerificationLevel: String, CaseIterable, Sendable, Codable {
    case quick, standard, long
}

/// The outcome of one verification case: an error norm against an exact solution, the
/// tolerance it must meet, and, for refinement studies, the observed order of convergence
/// p = log(e_coarse / e_fine) / log(h_coarse / h_fine) of the two finest grids.
public struct VerificationResult: Sendable, Codable, Equatable {
    public var name: String
    public var summary: String
    /// Which norm `error` is (e.g. "relative L2", "max |dT| [K]").
    public var norm: String
    /// The error on the finest grid.
    public var error: Double
    public var tolerance: Double
    public var observedOrder: Double?
    /// The order a refinement study must reach to pass (nil: no order requirement).
    public var minimumOrder: Double?
    /// Grid spacings of the refinement study [mm], coarse to fine, and their errors.
    public var spacingsMillimetres: [Double]
    public var errors: [Double]
    public var passed: Bool

    public init(name: String, summary: String, norm: String, error: Double, tolerance: Double,
                observedOrder: Double? = nil, minimumOrder: Double? = nil,
                spacingsMillimetres: [Double] = [], errors: [Double] = []) {
        self.name = name; self.summary = summary; self.norm = norm
        self.error = error; self.tolerance = tolerance
        self.observedOrder = observedOrder; self.minimumOrder = minimumOrder
        self.spacingsMillimetres = spacingsMillimetres; self.errors = errors
        var ok = error <= tolerance  // false for NaN
        if let minimumOrder { ok = ok && (observedOrder.map { $0 >= minimumOrder } ?? false) }
        passed = ok
    }
}

/// One verification case of the solver against an exact solution
/// (../shared/data/analytic-oracles.md, ../shared/data/damage-and-thresholds.md).
public struct VerificationCase: Sendable {
    public let name: String
    public let summary: String
    let body: @Sendable (VerificationLevel, SlabExecutor) throws -> VerificationResult

    init(name: String, summary: String, body: @escaping @Sendable (VerificationLevel, SlabExecutor) throws -> VerificationResult) {
        self.name = name; self.summary = summary; self.body = body
    }

    /// Runs the case. Throws only when the solver itself fails (bad setup, NaN);
    /// an inaccurate result is a result with `passed == false`.
    public func run(level: VerificationLevel = .standard, executor: SlabExecutor = .allCores) throws -> VerificationResult {
        try body(level, executor)
    }

    /// Every case, in the order `ablasim validate` runs them.
    public static var all: [VerificationCase] {
        [gaussianDiffusion, perfusedHalfSpace, perfusedSphere, pointSource, energyConservation,
         thermalDose, floatVersusDouble, threadDeterminism]
    }

    /// The case called `name`, if any.
    public static func named(_ name: String) -> VerificationCase? { all.first { $0.name == name } }
}

/// Observed order of convergence of the last two entries of a refinement study.
func observedOrder(spacings h: [Double], errors e: [Double]) -> Double? {
    guard h.count >= 2, e.count == h.count else { return nil }
    let n = h.count
    let (e0, e1) = (e[n - 2], e[n - 1])
    guard e0 > 0, e1 > 0 else { return nil }
    return log(e0 / e1) / log(h[n - 2] / h[n - 1])
}
