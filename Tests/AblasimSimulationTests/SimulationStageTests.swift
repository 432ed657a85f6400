import XCTest
import AblasimCore
import AblasimPhysics
@testable import AblasimSimulation

/// `Simulation.step()` in the order of the physics: held boundaries, sources, thermal step,
/// thermocouples, interlock; everything bound to the solver once, before the first step.
final class SimulationStageTests: XCTestCase {
    /// Records what the loop asked of it, in one shared log.
    final class Recorder: HeatSource, BoundaryCondition {
        let name: String
        var log: [String]
        let shared: (String) -> Void
        var powerFactor = 1.0 { didSet { shared("\(name).gate(\(powerFactor))") } }
        init(_ name: String, _ shared: @escaping (String) -> Void) { self.name = name; self.log = []; self.shared = shared }
        func bind(to solver: PennesSolver<Float>) throws { shared("\(name).bind@\(solver.stepCount)") }
        func hold(solver: PennesSolver<Float>, time: Double) throws { shared("\(name).hold@\(solver.stepCount)") }
        func addHeat(solver: PennesSolver<Float>, time: Double) throws { shared("\(name).heat@\(solver.stepCount)") }
        func channelSamples() -> [ChannelSample] { [] }
        func saveState(to w: inout StateWriter) {}
        func restoreState(from r: inout StateReader) throws {}
    }

    func testStepHoldsBoundariesThenAddsHeatThenStepsThenGates() throws {
        var log: [String] = []
        let record: (String) -> Void = { log.append($0) }
        let grid = try Grid3D(nx: 6, ny: 6, nz: 6, isotropic: 1e-3)
        let model = ThermalModel(grid: grid, uniform: try TissueTable.standard.tissue(named: "muscle"))
        let solver = try model.makeSolver(Float.self, executor: SlabExecutor(threads: 1))
        let monitor = try ThermocoupleMonitor(thermocouples: [], solver: solver, thresholds: SafetyThresholds(),
                                              interlock: Scenario.Interlock(), recordInterval: 1)
        let held = Recorder("held", record), heater = Recorder("heater", record)
        let sim = try Simulation(solver: solver, boundaries: [held], sources: [heater], monitor: monitor, recordInterval: 1)
        XCTAssertEqual(log, ["held.bind@0", "heater.bind@0"], "bound once, when the simulation is built")
        log = []
        try sim.step()
        try sim.step()
        XCTAssertEqual(log, ["held.hold@0", "heater.heat@0", "heater.gate(1.0)",
                             "held.hold@1", "heater.heat@1", "heater.gate(1.0)"])
    }

    func testSalineIrrigationIsAHeldBoundaryNotASource() throws {
        var s = Scenario()
        try s.set("thermoprotection.epidural", to: "saline")
        try s.set("thermoprotection.saline_temp_c", to: "30")
        try s.set("modality", to: "microwave")
        let setup = try RunSetup.build(phantom: GeneratedPhantoms.twoMillimetre, scenario: s, executor: SlabExecutor(threads: 1))
        XCTAssertEqual(setup.boundaries.map(\.name), ["saline_irrigation", "microwave"], "saline first, then the cooled shaft")
        XCTAssertEqual(setup.sources.map(\.name), ["microwave"])
    }
}
