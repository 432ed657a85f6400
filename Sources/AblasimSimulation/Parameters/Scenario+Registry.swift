import Foundation
import AblasimCore
import AblasimPhysics

/// The scenario parameters, each declared once (see `ScenarioParameter`). Defaults live in
/// the `Scenario` structs' initial values, with their sources; the entries read them.
extension Scenario {
    public static let registry: [ScenarioParameter] = general + bench + rfParameters + microwaveParameters
        + laserParameters + cryoParameters + safety

    /// The entry for `key`, nil for unknown keys (`tissue.*` keys have their own table).
    public static func parameter(_ key: String) -> ScenarioParameter? { registryByKey[key] }
    private static let registryByKey = Dictionary(uniqueKeysWithValues: registry.map { ($0.key, $0) })

    // MARK: - entry builders

    private typealias P = ScenarioParameter
    private static func number(_ key: String, _ range: ClosedRange<Double>, _ unit: String, _ path: WritableKeyPath<Scenario, Double>,
                               doc: String, source: String, applies: @escaping @Sendable (Scenario) -> Bool = { _ in true }) -> P {
        P(key, .number(range, unit: unit), doc: doc, source: source, applies: applies,
          load: { .number($0[keyPath: path]) }, store: { s, v, _ in s[keyPath: path] = v.double! })
    }
    private static func flag(_ key: String, _ path: WritableKeyPath<Scenario, Bool>, doc: String, source: String,
                             applies: @escaping @Sendable (Scenario) -> Bool = { _ in true }) -> P {
        P(key, .flag, doc: doc, source: source, applies: applies, load: { .flag($0[keyPath: path]) }, store: { s, v, _ in s[keyPath: path] = v.bool! })
    }
    private static func choice<E: RawRepresentable & CaseIterable & Sendable>(_ key: String, _ path: WritableKeyPath<Scenario, E>, doc: String, source: String,
                                                                         applies: @escaping @Sendable (Scenario) -> Bool = { _ in true }) -> P where E.RawValue == String {
        P(key, .choice(E.allCases.map(\.rawValue)), doc: doc, source: source, applies: applies,
          load: { .text($0[keyPath: path].rawValue) }, store: { s, v, _ in s[keyPath: path] = E(rawValue: v.string!)! })
    }

    // MARK: - when a parameter applies

    private static let isRF: @Sendable (Scenario) -> Bool = { $0.modality == .rf }
    /// Pedicle placement is used when no explicit trajectories are given, by RF and by
    /// single-applicator modalities (cryo with one probe).
    private static let usesPedicles: @Sendable (Scenario) -> Bool = { s in
        s.trajectories.isEmpty && (s.modality != .cryo || s.cryo.probes == 1)
    }

    // MARK: - the entries

    private static let general: [P] = [
        P("phantom", .text(format: "the path of a .vox phantom"), doc: "Phantom file (relative to the working directory).",
          source: "none: given per run", load: { $0.phantom.map(ScenarioValue.text) ?? .none }, store: { s, v, _ in s.phantom = v.string }),
        choice("modality", \.modality, doc: "Ablation modality.", source: "RF: the usual spinal modality (calibration-targets.md)"),
        P("duration_s", .number(1...86_400, unit: "s"), doc: "Simulated time; a cryo run lasts its protocol unless this is given.",
          source: "6 min: a typical cooled bipolar spine protocol",
          load: { .number($0.durationS) }, store: { s, v, _ in s.durationS = v.double!; s.durationIsExplicit = true }),
        number("record_interval_s", 0.01...600, "s", \.recordIntervalS, doc: "Interval between recorded samples (thermocouples.csv, generator.csv).",
               source: "1 s: resolves the generator's control loop and thermocouple rises"),
        P("threads", .integer(1...256), doc: "Worker threads (results are identical for any count).", source: "all cores",
          load: { $0.threads.map(ScenarioValue.integer) ?? .none }, store: { s, v, _ in s.threads = v.int }),
        P("thermocouples", .text(format: "NAME@x,y,z[:cord|root|other] items separated by ';' (mm, world RAS)"),
          doc: "Extra thermocouples besides the phantom's sites.", source: "none",
          applies: { !$0.thermocouples.isEmpty },
          load: { s in .text(s.thermocouples.map { "\($0.name)@\($0.positionMM.x),\($0.positionMM.y),\($0.positionMM.z):\($0.structure)" }.joined(separator: ";")) },
          store: { s, v, context in
              var list: [ThermocoupleSpec] = []
              for item in v.string!.split(separator: ";") where !item.trimmingCharacters(in: .whitespaces).isEmpty {
                  list.append(try Scenario.parseThermocouple(String(item), context: context))
              }
              s.thermocouples = list
          }),
        P("trajectories", .text(format: "NAME@ex,ey,ez->tx,ty,tz items separated by ';' (entry then tip, mm, world RAS; at most 4)"),
          doc: "Applicator paths given explicitly instead of the pedicle axes.", source: "none: the phantom's pedicle axes",
          applies: { !$0.trajectories.isEmpty },
          load: { .text($0.trajectories.map(\.text).joined(separator: ";")) },
          store: { s, v, context in s.trajectories = try Scenario.parseTrajectories(v.string!, context: context) }),
        flag("allow_unused_overrides", \.allowUnusedOverrides,
             doc: "Accept tissue overrides naming tissues the phantom does not contain (otherwise an error).",
             source: "off: an override that changes nothing is almost always a typo",
             applies: { !$0.tissueOverrides.isEmpty }),
    ]

