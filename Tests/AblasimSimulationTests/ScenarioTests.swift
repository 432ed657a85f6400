import XCTest
@testable import AblasimSimulation

final class ScenarioTests: XCTestCase {
    func testYAMLSetsNestedKeysAndThermocouples() throws {
        var s = Scenario()
        try s.apply(yaml: """
            duration_s: 240
            rf:
              power_w: 25
              placement: left
              sequential: true
            interlock: {threshold_c: 44, mode: throttle}
            tissue:
              tumor_lytic: {perfusion_ml_min_kg: 250}
            thermocouples:
              - {name: extra1, position_mm: [1.5, -2, 30], structure: cord}
            """, context: "test.yaml")
        XCTAssertEqual(s.durationS, 240)
        XCTAssertEqual(s.rf.powerW, 25)
        XCTAssertEqual(s.rf.placement, .left)
        XCTAssertTrue(s.rf.sequential)
        XCTAssertEqual(s.interlock.thresholdC, 44)
        XCTAssertEqual(s.interlock.mode, .throttle)
        XCTAssertEqual(s.tissueOverrides["tumor_lytic"]?["perfusion_ml_min_kg"], 250)
        XCTAssertEqual(s.thermocouples, [.init(name: "extra1", positionMM: SIMD3(1.5, -2, 30), structure: "cord")])
    }

    func testUnknownKeyNamesTheKeyAndTheValidOnes() {
        var s = Scenario()
        XCTAssertThrowsError(try s.set("rf.pwoer_w", to: "20", context: "sweep axis")) { e in
            let m = "\(e)"
            XCTAssertTrue(m.contains("rf.pwoer_w") && m.contains("rf.power_w") && m.contains("sweep axis"), m)
        }
    }

    func testMicrowaveWaterLossKey() throws {
        var s = Scenario()
        XCTAssertFalse(s.microwave.waterLoss, "off by default")
        try s.set("microwave.water_loss", to: "on")
        XCTAssertTrue(s.microwave.waterLoss)
        XCTAssertThrowsError(try s.set("microwave.water_loss", to: "sometimes")) { e in
            XCTAssertTrue("\(e)".contains("true or false"), "\(e)")
        }
        s.modality = .microwave
        XCTAssertEqual(s.parameterList()["microwave.water_loss"], "true")
    }

    func testOutOfRangeValuesAreRejected() {
        var s = Scenario()
        for (k, v) in [("rf.power_w", "-5"), ("rf.power_w", "nan"), ("duration_s", "0"), ("microwave.frequency_mhz", "1000"),
                       ("cryo.protocol_min", "10,-2,10"), ("cryo.super_step_s", "-1"), ("cryo.super_step_s", "900"),
                       ("rf.placement", "middle"), ("interlock.enabled", "maybe"),
                       ("tissue.fat.colour", "3"), ("thermocouples", "a@1,2"), ("thermocouples", "a@1,2,3:liver")] {
            XCTAssertThrowsError(try s.set(k, to: v), "\(k)=\(v) should be rejected") { e in
                XCTAssertTrue((e as? SimulationError)?.isInputError == true)
            }
        }
    }

    func testThresholdKeysReachTheMonitorSettings() throws {
        var s = Scenario()
        try s.apply(yaml: "thresholds:\n  cord_cem43_min: 5\n", context: "t.yaml")
        XCTAssertEqual(s.thresholds.cordCEM43Min, 5)
        XCTAssertThrowsError(try s.set("thresholds.bogus", to: "1"))
    }

    func testNotAMappingIsAnError() {
        var s = Scenario()
        XCTAssertThrowsError(try s.apply(yaml: "- 1\n- 2\n", context: "list.yaml"))
        XCTAssertThrowsError(try s.apply(yaml: "a: [1, 2\n", context: "broken.yaml"))
    }
}
