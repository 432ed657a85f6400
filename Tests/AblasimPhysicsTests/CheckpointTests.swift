import XCTest
import AblasimCore
import AblasimPhysics

final class CheckpointTests: XCTestCase {
    private func heatedSolver() throws -> PennesSolver<Float> {
        let grid = try Grid3D(nx: 12, ny: 10, nz: 9, isotropic: 1e-3)
        var labels = [UInt8](repeating: 0, count: grid.voxelCount)
        for v in 0..<labels.count where v % 7 == 0 { labels[v] = 1 }
        let table = TissueTable.standard
        let model = try ThermalModel(grid: grid, labels: labels, legend: [0: "muscle", 1: "cortical_bone"], table: table)
        let solver = try model.makeSolver(Float.self, executor: SlabExecutor(threads: 2))
        solver.source[6, 5, 4] = 4e8  // strong enough to coagulate (sets codes) within the run
        return solver
    }

    func testResumedRunIsBitwiseIdenticalToUninterrupted() throws {
        let straight = try heatedSolver()
        try straight.run(steps: 40)

        let first = try heatedSolver()
        try first.run(steps: 17)
        var w = StateWriter()
        first.saveState(to: &w)
        let resumed = try heatedSolver()
        var r = StateReader(w.bytes, context: "test checkpoint")
        try resumed.restoreState(from: &r)
        XCTAssertTrue(r.isAtEnd)
        try resumed.run(steps: 23)

        XCTAssertEqual(resumed.time, straight.time)
        XCTAssertEqual(resumed.stepCount, 40)
        XCTAssertEqual(resumed.temperature.interior(), straight.temperature.interior())
        XCTAssertEqual(resumed.omega.interior(), straight.omega.interior())
        XCTAssertEqual(resumed.cem43.interior(), straight.cem43.interior())
        XCTAssertEqual(resumed.codes.interior(), straight.codes.interior())
        XCTAssertGreaterThan(straight.tMax.interior().max()!, 60)
    }

    func testTruncatedOrForeignCheckpointIsAClearError() throws {
        let s = try heatedSolver()
        var w = StateWriter()
        s.saveState(to: &w)
        var truncated = StateReader(Array(w.bytes.prefix(w.bytes.count / 2)), context: "cut.bin")
        XCTAssertThrowsError(try s.restoreState(from: &truncated)) { XCTAssertTrue("\($0)".contains("cut.bin")) }
        let other = try PennesSolver<Float>(grid: try Grid3D(nx: 5, ny: 5, nz: 5, isotropic: 1e-3),
                                            materials: [.tissue(TissueTable.standard.tissues["muscle"]!)],
                                            codes: [UInt8](repeating: 0, count: 125))
        var foreign = StateReader(w.bytes, context: "other-grid.bin")
        XCTAssertThrowsError(try other.restoreState(from: &foreign)) { XCTAssertTrue("\($0)".contains("different grid")) }
    }
}
