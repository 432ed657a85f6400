import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import AblasimCore

/// Optical properties of a tissue at one wavelength, in the diffusion approximation.
public struct OpticalProperties: Equatable, Sendable {
    /// Absorption coefficient mu_a [1/m].
    public var absorption: Double
    /// Reduced scattering coefficient mu_s' = mu_s (1 - g) [1/m].
    public var reducedScattering: Double

    public init(absorption: Double, reducedScattering: Double) {
        self.absorption = absorption; self.reducedScattering = reducedScattering
    }

    /// Diffusion coefficient D = 1 / (3 (mu_a + mu_s')) [m].
    public var diffusionCoefficient: Double { 1 / (3 * (absorption + reducedScattering)) }
    /// Effective attenuation mu_eff = sqrt(3 mu_a (mu_a + mu_s')) [1/m].
    public var effectiveAttenuation: Double { (3 * absorption * (absorption + reducedScattering)).squareRoot() }
    /// Transport mean free path 1 / (mu_a + mu_s') [m].
    public var transportMeanFreePath: Double { 1 / (absorption + reducedScattering) }
}

/// Per-tissue optical properties for laser interstitial thermal therapy at 805-1064 nm.
///
/// Chromophore model of Jacques 2013 (Phys. Med. Biol. 58:R37, eqs. for a generic tissue):
///
///   mu_a(lambda) = B mu_a,blood(lambda) + W mu_a,water(lambda)
///   mu_s'(lambda) = a' (lambda / 500 nm)^(-b)
///
/// B blood volume fraction, W water volume fraction (the tissue table's `waterFraction`),
/// a' [1/cm] and b the scattering amplitude and power of the tissue's class.
///
/// Every number below is an ESTIMATE, stated so a reader can check and replace it:
/// - water mu_a at 805 / 980 / 1064 nm = 0.02 / 0.45 / 0.14 1/cm, read from the Hale & Querry
///   1973 (Appl. Opt. 12:555) water spectrum (980 nm sits on the 970 nm water band).
/// - oxygenated whole blood (150 g/L haemoglobin) mu_a = 4.4 / 6.0 / 2.8 1/cm: molar extinction
///   of HbO2 from the Prahl compilation (omlc.org) times 2.3 mM haemoglobin and ln 10; 805 nm
///   is near the Hb/HbO2 isosbestic point.
/// - scattering classes after the mean a', b of Jacques 2013 Table 2 (soft tissue, bone,
///   fibrous, fatty); the values were not re-checked against the table in this project.
/// - blood volume fractions B per tissue: assumed (listed in `table`).
/// Between the three tabulated wavelengths absorption is interpolated linearly; outside
/// 805-1064 nm no data are held and the wavelength is rejected.
public enum TissueOptics {
    /// The tabulated wavelengths [nm].
    public static let wavelengths: [Double] = [805, 980, 1064]
    /// Water absorption [1/cm] at `wavelengths` (Hale & Querry 1973, read from the spectrum: estimate).
    static let waterAbsorption: [Double] = [0.02, 0.45, 0.14]
    /// Oxygenated whole-blood absorption [1/cm] at `wavelengths` (Prahl HbO2 extinction: estimate).
    static let bloodAbsorption: [Double] = [4.4, 6.0, 2.8]

    /// Scattering class: a' [1/cm] at 500 nm and power b (after Jacques 2013 Table 2, estimate).
    public enum ScatteringClass: String, Sendable {
        case soft, bone, fibrous, fatty, clearFluid, gas
        var parameters: (a: Double, b: Double) {
            switch self {
            case .soft: return (18.9, 1.286)
            case .bone: return (22.9, 0.716)
            case .fibrous: return (27.1, 1.627)
            case .fatty: return (18.4, 0.672)
            // CSF and dextrose: nearly clear (assumed 0.1 1/cm; the diffusion approximation
            // does not hold there, see docs/laser.md); CO2: no interaction.
            case .clearFluid: return (0.1, 0)
            case .gas: return (0, 0)
            }
        }
    }

    /// Reference tissue -> (scattering class, blood volume fraction B): assumed values.
    public static let table: [String: (ScatteringClass, Double)] = [
        "cortical_bone": (.bone, 0.01),
        "cancellous_bone": (.bone, 0.04),
        "red_marrow": (.soft, 0.06),
        "tumor_metastasis": (.soft, 0.04),
        "spinal_cord": (.soft, 0.03),
        "nerve_root": (.soft, 0.03),
        "csf": (.clearFluid, 0),
        "dura": (.fibrous, 0.01),
        "intervertebral_disc": (.fibrous, 0),
        "muscle": (.soft, 0.03),
        "fat": (.fatty, 0.01),
        "blood": (.soft, 1.0),
        "ligament": (.fibrous, 0.01),
        "carbon_dioxide": (.gas, 0),
        "dextrose_5pct": (.clearFluid, 0),
        "tumor_blastic": (.bone, 0.04),
    ]

    /// Checks the wavelength is inside the tabulated range [nm].
    public static func validate(wavelength nm: Double) throws {
        guard nm.isFinite, nm >= wavelengths.first!, nm <= wavelengths.last! else {
            throw PhysicsError.invalidInput(String(format: "laser wavelength %.6g nm is not supported; tissue optical properties are tabulated for 805-1064 nm (805, 980, 1064 nm, interpolated between)", nm))
        }
    }

    static func interpolate(_ values: [Double], at nm: Double) -> Double {
        for n in 1..<wavelengths.count where nm <= wavelengths[n] {
            let f = (nm - wavelengths[n - 1]) / (wavelengths[n] - wavelengths[n - 1])
            return values[n - 1] + f * (values[n] - values[n - 1])
        }
        return values.last!
    }

    /// Optical properties of `tissue` at `nm` nanometres. Tissues not in `table` (user
    /// additions, aliases resolved through `TissueTable.aliases`) are soft tissue with B = 0.03.
    public static func properties(of tissue: Tissue, wavelength nm: Double) throws -> OpticalProperties {
        try validate(wavelength: nm)
        let key = table[tissue.name] != nil ? tissue.name : (TissueTable.aliases[tissue.name]?.of ?? tissue.name)
        let (cls, blood) = table[key] ?? (.soft, 0.03)
        let perCm = 100.0
        if cls == .gas { return OpticalProperties(absorption: 0, reducedScattering: 0) }
        let muA = blood * interpolate(bloodAbsorption, at: nm) + tissue.waterFraction * interpolate(waterAbsorption, at: nm)
        let (a, b) = cls.parameters
        let muS = a * pow(nm / 500, -b)
        return OpticalProperties(absorption: muA * perCm, reducedScattering: muS * perCm)
    }
}
