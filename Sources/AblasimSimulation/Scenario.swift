import Foundation
import AblasimCore
import AblasimPhysics

/// Everything that defines one run. One mechanism, `set(_:to:)` on dotted keys declared once
/// in `Scenario.registry`, serves the YAML scenario file, the command-line options and the
/// sweep axes, so they can never disagree about a name, a unit or a range. Units at this
/// surface: mm, s, W, C, MHz, nm, J. Defaults are the initial values below.
public struct Scenario: Equatable, Sendable {
    public enum RFMode: String, CaseIterable, Sendable { case bipolar, monopolar }
    public enum Placement: String, CaseIterable, Sendable { case bipedicular, left, right }
    public enum GeneratorMode: String, CaseIterable, Sendable { case temperature, power, ramp }
    public enum InterlockMode: String, CaseIterable, Sendable { case cut, throttle, predictive }
    /// Epidural thermoprotection: CO2 or 5 % dextrose dissection, or circulating saline.
    public enum Dissection: String, CaseIterable, Sendable { case none, co2, dextrose, saline }

    /// The outer faces of the phantom (bench conditions: a bath, an ex vivo block in air).
    public struct Boundary: Equatable, Sendable {
        public enum Condition: String, CaseIterable, Sendable { case held, convective, insulated }
        /// Held one voxel beyond the grid: the phantom edge is a cut through the body.
        public var condition: Condition = .held
        /// Held or bath temperature [C]: body core.
        public var temperatureC = Blood.arterialTemperature
        /// Film coefficient of a convective boundary [W/(m^2 K)]: mid-range of free
        /// convection in liquids, 50-1000 (Incropera & DeWitt, Table 1.1).
        public var filmCoefficient = 500.0

        /// The solver's outer boundary.
        public var outerBoundary: OuterBoundary {
            switch condition {
            case .held: return .heldBeyondGrid(temperatureC)
            case .convective: return .convective(filmCoefficient: filmCoefficient, ambient: temperatureC)
            case .insulated: return .insulated
            }
        }
    }
    public struct Interlock: Equatable, Sendable {
        public var enabled = true
        /// Cut-off at a protected thermocouple [C]: 45 C, Nakatsuka 2009 (damage-and-thresholds.md).
        public var thresholdC = 45.0
        /// Cold cut-off at a protected thermocouple [C]: 10 C, the lower end of the 10-45 C
        /// juxtaneural band thermoprotection keeps (Sag & Husain, Semin Intervent Radiol
        /// 2022;39:157, doi:10.1055/s-0042-1745795; damage-and-thresholds.md: conduction
        /// block near +10 C).
        public var coldThresholdC = 10.0
        public var mode: InterlockMode = .cut
        /// Longest look-ahead of the predictive interlock [s] (`ThermocoupleForecast`).
        public var forecastHorizonS = ThermocoupleForecast.defaultHorizon
        /// The predictive interlock cuts when a forecast comes this close to a limit [C]:
        /// 0.5 C, the tolerance of a class 1 type T thermocouple (IEC 60584-1), so the peak
        /// stays inside the limit even with the sensor's error.
        public var forecastMarginC = 0.5
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
    /// One of `ModalityRegistry`'s modalities.
    public var modality: ModalityName = .rf
    /// Simulated time [s]. 6 min is a typical cooled bipolar spine protocol length.
    public var durationS = 360.0
    /// True once `duration_s` was set (file, --set, --duration): a cryo run then lasts
    /// `durationS` instead of its protocol.
    public var durationIsExplicit = false
    /// Interval between recorded samples [s].
    public var recordIntervalS = 1.0
    public var threads: Int?
    /// Tissue temperature at t = 0 [C]: body temperature; ex vivo, the room or bath.
    public var initialTempC = Blood.arterialTemperature
    /// Arterial temperature of the perfusion term [C].
    public var arterialTempC = Blood.arterialTemperature
    public var boundary = Boundary()
    /// Accept overrides of tissues the phantom does not contain.
    public var allowUnusedOverrides = false
    public var rf = RF()
    public var microwave = Microwave()
    public var laser = Laser()
    public var cryo = Cryo()
    /// Settings of plug-in modalities, by dotted key (`ScenarioParameter.setting`); the
    /// built-in modalities keep theirs in the typed structs above.
    public var modalitySettings: [String: ScenarioValue] = [:]
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

    /// A registered parameter's value in this scenario (its default when unset), nil for an
    /// unknown key: how a plug-in modality reads its settings.
    public func setting(_ key: String) -> ScenarioValue? { Scenario.parameter(key)?.load(self) }

    /// The keys with type, range, default and doc, one per line, for `--help`.
    public static var helpText: String {
        var lines = registry.map { p in "  \(p.key): \(p.valid); default \(p.defaultValue.text). \(p.doc)" }
        lines.append("  tissue.<name|*>.<property>: override a tissue property (ablasim tissues lists them); properties: \(TissueProperty.all.map(\.key).joined(separator: ", "))")
        return lines.joined(separator: "\n")
    }

