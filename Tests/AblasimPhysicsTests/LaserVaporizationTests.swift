import XCTest
import AblasimCore
@testable import AblasimPhysics

/// Water vaporization, charring threshold and fibre types of `LaserSource`.
final class LaserVaporizationTests: XCTestCase {
    let table = TissueTable.standard

    /// 10 W at 980 nm into an insulated, unperfused liver block on a 1 mm grid for 40 s.
    func run(vaporization: Bool, seconds: Double = 40) throws -> (PennesSolver<Float>, LaserSource, absorbed: Double, heat0: Double) {
        var m = ThermalModel(grid: try Grid3D(nx: 25, ny: 25, nz: 25, isotropic: 1e-3), uniform: try table.tissue(named: "liver"))
        let fibre = try ApplicatorAxis(tip: SIMD3(12e-3, 12e-3, 11e-3), direction: SIMD3(0, 0, 1), radius: 0.2e-3)
        let src = try LaserAblation.install(fibre: fibre, settings: LaserSettings(power: 10, wavelength: 980, vaporization: vaporization), into: &m)
        let solver = try m.makeSolver(Float.self, boundary: .insulated, executor: SlabExecutor(threads: 1))
        let heat0 = solver.heatContent()
        var absorbed = 0.0
        var t = 0.0
        while t < seconds {
            solver.source.fill(0)
            try src.update(solver: solver, time: t)
            absorbed += solver.source.buffer.reduce(0.0) { $0 + Double($1) } * m.grid.voxelVolume * solver.dt
            try solver.step()
            t += solver.dt
        }
        // The last step's overshoot goes to the water too.
        solver.source.fill(0)
        src.vaporizer?.apply(solver: solver)
        return (solver, src, absorbed, heat0)
    }

    func testBoilingHoldsWetTissueAtOneHundredAndConservesEnergy() throws {
        let dry = try run(vaporization: false)
        let peakWithout = dry.0.tMax.interior().max()!
        XCTAssertGreaterThan(peakWithout, 110, "the test must heat tissue well past boiling without vaporization")

        let (solver, src, absorbed, heat0) = try run(vaporization: true)
        let v = try XCTUnwrap(src.vaporizer)
        let latent = v.absorbedEnergy
        XCTAssertGreaterThan(latent, 0.01 * absorbed, "water boiled")
        // Insulated and unperfused: every joule absorbed is sensible heat or latent heat.
        let sensible = solver.heatContent() - heat0
        XCTAssertEqual(sensible + latent, absorbed, accuracy: 2e-3 * absorbed)
        // Wet voxels never above boiling in the recorded peak; only desiccated ones may be.
        var hottestWet: Float = -.infinity
        var row = 0
        for k in 0..<v.size.z {
            for j in 0..<v.size.y {
                for i in 0..<v.size.x where v.latent[row + i] > 0 {
                    hottestWet = max(hottestWet, solver.tMax[v.origin.x + i, v.origin.y + j, v.origin.z + k])
                }
                row += v.size.x
            }
        }
        XCTAssertLessThanOrEqual(hottestWet, 100.001)
        XCTAssertLessThan(solver.tMax.interior().max()!, peakWithout, "vaporization lowers the peak")
        XCTAssertEqual(src.statistics["laser.vaporization_energy_j"] ?? -1, latent, accuracy: 1e-9 * latent)
    }

    func testCharStartsAtTheCarbonizationOnsetNotAtBoiling() throws {
        var m = ThermalModel(grid: try Grid3D(nx: 21, ny: 21, nz: 21, isotropic: 1e-3), uniform: try table.tissue(named: "tumor_metastasis"))
        let fibre = try ApplicatorAxis(tip: SIMD3(10e-3, 10e-3, 10e-3), direction: SIMD3(0, 0, 1), radius: 0.2e-3)
        let src = try LaserAblation.install(fibre: fibre, settings: LaserSettings(power: 3, wavelength: 980, charring: true), into: &m)
        let solver = try m.makeSolver(Float.self, executor: SlabExecutor(threads: 1))
        try src.update(solver: solver, time: 0)
        solver.temperature.base[solver.temperature.index(13, 10, 10)] = 140
        try src.update(solver: solver, time: 2)
        XCTAssertEqual(src.charredCount, 0, "140 C is dry tissue, not char (onset 150 C)")
        solver.temperature.base[solver.temperature.index(13, 10, 10)] = 151
        try src.update(solver: solver, time: 4)
        XCTAssertEqual(src.charredCount, 1)
        // Irreversible: cooling does not un-char.
        solver.temperature.base[solver.temperature.index(13, 10, 10)] = 37
        try src.update(solver: solver, time: 6)
        XCTAssertEqual(src.charredCount, 1)
    }

    func testPrecharredFibreStartsWithCharAndBareDoesNot() throws {
        func first(_ s: LaserSettings) throws -> (LaserSource, Double) {
            var m = ThermalModel(grid: try Grid3D(nx: 21, ny: 21, nz: 21, isotropic: 0.5e-3), uniform: try table.tissue(named: "liver"))
            let fibre = try ApplicatorAxis(tip: SIMD3(5e-3, 5e-3, 5e-3), direction: SIMD3(0, 0, 1), radius: 0.2e-3)
            let src = try LaserAblation.install(fibre: fibre, settings: s, into: &m)
            let solver = try m.makeSolver(Float.self, executor: SlabExecutor(threads: 1))
            try src.update(solver: solver, time: 0)
            let total = solver.source.buffer.reduce(0.0) { $0 + Double($1) }
            let tipVoxel = Double(solver.source[10, 10, 10])
            return (src, tipVoxel / total)
        }
        let (bare, bareShare) = try first(LaserSettings(power: 2, wavelength: 805))
        let (pre, preShare) = try first(LaserSettings(power: 2, wavelength: 805, precharred: true))
        XCTAssertEqual(bare.charredCount, 0)
        XCTAssertGreaterThan(pre.charredCount, 0)
        XCTAssertTrue(pre.settings.charring, "a precharred fibre implies charring")
        XCTAssertGreaterThan(preShare, 3 * bareShare, "the char at the tip absorbs more of the light")
        XCTAssertThrowsError(try LaserSettings(power: 2, wavelength: 805, diffusingLength: 0.02, precharred: true).validate())
    }

    func testEnergyLimitIsReportedAsAnEvent() throws {
        var m = ThermalModel(grid: try Grid3D(nx: 15, ny: 15, nz: 15, isotropic: 1e-3), uniform: try table.tissue(named: "liver"))
        let fibre = try ApplicatorAxis(tip: SIMD3(7e-3, 7e-3, 7e-3), direction: SIMD3(1, 0, 0), radius: 0.2e-3)
        let src = try LaserAblation.install(fibre: fibre, settings: LaserSettings(power: 2, wavelength: 805, energyLimit: 5), into: &m)
        let solver = try m.makeSolver(Float.self, executor: SlabExecutor(threads: 1))
        var t = 0.0
        while t < 2 { solver.source.fill(0); try src.update(solver: solver, time: t); try solver.step(); t += solver.dt }
        XCTAssertTrue(src.reportedEvents.isEmpty, "not yet")
        while t < 6 { solver.source.fill(0); try src.update(solver: solver, time: t); try solver.step(); t += solver.dt }
        let e = try XCTUnwrap(src.reportedEvents.first)
        XCTAssertTrue(e.kind.contains("energy limit 5 J reached"), e.kind)
        XCTAssertGreaterThanOrEqual(e.timeS, 2.5 - solver.dt)
    }
}
