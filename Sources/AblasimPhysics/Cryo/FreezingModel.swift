import AblasimCore

/// How tissue freezes: the freezing range, the latent heat and the frozen properties, all
/// derived from each tissue's water fraction.
///
///   L   = rho w L_water                                   volumetric latent heat [J/m^3]
///   k_f = k_u + w (k_ice - k_water)                       frozen conductivity [W/(m K)]
///   c_f = c_u - w (c_water - c_ice)                       frozen specific heat [J/(kg K)]
///
/// w water mass fraction (tissue table `waterFraction`), k_u, c_u the unfrozen values: the
/// tissue's water is replaced by ice in a linear mixture (an estimate; frozen soft tissue
/// in the literature is near 1.5-2 W/(m K) and 1.8-2 MJ/(m^3 K), e.g. Rabin & Shitzer 1998,
/// J. Biomech. Eng. 120:32). Frozen tissue is not perfused (microvascular stasis): the
/// perfusion term is scaled by the unfrozen fraction 1 - phi(T).
public struct FreezingModel: Equatable, Sendable {
    /// Solidus: below it the tissue is fully frozen [C]. -8 C (Rabin & Shitzer 1998).
    public var solidus = -8.0
    /// Liquidus: the tissue starts to freeze below it [C]. -1 C (Rabin & Shitzer 1998).
    public var liquidus = -1.0
    /// Latent heat of fusion of water, 333.55 kJ/kg (CRC Handbook of Chemistry and Physics; IAPWS).
    public var latentHeatOfWater = 333.55e3
    /// Thermal conductivity of ice at 0 C, 2.22 W/(m K) (CRC Handbook, thermal conductivity of ice).
    public var iceConductivity = 2.22
    /// Thermal conductivity of liquid water at 37 C, 0.63 W/(m K) (IAPWS 2011 formulation).
    public var waterConductivity = 0.63
    /// Specific heat of ice near -10 C, 2.05 kJ/(kg K) (CRC Handbook; 2.11 at 0 C, 1.96 at -20 C).
    public var iceSpecificHeat = 2050.0
    /// Specific heat of liquid water at 37 C, 4178 J/(kg K) (IAPWS-95).
    public var waterSpecificHeat = 4178.0

    public init() {}
    public static let standard = FreezingModel()

    /// Frozen properties of `tissue`: conductivity [W/(m K)], volumetric heat capacity
    /// [J/(m^3 K)] and volumetric latent heat [J/m^3].
    public func frozen(_ tissue: Tissue) -> (conductivity: Double, heatCapacity: Double, latentHeat: Double) {
        let w = min(max(tissue.waterFraction, 0), 1)
        let k = max(tissue.thermalConductivity + w * (iceConductivity - waterConductivity), 0.05 * tissue.thermalConductivity)
        let c = max(tissue.specificHeat - w * (waterSpecificHeat - iceSpecificHeat), 0.1 * tissue.specificHeat)
        return (k, tissue.density * c, tissue.density * w * latentHeatOfWater)
    }

    func validate() throws {
        guard solidus.isFinite, liquidus.isFinite, solidus < liquidus, liquidus <= 0, solidus > -60 else {
            throw PhysicsError.invalidInput("freezing range [\(solidus), \(liquidus)] C is not valid; need -60 < solidus < liquidus <= 0 C")
        }
        for (what, v) in [("latent heat", latentHeatOfWater), ("ice conductivity", iceConductivity), ("water conductivity", waterConductivity),
                          ("ice specific heat", iceSpecificHeat), ("water specific heat", waterSpecificHeat)] where !(v.isFinite && v > 0) {
            throw PhysicsError.invalidInput("freezing model \(what) = \(v) must be finite and > 0")
        }
    }
}
