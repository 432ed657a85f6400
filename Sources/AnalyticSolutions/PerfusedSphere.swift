#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Steady Pennes temperature around a sphere of radius a held at excess theta0 in an
/// infinite homogeneous perfused medium (no other source):
///
///   theta(r) = theta0 (a / r) exp(-m (r - a)),  r >= a,
///   heat flow out of the sphere  Q = 4 pi k a theta0 (1 + m a),
///
/// theta = T - T_a [K], m = sqrt(w_b rho_b c_b / k) [1/m] the perfusion screening
/// constant, k thermal conductivity [W/(m K)], w_b perfusion rate [1/s], rho_b c_b the
/// blood's volumetric heat capacity [J/(m^3 K)].
/// Source: ../shared/data/analytic-oracles.md item 2 (solution of
/// (1/r^2) d/dr(r^2 dtheta/dr) = m^2 theta with theta(a) = theta0, theta(inf) = 0).
public struct PerfusedSphere: Sendable, Equatable {
    public var radius: Double
    public var surfaceExcess: Double
    public var conductivity: Double
    public var screening: Double

    public init(radius: Double, surfaceExcess: Double, conductivity: Double, screening: Double) {
        self.radius = radius; self.surfaceExcess = surfaceExcess
        self.conductivity = conductivity; self.screening = screening
    }

    /// theta(r) [K]; inside the sphere (r < a) the sphere's own excess theta0.
    public func excess(at r: Double) -> Double {
        r <= radius ? surfaceExcess : surfaceExcess * radius / r * exp(-screening * (r - radius))
    }

    /// Heat flow leaving the sphere's surface [W]: 4 pi k a theta0 (1 + m a).
    public var heatFlow: Double {
        4 * Double.pi * conductivity * radius * surfaceExcess * (1 + screening * radius)
    }
}

/// The perfusion screening constant m = sqrt(w_b rho_b c_b / k) [1/m] of the Pennes
/// equation (../shared/data/analytic-oracles.md, notation).
///
/// - Parameters:
///   - perfusionRate: w_b [1/s]
///   - bloodHeatCapacity: rho_b c_b [J/(m^3 K)]
///   - conductivity: k [W/(m K)]
public func perfusionScreening(perfusionRate: Double, bloodHeatCapacity: Double, conductivity: Double) -> Double {
    (perfusionRate * bloodHeatCapacity / conductivity).squareRoot()
}
