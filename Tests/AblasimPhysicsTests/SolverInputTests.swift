import XCTest
import AblasimCore
@testable import AblasimPhysics

/// Bad input gives a clear error naming the value and the valid range; a run that
/// produces NaN stops naming the voxel and the step.
final class SolverInputTests: XCTestCase {
    let grid = try! Grid3D(nx: 6, ny: 5, nz: 4, isotropic: 1e-3)
    let tumour = try! TissueTable.standard.tissue(named: "tumor_metastasis")

    func inputError(_ body: () throws -> Void) -> String {
        do { try body() } catch let e as PhysicsError {
            XCTAssertTrue(e.isInputError, "\(e) should be an input error (exit 2)")
            return e.description
        } catch { return "unexpected \(error)" }
        return "no error"
    }

    func solver(dt: Double? = nil, materials: [ThermalMaterial]? = nil, codes: [UInt8]? = nil,
                boundary: OuterBoundary = .fixedTemperature(37), safety: Double = 0.9) throws -> PennesSolver<Float> {
        try PennesSolver<Float>(grid: grid, materials: materials ?? [.tissue(tumour)],
                                codes: codes ?? [UInt8](repeating: 0, count: grid.voxelCount),
                                boundary: boundary, dt: dt, safety: safety, executor: SlabExecutor(threads: 1))
    }

    func testUnstableTimeStepNamesValueAndLimit() throws {
        let limit = try solver().stabilityLimit
        // The limit of the explicit scheme: 1 / (largest sum over a voxel's faces of the face
        // rates + perfusion rate). The worst voxel is a corner: on each axis one face to the
        // fixed wall (half cell, 2k / (rho c h^2)) and one to its neighbour (k / (rho c h^2)).
        let alpha = tumour.thermalConductivity / tumour.heatCapacity
        let w = tumour.perfusionRate * Blood.density * Blood.specificHeat / tumour.heatCapacity
        let expected = 1 / (3 * (2 + 1) * alpha / 1e-6 + w)
        // The solver sums its Float (S) rate tables: agreement to float rounding, not 1e-9.
        XCTAssertEqual(limit, expected, accuracy: 1e-6 * expected)
        let requested = 2 * limit
        let m = inputError { _ = try self.solver(dt: requested) }
        XCTAssertTrue(m.contains(String(format: "%.4g", requested)) && m.contains(String(format: "%.4g", limit)) && m.contains("unstable"), m)
        XCTAssertNoThrow(try solver(dt: limit))
        for bad in [0.0, -1, .nan, .infinity] {
            let m = inputError { _ = try self.solver(dt: bad) }
            XCTAssertTrue(m.contains("time step") && m.contains("> 0"), m)
        }
        let s = try solver()
        let later = inputError { try s.setTimeStep(3 * limit) }
        XCTAssertTrue(later.contains(String(format: "%.4g", limit)), later)
    }

    func testRejectsNaNAndNegativeTissueProperties() {
        var t = tumour
        t.thermalConductivity = .nan
        var m = inputError { _ = try self.solver(materials: [.tissue(t)]) }
        XCTAssertTrue(m.contains("conductivity = nan") && m.contains("tumor_metastasis") && m.contains("finite and > 0"), m)
        t = tumour
        t.perfusionMlMinKg = -1
        m = inputError { _ = try self.solver(materials: [.tissue(t)]) }
        XCTAssertTrue(m.contains("perfusion_ml_min_kg = -1.0") && m.contains(">= 0"), m)
        m = inputError { _ = try self.solver(materials: [.tissue(tumour), .cooledSurface(name: "shaft", filmCoefficient: -3)]) }
        XCTAssertTrue(m.contains("shaft") && m.contains("-3"), m)
    }

    func testRejectsBadModelShapeCodesBoundaryAndSafety() {
        var m = inputError { _ = try self.solver(codes: [0, 0, 0]) }
        XCTAssertTrue(m.contains("3 voxels") && m.contains("120"), m)
        var codes = [UInt8](repeating: 0, count: 120)
        codes[grid.nx * grid.ny + grid.nx + 2] = 4
        m = inputError { _ = try self.solver(codes: codes) }
        XCTAssertTrue(m.contains("voxel (2, 1, 1)") && m.contains("0..<1"), m)
        m = inputError { _ = try self.solver(boundary: .fixedTemperature(.nan)) }
        XCTAssertTrue(m.contains("boundary temperature"), m)
        m = inputError { _ = try self.solver(boundary: .convective(filmCoefficient: 0, ambient: 20)) }
        XCTAssertTrue(m.contains("film coefficient 0.0"), m)
        m = inputError { _ = try self.solver(safety: 1.5) }
        XCTAssertTrue(m.contains("1.5") && m.contains("(0, 1]"), m)
        m = inputError { _ = try self.solver(materials: []) }
        XCTAssertTrue(m.contains("1 to 31 materials"), m)
    }

    func testNaNRunStopsNamingVoxelAndStep() throws {
        let s = try solver()
        try s.run(steps: 2)
        s.source[3, 2, 1] = .nan
        do {
            try s.step()
            XCTFail("a NaN source must stop the run")
        } catch let e as PhysicsError {
            XCTAssertFalse(e.isInputError, "a NaN during the run is a runtime failure (exit 3)")
            XCTAssertTrue(e.description.contains("voxel (3, 2, 1)") && e.description.contains("step 3"), e.description)
        }
    }

    func testInfiniteTemperatureStopsTheRun() throws {
        let s = try solver()
        s.source[0, 4, 3] = .infinity
        s.source[1, 4, 3] = .infinity
        XCTAssertThrowsError(try s.run(steps: 3)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("inf") && text.contains("voxel (0, 4, 3)"), text)
        }
    }
}
