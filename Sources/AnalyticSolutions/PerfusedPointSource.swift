#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Steady temperature excess of a point heat source of power P in an infinite homogeneous
/// perfused medium:
///
///   theta(r) = P exp(-m r) / (4 pi k r),
///
/// theta = T - T_a [K], P source power [W], k conductivity [W/(m K)], m = sqrt(w_b rho_b
/// c_b / k) [1/m], r distance from the source [m]. With m = 0 this is the Green's function
/// of steady conduction. At steady state the perfusion sink integrates to P.
/// Source: ../shared/data/analytic-oracles.md item 1 (Green's function of
/// laplacian - m^2, e.g. Carslaw & Jaeger 1959, section 10.4).
public struct PerfusedPointSource: Sendable, Equatable {
    public var power: Double
    public var conductivity: Double
    public var screening: Double

    public init(power: Double, conductivity: Double, screening: Double) {
        self.power = power; self.conductivity = conductivity; self.screening = screening
    }

    /// theta(r) [K] for r > 0.
    public func excess(at r: Double) -> Double {
        power * exp(-screening * r) / (4 * Double.pi * conductivity * r)
    }
}
