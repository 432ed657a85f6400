import XCTest
import Foundation
import AblasimCore
import AblasimPhysics
import AnalyticSolutions

/// The laser source's bare-fibre point source against the exact diffusion solution
/// (analytic-oracles.md item 7, `DiffuseLightPointSource`), voxel by voxel.
final class LaserDiffusionValidationTests: XCTestCase {
    func testPointSourceFluenceMatchesDiffusionSolution() throws {
        let tissue = try TissueTable.standard.tissue(named: "tumor_metastasis")
        let h = 0.5e-3
        let grid = try Grid3D(nx: 41, ny: 41, nz: 41, isotropic: h)
        var m = ThermalModel(grid: grid, uniform: tissue)
        let fibre = try ApplicatorAxis(tip: SIMD3(10e-3, 10e-3, 9e-3), direction: SIMD3(0, 0, 1), radius: 0.2e-3)
        let src = try LaserAblation.install(fibre: fibre, settings: LaserSettings(power: 3, wavelength: 1064), into: &m)
        let s = try m.makeSolver(Float.self, executor: SlabExecutor(threads: 1))
        try src.update(solver: s, time: 0)
        let optics = try TissueOptics.properties(of: tissue, wavelength: 1064)
        let exact = DiffuseLightPointSource(power: 3, absorption: optics.absorption, reducedScattering: optics.reducedScattering)
        let centre = fibre.tip + fibre.direction * optics.transportMeanFreePath
        var worst = 0.0, checked = 0
        for k in 0..<41 { for j in 0..<41 { for i in 0..<41 {
            let p = grid.world(SIMD3(Double(i), Double(j), Double(k)))
            let r = ((p - centre) * (p - centre)).sum().squareRoot()
            guard r >= 1e-3, r <= 8e-3 else { continue }
            let q = exact.absorbedPower(at: r)
            worst = max(worst, abs(Double(s.source[i, j, k]) - q) / q)
            checked += 1
        } } }
        print(String(format: "laser point source vs diffusion solution at 1-8 mm (%d voxels, mu_eff = %.1f 1/m): max relative error %.2e", checked, exact.effectiveAttenuation, worst))
        XCTAssertGreaterThan(checked, 1000)
        XCTAssertLessThan(worst, 1e-5, "float32 storage of Q; the model is exact in a uniform medium")
    }
}
