import XCTest
import AblasimCore
import AblasimPhantom
import AblasimPhysics
@testable import AblasimSimulation

/// Non-RF modalities through `ScenarioRun`: the summary reports each applicator's energy
/// (its channel), and a run checkpointed half way resumes to the same result.
final class ModalityRunTests: XCTestCase {
    static var phantom: Phantom { GeneratedPhantoms.twoMillimetre }

    func scenario(_ modality: Scenario.Modality, _ extra: [(String, String)] = []) throws -> Scenario {
        var s = Scenario()
        s.modality = modality
        try s.set("duration_s", to: "20")
        try s.set("threads", to: "1")
        for (k, v) in extra { try s.set(k, to: v) }
        return s
    }

    func testSummaryReportsEachApplicatorsEnergy() throws {
        for (modality, extra) in [(Scenario.Modality.microwave, [("microwave.power_w", "30")]), (.laser, [("laser.energy_j", "none")]), (.cryo, [("cryo.protocol_min", "0.2")])] {
            let run = try ScenarioRun(phantom: Self.phantom, scenario: try scenario(modality, extra), executor: SlabExecutor(threads: 1))
            XCTAssertTrue(try run.run())
            let summary = run.summary(zone: run.zone(), wallTime: 0, version: "test")
            for p in summary.probes {
                XCTAssertNotEqual(p.energyJ, 0, "\(modality) \(p.name) (\(p.channel))")
            }
            switch modality {
            case .microwave: XCTAssertEqual(summary.probes[0].energyJ, 30 * run.simulation.time, accuracy: 1e-6 * 30 * 20)
            case .laser: XCTAssertEqual(summary.probes[0].energyJ, 3 * run.simulation.time, accuracy: 1e-6 * 60)
            default: XCTAssertLessThan(summary.probes.map(\.energyJ).reduce(0, +), 0, "cryo extracts heat")
            }
        }
    }

    func testCryoRunLastsItsProtocolUnlessADurationIsGiven() throws {
        var s = Scenario()
        s.modality = .cryo
        try s.set("cryo.protocol_min", to: "1,0.5,1")
        XCTAssertEqual(try ScenarioRun(phantom: Self.phantom, scenario: s, executor: SlabExecutor(threads: 1)).duration, 150)
        try s.set("duration_s", to: "45")
        XCTAssertEqual(try ScenarioRun(phantom: Self.phantom, scenario: s, executor: SlabExecutor(threads: 1)).duration, 45)
    }

    func testCheckpointedMicrowaveRunWithWaterLossResumesToTheSameSummary() throws {
        let s = try scenario(.microwave, [("microwave.power_w", "60"), ("microwave.water_loss", "on"), ("duration_s", "30")])
        let straight = try ScenarioRun(phantom: Self.phantom, scenario: s, executor: SlabExecutor(threads: 1))
        XCTAssertTrue(try straight.run())
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("modality-\(UUID().uuidString).bin")
        defer { try? FileManager.default.removeItem(at: url) }
        let first = try ScenarioRun(phantom: Self.phantom, scenario: s, executor: SlabExecutor(threads: 1))
        XCTAssertFalse(try first.run(shouldStop: { first.simulation.time >= 8 }))
        XCTAssertGreaterThan(first.simulation.solver.stepCount, 1)
        try first.checkpoint(to: url)
        let resumed = try ScenarioRun(phantom: Self.phantom, scenario: s, executor: SlabExecutor(threads: 1))
        try resumed.restore(from: url)
        XCTAssertTrue(try resumed.run())
        XCTAssertEqual(resumed.simulation.solver.temperature.interior(), straight.simulation.solver.temperature.interior())
        XCTAssertEqual(resumed.simulation.solver.omega.interior(), straight.simulation.solver.omega.interior())
        XCTAssertEqual(resumed.summary(zone: resumed.zone(), wallTime: 0, version: "t").probes,
                       straight.summary(zone: straight.zone(), wallTime: 0, version: "t").probes)
    }
}
