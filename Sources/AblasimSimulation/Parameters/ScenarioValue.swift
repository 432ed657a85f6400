import Foundation

/// A scenario parameter's value as its registry entry types it: what `summary.json`
/// writes under `parameters` (numbers as numbers, switches as booleans) and, through
/// `text`, the form `Scenario.set` reads back.
public enum ScenarioValue: Equatable, Sendable, Codable, CustomStringConvertible {
    case number(Double)
    case integer(Int)
    case flag(Bool)
    case text(String)
    case numbers([Double])
    /// An optional parameter switched off (e.g. `laser.energy_j: none`); JSON null.
    case none

    /// The text form `Scenario.set` parses (numbers in Swift's shortest round-trip form).
    public var text: String {
        switch self {
        case .number(let x): return "\(x)"
        case .integer(let n): return "\(n)"
        case .flag(let b): return "\(b)"
        case .text(let s): return s
        case .numbers(let v): return v.map { "\($0)" }.joined(separator: ",")
        case .none: return "none"
        }
    }
    public var description: String { text }

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .none }
        else if let b = try? c.decode(Bool.self) { self = .flag(b) }
        else if let n = try? c.decode(Int.self) { self = .integer(n) }
        else if let x = try? c.decode(Double.self) { self = .number(x) }
        else if let v = try? c.decode([Double].self) { self = .numbers(v) }
        else { self = .text(try c.decode(String.self)) }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .number(let x): try c.encode(x)
        case .integer(let n): try c.encode(n)
        case .flag(let b): try c.encode(b)
        case .text(let s): try c.encode(s)
        case .numbers(let v): try c.encode(v)
        case .none: try c.encodeNil()
        }
    }
}
