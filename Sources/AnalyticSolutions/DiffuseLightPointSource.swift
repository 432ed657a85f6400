#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Isotropic point light source of power P in an infinite turbid medium, steady-state
/// diffusion approximation of radiative transport:
///
///   Phi(r) = P exp(-mu_eff r) / (4 pi D r),   D = 1 / (3 (mu_a + mu_s')),
///   mu_eff = sqrt(3 mu_a (mu_a + mu_s')) = sqrt(mu_a / D),   Q(r) = mu_a Phi(r),
///
/// Phi fluence rate [W/m^2], P power [W], mu_a absorption and mu_s' reduced scattering
/// coefficients [1/m], D diffusion length [m], r distance [m], Q absorbed power density
/// [W/m^3]; the integral of Q over all space is P.
/// Source: ../shared/data/analytic-oracles.md item 7; Welch & van Gemert, Optical-Thermal
/// Response of Laser-Irradiated Tissue (2011), chapter on diffusion theory.
public struct DiffuseLightPointSource: Sendable, Equatable {
    public var power: Double
    public var absorption: Double
    public var reducedScattering: Double

    public init(power: Double, absorption: Double, reducedScattering: Double) {
        self.power = power; self.absorption = absorption; self.reducedScattering = reducedScattering
    }

    /// D = 1 / (3 (mu_a + mu_s')) [m].
    public var diffusionCoefficient: Double { 1 / (3 * (absorption + reducedScattering)) }

    /// mu_eff = sqrt(3 mu_a (mu_a + mu_s')) [1/m].
    public var effectiveAttenuation: Double { (3 * absorption * (absorption + reducedScattering)).squareRoot() }

    /// Fluence rate Phi(r) [W/m^2] for r > 0.
    public func fluence(at r: Double) -> Double {
        power * exp(-effectiveAttenuation * r) / (4 * Double.pi * diffusionCoefficient * r)
    }

    /// Absorbed power density Q(r) = mu_a Phi(r) [W/m^3].
    public func absorbedPower(at r: Double) -> Double { absorption * fluence(at: r) }
}
