import XCTest
import AblasimCore
import AblasimPhysics
import AblasimPhantom
@testable import AblasimSimulation

/// One error type for every module: the module names are the same type, an error passes
/// up unrelabelled with its kind, and it carries where it happened (key, voxel, file, line).
final class ErrorContextTests: XCTestCase {
    func testModuleErrorNamesAreOneType() {
        XCTAssertTrue(PhysicsError.self == AblasimError.self)
        XCTAssertTrue(SimulationError.self == CoreError.self)
        XCTAssertTrue(PhantomError.self == AblasimError.self)
        XCTAssertTrue(PhantomError("x", isInputError: false).kind == .runtime)
        XCTAssertTrue(CoreError("x").isInputError)
    }

    func testAPhysicsInputErrorReachesTheRunUnrelabelled() throws {
        var s = Scenario()
        try s.set("modality", to: "microwave")
        try s.set("microwave.power_w", to: "150")
        // A physics-layer check (MicrowaveSettings) below the registry's own range: thrown by
        // Physics, seen by the caller as the same error with the same message.
        let grid = try Grid3D(nx: 8, ny: 8, nz: 8, isotropic: 1e-3)
        var m = ThermalModel(grid: grid, uniform: try TissueTable.standard.tissue(named: "muscle"))
        let axis = try ApplicatorAxis(tip: SIMD3(4e-3, 4e-3, 6e-3), direction: SIMD3(0, 0, 1), radius: 1e-3)
        XCTAssertThrowsError(try MicrowaveAblation.install(applicator: axis, settings: MicrowaveSettings(absorbedPower: 500, frequency: 2450e6), into: &m)) { e in
            let error = e as? SimulationError
            XCTAssertEqual(error?.kind, .invalidInput)
            XCTAssertEqual(error?.message, "microwave power 500 W is out of range; valid: (0, 200] W absorbed power")
        }
    }

    func testErrorsSayWhichKeyAndWhichVoxel() throws {
        var s = Scenario()
        XCTAssertThrowsError(try s.set("rf.power_w", to: "9999", context: "--set")) { e in
            XCTAssertEqual((e as? AblasimError)?.context.key, "rf.power_w")
            XCTAssertEqual("\(e)", "--set: rf.power_w = '9999' is not valid; expected a number in [0.1, 250] W")
        }
        XCTAssertThrowsError(try s.set("rf.nonsense", to: "1")) { e in XCTAssertEqual((e as? AblasimError)?.context.key, "rf.nonsense") }
        let p = GeneratedPhantoms.oneMillimetre
        let tip = p.landmarks.tumorCenter! * 1000
        try s.set("trajectories", to: Scenario.Trajectory(name: "mid", entryMM: tip + SIMD3(0, -60, 0), tipMM: tip).text)
        XCTAssertThrowsError(try RunSetup.build(phantom: p, scenario: s, executor: SlabExecutor(threads: 1))) { e in
            let error = e as? AblasimError
            let voxel = try? XCTUnwrap(error?.context.voxel)
            XCTAssertTrue(error?.message.contains("passes through the spinal canal") == true, "\(e)")
            if let v = voxel { XCTAssertTrue(error!.message.contains("at voxel (\(v.x), \(v.y), \(v.z))"), error!.message) }
            else { XCTFail("no voxel in the context") }
        }
    }
}
