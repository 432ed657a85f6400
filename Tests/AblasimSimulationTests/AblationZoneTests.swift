import XCTest
import AblasimCore
import AblasimPhysics
@testable import AblasimSimulation

final class AblationZoneTests: XCTestCase {
    func testComponentsCountTwoSeparateBlobsAndMergeWhenDiagonal() {
        let nx = 6, ny = 3, nz = 3
        var mask = [Bool](repeating: false, count: nx * ny * nz)
        func set(_ i: Int, _ j: Int, _ k: Int) { mask[(k * ny + j) * nx + i] = true }
        set(0, 0, 0); set(1, 1, 1)      // diagonal neighbours: one component (26-connectivity)
        set(4, 2, 2); set(5, 2, 2)
        let (_, n) = AblationZone.connectedComponents(mask, nx: nx, ny: ny, nz: nz)
        XCTAssertEqual(n, 2)
    }

    func testZoneUsesEveryNecrosisCriterionAndCoverage() throws {
        let grid = try Grid3D(nx: 8, ny: 4, nz: 4, isotropic: 1e-3)
        let table = TissueTable.standard
        var labels = [UInt8](repeating: 1, count: grid.voxelCount)
        labels[0] = 2; labels[1] = 2                               // two tumour voxels
        let model = try ThermalModel(grid: grid, labels: labels, legend: [1: "muscle", 2: "tumor_lytic"], table: table)
        let solver = try model.makeSolver(Float.self, executor: SlabExecutor(threads: 1))
        solver.tMax[0, 0, 0] = 61                                  // T_max criterion, tumour voxel
        solver.cem43[5, 0, 0] = 300                                // CEM43 criterion
        solver.omega[7, 3, 3] = 1.2                                // Omega criterion
        solver.tMin[3, 2, 2] = -25                                 // lethal ice
        solver.tMax[4, 3, 0] = 50                                  // heated, not ablated
        let zone = AblationZone(solver: solver, tumor: labels.map { $0 == 2 }, tips: [SIMD3(0, 0, 0)])
        XCTAssertEqual(zone.summary.ablationMl, 4e-3, accuracy: 1e-12)   // 4 voxels of 1 mm^3
        XCTAssertEqual(zone.summary.tumorCoverage, 0.5)
        XCTAssertEqual(zone.summary.components, 4)
        XCTAssertTrue(zone.summary.coalescent)                     // one tip, touching one component
        XCTAssertEqual(zone.zoneLabels[(3 * 4 + 2) * 8 + 3], AblationZone.Label.none)  // voxel (3,2,3) untouched
        XCTAssertEqual(zone.zoneLabels[(2 * 4 + 2) * 8 + 3], AblationZone.Label.lethalIce)
        XCTAssertEqual(zone.zoneLabels[(0 * 4 + 3) * 8 + 4], AblationZone.Label.heated42)
    }

    func testTwoTipsInSeparateZonesAreNotCoalescent() throws {
        let grid = try Grid3D(nx: 12, ny: 3, nz: 3, isotropic: 1e-3)
        let model = ThermalModel(grid: grid, uniform: TissueTable.standard.tissues["cancellous_bone"]!)
        let solver = try model.makeSolver(Float.self, executor: SlabExecutor(threads: 1))
        for i in [0, 1, 10, 11] { solver.tMax[i, 1, 1] = 70 }
        let apart = AblationZone(solver: solver, tumor: [], tips: [SIMD3(0, 1, 1), SIMD3(11, 1, 1)])
        XCTAssertEqual(apart.summary.components, 2)
        XCTAssertFalse(apart.summary.coalescent)
        for i in 2...9 { solver.tMax[i, 1, 1] = 70 }
        let joined = AblationZone(solver: solver, tumor: [], tips: [SIMD3(0, 1, 1), SIMD3(11, 1, 1)])
        XCTAssertEqual(joined.summary.components, 1)
        XCTAssertTrue(joined.summary.coalescent)
        XCTAssertNil(joined.summary.tumorCoverage)
    }
}
