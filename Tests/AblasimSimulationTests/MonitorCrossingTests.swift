import XCTest
import AblasimCore
import AblasimKernels
import AblasimPhysics
@testable import AblasimSimulation

final class MonitorCrossingTests: XCTestCase {
    private let noInterlock: Scenario.Interlock = { var i = Scenario.Interlock(); i.enabled = false; return i }()

    func testTrilinearReadingBetweenVoxelCentres() throws {
        let solver = try makeMonitorSolver()
        for k in 0..<6 { for j in 0..<6 { for i in 0..<6 { solver.temperature[i, j, k] = Float(37 + i + 2 * j) } } }
        let tc = Thermocouple(name: "a", structure: .cord, position: world(solver, 1.5, 2.25, 3))
        let m = try ThermocoupleMonitor(thermocouples: [tc], solver: solver, thresholds: SafetyThresholds(),
                                        interlock: noInterlock, recordInterval: 1)
        XCTAssertEqual(m.readings[0], 37 + 1.5 + 2 * 2.25, accuracy: 1e-9)
    }

    func testHeatCrossingsAreInterpolatedWithinTheStep() throws {
        let solver = try makeMonitorSolver()
        let tc = Thermocouple(name: "cord_anterior", structure: .cord, position: world(solver, 2, 2, 2))
        let m = try ThermocoupleMonitor(thermocouples: [tc], solver: solver, thresholds: SafetyThresholds(),
                                        interlock: noInterlock, recordInterval: 1)
        for (t, temp) in [(1.0, 41.0), (2.0, 43.0), (3.0, 46.0), (4.0, 40.0)] {
            setUniform(solver, temp)
            m.observe(solver: solver, time: t)
        }
        let r = m.results()
        let c = r.thermocouples[0]
        XCTAssertEqual(c.crossingsS["42"]!!, 1.5, accuracy: 1e-9)
        XCTAssertEqual(c.crossingsS["45"]!!, 2 + 2.0 / 3, accuracy: 1e-9)
        XCTAssertEqual(c.crossingsS["60"]!, nil)
        XCTAssertEqual(c.crossingsS["80"]!, nil)
        XCTAssertEqual(c.coldCrossingsS.keys.sorted(), ["-20", "0", "10"])
        XCTAssertTrue(c.coldCrossingsS.values.allSatisfy { $0 == nil })
        XCTAssertEqual(c.tMaxC, 46, accuracy: 1e-6)
        XCTAssertEqual(c.tMinC, 37, accuracy: 1e-6)
        XCTAssertEqual(c.flags, ["heat-42", "heat-45"])
        XCTAssertEqual(r.flags.map(\.kind), ["heat-42", "heat-45"])
        XCTAssertEqual(r.flags[1].threshold, 45)
        XCTAssertEqual(r.flags[1].timeS, 2 + 2.0 / 3, accuracy: 1e-9)
        XCTAssertEqual(r.flags[0].thermocouple, "cord_anterior")
        XCTAssertEqual(c.positionMm[0], 12, accuracy: 1e-9)
    }

    func testColdCrossingsFlagProtectedSitesOnly() throws {
        let solver = try makeMonitorSolver()
        let root = Thermocouple(name: "root_left", structure: .root, position: world(solver, 1, 1, 1))
        let wall = Thermocouple(name: "posterior_wall", structure: .other, position: world(solver, 3, 3, 3))
        let m = try ThermocoupleMonitor(thermocouples: [root, wall], solver: solver, thresholds: SafetyThresholds(),
                                        interlock: noInterlock, recordInterval: 10)
        setUniform(solver, 5); m.observe(solver: solver, time: 10)
        setUniform(solver, -25); m.observe(solver: solver, time: 20)
        let r = m.results()
        XCTAssertEqual(r.thermocouples[0].coldCrossingsS["10"]!!, 10 * 27.0 / 32, accuracy: 1e-9)
        XCTAssertEqual(r.thermocouples[0].coldCrossingsS["-20"]!!, 10 + 10 * 25.0 / 30, accuracy: 1e-9)
        XCTAssertEqual(r.thermocouples[0].flags, ["cold-10", "cold-0", "cold-20"])
        XCTAssertEqual(r.flags.first { $0.kind == "cold-20" }?.threshold, -20)
        // The unprotected site records the same crossings and raises nothing.
        XCTAssertEqual(r.thermocouples[1].coldCrossingsS["-20"]!!, 10 + 10 * 25.0 / 30, accuracy: 1e-9)
        XCTAssertEqual(r.thermocouples[1].flags, [])
        XCTAssertFalse(r.flags.contains { $0.thermocouple == "posterior_wall" })
    }

