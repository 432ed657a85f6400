import XCTest
import AblasimCore
import AblasimPhysics
@testable import AblasimSimulation

/// The cold limit and the predictive mode of the interlock, on readings set by hand.
final class MonitorColdAndPredictiveTests: XCTestCase {
    private func monitor(_ mode: Scenario.InterlockMode, cold: Double = 10) throws -> (ThermocoupleMonitor, PennesSolver<Float>) {
        let solver = try makeMonitorSolver()
        var interlock = Scenario.Interlock()
        interlock.mode = mode
        interlock.coldThresholdC = cold
        let tcs = [Thermocouple(name: "root_left", structure: .root, position: world(solver, 2, 2, 2)),
                   Thermocouple(name: "posterior_wall", structure: .other, position: world(solver, 4, 4, 4))]
        setUniform(solver, 37)
        return (try ThermocoupleMonitor(thermocouples: tcs, solver: solver, thresholds: SafetyThresholds(),
                                        interlock: interlock, recordInterval: 1), solver)
    }

    func testColdCutStopsFreezingAtTheColdLimitAndStaysOff() throws {
        let (m, solver) = try monitor(.cut)
        setUniform(solver, 12); XCTAssertEqual(m.observe(solver: solver, time: 1), 1)
        setUniform(solver, 8); XCTAssertEqual(m.observe(solver: solver, time: 2), 0)
        setUniform(solver, 7); XCTAssertEqual(m.observe(solver: solver, time: 3), 0)
        setUniform(solver, 20); XCTAssertEqual(m.observe(solver: solver, time: 4), 0)
        let r = m.results().interlock
        XCTAssertEqual(r.coldThresholdC, 10)
        XCTAssertEqual(r.coldTrippedS!, 1.5, accuracy: 1e-9)
        XCTAssertEqual(r.trippedS!, 1.5, accuracy: 1e-9)
        XCTAssertEqual(r.coldOvershootC!, 3, accuracy: 1e-5)
        XCTAssertNil(r.overshootC, "no heat trip")
        let e = try XCTUnwrap(r.events?.first)
        XCTAssertEqual(r.events?.count, 1)
        XCTAssertEqual([e.kind, e.trigger, e.thermocouple], ["cold", "reading", "root_left"])
        XCTAssertEqual(e.readingC, 8, accuracy: 1e-5)
        XCTAssertEqual(e.peakC, 7, accuracy: 1e-5)
        XCTAssertNil(e.forecastC)
    }

    func testColdThrottleFollowsTheColdestProtectedSite() throws {
        let (m, solver) = try monitor(.throttle)
        setUniform(solver, 11); XCTAssertEqual(m.observe(solver: solver, time: 1), 0.5, accuracy: 1e-5)
        setUniform(solver, 9); XCTAssertEqual(m.observe(solver: solver, time: 2), 0)
        setUniform(solver, 20); XCTAssertEqual(m.observe(solver: solver, time: 3), 1)
        XCTAssertEqual(m.results().interlock.coldOvershootC!, 1, accuracy: 1e-5)
    }

    func testColdLimitNotBelowTheHeatLimitIsAnError() throws {
        XCTAssertThrowsError(try monitor(.cut, cold: 45)) { e in
            XCTAssertTrue("\(e)".contains("interlock.cold_threshold_c"), "\(e)")
            XCTAssertTrue("\(e)".contains("interlock.threshold_c"), "\(e)")
        }
        var s = Scenario()
        XCTAssertThrowsError(try s.set("interlock.cold_threshold_c", to: "50")) { e in
            XCTAssertTrue("\(e)".contains("interlock.cold_threshold_c"), "\(e)")
            XCTAssertTrue("\(e)".contains("37"), "names the valid range: \(e)")
        }
        XCTAssertNoThrow(try s.set("interlock.cold_threshold_c", to: "5"))
        XCTAssertEqual(s.interlock.coldThresholdC, 5)
    }

