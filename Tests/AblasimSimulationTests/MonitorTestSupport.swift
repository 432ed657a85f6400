import XCTest
import AblasimCore
import AblasimPhysics
@testable import AblasimSimulation

/// A 6x6x6 grid of 1 mm voxels of spinal cord tissue; voxel (5, 5, 5) is a probe surface.
func makeMonitorSolver() throws -> PennesSolver<Float> {
    let grid = try Grid3D(nx: 6, ny: 6, nz: 6, isotropic: 1e-3, origin: SIMD3(0.010, 0.020, 0.030))
    var model = ThermalModel(grid: grid, uniform: try TissueTable.standard.tissue(named: "spinal_cord"))
    let probe = try model.addMaterial(.fixedTemperature(name: "probe_shaft"))
    model.paint([model.linear(5, 5, 5)], material: probe)
    return try model.makeSolver(Float.self, executor: SlabExecutor(threads: 1))
}

/// World position [m] of continuous voxel index (i, j, k) of `solver`'s grid.
func world(_ solver: PennesSolver<Float>, _ i: Double, _ j: Double, _ k: Double) -> SIMD3<Double> {
    solver.grid.world(SIMD3(i, j, k))
}

/// Sets the whole temperature field to `celsius`.
func setUniform(_ solver: PennesSolver<Float>, _ celsius: Double) {
    solver.temperature.fill(Float(celsius))
}