    /// Bench conditions: ex vivo blocks, water baths, cadaver specimens.
    private static let bench: [P] = [
        number("initial_temp_c", -40...95, "C", \.initialTempC, doc: "Tissue temperature at t = 0 (ex vivo tissue: the room or bath temperature).",
               source: "37 C: body temperature (tissue-properties.csv, blood)"),
        number("arterial_temp_c", 0...45, "C", \.arterialTempC, doc: "Arterial blood temperature of the Pennes perfusion term.",
               source: "37 C (tissue-properties.csv, blood)"),
        choice("boundary.condition", \.boundary.condition,
               doc: "Outer faces of the phantom: held at boundary.temp_c one voxel beyond the grid (a cut through the body), convective to a bath, or insulated.",
               source: "held: the phantom edge is a cut through the body tens of mm from the probes (OuterBoundary.heldBeyondGrid)"),
        number("boundary.temp_c", -40...95, "C", \.boundary.temperatureC, doc: "Held or ambient (bath) temperature of the outer boundary.",
               source: "37 C: body core", applies: { $0.boundary.condition != .insulated }),
        number("boundary.film_coefficient_w_m2k", 1...100_000, "W/(m^2 K)", \.boundary.filmCoefficient,
               doc: "Film coefficient to the bath of a convective boundary.",
               source: "500 W/(m^2 K): mid-range of free convection in liquids, 50-1000 (Incropera & DeWitt, Fundamentals of Heat and Mass Transfer, Table 1.1)",
               applies: { $0.boundary.condition == .convective }),
    ]

    private static let rfParameters: [P] = [
        choice("rf.mode", \.rf.mode, doc: "Bipolar (two electrodes on one shaft) or monopolar (grounding pad at the domain boundary).",
               source: "bipolar: the usual spine RF probes (calibration-targets.md)", applies: isRF),
        choice("rf.placement", \.rf.placement, doc: "Pedicles used: both (bipedicular) or one.",
               source: "bipedicular: coalescent zones from both sides (docs/rf-coalescence.md)", applies: usesPedicles),
        flag("rf.sequential", \.rf.sequential, doc: "Run the channels one after another instead of simultaneously.",
             source: "off: simultaneous bipedicular ablation coalesces (docs/rf-coalescence.md)",
             applies: { $0.modality == .rf && ($0.trajectories.count > 1 || ($0.trajectories.isEmpty && $0.rf.placement == .bipedicular)) }),
        P("rf.probe", .text(format: "a probe preset name (docs/rf.md)"), doc: "Probe preset.",
          source: "cooled-bipolar-15 (bipolar), monopolar-17g-10mm (monopolar): RunSetup presets",
          applies: isRF, load: { s in .text(s.rf.probe ?? (s.rf.mode == .bipolar ? RunSetup.defaultBipolarPreset : RunSetup.defaultMonopolarPreset)) },
          store: { s, v, _ in s.rf.probe = v.string }),
        choice("rf.generator", \.rf.generator, doc: "Generator mode: temperature-controlled, constant power or a power ramp.",
               source: "temperature control: cooled bipolar spine generators (calibration-targets.md)", applies: isRF),
        number("rf.power_w", 0.1...250, "W", \.rf.powerW, doc: "Power ceiling (temperature mode) or set power (power mode, ramp ceiling).",
               source: "20 W: assumed, the order of cooled bipolar spine generators' output (no chart verified, calibration-targets.md)", applies: isRF),
        number("rf.target_temp_c", 40...105, "C", \.rf.targetTempC, doc: "Set temperature of the probe thermocouple in temperature mode.",
               source: "70 C: the usual set point of cooled bipolar spine systems (calibration-targets.md)",
               applies: { $0.modality == .rf && $0.rf.generator == .temperature }),
        P("rf.drift_tolerance", .number(1e-4...0.5, unit: "(relative conductance drift)"), doc: "Conductance drift that triggers a potential re-solve.",
          source: "RFOptions default (docs/rf.md)", applies: isRF,
          load: { .number($0.rf.driftTolerance ?? RFOptions().driftTolerance) }, store: { s, v, _ in s.rf.driftTolerance = v.double }),
        P("rf.drift_check_s", .number(0...60, unit: "s"), doc: "Interval between conductance drift checks.",
          source: "RFOptions default (docs/rf.md)", applies: isRF,
          load: { .number($0.rf.driftCheckS ?? RFOptions().driftCheckInterval) }, store: { s, v, _ in s.rf.driftCheckS = v.double }),
        P("rf.box_margin_mm", .number(0...200, unit: "mm"), doc: "Solve the potential on a box this far around the probes instead of the whole grid.",
          source: "RFOptions default (docs/rf.md)", applies: { $0.modality == .rf && $0.rf.boxMarginMM != nil },
          load: { $0.rf.boxMarginMM.map(ScenarioValue.number) ?? .none }, store: { s, v, _ in s.rf.boxMarginMM = v.double }),
    ]

