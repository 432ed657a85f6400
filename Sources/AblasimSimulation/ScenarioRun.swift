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

    /// Builds the run; refuses (input error, with the estimate) a run beyond `budget`: its
    /// memory before any field is allocated, its number of time steps before the first step.
    public init(phantom: Phantom, scenario: Scenario, executor: SlabExecutor, budget: RunBudget = RunBudget()) throws {
        let setup = try RunSetup.build(phantom: phantom, scenario: scenario, executor: executor, budget: budget)
        self.setup = setup
        // Bench conditions: by default the phantom edge is a cut through the body, 37 C held
        // just beyond it (OuterBoundary.heldBeyondGrid), and the tissue starts at 37 C.
        let solver = try setup.model.makeSolver(Float.self, boundary: scenario.boundary.outerBoundary, initialTemperature: scenario.initialTempC,
                                                arterialTemperature: scenario.arterialTempC, executor: executor)
        try ScenarioRun.checkSteps(solver: solver, sources: setup.sources, duration: setup.duration, budget: budget, grid: phantom.grid)
        let monitor = try ThermocoupleMonitor(thermocouples: setup.thermocouples, solver: solver, thresholds: scenario.thresholds,
                                              interlock: scenario.interlock, recordInterval: scenario.recordIntervalS)
        simulation = try Simulation(solver: solver, boundaries: setup.boundaries, sources: setup.sources, monitor: monitor,
                                    recordInterval: scenario.recordIntervalS)
    }

    /// Refuses a run whose number of time steps (duration over the step, shortened by any
    /// source's own cap) exceeds the budget, naming the material that sets the step and why.
    static func checkSteps(solver: PennesSolver<Float>, sources: [HeatSource], duration: Double, budget: RunBudget, grid: Grid3D) throws {
        let cap = sources.compactMap(\.maximumTimeStep).min() ?? .infinity
        let dt = min(solver.dt, cap)
        let steps = duration / dt
        guard !(steps <= Double(budget.maxSteps)) else { return }
        let voxelSteps = steps * Double(grid.voxelCount)
        let wall = voxelSteps / RunBudget.assumedVoxelUpdatesPerSecond
        var why = ""
        if cap < solver.dt {
            why = String(format: "a heat source caps the step at %.3g s", cap)
        } else if case .tissue(let t)? = solver.stabilityLimitingMaterial() {
            // Explicit limit of a voxel: sum of face rates k / (rho c dx^2) over its six faces
            // plus the perfusion rate w_b rho_b c_b / (rho c) (DESIGN.md section 3).
            let h = grid.spacing.min()
            let diffusivity = t.thermalConductivity / t.heatCapacity
            let conduction = 6 * diffusivity / (h * h)
            let perfusion = t.perfusionRate * Blood.density * Blood.specificHeat / t.heatCapacity
            let driver = perfusion > conduction
                ? String(format: "perfusion %.4g ml/min/kg (rate %.3g 1/s)", t.perfusionMlMinKg, perfusion)
                : String(format: "conductivity %.4g W/(m K) (diffusivity k/(rho c) = %.3g m^2/s over %.3g mm voxels: %.3g 1/s)", t.thermalConductivity, diffusivity, h * 1000, conduction)
            why = String(format: "tissue '%@' sets the explicit stability limit dt <= %.3g s through its %@, with density %.4g kg/m^3 and specific heat %.4g J/(kg K)",
                         TerminalText.sanitized(t.name, keepLayout: false), solver.stabilityLimit, driver, t.density, t.specificHeat)
        } else {
            why = String(format: "the explicit stability limit is dt <= %.3g s", solver.stabilityLimit)
        }
        throw SimulationError.invalidInput(String(format: "this run needs about %.3g time steps of %.3g s for %.4g s simulated (%.3g voxel updates, roughly %@ of wall time), more than the budget of %d steps (--max-steps): %@. Check the tissue properties (tissue.<name>.<property>) for an implausible value, or raise --max-steps",
                                                  steps, dt, duration, voxelSteps, ScenarioRun.durationText(wall), budget.maxSteps, why))
    }

    static func durationText(_ s: Double) -> String {
        if !s.isFinite || s > 3.15e9 { return "more than a century" }
        if s > 86400 * 2 { return String(format: "%.0f days", s / 86400) }
        if s > 7200 { return String(format: "%.0f hours", s / 3600) }
        if s > 120 { return String(format: "%.0f minutes", s / 60) }
        return String(format: "%.0f s", s)
    }

    /// Runs to the protocol's end. Returns false when `shouldStop` ended it early.
    public func run(progress: (Simulation) -> Void = { _ in }, shouldStop: () -> Bool = { false }) throws -> Bool {
        try simulation.run(until: duration, progress: progress, shouldStop: shouldStop)
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
        var summary = RunSummary(
            phantom: setup.phantom.name, modality: setup.scenario.modality.rawValue, probes: probes,
            simulatedS: simulation.time, wallS: wallTime, voxels: setup.phantom.grid.voxelCount,
            steps: simulation.solver.stepCount, dtS: simulation.solver.dt, zones: zone.summary,
            thermocouples: tcs, flags: flags, interlock: interlock, timing: timing, statistics: statistics,
            parameters: setup.scenario.parameterValues(), version: version)
        summary.anatomyAudit = setup.anatomyAudit
        summary.events = simulation.sources.flatMap(\.reportedEvents).sorted { ($0.timeS, $0.channel) < ($1.timeS, $1.channel) }
        return summary
    }
}
