import XCTest
import AblasimCore
import AblasimPhysics
import AblasimPhantom
@testable import AblasimSimulation

final class MonitorValidationTests: XCTestCase {
    private func make(_ tcs: [Thermocouple], _ thresholds: SafetyThresholds = SafetyThresholds(),
                      interval: Double = 1) throws -> ThermocoupleMonitor {
        try ThermocoupleMonitor(thermocouples: tcs, solver: try makeMonitorSolver(), thresholds: thresholds,
                                interlock: Scenario.Interlock(), recordInterval: interval)
    }

    private func assertInputError(_ body: @autoclosure () throws -> Any, contains parts: [String],
                                  file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            guard let e = error as? SimulationError, e.isInputError else {
                return XCTFail("expected SimulationError.invalidInput, got \(error)", file: file, line: line)
            }
            for p in parts { XCTAssertTrue(e.description.contains(p), "'\(e.description)' lacks '\(p)'", file: file, line: line) }
        }
    }

    func testThermocoupleOutsideTheGrid() throws {
        let solver = try makeMonitorSolver()
        let tc = Thermocouple(name: "far", structure: .cord, position: world(solver, 2, 9, 2))
        assertInputError(try self.make([tc]), contains: ["'far'", "(12.00, 29.00, 32.00) mm", "outside the grid"])
    }

    func testThermocoupleInsideAProbe() throws {
        let solver = try makeMonitorSolver()
        let tc = Thermocouple(name: "tip", structure: .root, position: world(solver, 4.8, 5, 5.1))
        assertInputError(try self.make([tc]), contains: ["'tip'", "probe surface 'probe_shaft'", "voxel 5, 5, 5"])
    }

    func testDuplicateNames() throws {
        let solver = try makeMonitorSolver()
        let a = Thermocouple(name: "cord", structure: .cord, position: world(solver, 1, 1, 1))
        assertInputError(try self.make([a, a]), contains: ["'cord'", "unique"])
    }

    func testThresholdsOutOfOrderOrNotFinite() throws {
        var t = SafetyThresholds()
        t.heatC = [42, 60, 45, 80]
        assertInputError(try t.validate(), contains: ["heat", "42, 60, 45, 80", "increasing"])
        t = SafetyThresholds()
        t.coldC = [0, 10, -20]
        assertInputError(try t.validate(), contains: ["cold", "decreasing"])
        t = SafetyThresholds()
        t.heatC = [42, .nan]
        assertInputError(try t.validate(), contains: ["heat", "finite"])
        t = SafetyThresholds()
        t.cordCEM43Min = -1
        assertInputError(try t.validate(), contains: ["cord CEM43", "> 0"])
        t = SafetyThresholds()
        t.heatC = [42, 42]
        assertInputError(try self.make([], t), contains: ["strictly increasing"])
        XCTAssertNoThrow(try SafetyThresholds().validate())
        assertInputError(try self.make([], interval: 0), contains: ["record interval"])
    }

    func testStructureFromScenarioSpec() throws {
        let tc = try Thermocouple(spec: Scenario.ThermocoupleSpec(name: "r", positionMM: SIMD3(1, 2, 3), structure: "Root"))
        XCTAssertEqual(tc.structure, .root)
        XCTAssertEqual(tc.position.z, 0.003, accuracy: 1e-15)
        assertInputError(try Thermocouple(spec: Scenario.ThermocoupleSpec(name: "x", positionMM: .zero, structure: "dura")),
                         contains: ["'x'", "unknown structure 'dura'", "cord, root, other"])
    }

    func testDefaultsAreStricterForCord() {
        let t = SafetyThresholds()
        XCTAssertEqual(t.heatC, [42, 45, 60, 80])
        XCTAssertEqual(t.coldC, [10, 0, -20])
        XCTAssertLessThan(t.cem43Limit(.cord)!, t.cem43Limit(.root)!)
        XCTAssertLessThan(t.omegaLimit(.cord)!, t.omegaLimit(.root)!)
        XCTAssertNil(t.cem43Limit(.other))
    }
}

final class MonitorSitesTests: XCTestCase {
    func testPhantomSitesAndUserThermocouples() throws {
        let landmarks = Landmarks(sites: ["root_left": SIMD3(0.01, 0, 0), "cord_anterior": SIMD3(0, 0.01, 0), "posterior_wall": SIMD3(0, 0.02, 0)])
        let user = [Scenario.ThermocoupleSpec(name: "extra", positionMM: SIMD3(1, 2, 3), structure: "root"),
                    Scenario.ThermocoupleSpec(name: "posterior_wall", positionMM: SIMD3(0, 25, 0), structure: "cord")]
        let tcs = try Thermocouple.sites(landmarks, plus: user)
        XCTAssertEqual(tcs.map(\.name), ["cord_anterior", "posterior_wall", "root_left", "extra"])
        XCTAssertEqual(tcs.map(\.structure), [.cord, .cord, .root, .root])
        XCTAssertEqual(tcs[1].position.y, 0.025, accuracy: 1e-12)
        XCTAssertEqual(tcs[3].position.x, 0.001, accuracy: 1e-12)
    }
}

final class SafetyThresholdKeysTests: XCTestCase {
    func testSetParsesAndValidates() throws {
        var t = SafetyThresholds()
        try t.set("thresholds.heat_c", to: "41, 44, 60, 80")
        XCTAssertEqual(t.heatC, [41, 44, 60, 80])
        try t.set("thresholds.cord_cem43_min", to: "5")
        XCTAssertEqual(t.cem43Limit(.cord), 5)
        XCTAssertThrowsError(try t.set("thresholds.cold_c", to: "0, 10", context: "s.yaml")) { e in
            XCTAssertTrue("\(e)".contains("s.yaml") && "\(e)".contains("decreasing"), "\(e)")
        }
        XCTAssertEqual(t.coldC, [10, 0, -20], "a rejected value leaves the thresholds unchanged")
        XCTAssertThrowsError(try t.set("thresholds.root_omega", to: "-1"))
        XCTAssertThrowsError(try t.set("thresholds.heat_c", to: "42,abc"))
        XCTAssertThrowsError(try t.set("thresholds.nerve", to: "1")) { e in
            XCTAssertTrue("\(e)".contains("thresholds.cord_omega"))
        }
    }
}
