#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Pure heat diffusion of a Gaussian temperature excess in an infinite homogeneous medium
/// (no perfusion, no source): the free-space Green's function convolved with the initial
/// Gaussian stays Gaussian,
///
///   theta(r, t) = A (s0^2 / s^2)^(d/2) exp(-r^2 / (2 s^2)),   s^2 = s0^2 + 2 alpha t,
///
/// theta = T - T_a [K], A initial peak excess [K], s0 initial standard deviation per
/// axis [m], alpha = k / (rho c) thermal diffusivity [m^2/s], t time [s], r distance
/// from the centre [m], d the number of dimensions (1, 2 or 3).
/// Source: ../shared/data/analytic-oracles.md item 4; Carslaw & Jaeger, Conduction of
/// Heat in Solids (1959), section 10.2 (instantaneous sources).
public struct GaussianDiffusion: Sendable, Equatable {
    public var amplitude: Double
    public var initialSigma: Double
    public var diffusivity: Double
    public var dimensions: Int

    public init(amplitude: Double, initialSigma: Double, diffusivity: Double, dimensions: Int = 3) {
        precondition((1...3).contains(dimensions), "dimensions must be 1, 2 or 3")
        self.amplitude = amplitude; self.initialSigma = initialSigma
        self.diffusivity = diffusivity; self.dimensions = dimensions
    }

    /// Variance per axis s^2 = s0^2 + 2 alpha t [m^2].
    public func variance(at t: Double) -> Double { initialSigma * initialSigma + 2 * diffusivity * t }

    /// Temperature excess theta [K] at squared distance r2 [m^2] from the centre at time t [s].
    public func excess(squaredDistance r2: Double, time t: Double) -> Double {
        let s2 = variance(at: t)
        return amplitude * pow(initialSigma * initialSigma / s2, Double(dimensions) / 2) * exp(-r2 / (2 * s2))
    }

    /// The time [s] at which the variance has grown by `factor`.
    public func time(varianceFactor factor: Double) -> Double {
        (factor - 1) * initialSigma * initialSigma / (2 * diffusivity)
    }
}
