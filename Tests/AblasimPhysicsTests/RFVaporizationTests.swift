import XCTest
import AblasimCore
@testable import AblasimPhysics

/// Between re-solves, a voxel that vaporizes has its heating cut locally (small-inclusion
/// field, 9c/(2+c)^2) and the rest scaled so the deposited power stays the set power.
final class RFVaporizationTests: XCTestCase {
    func testVaporizedVoxelIsCorrectedLocallyAndPowerIsKept() throws {
        let mm = 1e-3
        var m = ThermalModel(grid: try Grid3D(nx: 30, ny: 30, nz: 30, isotropic: 1 * mm), uniform: try TissueTable.standard.tissue(named: "muscle"))
        let p = try ProbePreset.probe("cooled-bipolar-10", name: "p", entry: SIMD3(15, 15, 70) * mm, tip: SIMD3(15, 15, 8) * mm)
        // Voxel electrode model: the source field then holds the RF heating alone (the
        // near-field model adds the steel shaft's exchange and moves half of the
        // electrode-face heat to the steel, RFElectrodeTests); the correction is the same code.
        var options = RFOptions(); options.electrodeModel = .voxel
        let rf = try RFAblation.install(probes: [p], generators: [RFGenerator(mode: .constantPower(watts: 10))], into: &m, options: options)
        let solver = try m.makeSolver(executor: SlabExecutor(threads: 2))
        try rf.update(solver: solver, time: 0)
        let before = solver.source.interior()
        XCTAssertEqual(rf.potentialSolves, 1)
        // The tissue voxel with the most heating, heated into the roll-off (c = 0.01^0.5 = 0.1).
        let hottest = before.indices.max { before[$0] < before[$1] }!
        let (i, j, k) = (hottest % 30, hottest / 30 % 30, hottest / 900)
        solver.temperature[i, j, k] = 99.5
        solver.source.fill(0)
        try rf.update(solver: solver, time: 0.1)  // before the next drift check: no re-solve
        XCTAssertEqual(rf.potentialSolves, 1)
        let after = solver.source.interior()
        let total = after.reduce(0) { $0 + Double($1) } * 1e-9
        XCTAssertEqual(total, 10, accuracy: 0.01, "the deposited power stays the set power")
        let c = 0.1
        let ratio = RFSource.inclusionHeating(c) / RFSource.inclusionHeating(1)
        let other = before.indices.first { $0 != hottest && before[$0] > 0 }!
        let scale = Double(after[other] / before[other])
        XCTAssertGreaterThan(scale, 1, "the rest of the tissue takes up the power the vaporized voxel lost")
        XCTAssertEqual(Double(after[hottest]) / Double(before[hottest]), ratio * scale, accuracy: 1e-4 * ratio * scale)
        XCTAssertEqual(RFSource.inclusionHeating(1), 1, accuracy: 1e-15)
        XCTAssertEqual(RFSource.polarization(1), 0)
        XCTAssertEqual(RFSource.polarization(0), -1.5)
    }
}
