import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import AblasimCore

/// Electromagnetic constants (CODATA 2018).
public enum Electromagnetic {
    /// Vacuum permittivity epsilon_0 [F/m], CODATA 2018.
    public static let vacuumPermittivity = 8.8541878128e-12
    /// Vacuum permeability mu_0 [H/m], CODATA 2018.
    public static let vacuumPermeability = 1.25663706212e-6
}

/// Plane-wave attenuation constant of a lossy dielectric,
///
///   alpha = omega sqrt(mu eps / 2) sqrt( sqrt(1 + (sigma / (omega eps))^2) - 1 )   [Np/m],
///
/// omega = 2 pi f [rad/s], eps = eps_r eps_0 [F/m], mu = mu_0 [H/m] (tissue is non-magnetic),
/// sigma the effective conductivity at f [S/m]. The field falls as exp(-alpha r), the power
/// density as exp(-2 alpha r). Source: uniform plane wave in a lossy medium, e.g. D. K. Cheng,
/// Field and Wave Electromagnetics, 2nd ed. (1989), eq. (8-43); C. A. Balanis, Advanced
/// Engineering Electromagnetics, 2nd ed. (2012), section 4.3.
public func planeWaveAttenuation(relativePermittivity epsR: Double, conductivity sigma: Double, frequency f: Double) -> Double {
    let omega = 2 * Double.pi * f
    let eps = epsR * Electromagnetic.vacuumPermittivity
    let lossTangent = sigma / (omega * eps)
    return omega * (Electromagnetic.vacuumPermeability * eps / 2).squareRoot()
        * ((1 + lossTangent * lossTangent).squareRoot() - 1).squareRoot()
}

extension Tissue {
    /// The ISM frequencies interstitial microwave antennas use, for which the tissue table
    /// holds dielectric values (Gabriel 1996 Cole-Cole fits): 915 MHz and 2.45 GHz.
    public static let microwaveFrequencies: [Double] = [915e6, 2450e6]

    /// Microwave attenuation constant alpha [Np/m] at 915 MHz or 2.45 GHz from the tissue's
    /// dielectric values (`epsR915`, `sigma915`, `epsR2450`, `sigma2450`).
    public func microwaveAttenuation(frequency f: Double) throws -> Double {
        let (epsR, sigma): (Double, Double)
        if abs(f - 915e6) < 1 { (epsR, sigma) = (epsR915, sigma915) }
        else if abs(f - 2450e6) < 1 { (epsR, sigma) = (epsR2450, sigma2450) }
        else {
            throw PhysicsError.invalidInput(String(format: "microwave frequency %.6g MHz is not supported; valid: 915 or 2450 MHz (the tissue table's dielectric data)", f / 1e6))
        }
        guard epsR.isFinite, epsR >= 1, sigma.isFinite, sigma >= 0 else {
            throw PhysicsError.invalidInput("tissue '\(name)' has dielectric values eps_r = \(epsR), sigma = \(sigma) S/m at \(f / 1e6) MHz; need eps_r >= 1 and sigma >= 0")
        }
        return planeWaveAttenuation(relativePermittivity: epsR, conductivity: sigma, frequency: f)
    }
}