    private static let microwaveParameters: [P] = [
        number("microwave.power_w", 1...200, "W", \.microwave.powerW, doc: "Absorbed antenna power.",
               source: "60 W: a common setting of cooled 2.45 GHz antennas (docs/microwave.md)", applies: { $0.modality == .microwave }),
        P("microwave.frequency_mhz", .number(915...2450, unit: "MHz: 915 or 2450"), doc: "Frequency: the ISM bands of interstitial antennas.",
          source: "2450 MHz: most current systems (docs/microwave.md)", applies: { $0.modality == .microwave },
          load: { .number($0.microwave.frequencyMHz) },
          store: { s, v, context in
              guard v.double == 915 || v.double == 2450 else {
                  throw SimulationError.invalidInput("\(context): microwave.frequency_mhz = \(v.text) is not valid; expected 915 or 2450 (MHz): the ISM frequencies of interstitial antennas")
              }
              s.microwave.frequencyMHz = v.double!
          }),
        flag("microwave.water_loss", \.microwave.waterLoss, doc: "Temperature-dependent dielectric properties (water loss near 100 C).",
             source: "off (docs/microwave.md: its parameters are assumed, Ji & Brace 2011 form)", applies: { $0.modality == .microwave }),
        flag("microwave.vaporization", \.microwave.vaporization, doc: "Tissue water boils at 100 C: latent heat sink until the water is gone.",
             source: "on: 100 C, 2257 kJ/kg (saturated water, Incropera & DeWitt Table A.6); Abraham & Sparrow 2007 model (docs/laser.md)",
             applies: { $0.modality == .microwave }),
    ]

    private static let laserParameters: [P] = [
        number("laser.power_w", 0.1...30, "W", \.laser.powerW, doc: "Laser power at the fibre tip.",
               source: "3 W: the 2-4 W of osteoid-osteoma photocoagulation (Gangi 1997)", applies: { $0.modality == .laser }),
        number("laser.wavelength_nm", 805...1064, "nm", \.laser.wavelengthNm, doc: "Wavelength.",
               source: "980 nm diode (docs/laser.md)", applies: { $0.modality == .laser }),
        P("laser.energy_j", .number(1...100_000, unit: "J", optional: true), doc: "Stop the laser when this energy is delivered (reported as an event); none: emit for duration_s. A duration_s too short to deliver it at laser.power_w is an input error.",
          source: "1000 J: top of the 400-1000 J of Gangi 1997", applies: { $0.modality == .laser },
          load: { $0.laser.energyJ.map(ScenarioValue.number) ?? .none }, store: { s, v, _ in s.laser.energyJ = v.double }),
        choice("laser.fibre", \.laser.fibre, doc: "Fibre tip: bare (flat-cleaved), precharred (carbonized before use: char at the tip from the start) or a cylindrical diffuser.",
               source: "bare: the 400 um bare fibre of Gangi 1997 (docs/laser.md)", applies: { $0.modality == .laser }),
        number("laser.diffuser_length_mm", 1...50, "mm", \.laser.diffuserLengthMM, doc: "Emitting length of a diffuser, back from the tip.",
               source: "20 mm: the 2 cm diffusers of validation-set.md 5.3 and 5.4", applies: { $0.modality == .laser && $0.laser.fibre == .diffuser }),
        flag("laser.charring", \.laser.charring, doc: "Tissue above 150 C carbonizes and absorbs 10x more (irreversible); always on for a precharred fibre.",
             source: "on: carbonization above 150 C (Niemz, Laser-Tissue Interactions, Table 3.5); factor 10 an estimate (docs/laser.md)",
             applies: { $0.modality == .laser }),
        flag("laser.vaporization", \.laser.vaporization, doc: "Tissue water boils at 100 C: latent heat sink until the water is gone.",
             source: "on: 100 C, 2257 kJ/kg (saturated water, Incropera & DeWitt Table A.6); Abraham & Sparrow 2007 model (docs/laser.md)",
             applies: { $0.modality == .laser }),
    ]

