import XCTest
import AblasimCore
@testable import AblasimPhysics

final class MicrowaveTests: XCTestCase {
    let table = TissueTable.standard

    func tissue(_ n: String) throws -> Tissue { try table.tissue(named: n) }

    /// 36 x 36 x 60 voxels of 1 mm, antenna along +z with its tip at z = 40 mm, in the middle of x, y.
    func model(_ name: String = "tumor_metastasis") throws -> (ThermalModel, ApplicatorAxis) {
        let grid = try Grid3D(nx: 36, ny: 36, nz: 60, isotropic: 1e-3)
        let m = ThermalModel(grid: grid, uniform: try tissue(name))
        let axis = try ApplicatorAxis(tip: SIMD3(17.5e-3, 17.5e-3, 40e-3), direction: SIMD3(0, 0, 1), radius: 1.05e-3)
        return (m, axis)
    }

    func testAttenuationMatchesLowLossLimitInFat() throws {
        // Low-loss limit alpha ~ (sigma / 2) sqrt(mu / eps) (independent approximation, valid for
        // loss tangent << 1: fat at 2.45 GHz has sigma/(omega eps) = 0.146).
        let fat = try tissue("fat")
        let alpha = try fat.microwaveAttenuation(frequency: 2450e6)
        let eps = fat.epsR2450 * Electromagnetic.vacuumPermittivity
        let lowLoss = fat.sigma2450 / 2 * (Electromagnetic.vacuumPermeability / eps).squareRoot()
        XCTAssertEqual(alpha, lowLoss, accuracy: 0.01 * lowLoss)
        // Muscle at 2.45 GHz: about 45 Np/m (power penetration 1/(2 alpha) ~ 11 mm).
        let muscle = try tissue("muscle").microwaveAttenuation(frequency: 2450e6)
        XCTAssertEqual(muscle, 44.8, accuracy: 0.5)
        // 915 MHz penetrates deeper than 2.45 GHz in every tissue with dielectric data.
        for t in TissueTable.referenceTissues where t.sigma915 > 0 {
            XCTAssertLessThan(try t.microwaveAttenuation(frequency: 915e6), try t.microwaveAttenuation(frequency: 2450e6), t.name)
        }
    }

    func testDepositedPowerEqualsAbsorbedPower() throws {
        for f in [915e6, 2450e6] {
            var (m, axis) = try model()
            let src = try MicrowaveAblation.install(applicator: axis, settings: MicrowaveSettings(absorbedPower: 60, frequency: f), into: &m)
            let solver = try m.makeSolver(Float.self, executor: SlabExecutor(threads: 1))
            try src.update(solver: solver, time: 0)
            let deposited = depositedPower(solver)
            XCTAssertEqual(deposited, 60, accuracy: 0.6, "f = \(f)")
            // Half power from the interlock halves the deposit.
            solver.source.fill(0)
            src.powerFactor = 0.5
            try src.update(solver: solver, time: 0)
            XCTAssertEqual(depositedPower(solver), 30, accuracy: 0.3)
            XCTAssertEqual(src.channelSamples().first?.power, 30)
        }
    }

