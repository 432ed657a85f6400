import Foundation
import Yams
import AblasimPhysics

/// Everything that defines one run. One mechanism, `set(_:to:)` on dotted keys, serves the
/// YAML scenario file, the command-line options and the sweep axes, so the three can never
/// disagree about a name or a unit. Units at this surface: mm, s, W, C, MHz, nm, J.
public struct Scenario: Equatable, Sendable {
    public enum Modality: String, CaseIterable, Sendable { case rf, microwave, laser, cryo }
    public enum RFMode: String, CaseIterable, Sendable { case bipolar, monopolar }
    public enum Placement: String, CaseIterable, Sendable { case bipedicular, left, right }
    public enum GeneratorMode: String, CaseIterable, Sendable { case temperature, power, ramp }
    public enum InterlockMode: String, CaseIterable, Sendable { case cut, throttle }
    /// Epidural thermoprotection: CO2 or 5 % dextrose dissection, or circulating saline.
    public enum Dissection: String, CaseIterable, Sendable { case none, co2, dextrose, saline }

    public struct RF: Equatable, Sendable {
        public var mode: RFMode = .bipolar
        public var placement: Placement = .bipedicular
        /// Channels one after the other instead of simultaneously.
        public var sequential = false
        /// Probe preset name; nil picks the modality's default preset.
        public var probe: String?
        public var generator: GeneratorMode = .temperature
        /// Power ceiling (temperature mode) or set power [W]; nil takes the preset's value.
        public var powerW: Double?
        /// Set temperature of the probe thermocouple in temperature-controlled mode [C].
        /// 70 C: the usual set point of cooled bipolar spine systems (calibration-targets.md).
        public var targetTempC = 70.0
        /// Numerical options of the potential solve (nil: `RFOptions` defaults).
        public var driftTolerance: Double?
        public var driftCheckS: Double?
        public var boxMarginMM: Double?
    }
    public struct Microwave: Equatable, Sendable {
        public var powerW = 60.0
        public var frequencyMHz = 2450.0
        /// Temperature-dependent dielectric properties (water loss near 100 C, `MicrowaveWaterLoss`).
        public var waterLoss = false
    }
    public struct Laser: Equatable, Sendable {
        public var powerW = 3.0
        public var wavelengthNm = 980.0
        /// Stop when this much energy is delivered [J]; nil runs for `duration`.
        public var energyJ: Double? = 1000
    }
    public struct Cryo: Equatable, Sendable {
        public var probes = 2
        /// Freeze, thaw, freeze [min].
        public var protocolMin: [Double] = [10, 8, 10]
        /// RKL1 super-step of the phase-change solver [s]; 0: plain explicit steps (docs/cryo.md).
        public var superStepS: Double = CryoSettings.defaultSuperTimeStepping.superStep
    }
    public struct Interlock: Equatable, Sendable {
        public var enabled = true
        /// Cut-off at a protected thermocouple [C]: 45 C, Nakatsuka 2009 (damage-and-thresholds.md).
        public var thresholdC = 45.0
        public var mode: InterlockMode = .cut
    }
    /// A user thermocouple: name, position [mm, world RAS], protected structure.
    public struct ThermocoupleSpec: Equatable, Sendable {
        public var name: String
        public var positionMM: SIMD3<Double>
        public var structure: String
        public init(name: String, positionMM: SIMD3<Double>, structure: String) {
            self.name = name; self.positionMM = positionMM; self.structure = structure
        }
    }

    public var phantom: String?
    public var modality: Modality = .rf
    /// Simulated time [s]. 6 min is a typical cooled bipolar spine protocol length.
    public var durationS = 360.0
    /// True once `duration_s` was set (file, --set, --duration): a cryo run then lasts
    /// `durationS` instead of its protocol.
    public var durationIsExplicit = false
    /// Interval between recorded samples [s].
    public var recordIntervalS = 1.0
    public var threads: Int?
    public var rf = RF()
    public var microwave = Microwave()
    public var laser = Laser()
    public var cryo = Cryo()
    public var interlock = Interlock()
    public var epiduralDissection: Dissection = .none
    /// Temperature of circulating epidural saline [C]; body temperature by default, lower
    /// to protect against heat, higher against cold.
    public var salineTempC = 37.0
    public var thermocouples: [ThermocoupleSpec] = []
    /// Applicator trajectories given explicitly (`trajectories` key); empty: along the
    /// phantom's pedicle axes.
    public var trajectories: [Trajectory] = []
    /// Tissue property overrides: tissue name -> (property key -> value, file units).
    public var tissueOverrides: [String: [String: Double]] = [:]
    /// Heat, cold and dose thresholds of the neural safety monitor (`thresholds.*` keys).
    public var thresholds = SafetyThresholds()

