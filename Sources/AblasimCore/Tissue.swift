/// Thermal, electrical and dielectric properties of one tissue, SI units.
public struct Tissue: Equatable, Sendable, Codable {
    public var name: String
    /// rho [kg/m^3]
    public var density: Double
    /// c [J/(kg K)]
    public var specificHeat: Double
    /// k [W/(m K)]
    public var thermalConductivity: Double
    /// IT'IS "heat transfer rate" [ml/(min kg)]; omega_b [1/s] = value * density * 1e-6 / 60.
    public var perfusionMlMinKg: Double
    /// Electrical conductivity at 500 kHz [S/m] (RF ablation frequency band).
    public var sigmaRF: Double
    public var epsR915: Double, sigma915: Double
    public var epsR2450: Double, sigma2450: Double
    public var waterFraction: Double
    /// Metabolic heat Q_met [W/m^3]; negligible against ablation sources, 0 by default.
    public var metabolicHeat: Double = 0
    /// Arrhenius frequency factor A [1/s] and activation energy Ea [J/mol].
    public var arrheniusA: Double = DamageModel.sapareteDeweyEquivalent.frequencyFactor
    public var arrheniusEa: Double = DamageModel.sapareteDeweyEquivalent.activationEnergy
    /// "verified" = seen in the cited source; "default" = literature default; "assumed" = our choice.
    public var status: String
    public var source: String

    /// Volumetric perfusion rate omega_b [1/s] (blood volume per tissue volume per second).
    public var perfusionRate: Double { perfusionMlMinKg * density * 1e-6 / 60 }
    /// Volumetric heat capacity rho c [J/(m^3 K)].
    public var heatCapacity: Double { density * specificHeat }

    /// Checks every value is physical; `context` names where the tissue came from.
    public func validate(context: String) throws {
        let checks: [(String, Double, Bool)] = [
            ("density", density, density > 0),
            ("specific_heat", specificHeat, specificHeat > 0),
            ("conductivity", thermalConductivity, thermalConductivity > 0),
            ("perfusion_ml_min_kg", perfusionMlMinKg, perfusionMlMinKg >= 0),
            ("sigma_500kHz", sigmaRF, sigmaRF >= 0),
            ("metabolic_heat", metabolicHeat, true),
            ("arrhenius_A", arrheniusA, arrheniusA > 0),
            ("arrhenius_Ea", arrheniusEa, arrheniusEa > 0),
        ]
        for (key, value, ok) in checks where !(value.isFinite && ok) {
            let rule = key == "perfusion_ml_min_kg" || key == "sigma_500kHz" ? "finite and >= 0" : key == "metabolic_heat" ? "finite" : "finite and > 0"
            throw CoreError("\(context): tissue '\(name)' has \(key) = \(value); it must be \(rule)")
        }
    }
}

/// Arrhenius damage parameters (Henriques & Moritz 1947).
public struct DamageModel: Equatable, Sendable {
    public var frequencyFactor: Double
    public var activationEnergy: Double

    /// Ea = R T43^2 ln 2 = 5.76e5 J/mol, A = 1e91 1/s: Omega = 1 at about 240 CEM43
    /// (../shared/data/damage-and-thresholds.md, after Sapareto & Dewey 1984).
    public static let sapareteDeweyEquivalent = DamageModel(frequencyFactor: 1.0e91, activationEnergy: 5.76e5)
    /// Liver, COMSOL bioheat library: A = 7.39e39 1/s, Ea = 2.577e5 J/mol.
    public static let liver = DamageModel(frequencyFactor: 7.39e39, activationEnergy: 2.577e5)
    /// Fat: A = 4.43e16 1/s, Ea = 1.3e5 J/mol.
    public static let fat = DamageModel(frequencyFactor: 4.43e16, activationEnergy: 1.3e5)
}

/// Blood as the perfusate (IT'IS "Blood"): rho_b = 1050 kg/m^3, c_b = 3617 J/(kg K),
/// arterial temperature 37 C (../shared/data/tissue-properties.csv).
public enum Blood {
    public static let density = 1050.0
    public static let specificHeat = 3617.0
    public static let arterialTemperature = 37.0
}