    /// A site that answered the switch-on late (37, 37.2, 38, 42 C at 0, 2, 4, 6 s): rate 2
    /// C/s, r tau = max(4 - 0.2, 8 - 1, 12 - 5) = 7 C, forecast 49 C: the predictive cut trips
    /// while the reading is 42 C; the threshold cut waits.
    func testPredictiveCutsOnTheForecastOfALateResponse() throws {
        for mode in [Scenario.InterlockMode.predictive, .cut] {
            let (m, solver) = try monitor(mode)
            for (t, v) in [(2.0, 37.2), (4, 38)] { setUniform(solver, v); XCTAssertEqual(m.observe(solver: solver, time: t), 1) }
            setUniform(solver, 42); let f = m.observe(solver: solver, time: 6)
            let r = m.results().interlock
            if mode == .predictive {
                XCTAssertEqual(f, 0)
                let e = try XCTUnwrap(r.events?.first)
                XCTAssertEqual([e.kind, e.trigger], ["heat", "forecast"])
                XCTAssertEqual(e.forecastC!, 49, accuracy: 1e-4)
                XCTAssertEqual(e.readingC, 42, accuracy: 1e-5)
                XCTAssertEqual(r.trippedS, 6)
            } else {
                XCTAssertEqual(f, 1)
                XCTAssertEqual(r.events, [])
            }
        }
    }

    /// A site that answered at once (a straight rise) stops when the power does: tau = 0.
    func testForecastTimeConstantFromTheSitesOwnResponse() throws {
        var straight = ThermocoupleForecast()
        for (t, v) in [(0.0, 37.0), (1, 38), (2, 38), (4, 39)] { straight.add(time: t, value: v) }
        XCTAssertEqual(straight.times, [0, 2, 4], "samples closer than 2 s are skipped")
        let p = try XCTUnwrap(straight.forecast(now: 39, at: 4, horizon: 120))
        XCTAssertEqual(p.rate, 0.5, accuracy: 1e-12)
        XCTAssertEqual(p.tau, 0, accuracy: 1e-12)
        XCTAssertEqual(p.value, 39, accuracy: 1e-12)
        var late = ThermocoupleForecast()
        for (t, v) in [(0.0, 37.0), (2, 37.2), (4, 38), (6, 42)] { late.add(time: t, value: v) }
        let q = try XCTUnwrap(late.forecast(now: 42, at: 6, horizon: 120))
        XCTAssertEqual(q.tau, 3.5, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(late.forecast(now: 42, at: 6, horizon: 3)).value, 42 + 3.8, accuracy: 1e-12, "the horizon caps the look-ahead")
        let (m, solver) = try monitor(.predictive)
        for (t, v) in [(2.0, 38.0), (4, 39)] { setUniform(solver, v); XCTAssertEqual(m.observe(solver: solver, time: t), 1) }
        XCTAssertNil(m.results().interlock.trippedS)
    }

    /// A checkpoint keeps the trips and the forecast history: a restored monitor reports the
    /// same and trips on the same next reading.
    func testCheckpointKeepsTripsAndForecastHistory() throws {
        let (a, solver) = try monitor(.predictive)
        for (t, v) in [(2.0, 37.2), (4, 38)] { setUniform(solver, v); a.observe(solver: solver, time: t) }
        var w = StateWriter()
        a.saveState(to: &w)
        let (b, _) = try monitor(.predictive)
        var r = StateReader(w.bytes, context: "test checkpoint")
        try b.restoreState(from: &r)
        setUniform(solver, 42)
        XCTAssertEqual(a.observe(solver: solver, time: 6), 0)
        XCTAssertEqual(b.observe(solver: solver, time: 6), 0)
        XCTAssertEqual(a.results().interlock, b.results().interlock)
        setUniform(solver, 5); a.observe(solver: solver, time: 8)
        var w2 = StateWriter()
        a.saveState(to: &w2)
        let (c, _) = try monitor(.predictive)
        var r2 = StateReader(w2.bytes, context: "test checkpoint")
        try c.restoreState(from: &r2)
        XCTAssertEqual(c.results().interlock, a.results().interlock)
        XCTAssertEqual(c.results().interlock.events?.map(\.kind), ["heat", "cold"])
    }

