import Foundation

/// One scenario parameter, declared once: its dotted key, type, unit and valid range, a
/// one-line doc, the source of its default, how it is stored in a `Scenario` and read
/// back, and when it applies. `Scenario.set`, YAML and `--set` parsing, the sweep axes'
/// checks, the typed `parameters` of summary.json, `ablasim run --help` and
/// docs/parameters.md all come from the entries of `Scenario.registry`.
public struct ScenarioParameter: Sendable {
    public enum Kind: Sendable {
        /// A number in `range` [unit]; `none` also accepted when `optional`.
        case number(ClosedRange<Double>, unit: String, optional: Bool = false)
        case integer(ClosedRange<Int>)
        case flag
        case choice([String])
        /// Comma-separated numbers, each in `range` [unit].
        case numbers(ClosedRange<Double>, unit: String)
        /// Structured text with its own grammar (`format`), parsed by the entry's store.
        case text(format: String)
    }

    public let key: String
    public let kind: Kind
    public let doc: String
    /// Where the default comes from (a publication, a standard, or why it was chosen).
    public let source: String
    let store: @Sendable (inout Scenario, ScenarioValue, String) throws -> Void
    let load: @Sendable (Scenario) -> ScenarioValue
    let applies: @Sendable (Scenario) -> Bool

    init(_ key: String, _ kind: Kind, doc: String, source: String,
         applies: @escaping @Sendable (Scenario) -> Bool = { _ in true },
         load: @escaping @Sendable (Scenario) -> ScenarioValue,
         store: @escaping @Sendable (inout Scenario, ScenarioValue, String) throws -> Void) {
        self.key = key; self.kind = kind; self.doc = doc; self.source = source
        self.applies = applies; self.load = load; self.store = store
    }

    /// A plug-in modality's parameter, kept in `Scenario.modalitySettings` under its key
    /// (read it with `Scenario.setting(_:)`); applies when the scenario's modality is the
    /// key's prefix. `store` may check more than the kind does and throw.
    public static func setting(_ key: String, _ kind: Kind, default value: ScenarioValue, doc: String, source: String) -> ScenarioParameter {
        let prefix = String(key.prefix { $0 != "." })
        return ScenarioParameter(key, kind, doc: doc, source: source, applies: { $0.modality.rawValue == prefix },
                                 load: { $0.modalitySettings[key] ?? value }, store: { s, v, _ in s.modalitySettings[key] = v })
    }

    /// The default value: what a fresh `Scenario` holds (stated once, in the struct).
    public var defaultValue: ScenarioValue { load(Scenario()) }

    /// The value's type, unit and range in words, for help texts and messages.
    public var valid: String {
        func r(_ x: Double) -> String { x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : "\(x)" }
        switch kind {
        case let .number(range, unit, optional):
            return "a number in [\(r(range.lowerBound)), \(r(range.upperBound))]" + (unit.isEmpty ? "" : " \(unit)") + (optional ? ", or none" : "")
        case .integer(let range): return "a whole number from \(range.lowerBound) to \(range.upperBound)"
        case .flag: return "true or false"
        case .choice(let options): return "one of " + options.joined(separator: ", ")
        case let .numbers(range, unit): return "comma-separated numbers in [\(r(range.lowerBound)), \(r(range.upperBound))] \(unit)"
        case .text(let format): return format
        }
    }

    /// Parses the text form into a typed value, checking type and range.
    public func parse(_ raw: String, context: String) throws -> ScenarioValue {
        let value = raw.trimmingCharacters(in: .whitespaces)
        let bad = SimulationError.invalidInput("\(context): \(key) = '\(Self.shown(value))' is not valid; expected \(valid)", context: .init(key: key))
        switch kind {
        case let .number(range, _, optional):
            if optional && value.lowercased() == "none" { return .none }
            guard let x = Double(value), x.isFinite, range.contains(x) else { throw bad }
            return .number(x)
        case .integer(let range):
            guard let n = Int(value), range.contains(n) else { throw bad }
            return .integer(n)
        case .flag:
            switch value.lowercased() {
            case "true", "yes", "on", "1": return .flag(true)
            case "false", "no", "off", "0": return .flag(false)
            default: throw bad
            }
        case .choice(let options):
            guard options.contains(value.lowercased()) else { throw bad }
            return .text(value.lowercased())
        case let .numbers(range, _):
            let parts = value.split(separator: ",", omittingEmptySubsequences: false).map { Double($0.trimmingCharacters(in: .whitespaces)) }
            guard !parts.isEmpty, parts.allSatisfy({ $0 != nil && $0!.isFinite && range.contains($0!) }) else { throw bad }
            return .numbers(parts.map { $0! })
        case .text:
            return .text(value)
        }
    }

    /// Shortens and escapes a value for a message (control characters never reach a terminal).
    static func shown(_ s: String) -> String {
        let cleaned = String(s.unicodeScalars.map { $0.properties.generalCategory == .control || $0.properties.generalCategory == .format ? "?" : Character($0) })
        return cleaned.count > 80 ? String(cleaned.prefix(77)) + "..." : cleaned
    }
}

extension ScenarioValue {
    /// The value as a number (numbers and whole numbers), nil otherwise.
    public var number: Double? { double }
    var double: Double? { if case .number(let x) = self { return x }; if case .integer(let n) = self { return Double(n) }; return nil }
    var int: Int? { if case .integer(let n) = self { return n }; return nil }
    var bool: Bool? { if case .flag(let b) = self { return b }; return nil }
    var string: String? { if case .text(let s) = self { return s }; return nil }
    var list: [Double]? { if case .numbers(let v) = self { return v }; return nil }
}