    public init() {}

    /// Every key `set` accepts, for help texts and sweep validation.
    public static let keys: [String] = [
        "phantom", "modality", "duration_s", "record_interval_s", "threads",
        "rf.mode", "rf.placement", "rf.sequential", "rf.probe", "rf.generator", "rf.power_w", "rf.target_temp_c",
        "rf.drift_tolerance", "rf.drift_check_s", "rf.box_margin_mm",
        "microwave.power_w", "microwave.frequency_mhz", "microwave.water_loss",
        "laser.power_w", "laser.wavelength_nm", "laser.energy_j",
        "cryo.probes", "cryo.protocol_min", "cryo.super_step_s",
        "interlock.enabled", "interlock.threshold_c", "interlock.mode",
        "thermoprotection.epidural", "thermoprotection.saline_temp_c", "thermocouples", "trajectories",
        "tissue.<name>.<property>",
    ] + SafetyThresholds.keys
    /// Tissue properties `tissue.<name>.<property>` may set (file units).
    public static let tissueProperties = ["density", "specific_heat", "conductivity", "perfusion_ml_min_kg", "sigma_500khz"]

    /// Sets one parameter from its text form. `context` says where the value came from.
    public mutating func set(_ key: String, to raw: String, context: String = "option") throws {
        let value = raw.trimmingCharacters(in: .whitespaces)
        func bad(_ valid: String) -> SimulationError {
            .invalidInput("\(context): \(key) = '\(value)' is not valid; expected \(valid)")
        }
        func number(_ range: ClosedRange<Double>, _ unit: String) throws -> Double {
            guard let x = Double(value), x.isFinite, range.contains(x) else {
                throw bad("a number in [\(range.lowerBound), \(range.upperBound)] \(unit)")
            }
            return x
        }
        func choice<E: RawRepresentable & CaseIterable>(_: E.Type) throws -> E where E.RawValue == String {
            guard let e = E(rawValue: value.lowercased()) else {
                throw bad("one of " + E.allCases.map(\.rawValue).joined(separator: ", "))
            }
            return e
        }
        func flag() throws -> Bool {
            switch value.lowercased() {
            case "true", "yes", "on", "1": return true
            case "false", "no", "off", "0": return false
            default: throw bad("true or false")
            }
        }
        switch key {
        case "phantom": phantom = value
        case "modality": modality = try choice(Modality.self)
        case "duration_s": durationS = try number(1...86_400, "s"); durationIsExplicit = true
        case "record_interval_s": recordIntervalS = try number(0.01...600, "s")
        case "threads":
            guard let n = Int(value), (1...256).contains(n) else { throw bad("an integer thread count from 1 to 256") }
            threads = n
        case "rf.mode": rf.mode = try choice(RFMode.self)
        case "rf.placement": rf.placement = try choice(Placement.self)
        case "rf.sequential": rf.sequential = try flag()
        case "rf.probe": rf.probe = value
        case "rf.generator": rf.generator = try choice(GeneratorMode.self)
        case "rf.power_w": rf.powerW = try number(0.1...250, "W")
        case "rf.target_temp_c": rf.targetTempC = try number(40...105, "C")
        case "rf.drift_tolerance": rf.driftTolerance = try number(1e-4...0.5, "(relative conductance drift)")
        case "rf.drift_check_s": rf.driftCheckS = try number(0...60, "s")
        case "rf.box_margin_mm": rf.boxMarginMM = try number(0...200, "mm")
        case "microwave.power_w": microwave.powerW = try number(1...200, "W")
        case "microwave.frequency_mhz":
            let f = try number(1...10_000, "MHz")
            guard f == 915 || f == 2450 else { throw bad("915 or 2450 (MHz): the ISM frequencies of interstitial antennas") }
            microwave.frequencyMHz = f
        case "microwave.water_loss": microwave.waterLoss = try flag()
        case "laser.power_w": laser.powerW = try number(0.1...30, "W")
        case "laser.wavelength_nm": laser.wavelengthNm = try number(805...1064, "nm")
        case "laser.energy_j": laser.energyJ = value.lowercased() == "none" ? nil : try number(1...100_000, "J")
        case "cryo.probes":
            guard let n = Int(value), (1...4).contains(n) else { throw bad("1 to 4 probes") }
            cryo.probes = n
        case "cryo.protocol_min":
            let parts = value.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
            guard !parts.isEmpty, parts.allSatisfy({ $0 != nil && $0!.isFinite && $0! >= 0 }), parts.contains(where: { $0! > 0 }) else {
                throw bad("comma-separated phase lengths in minutes, none negative (freeze,thaw,freeze e.g. 10,8,10)")
            }
            cryo.protocolMin = parts.map { $0! }
        case "cryo.super_step_s": cryo.superStepS = try number(0...600, "s (0: plain explicit steps)")
        case "interlock.enabled": interlock.enabled = try flag()
        case "interlock.threshold_c": interlock.thresholdC = try number(38...100, "C")
        case "interlock.mode": interlock.mode = try choice(InterlockMode.self)
        case "thermoprotection.epidural": epiduralDissection = try choice(Dissection.self)
        case "thermoprotection.saline_temp_c": salineTempC = try number(1...45, "C")
        case "thermocouples":
            thermocouples = []
            for item in value.split(separator: ";") where !item.trimmingCharacters(in: .whitespaces).isEmpty {
                thermocouples.append(try Scenario.parseThermocouple(String(item), context: context))
            }
        case "trajectories":
            var list: [Trajectory] = []
            for item in value.split(separator: ";") where !item.trimmingCharacters(in: .whitespaces).isEmpty {
                let t = try Trajectory.parse(String(item), context: context)
                guard !list.contains(where: { $0.name == t.name }) else {
                    throw SimulationError.invalidInput("\(context): trajectory name '\(t.name)' is used twice; each applicator needs its own name")
                }
                list.append(t)
            }
            guard list.count <= 4 else {
                throw SimulationError.invalidInput("\(context): \(list.count) trajectories given; at most 4 applicators (one per channel or cryoprobe)")
            }
            trajectories = list
        case _ where key.hasPrefix("thresholds."):
            try thresholds.set(key, to: value, context: context)
            try thresholds.validate()
        default:
            let parts = key.split(separator: ".").map(String.init)
            if parts.count == 3, parts[0] == "tissue" {
                guard Scenario.tissueProperties.contains(parts[2]) else {
                    throw SimulationError.invalidInput("\(context): unknown tissue property '\(parts[2])' in \(key); valid: \(Scenario.tissueProperties.joined(separator: ", "))")
                }
                guard let x = Double(value), x.isFinite, x >= 0 else { throw bad("a finite number >= 0") }
                tissueOverrides[parts[1], default: [:]][parts[2]] = x
                return
            }
            throw SimulationError.invalidInput("\(context): unknown parameter '\(key)'; valid parameters: \(Scenario.keys.joined(separator: ", "))")
        }
    }

