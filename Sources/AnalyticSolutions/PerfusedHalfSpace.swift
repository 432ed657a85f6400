#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Transient 1D Pennes conduction in a perfused half-space x > 0 initially at the arterial
/// temperature, whose surface is stepped to excess theta0 at t = 0:
///
///   theta(x, t) = theta0/2 [ exp(-x sqrt(w/alpha)) erfc(x / (2 sqrt(alpha t)) - sqrt(w t))
///                          + exp( x sqrt(w/alpha)) erfc(x / (2 sqrt(alpha t)) + sqrt(w t)) ],
///
/// theta = T - T_a [K], x depth [m], t time [s], alpha = k / (rho c) [m^2/s],
/// w = w_b rho_b c_b / (rho c) [1/s] the perfusion rate constant.
/// As t -> infinity it tends to theta0 exp(-x sqrt(w/alpha)).
/// Source: ../shared/data/analytic-oracles.md item 3; Carslaw & Jaeger 1959, section 2.9
/// (linear heat transfer into a semi-infinite solid, surface at constant temperature).
public struct PerfusedHalfSpace: Sendable, Equatable {
    public var surfaceExcess: Double
    public var diffusivity: Double
    public var perfusionRate: Double

    /// - Parameters:
    ///   - perfusionRate: w = w_b rho_b c_b / (rho c) [1/s]
    public init(surfaceExcess: Double, diffusivity: Double, perfusionRate: Double) {
        self.surfaceExcess = surfaceExcess; self.diffusivity = diffusivity; self.perfusionRate = perfusionRate
    }

    /// theta(x, t) [K].
    public func excess(depth x: Double, time t: Double) -> Double {
        if t <= 0 { return x <= 0 ? surfaceExcess : 0 }
        let q = (perfusionRate / diffusivity).squareRoot()
        let u = x / (2 * (diffusivity * t).squareRoot())
        let v = (perfusionRate * t).squareRoot()
        // exp(+qx) erfc(u + v) is the product of a huge and a tiny number for large x:
        // evaluate it as exp(qx + log erfc) when erfc underflows gracefully.
        let a = exp(-q * x) * erfc(u - v)
        let bErfc = erfc(u + v)
        let b = bErfc > 0 ? exp(q * x + log(bErfc)) : 0
        return 0.5 * surfaceExcess * (a + b)
    }
}
