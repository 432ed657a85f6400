import XCTest
import AblasimCore
@testable import AblasimPhysics

/// Preemption of an RF run: checkpoint the solver and the RF source part-way, restore both
/// into freshly built ones, and the continuation must equal the uninterrupted run bit for
/// bit (temperatures, channel states, re-solve count), across a re-solve after the restore.
final class RFCheckpointTests: XCTestCase {
    let mm = 1e-3

    /// Two cooled bipolar probes, temperature-controlled, temperature-dependent sigma, a
    /// drift check every step with a tight tolerance so re-solves happen often.
    func build() throws -> (PennesSolver<Float>, RFSource) {
        var m = ThermalModel(grid: try Grid3D(nx: 30, ny: 24, nz: 24, isotropic: 1 * mm), uniform: try TissueTable.standard.tissue(named: "muscle"))
        let probes = try [(9.0, "left"), (21.0, "right")].map { x, name in
            try ProbePreset.probe("cooled-bipolar-10", name: name, entry: SIMD3(x, 12, 60) * mm, tip: SIMD3(x, 12, 6) * mm)
        }
        var options = RFOptions()
        options.driftCheckInterval = 0
        options.driftTolerance = 0.005
        let generators = [RFGenerator(mode: .temperatureControlled(target: 70, maxPower: 25)),
                          RFGenerator(mode: .temperatureControlled(target: 65, maxPower: 20))]
        let rf = try RFAblation.install(probes: probes, generators: generators, into: &m, options: options,
                                        executor: SlabExecutor(threads: 2))
        let solver = try m.makeSolver(executor: SlabExecutor(threads: 2))
        try solver.setTimeStep(0.2)
        return (solver, rf)
    }

    func testResumedRFRunIsBitwiseIdentical() throws {
        let (straight, straightRF) = try build()
        try advance(straight, straightRF, steps: 24)

        let (first, firstRF) = try build()
        try advance(first, firstRF, steps: 10)
        let solvesAtCheckpoint = firstRF.potentialSolves
        var w = StateWriter()
        first.saveState(to: &w)
        firstRF.saveState(to: &w)

        let (resumed, resumedRF) = try build()
        var r = StateReader(w.bytes, context: "rf checkpoint")
        try resumed.restoreState(from: &r)
        try resumedRF.restoreState(from: &r)
        XCTAssertTrue(r.isAtEnd)
        try advance(resumed, resumedRF, steps: 14)

        XCTAssertGreaterThan(straightRF.potentialSolves, solvesAtCheckpoint, "the test must cross a re-solve after the checkpoint")
        XCTAssertEqual(resumedRF.potentialSolves, straightRF.potentialSolves)
        XCTAssertEqual(resumed.temperature.interior(), straight.temperature.interior())
        XCTAssertEqual(resumed.cem43.interior(), straight.cem43.interior())
        XCTAssertEqual(resumedRF.channelSamples(), straightRF.channelSamples())
        XCTAssertEqual(resumedRF.events, straightRF.events)
        XCTAssertGreaterThan(straight.tMax.interior().max()!, 50, "the probes must have heated the tissue")
    }

    func testCheckpointFromAnotherProbeLayoutIsRejected() throws {
        let (solver, rf) = try build()
        try advance(solver, rf, steps: 3)
        var w = StateWriter()
        rf.saveState(to: &w)
        var m = ThermalModel(grid: try Grid3D(nx: 30, ny: 24, nz: 24, isotropic: 1 * mm), uniform: try TissueTable.standard.tissue(named: "muscle"))
        let single = try ProbePreset.probe("cooled-bipolar-10", name: "left", entry: SIMD3(15, 12, 60) * mm, tip: SIMD3(15, 12, 6) * mm)
        let other = try RFAblation.install(probes: [single], generators: [RFGenerator(mode: .constantPower(watts: 5))], into: &m)
        var r = StateReader(w.bytes, context: "foreign.bin")
        XCTAssertThrowsError(try other.restoreState(from: &r)) { XCTAssertTrue("\($0)".contains("foreign.bin"), "\($0)") }
    }
}
