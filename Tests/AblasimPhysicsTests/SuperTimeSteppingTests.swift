import XCTest
import AblasimCore
@testable import AblasimPhysics

final class SuperTimeSteppingTests: XCTestCase {
    /// The fewest stages that keep a super-step within the margin, and a plain step below the limit.
    func testStageCountIsTheSmallestStableOne() {
        let tau = 0.039
        XCTAssertEqual(SuperTimeStepping.stages(for: 0.03, explicitLimit: tau), 1)
        XCTAssertEqual(SuperTimeStepping.stages(for: tau, explicitLimit: tau), 1)
        for dT in [0.05, 0.5, 1, 5, 10, 60, 300] {
            let s = SuperTimeStepping.stages(for: dT, explicitLimit: tau)
            let reach = { (s: Int) in SuperTimeStepping.stabilityMargin * tau * Double(s * s + s) / 2 }
            XCTAssertGreaterThanOrEqual(reach(s), dT, "dT = \(dT)")
            if s > 2 { XCTAssertLessThan(reach(s - 1), dT, "dT = \(dT): \(s - 1) stages would do") }
        }
        XCTAssertEqual(SuperTimeStepping.stages(for: 5, explicitLimit: tau), 17)  // 5 s at the L1 run's explicit limit
    }

    /// RKL1 on y' = -lambda y: every stage bounded by 1 over the whole stable spectrum (the
    /// internal stability the Chebyshev scheme lacks), decay at the stiff end, and first-order
    /// agreement with exp(-lambda dT) for slow modes.
    func testLegendreStagesAreInternallyStableAndConsistent() {
        let tau = 1.0
        for dT in [3.0, 20, 150] {
            let s = SuperTimeStepping.stages(for: dT, explicitLimit: tau)
            let c = SuperTimeStepping.stageCoefficients(stages: s, superStep: dT)
            func amplification(_ lambda: Double) -> (final: Double, worst: Double) {
                var y2 = 1.0, y1 = 1.0 - c[0].b * lambda, worst = abs(y1)
                for j in 1..<s {
                    let y = y1 + c[j].a * (y1 - y2) - c[j].b * lambda * y1
                    y2 = y1; y1 = y; worst = max(worst, abs(y))
                }
                return (y1, worst)
            }
            for k in 0...400 {
                let lambda = 2 / tau * Double(k) / 400
                XCTAssertLessThanOrEqual(amplification(lambda).worst, 1 + 1e-12, "dT = \(dT), lambda = \(lambda)")
            }
            XCTAssertLessThan(abs(amplification(2 / tau).final), 0.9, "stiffest mode damped, dT = \(dT)")
            let slow = 1e-4 / dT
            XCTAssertEqual(amplification(slow).final, exp(-slow * dT), accuracy: 1e-7, "slow mode, dT = \(dT)")
        }
    }

    func testBadInputAndPennesSolverRefusal() throws {
        XCTAssertThrowsError(try SuperTimeStepping(superStep: 0))
        XCTAssertThrowsError(try SuperTimeStepping(superStep: -5))
        XCTAssertThrowsError(try SuperTimeStepping(superStep: .nan))
        var m = ThermalModel(grid: try Grid3D(nx: 6, ny: 6, nz: 6, isotropic: 1e-3), uniform: try TissueTable.standard.tissue(named: "muscle"))
        m.superTimeStepping = try SuperTimeStepping(superStep: 5)
        XCTAssertThrowsError(try m.makeSolver(Float.self)) { e in
            XCTAssertTrue("\(e)".contains("phase-change (cryo) solver only"), "\(e)")
        }
    }

    /// A 2D freeze by two probes: 5 s super-steps (five times the default) against plain
    /// explicit steps, same protocol.
    func testSuperStepsFollowExplicitFreeze() throws {
        let tumour = try TissueTable.standard.tissue(named: "tumor_metastasis")
        func run(_ sts: SuperTimeStepping?) throws -> (PennesSolver<Float>, Int) {
            var m = ThermalModel(grid: try Grid3D(nx: 30, ny: 16, nz: 1, isotropic: 0.5e-3), uniform: tumour)
            let axes = try [5e-3, 10e-3].map { try ApplicatorAxis(tip: SIMD3($0, 4e-3, 0), direction: SIMD3(0, 0, 1), radius: 0.6e-3) }
            let settings = CryoSettings(protocolPhases: try CryoProtocol(phases: [.freeze(duration: 120), .passiveThaw(duration: 60)]),
                                        freezingLength: 0.5e-3, superTimeStepping: sts)
            let src = try Cryoablation.install(probes: axes, settings: settings, into: &m)
            let s = try m.makeSolver(Float.self, boundary: .heldBeyondGrid(37), executor: SlabExecutor(threads: 1))
            let steps = Int((180 / s.dt).rounded(.up))
            try s.setTimeStep(180 / Double(steps))
            var stages = 0
            for _ in 0..<steps {
                s.source.fill(0)
                try src.update(solver: s, time: s.time)
                try s.step()
                stages += s.stagesPerStep
            }
            return (s, stages)
        }
        let (explicit, n0) = try run(nil)
        let (sts, n1) = try run(try SuperTimeStepping(superStep: 5))
        XCTAssertLessThan(n1 * 4, n0, "super-steps take far fewer stages (\(n1) vs \(n0))")
        var worst = 0.0, iceA = 0, iceB = 0
        for j in 0..<16 { for i in 0..<30 {
            worst = max(worst, abs(Double(explicit.temperature[i, j, 0] - sts.temperature[i, j, 0])))
            if explicit.tMin[i, j, 0] < 0 { iceA += 1 }
            if sts.tMin[i, j, 0] < 0 { iceB += 1 }
        } }
        print("2D freeze 120 s + 60 s passive: explicit \(n0) steps, RKL1 \(n1) stages; max |dT| \(worst) K; ice \(iceA) vs \(iceB) voxels")
        XCTAssertLessThan(worst, 2.0)
        XCTAssertEqual(Double(iceB), Double(iceA), accuracy: 0.05 * Double(iceA))
    }
}
