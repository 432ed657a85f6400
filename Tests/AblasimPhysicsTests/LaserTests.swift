import XCTest
import AblasimCore
@testable import AblasimPhysics

final class LaserTests: XCTestCase {
    let table = TissueTable.standard

    func uniform(_ name: String = "tumor_metastasis", n: Int = 41, h: Double = 0.5e-3) throws -> ThermalModel {
        ThermalModel(grid: try Grid3D(nx: n, ny: n, nz: n, isotropic: h), uniform: try table.tissue(named: name))
    }

    func testOpticalPropertiesInterpolateAndRejectUntabulatedWavelengths() throws {
        let t = try table.tissue(named: "tumor_metastasis")
        let a805 = try TissueOptics.properties(of: t, wavelength: 805)
        let a980 = try TissueOptics.properties(of: t, wavelength: 980)
        let mid = try TissueOptics.properties(of: t, wavelength: 892.5)
        XCTAssertEqual(mid.absorption, (a805.absorption + a980.absorption) / 2, accuracy: 1e-9 * a980.absorption)
        // Water band: 980 nm absorbs more than 805 and 1064 nm in watery tissue.
        XCTAssertGreaterThan(a980.absorption, a805.absorption)
        XCTAssertGreaterThan(a980.absorption, try TissueOptics.properties(of: t, wavelength: 1064).absorption)
        // Scattering falls with wavelength.
        XCTAssertGreaterThan(a805.reducedScattering, a980.reducedScattering)
        // Aliases resolve to their reference tissue.
        let ef = try table.tissue(named: "epidural_fat"), fat = try table.tissue(named: "fat")
        XCTAssertEqual(try TissueOptics.properties(of: ef, wavelength: 980), try TissueOptics.properties(of: fat, wavelength: 980))
        for bad in [700.0, 1100, .nan] {
            XCTAssertThrowsError(try TissueOptics.properties(of: t, wavelength: bad)) { e in
                XCTAssertTrue("\(e)".contains("805-1064 nm"), "\(e)")
            }
        }
    }

    func testPointSourceAbsorbedPowerWithinRadiusMatchesDiffusionTheory() throws {
        // Homogeneous medium, bare fibre: the power absorbed inside a sphere of radius R around
        // the (virtual) point source is P [1 - (1 + mu_eff R) exp(-mu_eff R)] (integral of
        // mu_a P exp(-mu_eff r) / (4 pi D r) over the sphere).
        var m = try uniform()
        let fibre = try ApplicatorAxis(tip: SIMD3(10e-3, 10e-3, 10e-3), direction: SIMD3(0, 0, 1), radius: 0.2e-3)
        let src = try LaserAblation.install(fibre: fibre, settings: LaserSettings(power: 3, wavelength: 980), into: &m)
        let solver = try m.makeSolver(Float.self, executor: SlabExecutor(threads: 1))
        let pattern = try src.unitPattern(grid: m.grid, materials: solver.materials, codes: solver.codes)
        let optics = try TissueOptics.properties(of: try table.tissue(named: "tumor_metastasis"), wavelength: 980)
        let centre = fibre.tip + fibre.direction * optics.transportMeanFreePath
        let mu = optics.effectiveAttenuation
        for radius in [2e-3, 4e-3, 8e-3] {
            var inside = 0.0
            for (idx, v) in pattern {
                let p = paddedToWorld(idx, solver.codes, m.grid)
                if ((p - centre) * (p - centre)).sum().squareRoot() <= radius { inside += v * m.grid.voxelVolume }
            }
            let exact = 1 - (1 + mu * radius) * exp(-mu * radius)
            XCTAssertEqual(inside, exact, accuracy: 0.04 * exact, "R = \(radius * 1000) mm, mu_eff = \(mu) 1/m")
        }
    }

    func paddedToWorld(_ idx: Int, _ f: Field3D<UInt8>, _ g: Grid3D) -> SIMD3<Double> {
        let k = idx / f.strideZ - 1, j = idx % f.strideZ / f.strideY - 1, i = idx % f.strideY - 1
        return g.world(SIMD3(Double(i), Double(j), Double(k)))
    }

