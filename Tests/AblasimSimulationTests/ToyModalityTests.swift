import XCTest
import Foundation
import AblasimCore
import AblasimPhysics
@testable import AblasimSimulation

/// A modality added as a plug-in (ToyModality/) runs end to end through the registry: its
/// keys parse, apply and reach the summary, its source heats, and it checkpoints.
final class ToyModalityTests: XCTestCase {
    override func setUpWithError() throws { try ModalityRegistry.register(ToyModality()) }
    override func tearDown() { ModalityRegistry.unregister(.toy) }

    func toyScenario() throws -> Scenario {
        var s = Scenario()
        try s.apply(yaml: "modality: toy\ntoy:\n  power_w: 5\nduration_s: 20\nthreads: 1\n", context: "toy.yaml")
        return s
    }

    func testToyModalityRunsEndToEndThroughTheRegistry() throws {
        let s = try toyScenario()
        XCTAssertEqual(s.modality, .toy)
        XCTAssertEqual(s.setting("toy.power_w"), .number(5))
        XCTAssertEqual(s.setting("toy.radius_mm"), .number(4), "the default of an unset key")
        let run = try ScenarioRun(phantom: GeneratedPhantoms.twoMillimetre, scenario: s, executor: SlabExecutor(threads: 1))
        XCTAssertTrue(try run.run())
        let summary = run.summary(zone: run.zone(), wallTime: 0, version: "test")
        XCTAssertEqual(summary.modality, "toy")
        XCTAssertEqual(summary.probes.map(\.name), ["ball"])
        XCTAssertEqual(summary.probes[0].energyJ, 5 * 20, accuracy: 1e-9 * 100)
        XCTAssertGreaterThan(run.simulation.solver.tMax.interior().max()!, 40, "5 W into a 4 mm ball heats it")
        XCTAssertEqual(summary.parameters["toy.power_w"], .number(5))
        XCTAssertEqual(summary.parameters["toy.radius_mm"], .number(4))
        XCTAssertNil(summary.parameters["rf.power_w"], "another modality's keys do not apply")
        XCTAssertTrue(Scenario.helpText.contains("  toy.power_w: a number in [0.1, 50] W; default 2.0."), Scenario.helpText)
        XCTAssertNotNil(Scenario.parameter("modality").map { "\($0.valid)".contains("toy") })
    }

    func testToyRunResumesFromACheckpointToTheSameState() throws {
        let s = try toyScenario()
        let phantom = GeneratedPhantoms.twoMillimetre
        let straight = try ScenarioRun(phantom: phantom, scenario: s, executor: SlabExecutor(threads: 1))
        XCTAssertTrue(try straight.run())
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("toy-\(UUID().uuidString).bin")
        defer { try? FileManager.default.removeItem(at: url) }
        let first = try ScenarioRun(phantom: phantom, scenario: s, executor: SlabExecutor(threads: 1))
        XCTAssertFalse(try first.run(shouldStop: { first.simulation.time >= 8 }))
        try first.checkpoint(to: url)
        let resumed = try ScenarioRun(phantom: phantom, scenario: s, executor: SlabExecutor(threads: 1))
        try resumed.restore(from: url)
        XCTAssertTrue(try resumed.run())
        XCTAssertEqual(resumed.simulation.solver.temperature.interior(), straight.simulation.solver.temperature.interior())
        XCTAssertEqual(resumed.summary(zone: resumed.zone(), wallTime: 0, version: "t").probes,
                       straight.summary(zone: straight.zone(), wallTime: 0, version: "t").probes)
    }

    func testAnUnregisteredModalityAndItsKeysAreUnknown() throws {
        ModalityRegistry.unregister(.toy)
        var s = Scenario()
        XCTAssertThrowsError(try s.set("modality", to: "toy", context: "test")) { e in
            XCTAssertTrue("\(e)".contains("expected one of rf, microwave, laser, cryo"), "\(e)")
        }
        XCTAssertThrowsError(try s.set("toy.power_w", to: "5", context: "test")) { e in
            XCTAssertTrue("\(e)".contains("unknown parameter 'toy.power_w'"), "\(e)")
        }
    }

    func testRegistryRefusesATakenNameAndForeignKeys() {
        XCTAssertThrowsError(try ModalityRegistry.register(ToyModality())) { e in XCTAssertTrue("\(e)".contains("already registered"), "\(e)") }
        struct Poacher: Modality {
            var name: ModalityName { "poacher" }
            var parameters: [ScenarioParameter] { [.setting("rf.power_w", .number(1...2, unit: "W"), default: .number(1), doc: "", source: "")] }
            var flags: [ModalityFlag] { [] }
            func install(into model: inout ThermalModel, placement: ModalityPlacement) throws -> ModalityInstallation { fatalError() }
        }
        XCTAssertThrowsError(try ModalityRegistry.register(Poacher())) { e in XCTAssertTrue("\(e)".contains("outside its prefix 'poacher.'"), "\(e)") }
        XCTAssertNil(ModalityRegistry.named("poacher"))
    }

    func testBuiltInModalitiesKeepToTheirPrefixesAndFlags() throws {
        for m in ModalityRegistry.builtIn { XCTAssertNoThrow(try ModalityRegistry.check(m), "\(m.name)") }
        XCTAssertEqual(ModalityRegistry.builtIn.flatMap(\.flags).map(\.name), ["bipolar", "monopolar", "microwave", "laser", "cryo"])
        XCTAssertEqual(ModalityRegistry.builtIn.map(\.powerKey), ["rf.power_w", "microwave.power_w", "laser.power_w", nil])
    }
}