    private static let cryoParameters: [P] = [
        P("cryo.probes", .integer(1...4), doc: "Number of cryoprobes along the pedicle axes (explicit trajectories set it otherwise).",
          source: "2: one per pedicle", applies: { $0.modality == .cryo && $0.trajectories.isEmpty },
          load: { .integer($0.cryo.probes) }, store: { s, v, _ in s.cryo.probes = v.int! }),
        P("cryo.protocol_min", .numbers(0...120, unit: "min"), doc: "Alternating freeze, thaw, freeze, ... phase lengths; at least one > 0.",
          source: "10-8-10 min: a double-freeze protocol (docs/cryo.md)", applies: { $0.modality == .cryo },
          load: { .numbers($0.cryo.protocolMin) },
          store: { s, v, context in
              let phases = v.list!
              guard phases.contains(where: { $0 > 0 }) else {
                  throw SimulationError.invalidInput("\(context): cryo.protocol_min = '\(v.text)' has no phase longer than 0 min; e.g. 10,8,10")
              }
              let total = phases.reduce(0, +)
              guard total <= 24 * 60 else {
                  throw SimulationError.invalidInput("\(context): cryo.protocol_min = '\(v.text)' lasts \(total) min; a protocol may last at most 1440 min (24 h, the duration_s limit)")
              }
              s.cryo.protocolMin = phases
          }),
        number("cryo.super_step_s", 0...600, "s (0: plain explicit steps)", \.cryo.superStepS,
               doc: "RKL1 super-step of the phase-change solver.", source: "10 s: converged within 0.3 % of 5 and 1 s (docs/cryo.md)",
               applies: { $0.modality == .cryo }),
    ]

    private static let safety: [P] = [
        flag("interlock.enabled", \.interlock.enabled, doc: "Generator interlock on the cord and root thermocouples.",
             source: "on: the clinical practice of canal thermometry (Nakatsuka 2009)"),
        number("interlock.threshold_c", 38...100, "C", \.interlock.thresholdC, doc: "Interlock cut-off at a protected thermocouple.",
               source: "45 C: Nakatsuka 2009 (damage-and-thresholds.md)", applies: { $0.interlock.enabled }),
        choice("interlock.mode", \.interlock.mode, doc: "Interlock action: cut the power or throttle it.",
               source: "cut: what the clinical series did (Nakatsuka 2009)", applies: { $0.interlock.enabled }),
        choice("thermoprotection.epidural", \.epiduralDissection, doc: "Epidural thermoprotection: CO2 or 5 % dextrose dissection, or circulating saline.",
               source: "none"),
        number("thermoprotection.saline_temp_c", 1...45, "C", \.salineTempC, doc: "Temperature of circulating epidural saline.",
               source: "37 C: body temperature; lower against heat, higher against cold", applies: { $0.epiduralDissection == .saline }),
        P("thresholds.heat_c", .numbers(-273...1000, unit: "C"), doc: "Heat flag temperatures, strictly increasing.",
          source: "42/45/60/80 C (SafetyThresholds: Shanthanna 2014, Nakatsuka 2009, coagulation band)",
          load: { .numbers($0.thresholds.heatC) }, store: { s, v, c in try s.thresholds.set("thresholds.heat_c", to: v.text, context: c) }),
        P("thresholds.cold_c", .numbers(-273...1000, unit: "C"), doc: "Cold flag temperatures, strictly decreasing.",
          source: "10/0/-20 C (SafetyThresholds: conduction block, ice edge, Hsu 2014)",
          load: { .numbers($0.thresholds.coldC) }, store: { s, v, c in try s.thresholds.set("thresholds.cold_c", to: v.text, context: c) }),
        number("thresholds.cord_cem43_min", 1e-6...1e6, "min", \.thresholds.cordCEM43Min, doc: "CEM43 flag limit at cord thermocouples.",
               source: "10 min: lower end of Sminia 1987's symptom-free range (SafetyThresholds)"),
        number("thresholds.root_cem43_min", 1e-6...1e6, "min", \.thresholds.rootCEM43Min, doc: "CEM43 flag limit at root thermocouples.",
               source: "48 min: Wondergem 1988 (SafetyThresholds)"),
        number("thresholds.cord_omega", 1e-9...1e3, "", \.thresholds.cordOmega, doc: "Arrhenius Omega flag limit at cord thermocouples.",
               source: "10/240: the cord CEM43 limit in the Sapareto-Dewey-equivalent model"),
        number("thresholds.root_omega", 1e-9...1e3, "", \.thresholds.rootOmega, doc: "Arrhenius Omega flag limit at root thermocouples.",
               source: "48/240: the root CEM43 limit in the Sapareto-Dewey-equivalent model"),
    ]
}