    /// Every key `set` accepts, for help texts and sweep validation (from the registry).
    public static var keys: [String] { registry.map(\.key) + ["tissue.<name>.<property>"] }

    /// Sets one parameter from its text form through its registry entry. `context` says
    /// where the value came from (file and line, option).
    public mutating func set(_ key: String, to raw: String, context: String = "option") throws {
        if let p = Scenario.parameter(key) {
            let value = try p.parse(raw, context: context)
            var copy = self
            try p.store(&copy, value, context)
            self = copy
            return
        }
        let parts = key.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        if parts.count == 3, parts[0] == "tissue" {
            guard let property = TissueProperty.named(parts[2]) else {
                throw SimulationError.invalidInput("\(context): unknown tissue property '\(ScenarioParameter.shown(parts[2]))' in \(ScenarioParameter.shown(key)); valid: \(TissueProperty.all.map(\.key).joined(separator: ", "))")
            }
            let table = TissueTable.standard
            guard parts[1] == TissueTable.everyTissue || table.tissues[parts[1]] != nil else {
                throw SimulationError.invalidInput("\(context): unknown tissue '\(ScenarioParameter.shown(parts[1]))' in \(ScenarioParameter.shown(key)); known tissues: \(table.names.joined(separator: ", ")), or * for every tissue")
            }
            let v = raw.trimmingCharacters(in: .whitespaces)
            guard let x = Double(v), x.isFinite, property.range.contains(x) else {
                throw SimulationError.invalidInput("\(context): \(key) = '\(ScenarioParameter.shown(v))' is not valid; expected a number in [\(property.range.lowerBound), \(property.range.upperBound)] \(property.unit)")
            }
            tissueOverrides[parts[1], default: [:]][parts[2]] = x
            return
        }
        throw SimulationError.invalidInput("\(context): unknown parameter '\(ScenarioParameter.shown(key))'; valid parameters: \(Scenario.keys.joined(separator: ", ")) (ablasim run --help lists them with units and ranges)", context: .init(key: key))
    }

    /// Parses the `trajectories` text form: `;`-separated, unique names, at most 4.
    static func parseTrajectories(_ text: String, context: String) throws -> [Trajectory] {
        var list: [Trajectory] = []
        for item in text.split(separator: ";") where !item.trimmingCharacters(in: .whitespaces).isEmpty {
            let t = try Trajectory.parse(String(item), context: context)
            guard !list.contains(where: { $0.name == t.name }) else {
                throw SimulationError.invalidInput("\(context): trajectory name '\(t.name)' is used twice; each applicator needs its own name")
            }
            list.append(t)
        }
        guard list.count <= 4 else {
            throw SimulationError.invalidInput("\(context): \(list.count) trajectories given; at most 4 applicators (one per channel or cryoprobe)")
        }
        return list
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

    /// Reads a YAML scenario file: nested maps become dotted keys for `set` (`ScenarioYAML`).
    public static func load(yamlAt path: String) throws -> Scenario {
        var s = Scenario()
        for entry in try ScenarioYAML.read(path: path) {
            try s.set(entry.key, to: entry.value, context: entry.location)
        }
        return s
    }

    /// Applies the settings of a YAML document on top of this scenario.
    public mutating func apply(yaml text: String, context: String) throws {
        for entry in try ScenarioYAML.parse(text, file: context) {
            try set(entry.key, to: entry.value, context: entry.location)
        }
    }
}

extension Scenario {
    /// Every parameter that applied to this scenario, typed, by dotted key: the registry's
    /// entries whose `applies` holds, and the tissue overrides.
    public func parameterValues() -> [String: ScenarioValue] {
        var p: [String: ScenarioValue] = [:]
        for entry in Scenario.registry where entry.applies(self) {
            let v = entry.load(self)
            if v != .none || entry.key == "laser.energy_j" { p[entry.key] = v }
        }
        for (t, props) in tissueOverrides { for (k, v) in props { p["tissue.\(t).\(k)"] = .number(v) } }
        return p
    }

    /// A value read back from JSON with the type its registry entry gives it (JSON does not
    /// tell 360 the number of seconds from 360 the count).
    public static func typed(_ value: ScenarioValue, for key: String) -> ScenarioValue {
        let isNumber: Bool
        if let p = parameter(key), case .number = p.kind { isNumber = true } else { isNumber = key.hasPrefix("tissue.") }
        if isNumber, case .integer(let n) = value { return .number(Double(n)) }
        return value
    }

    /// The same in the text form `set` reads back.
    public func parameterList() -> [String: String] { parameterValues().mapValues(\.text) }
}