    func testWaterLossShrinksSARInDesiccatedTissueAndKeepsAbsorbedPower() throws {
        // Tissue within 4 mm of the axis around the feed gap at 110 C: with water loss its
        // attenuation falls (eps_r and sigma to 21 % -> alpha to sqrt(0.21) = 46 %), so it
        // absorbs less per watt, more power reaches the tissue beyond, and the deposit still
        // equals the set absorbed power. Without the option the pattern ignores temperature.
        func run(_ waterLoss: MicrowaveWaterLoss?) throws -> (before: [Double], after: [Double], hot: [Bool], solver: PennesSolver<Float>, src: MicrowaveSource) {
            var (m, axis) = try model()
            let src = try MicrowaveAblation.install(applicator: axis, settings: MicrowaveSettings(absorbedPower: 60, frequency: 2450e6, waterLoss: waterLoss), into: &m)
            let s = try m.makeSolver(Float.self, executor: SlabExecutor(threads: 1))
            try src.update(solver: s, time: 0)
            let before = s.source.interior().map(Double.init)
            var hot = [Bool](repeating: false, count: s.grid.voxelCount)
            for k in 28...36 { for j in 0..<36 { for i in 0..<36 {
                let r = ((Double(i) - 17.5) * (Double(i) - 17.5) + (Double(j) - 17.5) * (Double(j) - 17.5)).squareRoot()
                if r <= 4, s.materials[Int(s.codes[i, j, k] & ~MaterialCode.coagulated)].tissue != nil {
                    s.temperature[i, j, k] = 110; hot[m.linear(i, j, k)] = true
                }
            } } }
            s.source.fill(0)
            try src.update(solver: s, time: 1)
            return (before, s.source.interior().map(Double.init), hot, s, src)
        }
        let wet = try run(nil)
        XCTAssertEqual(wet.before, wet.after, "water loss off: the pattern does not depend on temperature")
        XCTAssertEqual(wet.src.desiccatedVoxelCount, 0)

        let dry = try run(.standard)
        XCTAssertEqual(depositedPower(dry.solver), 60, accuracy: 0.6, "absorbed power unchanged")
        XCTAssertGreaterThan(dry.src.desiccatedVoxelCount, 100)
        let ratio = MicrowaveWaterLoss.standard.attenuationRatio(epsR: 43, sigma: 1.69, frequency: 2450e6, at: 110)
        XCTAssertEqual(ratio, (0.2 + 0.8 / (1 + exp(4.0))).squareRoot(), accuracy: 1e-3, "alpha scales with sqrt(eps) when eps and sigma fall alike")
        XCTAssertLessThan(ratio, 0.5)
        var hotBefore = 0.0, hotAfter = 0.0, coldBefore = 0.0, coldAfter = 0.0
        for v in dry.hot.indices {
            if dry.hot[v] { hotBefore += dry.before[v]; hotAfter += dry.after[v] } else { coldBefore += dry.before[v]; coldAfter += dry.after[v] }
        }
        XCTAssertLessThan(hotAfter, 0.6 * hotBefore, "SAR shrinks where the tissue is desiccated")
        XCTAssertGreaterThan(coldAfter, coldBefore, "the power goes to the tissue beyond")
    }

    func depositedPower(_ s: PennesSolver<Float>) -> Double {
        var sum = 0.0
        for k in 0..<s.grid.nz { for j in 0..<s.grid.ny { for i in 0..<s.grid.nx {
            let c = Int(s.codes[i, j, k] & ~MaterialCode.coagulated)
            if s.materials[c].tissue != nil { sum += Double(s.source[i, j, k]) }
        } } }
        return sum * s.grid.voxelVolume
    }

    func testRadialDecayFollowsAttenuationConstant() throws {
        var (m, axis) = try model()
        let src = try MicrowaveAblation.install(applicator: axis, settings: MicrowaveSettings(absorbedPower: 60, frequency: 2450e6), into: &m)
        let solver = try m.makeSolver(Float.self, executor: SlabExecutor(threads: 1))
        try src.update(solver: solver, time: 0)
        let alpha = try tissue("tumor_metastasis").microwaveAttenuation(frequency: 2450e6)
        // Feed gap 8 mm behind the tip: z = 32 mm -> voxel k = 32; radial line along +x from the axis at 17.5 mm.
        let k = 32, j = 17
        func rho(_ i: Int) -> Double { abs(Double(i) + 0.0 - 17.5) * 1e-3 }
        func q(_ i: Int) -> Double { Double(solver.source[i, j, k]) }
        for (i1, i2) in [(21, 25), (22, 30)] {
            // rho includes the 0.5 mm offset in y: use the exact perpendicular distances.
            let r1 = (rho(i1) * rho(i1) + 0.25e-6).squareRoot(), r2 = (rho(i2) * rho(i2) + 0.25e-6).squareRoot()
            let expected = (r1 / r2) * exp(-2 * alpha * (r2 - r1))
            XCTAssertEqual(q(i2) / q(i1), expected, accuracy: 0.02 * expected)
        }
    }

