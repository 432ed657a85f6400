import Foundation

/// A cryoablation protocol: freeze and thaw phases one after the other (e.g. 10 min freeze,
/// 8 min passive thaw, 10 min freeze, the double freeze-thaw cycle of clinical practice).
/// After the last phase the probes are passive (no gas flow).
public struct CryoProtocol: Equatable, Sendable {
    public enum Phase: Equatable, Sendable {
        /// Argon flow: the probe's freezing zone is held at the freeze temperature.
        case freeze(duration: Double)
        /// No gas flow: the probe neither extracts nor adds heat (it follows the tissue).
        case passiveThaw(duration: Double)
        /// Helium (or electrical) warming: the probe is held at `temperature` [C].
        case activeThaw(duration: Double, temperature: Double)

        public var duration: Double {
            switch self {
            case .freeze(let d), .passiveThaw(let d), .activeThaw(let d, _): return d
            }
        }
    }

    public var phases: [Phase]

    /// - Throws: `PhysicsError.invalidInput` naming the phase for negative or non-finite durations.
    public init(phases: [Phase]) throws {
        guard !phases.isEmpty else { throw PhysicsError.invalidInput("cryo protocol has no phases; give e.g. freeze 10 min, thaw 8 min, freeze 10 min") }
        for (n, p) in phases.enumerated() {
            guard p.duration.isFinite, p.duration >= 0 else {
                throw PhysicsError.invalidInput(String(format: "cryo protocol phase %d has duration %g s; phase lengths must be finite and >= 0", n + 1, p.duration))
            }
            if case .activeThaw(_, let t) = p, !(t.isFinite && t > 0 && t <= 60) {
                throw PhysicsError.invalidInput(String(format: "cryo protocol phase %d: active thaw temperature %g C is not valid; expected (0, 60] C", n + 1, t))
            }
        }
        guard phases.contains(where: { if case .freeze(let d) = $0 { return d > 0 } else { return false } }) else {
            throw PhysicsError.invalidInput("cryo protocol has no freeze phase longer than 0 s")
        }
        self.phases = phases
    }

    /// Alternating freeze / thaw phases from their lengths in minutes (the scenario's
    /// `cryo.protocol_min`, e.g. [10, 8, 10]); thaws are passive unless an active thaw
    /// temperature [C] is given.
    public static func alternating(minutes: [Double], activeThawTemperature: Double? = nil) throws -> CryoProtocol {
        for (n, m) in minutes.enumerated() where !(m.isFinite && m >= 0) {
            throw PhysicsError.invalidInput(String(format: "cryo protocol phase %d is %g min; phase lengths must be finite and >= 0 min (freeze,thaw,freeze e.g. 10,8,10)", n + 1, m))
        }
        return try CryoProtocol(phases: minutes.enumerated().map { n, m in
            let d = m * 60
            if n % 2 == 0 { return .freeze(duration: d) }
            if let t = activeThawTemperature { return .activeThaw(duration: d, temperature: t) }
            return .passiveThaw(duration: d)
        })
    }

    /// Total length [s].
    public var duration: Double { phases.reduce(0) { $0 + $1.duration } }

    /// The phase at time t [s]; passive after the end.
    public func phase(at t: Double) -> Phase {
        var start = 0.0
        for p in phases {
            if t < start + p.duration { return p }
            start += p.duration
        }
        return .passiveThaw(duration: .infinity)
    }
}
