import Foundation

/// The modalities a run can use: the built-in ones, one line each, and any registered at
/// run time (a plug-in, e.g. a test's toy modality). Everything that depends on the set of
/// modalities (the `modality` key's choices, `Scenario.registry`, the `ablasim run` flags)
/// is derived from here.
public enum ModalityRegistry {
    /// The built-in modalities, in the order help texts and docs list them.
    public static let builtIn: [any Modality] = [
        RFModality(),
        MicrowaveModality(),
        LaserModality(),
        CryoModality(),
    ]

    /// Every modality now known: the built-in ones, then the registered plug-ins.
    public static var all: [any Modality] { state.withLock { builtIn + $0.plugIns } }

    /// The modality called `name`, nil when none is.
    public static func named(_ name: ModalityName) -> (any Modality)? { all.first { $0.name == name } }

    /// Adds a plug-in modality. Refuses a name already taken and parameters outside the
    /// modality's own key prefix (so no plug-in can change another's keys).
    public static func register(_ modality: any Modality) throws {
        try check(modality)
        try state.withLock { s in
            guard !(builtIn + s.plugIns).contains(where: { $0.name == modality.name }) else {
                throw SimulationError.invalidInput("a modality called '\(modality.name)' is already registered")
            }
            s.plugIns.append(modality)
            s.generation += 1
        }
    }

    /// Removes a registered plug-in (built-in modalities stay).
    public static func unregister(_ name: ModalityName) {
        state.withLock { s in
            s.plugIns.removeAll { $0.name == name }
            s.generation += 1
        }
    }

    /// Checks that every parameter and flag of `modality` is its own.
    static func check(_ modality: any Modality) throws {
        let prefix = modality.name.rawValue + "."
        for p in modality.parameters where !p.key.hasPrefix(prefix) {
            throw SimulationError.invalidInput("modality '\(modality.name)' declares parameter '\(p.key)' outside its prefix '\(prefix)'")
        }
        if let k = modality.powerKey, !modality.parameters.contains(where: { $0.key == k }) {
            throw SimulationError.invalidInput("modality '\(modality.name)': its power key '\(k)' is not one of its parameters")
        }
        for f in modality.flags where !f.settings.contains(ModalityFlag.Setting("modality", modality.name.rawValue)) {
            throw SimulationError.invalidInput("modality '\(modality.name)': flag --\(f.name) does not set modality=\(modality.name)")
        }
    }

    /// Changes whenever the set of modalities does (for caches derived from it).
    static var generation: Int { state.withLock { $0.generation } }

    private struct State { var plugIns: [any Modality] = []; var generation = 0 }
    private static let state = Locked(State())
}

/// A value behind a lock.
final class Locked<Value>: @unchecked Sendable {
    private var value: Value
    private let lock = NSLock()
    init(_ value: Value) { self.value = value }
    func withLock<T>(_ body: (inout Value) throws -> T) rethrows -> T {
        lock.lock(); defer { lock.unlock() }
        return try body(&value)
    }
}