    /// Parses `NAME@x,y,z[:structure]` (mm; structure cord, root or other, default other).
    public static func parseThermocouple(_ text: String, context: String) throws -> ThermocoupleSpec {
        let t = text.trimmingCharacters(in: .whitespaces)
        let bad = SimulationError.invalidInput("\(context): thermocouple '\(t)' is not valid; expected NAME@x,y,z[:cord|root|other] with x,y,z in mm")
        guard let at = t.firstIndex(of: "@") else { throw bad }
        let name = String(t[..<at])
        var rest = String(t[t.index(after: at)...])
        var structure = "other"
        if let colon = rest.firstIndex(of: ":") {
            structure = String(rest[rest.index(after: colon)...]).lowercased()
            rest = String(rest[..<colon])
        }
        let xyz = rest.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }),
              xyz.count == 3, xyz.allSatisfy(\.isFinite) else { throw bad }
        guard ["cord", "root", "other"].contains(structure) else {
            throw SimulationError.invalidInput("\(context): thermocouple '\(name)' has unknown structure '\(structure)'; valid: cord, root, other")
        }
        return ThermocoupleSpec(name: name, positionMM: SIMD3(xyz[0], xyz[1], xyz[2]), structure: structure)
    }

    /// Reads a YAML scenario file: nested maps become dotted keys for `set`.
    public static func load(yamlAt path: String) throws -> Scenario {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw SimulationError.invalidInput("cannot read scenario file '\(path)'")
        }
        var s = Scenario()
        try s.apply(yaml: text, context: path)
        return s
    }

    /// Applies the settings of a YAML document on top of this scenario.
    public mutating func apply(yaml text: String, context: String) throws {
        let node: Any?
        do { node = try Yams.load(yaml: text) } catch {
            throw SimulationError.invalidInput("\(context): not valid YAML: \(error)")
        }
        guard let root = node else { return }
        guard let map = root as? [String: Any] else {
            throw SimulationError.invalidInput("\(context): a scenario is a YAML mapping of parameters, e.g. 'duration_s: 300'")
        }
        for (key, raw) in Scenario.flatten(map, prefix: "") {
            try set(key, to: raw, context: "\(context): \(key)")
        }
    }

    /// Flattens nested maps to dotted keys in a fixed (sorted) order; lists become
    /// comma-joined text, and thermocouple maps `NAME@x,y,z:structure` joined by ';'.
    static func flatten(_ map: [String: Any], prefix: String) -> [(String, String)] {
        var out: [(String, String)] = []
        for key in map.keys.sorted() {
            let full = prefix.isEmpty ? key : prefix + "." + key
            let v = map[key]!
            if full == "trajectories", let list = v as? [Any] {
                let items = list.map { item -> String in
                    if let m = item as? [String: Any] {
                        func xyz(_ k: String) -> String { (m[k] as? [Any])?.map { "\($0)" }.joined(separator: ",") ?? "" }
                        return "\(m["name"] ?? "")@\(xyz("entry_mm"))->\(xyz("tip_mm"))"
                    }
                    return "\(item)"
                }
                out.append((full, items.joined(separator: ";")))
            } else if full == "thermocouples", let list = v as? [Any] {
                let items = list.map { item -> String in
                    if let m = item as? [String: Any] {
                        let pos = (m["position_mm"] as? [Any])?.map { "\($0)" }.joined(separator: ",") ?? ""
                        return "\(m["name"] ?? "")@\(pos):\(m["structure"] ?? "other")"
                    }
                    return "\(item)"
                }
                out.append((full, items.joined(separator: ";")))
            } else if let m = v as? [String: Any] {
                out += flatten(m, prefix: full)
            } else if let list = v as? [Any] {
                out.append((full, list.map { "\($0)" }.joined(separator: ",")))
            } else {
                out.append((full, "\(v)"))
            }
        }
        return out
    }
}

