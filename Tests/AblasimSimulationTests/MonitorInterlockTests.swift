import XCTest
import AblasimCore
import AblasimPhysics
@testable import AblasimSimulation

final class MonitorInterlockTests: XCTestCase {
    private func monitor(_ mode: Scenario.InterlockMode, enabled: Bool = true) throws -> (ThermocoupleMonitor, PennesSolver<Float>) {
        let solver = try makeMonitorSolver()
        var interlock = Scenario.Interlock()
        interlock.mode = mode
        interlock.enabled = enabled
        let tcs = [Thermocouple(name: "cord_posterior", structure: .cord, position: world(solver, 2, 2, 2)),
                   Thermocouple(name: "posterior_wall", structure: .other, position: world(solver, 4, 4, 4))]
        return (try ThermocoupleMonitor(thermocouples: tcs, solver: solver, thresholds: SafetyThresholds(),
                                        interlock: interlock, recordInterval: 1), solver)
    }

    func testCutStopsPowerAtTheThresholdAndStaysOff() throws {
        let (m, solver) = try monitor(.cut)
        setUniform(solver, 44); XCTAssertEqual(m.observe(solver: solver, time: 1), 1)
        setUniform(solver, 46); XCTAssertEqual(m.observe(solver: solver, time: 2), 0)
        setUniform(solver, 47.5); XCTAssertEqual(m.observe(solver: solver, time: 3), 0)
        setUniform(solver, 40); XCTAssertEqual(m.observe(solver: solver, time: 4), 0)
        XCTAssertEqual(m.powerFactor, 0)
        let r = m.results().interlock
        XCTAssertTrue(r.enabled)
        XCTAssertEqual(r.mode, "cut")
        XCTAssertEqual(r.thresholdC, 45)
        XCTAssertEqual(r.trippedS!, 1.5, accuracy: 1e-9)
        XCTAssertEqual(r.overshootC!, 2.5, accuracy: 1e-5)
        XCTAssertEqual(m.hottest.cord!, 40, accuracy: 1e-5)
    }

    func testUnprotectedSiteDoesNotTripTheInterlock() throws {
        let (m, solver) = try monitor(.cut)
        solver.temperature[4, 4, 4] = 70
        XCTAssertEqual(m.observe(solver: solver, time: 1), 1)
        XCTAssertNil(m.results().interlock.trippedS)
        XCTAssertEqual(m.results().thermocouples[1].crossingsS["60"]!!, 23.0 / 33, accuracy: 1e-6)
    }

    func testThrottleFollowsTheHottestProtectedSite() throws {
        let (m, solver) = try monitor(.throttle)
        setUniform(solver, 42.5); XCTAssertEqual(m.observe(solver: solver, time: 1), 1)
        setUniform(solver, 44); XCTAssertEqual(m.observe(solver: solver, time: 2), 0.5, accuracy: 1e-6)
        setUniform(solver, 45.5); XCTAssertEqual(m.observe(solver: solver, time: 3), 0)
        setUniform(solver, 42); XCTAssertEqual(m.observe(solver: solver, time: 4), 1)
        let r = m.results().interlock
        XCTAssertEqual(r.mode, "throttle")
        XCTAssertEqual(r.trippedS!, 1 + 0.5 / 1.5, accuracy: 1e-9)   // entered the band at 43 C
        XCTAssertEqual(r.overshootC!, 0.5, accuracy: 1e-5)
    }

    func testDisabledInterlockNeverActs() throws {
        let (m, solver) = try monitor(.cut, enabled: false)
        setUniform(solver, 60)
        XCTAssertEqual(m.observe(solver: solver, time: 1), 1)
        let r = m.results()
        XCTAssertFalse(r.interlock.enabled)
        XCTAssertNil(r.interlock.trippedS)
        XCTAssertNil(r.interlock.overshootC)
        XCTAssertTrue(r.flags.contains { $0.kind == "heat-60" })
    }
}

final class MonitorSolverTests: XCTestCase {
    /// A heated voxel block in a 12^3 cube of cord tissue, power gated by the monitor as the
    /// simulation loop does: the cut stops the heating, the cord site peaks after the trip
    /// (heat still flowing out of the hot core) and then cools.
    func testCutInterlockWithTheRealSolver() throws {
        let grid = try Grid3D(nx: 12, ny: 12, nz: 12, isotropic: 1e-3)
        let model = ThermalModel(grid: grid, uniform: try TissueTable.standard.tissue(named: "spinal_cord"))
        let solver = try model.makeSolver(Float.self, executor: SlabExecutor(threads: 1))
        let site = Thermocouple(name: "cord_anterior", structure: .cord, position: grid.world(SIMD3(6, 6, 8)))
        let m = try ThermocoupleMonitor(thermocouples: [site], solver: solver, thresholds: SafetyThresholds(),
                                        interlock: Scenario.Interlock(), recordInterval: 1)
        var factor = 1.0
        var peak = 0.0
        while solver.time < 60 {
            solver.source.fill(0)
            for k in 5...6 { for j in 5...6 { for i in 5...6 { solver.source[i, j, k] = Float(4e7 * factor) } } }
            try solver.step()
            factor = m.observe(solver: solver, time: solver.time)
            peak = max(peak, m.readings[0])
        }
        let r = m.results()
        let trip = try XCTUnwrap(r.interlock.trippedS, "the 45 C cut-off was never reached; raise the power")
        print(String(format: "MonitorSolverTests: 45 C at %.2f s, interlock cut, peak %.2f C (overshoot %.2f C), %.2f C at 60 s",
                     trip, peak, r.interlock.overshootC ?? .nan, m.readings[0]))
        XCTAssertEqual(factor, 0)
        XCTAssertGreaterThan(trip, 0)
        XCTAssertEqual(r.thermocouples[0].crossingsS["45"]!!, trip, accuracy: 1e-9)
        XCTAssertLessThan(r.thermocouples[0].crossingsS["42"]!!, trip)
        XCTAssertEqual(r.interlock.overshootC!, peak - 45, accuracy: 1e-9)
        XCTAssertGreaterThanOrEqual(r.interlock.overshootC!, 0)
        XCTAssertLessThan(m.readings[0], peak, "the site cools after the cut")
        XCTAssertEqual(r.thermocouples[0].tMaxC, peak, accuracy: 1e-9)
        XCTAssertEqual(m.series.times.count, 61)
    }
}
