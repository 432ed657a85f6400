/// Probe families used for spinal RF ablation, with the assumptions behind each.
///
/// No manufacturer's drawing was available (../shared/data/calibration-targets.md: "exact
/// zone-size charts were not verified here: state your assumptions"), so every preset is
/// a documented generic design, not a copy of a product:
///
/// - `cooled-bipolar-10|15|20`: internally cooled bipolar probe with temperature control,
///   the family of commercial spine systems described in calibration-targets.md
///   (temperature-controlled around 70 C at the probe thermocouple). Assumed: 17 G shaft,
///   OD 1.473 mm (needle gauge table, ISO 9626); active length L = 10/15/20 mm split into a
///   distal active electrode 0.4 L, an insulating gap 0.2 L and a proximal return electrode
///   0.4 L; coolant 20 C (room-temperature water, assumed); film coefficient 3000 W/(m^2 K)
///   (assumed, order of the values used for internally cooled RF electrodes, e.g. the
///   cooled-electrode models of Haemmerich et al. 2003, IEEE TBME 50:493); control
///   thermocouple at the tip.
/// - `articulating-bipolar`: navigational bipolar electrode with thermocouples along the
///   shaft that monitor the edge of the zone (calibration-targets.md). Modelled straight
///   (the articulated tip is placed by the caller's tip point). Assumed: 2.0 mm shaft,
///   radius 1.0 mm; distal active electrode 5 mm, gap 3 mm, return electrode 5 mm; not
///   cooled; control thermocouple at the tip; zone-edge thermocouples on the shaft surface at
///   10, 15 and 20 mm from the centre of the gap (the zone centre).
/// - `monopolar-<G>g-<L>mm`: conventional uncooled monopolar cannula (osteoid osteoma
///   technique: 17 G electrode, 90 C, calibration-targets.md), gauges 16/17/18/20/22 G
///   (OD 1.651, 1.473, 1.270, 0.908, 0.718 mm: the nominal needle ODs, each inside its
///   ISO 9626 range, e.g. 16 G 1.600-1.690 mm, 22 G 0.698-0.730 mm) and exposed tips of 5, 7,
///   10 and 15 mm (Goldberg 1995 tested 0.5-8 cm, validation-set.md 1.3); current returns
///   through the grounding pad. The generator's thermocouple sits inside the tip
///   (`tip`, in the steel: it reads the metal, with a 0.2 s response time, assumed for
///   a junction potted in a needle tip; no manufacturer value was available); a second one
///   at mid-tip (`mid-tip`) is read-only, for studies of where the control junction sits.
public enum ProbePreset {
    /// Outer diameters of needle gauges [m] (ISO 9626 nominal values).
    static let gaugeDiameter: [Int: Double] = [16: 1.651e-3, 17: 1.473e-3, 18: 1.270e-3, 20: 0.908e-3, 22: 0.718e-3]
    /// Exposed tip lengths of the monopolar presets [mm].
    static let monopolarTips = [5, 7, 10, 15]
    /// Assumed response time of a thermocouple junction in a needle tip [s] (see above).
    static let tipThermocoupleLag = 0.2
    /// Assumed coolant temperature [C] and film coefficient [W/(m^2 K)] (see above).
    static let coolant = ProbeCooling(coolantTemperature: 20, filmCoefficient: 3000)

    /// Names of every preset.
    public static var names: [String] {
        var n = ["cooled-bipolar-10", "cooled-bipolar-15", "cooled-bipolar-20", "articulating-bipolar"]
        for g in gaugeDiameter.keys.sorted() { for l in monopolarTips { n.append("monopolar-\(g)g-\(l)mm") } }
        return n
    }

    /// The probe called `preset`, placed from `entry` to `tip` (world metres).
    public static func probe(_ preset: String, name: String, entry: SIMD3<Double>, tip: SIMD3<Double>) throws -> Probe {
        let mm = 1e-3
        if preset.hasPrefix("cooled-bipolar-"), let l = Int(preset.dropFirst("cooled-bipolar-".count)), [10, 15, 20].contains(l) {
            let active = Double(l) * mm
            return Probe(name: name, entry: entry, tip: tip, radius: gaugeDiameter[17]! / 2,
                         segments: [.electrode(.active, length: 0.4 * active), .insulation(length: 0.2 * active),
                                    .electrode(.returning, length: 0.4 * active)],
                         cooling: coolant,
                         // The junction sits in the tissue at the tip surface, outside the
                         // cooled lumen (it reads tissue, not the coolant-held metal).
                         thermocouples: [ProbeThermocouple(name: "tip", distanceFromTip: 0, radialOffset: gaugeDiameter[17]! / 2)],
                         controlThermocouple: 0, preset: preset)
        }
        if preset == "articulating-bipolar" {
            let centre = 6.5 * mm  // middle of the 3 mm gap behind the 5 mm distal electrode
            return Probe(name: name, entry: entry, tip: tip, radius: 1.0 * mm,
                         segments: [.electrode(.active, length: 5 * mm), .insulation(length: 3 * mm),
                                    .electrode(.returning, length: 5 * mm)],
                         thermocouples: [ProbeThermocouple(name: "tip", distanceFromTip: 0)]
                            + [10, 15, 20].map { ProbeThermocouple(name: "tc-\($0)mm", distanceFromTip: centre + Double($0) * mm) },
                         controlThermocouple: 0, preset: preset)
        }
        if preset.hasPrefix("monopolar-") {
            let parts = preset.dropFirst("monopolar-".count).split(separator: "-")
            if parts.count == 2, parts[0].hasSuffix("g"), parts[1].hasSuffix("mm"),
               let g = Int(parts[0].dropLast()), let l = Int(parts[1].dropLast(2)),
               let d = gaugeDiameter[g], monopolarTips.contains(l) {
                return Probe(name: name, entry: entry, tip: tip, radius: d / 2,
                             segments: [.electrode(.active, length: Double(l) * mm)],
                             thermocouples: [ProbeThermocouple(name: "tip", distanceFromTip: 0, timeConstant: tipThermocoupleLag),
                                             ProbeThermocouple(name: "mid-tip", distanceFromTip: Double(l) * mm / 2, timeConstant: tipThermocoupleLag)],
                             controlThermocouple: 0, preset: preset)
            }
        }
        throw PhysicsError.invalidInput("unknown probe preset '\(preset)'; known presets: \(names.joined(separator: ", "))")
    }
}
