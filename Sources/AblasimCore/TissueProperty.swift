/// The tissue properties a scenario may override (`tissue.<name>.<key>`), each declared
/// once: key, unit, physical range, meaning and the field it sets. The ranges bound what
/// any tissue, gel or fluid of an ablation experiment can have; they keep a typo (or a
/// hostile file) from producing a model whose stable time step is nanoseconds.
public struct TissueProperty: Sendable {
    public let key: String
    public let unit: String
    public let range: ClosedRange<Double>
    public let doc: String
    public let field: WritableKeyPath<Tissue, Double> & Sendable

    public static let all: [TissueProperty] = [
        // Gases (CO2 1.8) to dense cortical bone and cement (1900-2100 kg/m^3), IT'IS database.
        TissueProperty(key: "density", unit: "kg/m^3", range: 0.5...5000, doc: "Mass density rho.", field: \.density),
        // Gases (~840) to water (4186 J/(kg K)), IT'IS database.
        TissueProperty(key: "specific_heat", unit: "J/(kg K)", range: 100...6000, doc: "Specific heat c.", field: \.specificHeat),
        // CO2 0.0166 to ice 2.2 W/(m K) and metals at the probe (steel ~16, not tissue): tissue values 0.2-0.6 (IT'IS).
        TissueProperty(key: "conductivity", unit: "W/(m K)", range: 0.001...50, doc: "Thermal conductivity k.", field: \.thermalConductivity),
        // Highest IT'IS heat transfer rates are thyroid and kidney, a few thousand ml/(min kg).
        TissueProperty(key: "perfusion_ml_min_kg", unit: "ml/(min kg)", range: 0...10_000, doc: "Perfusion (IT'IS heat transfer rate).", field: \.perfusionMlMinKg),
        // Gabriel 1996 at 500 kHz: fat 0.025 to CSF 2.0 S/m; 6 % NaCl saline ~10 S/m.
        TissueProperty(key: "sigma_500khz", unit: "S/m", range: 0...20, doc: "Electrical conductivity at 500 kHz (RF).", field: \.sigmaRF),
        TissueProperty(key: "eps_r_915mhz", unit: "1", range: 1...100, doc: "Relative permittivity at 915 MHz.", field: \.epsR915),
        TissueProperty(key: "sigma_915mhz", unit: "S/m", range: 0...20, doc: "Electrical conductivity at 915 MHz.", field: \.sigma915),
        TissueProperty(key: "eps_r_2450mhz", unit: "1", range: 1...100, doc: "Relative permittivity at 2.45 GHz.", field: \.epsR2450),
        TissueProperty(key: "sigma_2450mhz", unit: "S/m", range: 0...20, doc: "Electrical conductivity at 2.45 GHz.", field: \.sigma2450),
        TissueProperty(key: "water_fraction", unit: "1", range: 0...1, doc: "Water mass fraction (latent heat of freezing, optical absorption).", field: \.waterFraction),
        // Basal metabolism ~1e3 W/m^3; a generous bound well above any tissue's.
        TissueProperty(key: "metabolic_heat", unit: "W/m^3", range: 0...100_000, doc: "Metabolic heat Q_met.", field: \.metabolicHeat),
        // Published sets span 4.4e16 (fat) to 1e91 1/s (Sapareto-Dewey equivalent); damage-and-thresholds.md.
        TissueProperty(key: "arrhenius_a", unit: "1/s", range: 1...1e150, doc: "Arrhenius frequency factor A.", field: \.arrheniusA),
        TissueProperty(key: "arrhenius_ea", unit: "J/mol", range: 1e4...2e6, doc: "Arrhenius activation energy Ea.", field: \.arrheniusEa),
    ]

    public static func named(_ key: String) -> TissueProperty? { all.first { $0.key == key } }
}
