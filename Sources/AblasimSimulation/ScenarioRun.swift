import Foundation
import AblasimCore
import AblasimPhantom
import AblasimPhysics

/// One scenario on one phantom, from setup to summary: what `ablasim run` and a sweep
/// task execute.
public final class ScenarioRun {
    public let setup: RunSetup
    public let simulation: Simulation
    public var duration: Double { setup.duration }

    public init(phantom: Phantom, scenario: Scenario, executor: SlabExecutor) throws {
        let setup = try RunSetup.build(phantom: phantom, scenario: scenario, executor: executor)
        self.setup = setup
        // Bench conditions: by default the phantom edge is a cut through the body, 37 C held
        // just beyond it (OuterBoundary.heldBeyondGrid), and the tissue starts at 37 C.
        let solver = try rethrowInput {
            try setup.model.makeSolver(Float.self, boundary: scenario.boundary.outerBoundary, initialTemperature: scenario.initialTempC,
                                       arterialTemperature: scenario.arterialTempC, executor: executor)
        }
        let monitor = try ThermocoupleMonitor(thermocouples: setup.thermocouples, solver: solver, thresholds: scenario.thresholds,
                                              interlock: scenario.interlock, recordInterval: scenario.recordIntervalS)
        simulation = Simulation(solver: solver, sources: setup.sources, monitor: monitor, recordInterval: scenario.recordIntervalS)
    }

    /// Runs to the protocol's end. Returns false when `shouldStop` ended it early.
    public func run(progress: (Simulation) -> Void = { _ in }, shouldStop: () -> Bool = { false }) throws -> Bool {
        do {
            try simulation.run(until: duration, progress: progress, shouldStop: shouldStop)
        } catch let e as PhysicsError where !e.isInputError {
            throw SimulationError.runtime(e.description)
        }
        return simulation.time >= duration - 1e-9
    }

    /// The ablation zone of the finished run.
    public func zone() -> AblationZone {
        AblationZone(solver: simulation.solver, tumor: setup.tumorMask, tips: setup.tips)
    }

    /// The run's summary (`summary.json`).
    public func summary(zone: AblationZone, wallTime: Double, version: String) -> RunSummary {
        let (tcs, flags, interlock) = simulation.monitor.results()
        var probes = setup.probes
        let last = simulation.generatorSeries.last?.samples ?? []
        for i in probes.indices {
            // Channel samples name their probe; the energy is the channel's cumulative energy.
            if let s = last.first(where: { $0.channel == probes[i].name || $0.channel == probes[i].channel }) {
                probes[i].energyJ = s.energy
            }
        }
        var timing = simulation.timing
        timing["total"] = wallTime
        var statistics: [String: Double] = [:]
        for s in simulation.sources { statistics.merge(s.statistics) { $1 } }
        // The potential solves are part of the source updates; shown on their own too.
        let solves = statistics.filter { $0.key.hasSuffix("potential_solve_wall_s") }.values.reduce(0, +)
        if solves > 0 { timing["potential_solves"] = solves }
        return RunSummary(
            phantom: setup.phantom.name, modality: setup.scenario.modality.rawValue, probes: probes,
            simulatedS: simulation.time, wallS: wallTime, voxels: setup.phantom.grid.voxelCount,
            steps: simulation.solver.stepCount, dtS: simulation.solver.dt, zones: zone.summary,
            thermocouples: tcs, flags: flags, interlock: interlock, timing: timing, statistics: statistics,
            parameters: setup.scenario.parameterValues(), version: version)
    }
}
