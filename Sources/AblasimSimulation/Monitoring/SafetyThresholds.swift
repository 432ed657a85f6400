import Foundation

/// Temperatures and doses at which a thermocouple raises a flag.
///
/// Sources (../shared/data/damage-and-thresholds.md):
/// - Heat, [C]: 42 onset of neural injury (Shanthanna 2014, pulsed RF ceiling); 45 clinical
///   cut-off at a canal thermocouple (Nakatsuka 2009; Dupuy 2000); 60 and 80 the
///   coagulative necrosis band of continuous RF / laser ablation.
/// - Cold, [C]: +10 reversible conduction block (weak source, a warning); 0 the ice edge;
///   -20 lethal ice (Hsu 2014; Popken 2003).
/// - Dose, CEM43 [min] (Sapareto & Dewey 1984):
///   cord 10 min: the lower end of the 10-23 CEM43 range at which rat cervical cord showed no
///   symptoms (minor symptoms at ~28, Sminia 1987); flagging at its lower end keeps the cord
///   the stricter structure.
///   root 48 min: onset of the 48-64 CEM43 range of 50 % functional loss in rat sciatic nerve
///   (Wondergem 1988); dog sciatic nerve injury at 120, severe at 240 (Vujaskovic 1994).
/// - Dose, Arrhenius Omega [1]: the same limits expressed with the Sapareto-Dewey-equivalent
///   model, which reaches Omega = 1 at 240 CEM43, so Omega ~ CEM43 / 240:
///   cord 10 / 240 = 0.0417, root 48 / 240 = 0.2.
public struct SafetyThresholds: Equatable, Sendable {
    /// Heat flag temperatures [C], strictly increasing.
    public var heatC: [Double] = [42, 45, 60, 80]
    /// Cold flag temperatures [C], strictly decreasing.
    public var coldC: [Double] = [10, 0, -20]
    /// CEM43 limits [min] per protected structure.
    public var cordCEM43Min = 10.0
    public var rootCEM43Min = 48.0
    /// Arrhenius Omega limits [1] per protected structure.
    public var cordOmega = 10.0 / 240
    public var rootOmega = 48.0 / 240

    public init() {}

    /// CEM43 limit [min] for a structure; nil for unprotected sites.
    public func cem43Limit(_ s: NeuralStructure) -> Double? {
        switch s { case .cord: return cordCEM43Min; case .root: return rootCEM43Min; case .other: return nil }
    }

    /// Omega limit [1] for a structure; nil for unprotected sites.
    public func omegaLimit(_ s: NeuralStructure) -> Double? {
        switch s { case .cord: return cordOmega; case .root: return rootOmega; case .other: return nil }
    }

    /// Checks every threshold is finite and the lists are ordered.
    public func validate() throws {
        func list(_ name: String, _ v: [Double], increasing: Bool) throws {
            if let bad = v.first(where: { !$0.isFinite || $0 <= -273.15 }) {
                throw SimulationError.invalidInput("\(name) threshold \(bad) C is not valid: thresholds must be finite temperatures above -273.15 C")
            }
            for (a, b) in zip(v, v.dropFirst()) where increasing ? !(a < b) : !(a > b) {
                throw SimulationError.invalidInput("\(name) thresholds \(v.map(SafetyThresholds.key).joined(separator: ", ")) C are out of order: they must be strictly "
                    + (increasing ? "increasing (e.g. 42, 45, 60, 80)" : "decreasing (e.g. 10, 0, -20)"))
            }
        }
        try list("heat", heatC, increasing: true)
        try list("cold", coldC, increasing: false)
        for (name, v) in [("cord CEM43", cordCEM43Min), ("root CEM43", rootCEM43Min), ("cord Omega", cordOmega), ("root Omega", rootOmega)]
        where !(v.isFinite && v > 0) {
            throw SimulationError.invalidInput("\(name) limit \(v) is not valid: it must be finite and > 0")
        }
    }

    /// Text key of a threshold temperature: "42", "45", "-20", "42.5".
    public static func key(_ celsius: Double) -> String {
        celsius == celsius.rounded() && abs(celsius) < 1e9 ? String(Int(celsius)) : String(format: "%g", celsius)
    }

    /// Flag kind of a heat threshold: "heat-42".
    public static func heatKind(_ celsius: Double) -> String { "heat-" + key(celsius) }
    /// Flag kind of a cold threshold: "cold-10" (+10 C), "cold-0", "cold-20" (-20 C); the
    /// flag's `threshold` keeps the sign.
    public static func coldKind(_ celsius: Double) -> String { "cold-" + key(abs(celsius)) }
}