    func testAxialEnvelopePeaksAtFeedGapWithBackwardTail() throws {
        var (m, axis) = try model()
        let src = try MicrowaveAblation.install(applicator: axis, settings: MicrowaveSettings(absorbedPower: 60, frequency: 2450e6), into: &m)
        let solver = try m.makeSolver(Float.self, executor: SlabExecutor(threads: 1))
        try src.update(solver: solver, time: 0)
        // 3 mm off the axis, along z.
        let profile = (0..<60).map { Double(solver.source[20, 17, $0]) }
        let peak = profile.indices.max { profile[$0] < profile[$1] }!
        XCTAssertEqual(peak, 32, accuracy: 1, "peak at the feed gap 8 mm behind the tip")
        // Backward heating: 20 mm behind the gap still warm (shaft tail), 15 mm beyond the tip cold.
        XCTAssertGreaterThan(profile[12], 0.01 * profile[peak])
        XCTAssertLessThan(profile[55], 1e-4 * profile[peak])
        // Teardrop: more heating behind the gap than the same distance in front of it.
        XCTAssertGreaterThan(profile[32 - 6], profile[32 + 6])
    }

    func testLowLossLayerLetsPowerThrough() throws {
        // A fat layer between 4 and 8 mm from the axis attenuates less than tumour: the power
        // density beyond it (relative to the near field) is higher than in uniform tumour.
        func farToNear(withFat: Bool) throws -> Double {
            var (m, axis) = try model()
            if withFat {
                let fat = try m.addMaterial(.tissue(try tissue("fat")))
                var vox: [Int] = []
                for k in 0..<60 { for j in 0..<36 { for i in 22...25 { vox.append(m.linear(i, j, k)) } } }
                m.paint(vox, material: fat)
            }
            let src = try MicrowaveAblation.install(applicator: axis, settings: MicrowaveSettings(absorbedPower: 60, frequency: 2450e6), into: &m)
            let s = try m.makeSolver(Float.self, executor: SlabExecutor(threads: 1))
            try src.update(solver: s, time: 0)
            return Double(s.source[28, 17, 32]) / Double(s.source[20, 17, 32])
        }
        XCTAssertGreaterThan(try farToNear(withFat: true), 1.3 * (try farToNear(withFat: false)))
    }

    func testCooledShaftHeldAtCoolantAndTissueHeats() throws {
        var (m, axis) = try model()
        let src = try MicrowaveAblation.install(applicator: axis, settings: MicrowaveSettings(absorbedPower: 30, frequency: 2450e6), into: &m)
        guard case .cooledSurface = m.materials[src.shaftMaterial] else { return XCTFail("shaft must be a cooled surface") }
        let solver = try m.makeSolver(Float.self, executor: SlabExecutor(threads: 1))
        var time = 0.0
        for _ in 0..<12 {
            solver.source.fill(0)
            try src.update(solver: solver, time: time)
            try solver.step()
            time += solver.dt
        }
        XCTAssertEqual(src.energy, 30 * time, accuracy: 1e-9 * 30 * time)
        // Shaft voxel on the axis at the feed gap: coolant temperature (held before the step, relaxed after only by its own hold).
        try src.update(solver: solver, time: time)
        XCTAssertEqual(Double(solver.temperature[17, 17, 32]), 20, accuracy: 1e-6)
        XCTAssertGreaterThan(Double(solver.temperature[20, 17, 32]), 37.1, "tissue next to the feed gap heats")
    }

    func testBadInputIsRejectedWithWhatAndValidRange() throws {
        var (m, axis) = try model()
        XCTAssertThrowsError(try MicrowaveAblation.install(applicator: axis, settings: MicrowaveSettings(absorbedPower: 60, frequency: 1000e6), into: &m)) { e in
            XCTAssertTrue((e as? PhysicsError)?.isInputError == true)
            XCTAssertTrue("\(e)".contains("915 or 2450"), "\(e)")
        }
        for p in [0.0, -5, 250, .nan] {
            XCTAssertThrowsError(try MicrowaveAblation.install(applicator: axis, settings: MicrowaveSettings(absorbedPower: p, frequency: 2450e6), into: &m)) { e in
                XCTAssertTrue("\(e)".contains("(0, 200] W"), "\(e)")
            }
        }
        XCTAssertThrowsError(try ApplicatorAxis(tip: .zero, direction: .zero, radius: 1e-3))
    }
}
