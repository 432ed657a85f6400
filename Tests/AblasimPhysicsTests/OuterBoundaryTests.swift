import XCTest
import AblasimCore
@testable import AblasimPhysics

/// The boundary held beyond the grid: outer faces conduct k/h (a whole cell), so the outer
/// voxels no longer set the explicit step, and the flux through the edge is what a wall at
/// the halo centre gives.
final class OuterBoundaryTests: XCTestCase {
    func testHeldBeyondGridConductsAWholeCellAndRelaxesTheStep() throws {
        let h = 0.5e-3
        let muscle = try TissueTable.standard.tissue(named: "muscle")
        let model = ThermalModel(grid: try Grid3D(nx: 6, ny: 5, nz: 4, isotropic: h), uniform: muscle)
        let onFace = try model.makeSolver(Float.self, boundary: .fixedTemperature(37), initialTemperature: 40, safety: 1)
        let beyond = try model.makeSolver(Float.self, boundary: .heldBeyondGrid(37), initialTemperature: 40, safety: 1)
        let rate = muscle.thermalConductivity / (h * h * muscle.heatCapacity)  // k / (rho c h^2) [1/s]
        let perfusion = muscle.perfusionRate * Blood.density * Blood.specificHeat / muscle.heatCapacity
        // Positivity limit: 1 / (sum of face rates + perfusion) of the worst voxel, a corner.
        XCTAssertEqual(onFace.dt, 1 / (9 * rate + perfusion), accuracy: 1e-6 * onFace.dt)
        XCTAssertEqual(beyond.dt, 1 / (6 * rate + perfusion), accuracy: 1e-6 * beyond.dt)

        // One step from a uniform 40 C block: a corner voxel loses heat through three faces
        // of k/h towards 37 C, and gains from perfusion towards the arterial 37 C as well.
        try beyond.setTimeStep(0.1)
        try beyond.step()
        let expected = 40 - 0.1 * (3 * rate + perfusion) * 3
        XCTAssertEqual(Double(beyond.temperature[0, 0, 0]), expected, accuracy: 2e-5)
        // An interior-in-x edge voxel of the 6-wide block: two outer faces.
        XCTAssertEqual(Double(beyond.temperature[2, 0, 0]), 40 - 0.1 * (2 * rate + perfusion) * 3, accuracy: 2e-5)
    }

    func testInvalidHeldTemperatureIsRejected() throws {
        let model = ThermalModel(grid: try Grid3D(nx: 3, ny: 3, nz: 3, isotropic: 1e-3), uniform: try TissueTable.standard.tissue(named: "muscle"))
        XCTAssertThrowsError(try model.makeSolver(Float.self, boundary: .heldBeyondGrid(.nan))) {
            XCTAssertTrue("\($0)".contains("boundary temperature"), "\($0)")
        }
    }
}