    func testDoseAtTheThermocoupleAndStructureLimits() throws {
        let solver = try makeMonitorSolver()
        let cord = Thermocouple(name: "cord", structure: .cord, position: world(solver, 2, 2, 2))
        let root = Thermocouple(name: "root", structure: .root, position: world(solver, 3, 2, 2))
        let m = try ThermocoupleMonitor(thermocouples: [cord, root], solver: solver, thresholds: SafetyThresholds(),
                                        interlock: noInterlock, recordInterval: 60)
        setUniform(solver, 43)
        for s in 1...900 { m.observe(solver: solver, time: Double(s)) }   // 15 min at 43 C = 15 CEM43
        let r = m.results()
        XCTAssertEqual(r.thermocouples[0].cem43Min, 15, accuracy: 1e-9)
        let tissue = try TissueTable.standard.tissue(named: "spinal_cord")
        let rate = tissue.arrheniusA * exp(-tissue.arrheniusEa / (gasConstant * (43 + 273.15)))
        XCTAssertEqual(r.thermocouples[0].omega, 900 * rate, accuracy: 1e-9 * max(1, 900 * rate))
        // Cord limit 10 CEM43 reached at 600 s; the root limit (48) is not reached.
        let cemFlag = r.flags.first { $0.kind == "cem43" }
        XCTAssertEqual(cemFlag?.thermocouple, "cord")
        XCTAssertEqual(cemFlag?.threshold, 10)
        XCTAssertEqual(cemFlag?.timeS ?? 0, 600, accuracy: 1e-6)
        XCTAssertFalse(r.flags.contains { $0.thermocouple == "root" && $0.kind == "cem43" })
        XCTAssertTrue(r.thermocouples[0].flags.contains("heat-42"))
        // The series holds the start and every minute.
        let s = m.series
        XCTAssertEqual(s.names, ["cord", "root"])
        XCTAssertEqual(s.times, (0...15).map { Double($0) * 60 })
        XCTAssertEqual(s.values[1].count, 16)
    }

    func testSeriesInterpolatesToRecordTimes() throws {
        let solver = try makeMonitorSolver()
        let tc = Thermocouple(name: "t", structure: .other, position: world(solver, 2, 2, 2))
        let m = try ThermocoupleMonitor(thermocouples: [tc], solver: solver, thresholds: SafetyThresholds(),
                                        interlock: noInterlock, recordInterval: 1)
        setUniform(solver, 39); m.observe(solver: solver, time: 0.4)
        setUniform(solver, 41); m.observe(solver: solver, time: 0.8)
        setUniform(solver, 45); m.observe(solver: solver, time: 2.4)
        let s = m.series
        XCTAssertEqual(s.times, [0, 1, 2])
        XCTAssertEqual(s.values[0][0], 37, accuracy: 1e-9)
        XCTAssertEqual(s.values[0][1], 41 + 4 * 0.2 / 1.6, accuracy: 1e-9)
        XCTAssertEqual(s.values[0][2], 41 + 4 * 1.2 / 1.6, accuracy: 1e-9)
        XCTAssertEqual(m.hottest.cord, nil)
    }
}
