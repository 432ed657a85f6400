import Foundation
import AblasimCore
import AblasimPhysics

/// The scenario parameters, each declared once (see `ScenarioParameter`). Defaults live in
/// the `Scenario` structs' initial values, with their sources; the entries read them.
extension Scenario {
    /// Every scenario parameter: the general and bench keys, each modality's own (from
    /// `ModalityRegistry`, in its order) and the safety keys.
    public static var registry: [ScenarioParameter] { table.entries }

    /// The entry for `key`, nil for unknown keys (`tissue.*` keys have their own table).
    public static func parameter(_ key: String) -> ScenarioParameter? { table.byKey[key] }

    /// The registry, rebuilt only when the set of modalities changes.
    private static var table: (entries: [ScenarioParameter], byKey: [String: ScenarioParameter]) {
        let generation = ModalityRegistry.generation
        return cachedTable.withLock { cache in
            if let c = cache, c.generation == generation { return (c.entries, c.byKey) }
            let entries = general + bench + ModalityRegistry.all.flatMap(\.parameters) + safety
            let byKey = Dictionary(entries.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
            cache = (generation, entries, byKey)
            return (entries, byKey)
        }
    }
    private static let cachedTable = Locked<(generation: Int, entries: [ScenarioParameter], byKey: [String: ScenarioParameter])?>(nil)

    // MARK: - entry builders

    typealias P = ScenarioParameter
    static func number(_ key: String, _ range: ClosedRange<Double>, _ unit: String, _ path: WritableKeyPath<Scenario, Double>,
                               doc: String, source: String, applies: @escaping @Sendable (Scenario) -> Bool = { _ in true }) -> P {
        P(key, .number(range, unit: unit), doc: doc, source: source, applies: applies,
          load: { .number($0[keyPath: path]) }, store: { s, v, _ in s[keyPath: path] = v.double! })
    }
    static func flag(_ key: String, _ path: WritableKeyPath<Scenario, Bool>, doc: String, source: String,
                             applies: @escaping @Sendable (Scenario) -> Bool = { _ in true }) -> P {
        P(key, .flag, doc: doc, source: source, applies: applies, load: { .flag($0[keyPath: path]) }, store: { s, v, _ in s[keyPath: path] = v.bool! })
    }
    static func choice<E: RawRepresentable & CaseIterable & Sendable>(_ key: String, _ path: WritableKeyPath<Scenario, E>, doc: String, source: String,
                                                                         applies: @escaping @Sendable (Scenario) -> Bool = { _ in true }) -> P where E.RawValue == String {
        P(key, .choice(E.allCases.map(\.rawValue)), doc: doc, source: source, applies: applies,
          load: { .text($0[keyPath: path].rawValue) }, store: { s, v, _ in s[keyPath: path] = E(rawValue: v.string!)! })
    }

    // MARK: - the entries

    /// Built on each registry rebuild: the `modality` key's choices are the registered modalities.
    private static var general: [P] { [
        P("phantom", .text(format: "the path of a .vox phantom"), doc: "Phantom file (relative to the working directory).",
          source: "none: given per run", load: { $0.phantom.map(ScenarioValue.text) ?? .none }, store: { s, v, _ in s.phantom = v.string }),
        P("modality", .choice(ModalityRegistry.all.map(\.name.rawValue)), doc: "Ablation modality.", source: "RF: the usual spinal modality (calibration-targets.md)",
          load: { .text($0.modality.rawValue) }, store: { s, v, _ in s.modality = ModalityName(rawValue: v.string!) }),
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
    ] }

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

    private static let safety: [P] = [
        flag("interlock.enabled", \.interlock.enabled, doc: "Generator interlock on the cord and root thermocouples.",
             source: "on: the clinical practice of canal thermometry (Nakatsuka 2009)"),
        number("interlock.threshold_c", 38...100, "C", \.interlock.thresholdC, doc: "Interlock cut-off at a protected thermocouple.",
               source: "45 C: Nakatsuka 2009 (damage-and-thresholds.md)", applies: { $0.interlock.enabled }),
        number("interlock.cold_threshold_c", -100...37, "C", \.interlock.coldThresholdC,
               doc: "Cold cut-off at a protected thermocouple: freezing stops (cryoprobes go passive); below body temperature, so always below interlock.threshold_c.",
               source: "10 C: lower end of the 10-45 C juxtaneural band of thermoprotection (Sag & Husain, Semin Intervent Radiol 2022;39:157)",
               applies: { $0.interlock.enabled }),
        choice("interlock.mode", \.interlock.mode, doc: "Interlock action: cut the power, throttle it, or cut it when a site's forecast (T + dT/dt tau) reaches a limit.",
               source: "cut: what the clinical series did (Nakatsuka 2009)", applies: { $0.interlock.enabled }),
        number("interlock.forecast_horizon_s", 1...600, "s", \.interlock.forecastHorizonS,
               doc: "Longest look-ahead of the predictive interlock's forecast (the site's own switch-on response is read up to this long).",
               source: "120 s: assumed; the conduction delay r^2/(6 kappa) to a site 10 mm from the heated zone (ThermocoupleForecast)",
               applies: { $0.interlock.enabled && $0.interlock.mode == .predictive }),
        number("interlock.forecast_margin_c", 0...10, "C", \.interlock.forecastMarginC,
               doc: "The predictive interlock cuts when a forecast comes this close to either limit.",
               source: "0.5 C: tolerance of a class 1 type T thermocouple (IEC 60584-1)",
               applies: { $0.interlock.enabled && $0.interlock.mode == .predictive }),
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
