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
