import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import AblasimCore

/// Water loss of tissue near 100 C and what it does to the microwave pattern.
///
/// As tissue water boils off, its relative permittivity and effective conductivity fall
/// steeply: Ji & Brace 2011 (Phys. Med. Biol. 56:5249, "Expanded modeling of
/// temperature-dependent dielectric properties for microwave thermal ablation") measured
/// liver during microwave heating and fitted both to a sigmoidal function of temperature;
/// their simulations with it reproduced measured temperatures better than static or linear
/// models and showed the heating pattern changing with dehydration. The same sigmoidal
/// form is used here as a multiplier of each tissue's own (Gabriel 1996) values:
///
///   X(T) = X_37 * f_X(T) / f_X(37 C),   f_X(T) = r_X + (1 - r_X) / (1 + exp((T - T_m) / w))
///
/// X = eps_r or sigma, T [C]; T_m midpoint [C], w width [K], r_X residual fraction of
/// fully desiccated tissue. The parameter VALUES are assumptions of this project, not
/// Ji & Brace's fitted coefficients (not available to us when this was written):
/// T_m = 100 C (boiling of tissue water at 1 atm), w = 2.5 K (the drop starts near 95 C,
/// the 'water loss above ~95 C' of the issue, and is 90 % complete at 105.5 C), r = 0.2 for
/// both (a dry tissue matrix keeps a small fraction of its wet permittivity and loss).
/// See docs/microwave.md.
///
/// Effect on the SAR pattern (`MicrowaveSource`): the local attenuation alpha(T) =
/// `planeWaveAttenuation(eps_r(T), sigma(T))` both lowers the power absorbed in a desiccated
/// voxel (q ~ 2 alpha S, S the power flux) and lets more power pass through it to the
/// tissue beyond (tau = integral alpha(T) dl). The absorbed power stays the protocol's set
/// value (the pattern is normalized): the generator's reflected power, which rises as the
/// antenna detunes, is not modelled.
public struct MicrowaveWaterLoss: Equatable, Sendable {
    /// Midpoint T_m [C] (assumed: boiling point of water at 1 atm).
    public var midpoint = 100.0
    /// Width w [K] (assumed, see the type's doc).
    public var width = 2.5
    /// Residual fraction of eps_r in desiccated tissue (assumed).
    public var residualPermittivity = 0.2
    /// Residual fraction of sigma in desiccated tissue (assumed).
    public var residualConductivity = 0.2
    /// How often the source compares the tissue temperatures with the pattern's [s].
    public var checkInterval = 1.0
    /// Largest change of any voxel's attenuation ratio tolerated before the pattern is
    /// recomputed (relative).
    public var tolerance = 0.02
    /// Reference temperature where X = X_37 [C] (body temperature, the table's values).
    public static let referenceTemperature = 37.0

    public init() {}
    public static let standard = MicrowaveWaterLoss()

    /// f(T) for residual fraction r, relative to body temperature.
    @inline(__always)
    func fraction(_ r: Double, _ t: Double) -> Double {
        func f(_ x: Double) -> Double { r + (1 - r) / (1 + exp((x - midpoint) / width)) }
        return f(t) / f(MicrowaveWaterLoss.referenceTemperature)
    }

    /// Relative permittivity and conductivity [S/m] of a tissue with values (epsR, sigma) at 37 C, at T [C].
    public func dielectric(epsR: Double, sigma: Double, at t: Double) -> (epsR: Double, sigma: Double) {
        (max(1, epsR * fraction(residualPermittivity, t)), sigma * fraction(residualConductivity, t))
    }

    /// alpha(T) / alpha(37 C) of a tissue with values (epsR, sigma) at 37 C and frequency f [Hz].
    public func attenuationRatio(epsR: Double, sigma: Double, frequency f: Double, at t: Double) -> Double {
        let reference = planeWaveAttenuation(relativePermittivity: epsR, conductivity: sigma, frequency: f)
        guard reference > 0 else { return 1 }
        let (e, s) = dielectric(epsR: epsR, sigma: sigma, at: t)
        return planeWaveAttenuation(relativePermittivity: e, conductivity: s, frequency: f) / reference
    }

    func validate() throws {
        guard midpoint.isFinite, midpoint > 60, midpoint < 200 else {
            throw PhysicsError.invalidInput("microwave water-loss midpoint \(midpoint) C is not valid; expected (60, 200) C")
        }
        guard width.isFinite, width > 0, width <= 50 else {
            throw PhysicsError.invalidInput("microwave water-loss width \(width) K is not valid; expected (0, 50] K")
        }
        for (what, r) in [("permittivity", residualPermittivity), ("conductivity", residualConductivity)] where !(r.isFinite && r > 0 && r <= 1) {
            throw PhysicsError.invalidInput("microwave water-loss residual \(what) fraction \(r) is not valid; expected (0, 1]")
        }
        guard checkInterval.isFinite, checkInterval >= 0, tolerance.isFinite, tolerance > 0 else {
            throw PhysicsError.invalidInput("microwave water-loss check interval \(checkInterval) s and tolerance \(tolerance) must be finite, >= 0 and > 0")
        }
    }
}