    /// A late fall (36, 33, 23 C at 2, 4, 6 s): rate -5 C/s, r tau = -16 C, forecast 7 C.
    func testPredictiveCutsOnAFallTowardsTheColdLimit() throws {
        let (m, solver) = try monitor(.predictive)
        for (t, v) in [(2.0, 36.0), (4, 33)] { setUniform(solver, v); XCTAssertEqual(m.observe(solver: solver, time: t), 1) }
        setUniform(solver, 23); XCTAssertEqual(m.observe(solver: solver, time: 6), 0)
        let e = try XCTUnwrap(m.results().interlock.events?.first)
        XCTAssertEqual([e.kind, e.trigger], ["cold", "forecast"])
        XCTAssertEqual(e.forecastC!, 7, accuracy: 1e-4)
    }
}

/// The test: one heated block, a cord site 2 voxels from it, the same power; the
/// threshold cut lets the site overshoot the 45 C limit after the cut (heat still flowing
/// out of the hot core), the predictive cut does not.
final class PredictiveInterlockSolverTests: XCTestCase {
    private func run(_ mode: Scenario.InterlockMode) throws -> (peak: Double, interlock: RunSummary.Interlock) {
        let grid = try Grid3D(nx: 12, ny: 12, nz: 12, isotropic: 1e-3)
        let model = ThermalModel(grid: grid, uniform: try TissueTable.standard.tissue(named: "spinal_cord"))
        let solver = try model.makeSolver(Float.self, executor: SlabExecutor(threads: 1))
        let site = Thermocouple(name: "cord_anterior", structure: .cord, position: grid.world(SIMD3(6, 6, 8)))
        var interlock = Scenario.Interlock()
        interlock.mode = mode
        let m = try ThermocoupleMonitor(thermocouples: [site], solver: solver, thresholds: SafetyThresholds(),
                                        interlock: interlock, recordInterval: 1)
        var factor = 1.0, peak = -Double.infinity
        while solver.time < 120 {
            solver.source.fill(0)
            for k in 5...6 { for j in 5...6 { for i in 5...6 { solver.source[i, j, k] = Float(4e7 * factor) } } }
            try solver.step()
            factor = m.observe(solver: solver, time: solver.time)
            peak = max(peak, m.readings[0])
        }
        XCTAssertEqual(factor, 0, "\(mode): the interlock cut the power")
        return (peak, m.results().interlock)
    }

    func testThresholdCutOvershootsAndPredictiveCutDoesNot() throws {
        let threshold = try run(.cut), predictive = try run(.predictive)
        let e = try XCTUnwrap(predictive.interlock.events?.first)
        print(String(format: "PredictiveInterlockSolverTests: cut at %.2f s peaks at %.2f C; predictive cut at %.2f s (reading %.2f C, forecast %.2f C) peaks at %.2f C",
                     threshold.interlock.trippedS ?? .nan, threshold.peak, e.timeS, e.readingC, e.forecastC ?? .nan, predictive.peak))
        XCTAssertGreaterThan(threshold.peak, 45, "the threshold cut lets the cord overshoot")
        XCTAssertLessThan(predictive.peak, 45, "the predictive cut keeps the cord under the limit")
        XCTAssertEqual(e.trigger, "forecast")
        XCTAssertEqual(e.peakC, predictive.peak, accuracy: 1e-9)
        XCTAssertGreaterThanOrEqual(e.forecastC!, e.peakC, "the forecast bounds the actual peak")
        XCTAssertLessThan(e.timeS, threshold.interlock.trippedS!)
    }
}
