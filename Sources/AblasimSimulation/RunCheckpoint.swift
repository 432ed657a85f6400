import Foundation
import AblasimCore
import AblasimPhysics

/// Preemption support: the complete state of a `ScenarioRun`, written when the run is
/// asked to stop (SIGTERM) and read by `--resume`. Every evolving piece (solver, sources,
/// monitor, loop bookkeeping) saves itself, so the resumed run is bitwise identical to an
/// uninterrupted one.
public enum RunCheckpoint {
    public static let fileName = "checkpoint.bin"
    static let magic = "ablasim.checkpoint/1"
}

extension ScenarioRun {
    /// What must match between the run that wrote a checkpoint and the one reading it.
    var fingerprint: String {
        let params = setup.scenario.parameterList().filter { $0.key != "threads" }.sorted { $0.key < $1.key }
            .map { "\($0.key)=\($0.value)" }.joined(separator: ";")
        let g = setup.phantom.grid
        return "\(setup.phantom.name)|\(g.nx)x\(g.ny)x\(g.nz)|\(params)"
    }

    /// Writes the checkpoint atomically (temporary file, then rename).
    public func checkpoint(to url: URL) throws {
        var w = StateWriter()
        w.write(RunCheckpoint.magic)
        w.write(fingerprint)
        try simulation.saveState(to: &w)
        do { try AtomicWrite.write(w.bytes, to: url.path) } catch let e as AtomicWriteError {
            throw SimulationError.runtime("cannot write checkpoint: \(e.message)")
        }
    }

    /// Restores the state of a checkpoint written by the same scenario on the same phantom.
    public func restore(from url: URL) throws {
        guard let data = try? Data(contentsOf: url) else {
            throw SimulationError.invalidInput("cannot read checkpoint '\(url.path)'")
        }
        var r = StateReader([UInt8](data), context: url.path)
        guard try r.readString() == RunCheckpoint.magic else {
            throw SimulationError.invalidInput("'\(url.path)' is not an ablasim checkpoint")
        }
        guard try r.readString() == fingerprint else {
            throw SimulationError.invalidInput("checkpoint '\(url.path)' was written by a different scenario or phantom; remove it or run with the same options")
        }
        try simulation.restoreState(from: &r)
        guard r.isAtEnd else { throw SimulationError.invalidInput("checkpoint '\(url.path)' has trailing data; it is corrupt") }
    }
}

extension Simulation {
    /// Every evolving object once: the sources, then the boundary conditions that are not
    /// also sources (an applicator may be both).
    private var checkpointed: [(name: String, state: Checkpointable)] {
        sources.map { ($0.name, $0 as Checkpointable) }
            + boundaries.filter { b in !sources.contains { $0 === b } }.map { ($0.name, $0 as Checkpointable) }
    }

    func saveState(to w: inout StateWriter) throws {
        solver.saveState(to: &w)
        for (name, c) in checkpointed {
            w.tag("source:\(name)")
            c.saveState(to: &w)
        }
        monitor.saveState(to: &w)
        saveLoopState(to: &w)
    }

    /// Restores, then binds the sources and boundaries again to the restored solver.
    func restoreState(from r: inout StateReader) throws {
        try solver.restoreState(from: &r)
        for (name, c) in checkpointed {
            try r.expect(tag: "source:\(name)")
            try c.restoreState(from: &r)
        }
        try monitor.restoreState(from: &r)
        try restoreLoopState(from: &r)
        try bind()
    }
}
