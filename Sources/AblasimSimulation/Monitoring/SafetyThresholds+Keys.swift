import Foundation

extension SafetyThresholds {
    /// Dotted keys for scenario files, `--set`-style options and sweep axes (units: C, min, 1).
    public static let keys = ["thresholds.heat_c", "thresholds.cold_c", "thresholds.cord_cem43_min", "thresholds.root_cem43_min",
                              "thresholds.cord_omega", "thresholds.root_omega"]

    /// Sets one threshold from its text form (lists comma-separated), then re-validates.
    /// `context` says where the value came from.
    public mutating func set(_ key: String, to raw: String, context: String = "option") throws {
        let value = raw.trimmingCharacters(in: .whitespaces)
        func list() throws -> [Double] {
            let parts = value.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
            guard !parts.isEmpty, parts.allSatisfy({ $0 != nil }) else {
                throw SimulationError.invalidInput("\(context): \(key) = '\(value)' is not valid; expected comma-separated temperatures in C")
            }
            return parts.map { $0! }
        }
        func number() throws -> Double {
            guard let x = Double(value) else {
                throw SimulationError.invalidInput("\(context): \(key) = '\(value)' is not valid; expected a number > 0")
            }
            return x
        }
        var copy = self
        switch key {
        case "thresholds.heat_c": copy.heatC = try list()
        case "thresholds.cold_c": copy.coldC = try list()
        case "thresholds.cord_cem43_min": copy.cordCEM43Min = try number()
        case "thresholds.root_cem43_min": copy.rootCEM43Min = try number()
        case "thresholds.cord_omega": copy.cordOmega = try number()
        case "thresholds.root_omega": copy.rootOmega = try number()
        default:
            throw SimulationError.invalidInput("\(context): unknown threshold '\(key)'; valid: \(SafetyThresholds.keys.joined(separator: ", "))")
        }
        do { try copy.validate() } catch let e as SimulationError {
            throw SimulationError.invalidInput("\(context): \(e.description)")
        }
        self = copy
    }
}