extension Scenario {
    /// Every parameter as its dotted key and text value, the form `set` reads back.
    public func parameterList() -> [String: String] {
        var p: [String: String] = [
            "modality": modality.rawValue, "duration_s": "\(durationS)", "record_interval_s": "\(recordIntervalS)",
            "interlock.enabled": "\(interlock.enabled)", "interlock.threshold_c": "\(interlock.thresholdC)",
            "interlock.mode": interlock.mode.rawValue, "thermoprotection.epidural": epiduralDissection.rawValue, "thermoprotection.saline_temp_c": "\(salineTempC)",
        ]
        if let phantom { p["phantom"] = phantom }
        if let threads { p["threads"] = "\(threads)" }
        switch modality {
        case .rf:
            p["rf.mode"] = rf.mode.rawValue; p["rf.placement"] = rf.placement.rawValue
            p["rf.sequential"] = "\(rf.sequential)"; p["rf.generator"] = rf.generator.rawValue
            p["rf.target_temp_c"] = "\(rf.targetTempC)"
            if let probe = rf.probe { p["rf.probe"] = probe }
            if let w = rf.powerW { p["rf.power_w"] = "\(w)" }
            if let d = rf.driftTolerance { p["rf.drift_tolerance"] = "\(d)" }
            if let d = rf.driftCheckS { p["rf.drift_check_s"] = "\(d)" }
            if let m = rf.boxMarginMM { p["rf.box_margin_mm"] = "\(m)" }
        case .microwave:
            p["microwave.power_w"] = "\(microwave.powerW)"; p["microwave.frequency_mhz"] = "\(microwave.frequencyMHz)"
            p["microwave.water_loss"] = "\(microwave.waterLoss)"
        case .laser:
            p["laser.power_w"] = "\(laser.powerW)"; p["laser.wavelength_nm"] = "\(laser.wavelengthNm)"
            p["laser.energy_j"] = laser.energyJ.map { "\($0)" } ?? "none"
        case .cryo:
            p["cryo.probes"] = "\(cryo.probes)"; p["cryo.protocol_min"] = cryo.protocolMin.map { "\($0)" }.joined(separator: ",")
            p["cryo.super_step_s"] = "\(cryo.superStepS)"
        }
        if !thermocouples.isEmpty {
            p["thermocouples"] = thermocouples.map { "\($0.name)@\($0.positionMM.x),\($0.positionMM.y),\($0.positionMM.z):\($0.structure)" }.joined(separator: ";")
        }
        if !trajectories.isEmpty { p["trajectories"] = trajectories.map(\.text).joined(separator: ";") }
        for (t, props) in tissueOverrides { for (k, v) in props { p["tissue.\(t).\(k)"] = "\(v)" } }
        return p
    }
}