    func testDiffusingFibreIsSymmetricAndConservesPower() throws {
        var m = try uniform(n: 41, h: 0.75e-3)
        let fibre = try ApplicatorAxis(tip: SIMD3(15e-3, 15e-3, 19.5e-3), direction: SIMD3(0, 0, 1), radius: 0.5e-3)
        let src = try LaserAblation.install(fibre: fibre, settings: LaserSettings(power: 10, wavelength: 1064, diffusingLength: 9e-3), into: &m)
        let solver = try m.makeSolver(Float.self, executor: SlabExecutor(threads: 1))
        try src.update(solver: solver, time: 0)
        // Emitting segment z in [10.5, 19.5] mm: symmetric about z = 15 mm (voxel 20).
        for dz in [3, 8, 14] {
            XCTAssertEqual(Double(solver.source[24, 20, 20 - dz]), Double(solver.source[24, 20, 20 + dz]),
                           accuracy: 1e-4 * Double(solver.source[24, 20, 20 - dz]))
        }
        // Nearly all light is absorbed inside the 30 mm box (mu_eff ~ 2.6/cm at 1064 nm).
        var total = 0.0
        for k in 0..<41 { for j in 0..<41 { for i in 0..<41 { total += Double(solver.source[i, j, k]) } } }
        total *= m.grid.voxelVolume
        XCTAssertGreaterThan(total, 0.85 * 10)
        XCTAssertLessThan(total, 1.01 * 10)
    }

    func testEnergyLimitStopsTheSource() throws {
        var m = try uniform(n: 21, h: 1e-3)
        let fibre = try ApplicatorAxis(tip: SIMD3(10e-3, 10e-3, 10e-3), direction: SIMD3(1, 0, 0), radius: 0.2e-3)
        let src = try LaserAblation.install(fibre: fibre, settings: LaserSettings(power: 3, wavelength: 805, energyLimit: 2), into: &m)
        let solver = try m.makeSolver(Float.self, executor: SlabExecutor(threads: 1))
        var t = 0.0
        var steps = 0
        while t < 2.0 {
            solver.source.fill(0)
            try src.update(solver: solver, time: t)
            try solver.step()
            t += solver.dt; steps += 1
        }
        XCTAssertEqual(src.energy, 2, accuracy: 1e-9)
        XCTAssertEqual(src.currentPower, 0)
        solver.source.fill(0)
        try src.update(solver: solver, time: t)
        XCTAssertEqual(solver.source.buffer.reduce(0, +), 0)
        XCTAssertEqual(src.channelSamples().first?.energy ?? 0, 2, accuracy: 1e-9)
    }

    func testCharringRaisesLocalAbsorptionAndKeepsTotal() throws {
        var m = try uniform(n: 21, h: 1e-3)
        let fibre = try ApplicatorAxis(tip: SIMD3(10e-3, 10e-3, 10e-3), direction: SIMD3(0, 0, 1), radius: 0.2e-3)
        let src = try LaserAblation.install(fibre: fibre, settings: LaserSettings(power: 3, wavelength: 980, charring: true), into: &m)
        let solver = try m.makeSolver(Float.self, executor: SlabExecutor(threads: 1))
        try src.update(solver: solver, time: 0)
        let before = solver.source.buffer.reduce(0.0) { $0 + Double($1) }
        let hotVoxel = solver.temperature.index(13, 10, 10)
        let q0 = Double(solver.source.base[hotVoxel])
        solver.temperature.base[hotVoxel] = 151  // above the carbonization onset (150 C)
        solver.source.fill(0)
        try src.update(solver: solver, time: 2)
        XCTAssertEqual(src.charredCount, 1)
        let after = solver.source.buffer.reduce(0.0) { $0 + Double($1) }
        XCTAssertEqual(after, before, accuracy: 1e-4 * before)
        XCTAssertGreaterThan(Double(solver.source.base[hotVoxel]), 5 * q0)
    }

    func testBadInput() throws {
        var m = try uniform(n: 11, h: 1e-3)
        let fibre = try ApplicatorAxis(tip: SIMD3(5e-3, 5e-3, 5e-3), direction: SIMD3(0, 0, 1), radius: 0.2e-3)
        for s in [LaserSettings(power: 0, wavelength: 980), LaserSettings(power: 31, wavelength: 980),
                  LaserSettings(power: 3, wavelength: 650), LaserSettings(power: 3, wavelength: 980, energyLimit: -1)] {
            XCTAssertThrowsError(try LaserAblation.install(fibre: fibre, settings: s, into: &m)) { e in
                XCTAssertEqual((e as? PhysicsError)?.isInputError, true, "\(e)")
            }
        }
        let outside = try ApplicatorAxis(tip: SIMD3(50e-3, 5e-3, 5e-3), direction: SIMD3(0, 0, 1), radius: 0.2e-3)
        XCTAssertThrowsError(try LaserAblation.install(fibre: outside, settings: LaserSettings(power: 3, wavelength: 980), into: &m))
    }
}
