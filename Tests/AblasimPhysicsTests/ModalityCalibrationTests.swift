import XCTest
import Foundation
import AblasimCore
@testable import AblasimPhysics

/// Calibration runs of the microwave, laser and cryo source models against the published
/// results in ../shared/data/calibration-targets.md. Long: run with ABLASIM_LONG_TESTS=1,
/// preferably in a release build:
///   ABLASIM_LONG_TESTS=1 swift test -c release --filter ModalityCalibrationTests
/// They print the figures docs/{microwave,laser,cryo}.md quote; the assertions only check
/// the runs are physical (calibration targets are not test bounds).
final class ModalityCalibrationTests: XCTestCase {
    let table = TissueTable.standard

    override func setUpWithError() throws {
        try XCTSkipUnless(ProcessInfo.processInfo.environment["ABLASIM_LONG_TESTS"] == "1", "calibration runs: set ABLASIM_LONG_TESTS=1")
    }

    /// Length [m] of the run of voxels along `line` (world points every `step`) where `inside` holds.
    func extent(_ s: PennesSolver<Float>, from a: SIMD3<Double>, direction d: SIMD3<Double>, half: Double, step: Double,
                _ inside: (Int, Int, Int) -> Bool) -> Double {
        var count = 0
        var x = -half
        while x <= half {
            let p = s.grid.index(a + d * x).rounded(.toNearestOrAwayFromZero)
            if s.grid.contains(index: p), inside(Int(p.x), Int(p.y), Int(p.z)) { count += 1 }
            x += step
        }
        return Double(count) * step
    }

    func run(_ s: PennesSolver<Float>, _ sources: [HeatSource], until t: Double) throws {
        while s.time < t - 1e-9 {
            s.source.fill(0)
            for src in sources { try src.update(solver: s, time: s.time) }
            try s.step()
        }
    }

    // MARK: Cryo (Littrup 2009: single 2.4 mm probe, 15 min, gel at 39 C, lethal ice < -30 C ~ 12 mm)

    func gel() throws -> Tissue {
        var g = try table.tissue(named: "dextrose_5pct")
        g.name = "gel_phantom"; g.density = 1000; g.specificHeat = 4178; g.thermalConductivity = 0.60
        g.perfusionMlMinKg = 0; g.waterFraction = 0.99
        return g
    }

    func testCryoLittrupSingleProbe3D() throws {
        for freezeT in [-150.0, -120, -90] {
            let h = 1e-3
            let grid = try Grid3D(nx: 56, ny: 56, nz: 70, isotropic: h)
            var m = ThermalModel(grid: grid, uniform: try gel())
            let c = SIMD3(27.5e-3, 27.5e-3, 0.0)
            let axis = try ApplicatorAxis(tip: c + SIMD3(0, 0, 15e-3), direction: SIMD3(0, 0, -1), radius: 1.2e-3, insertedLength: 0.1)
            let src = try Cryoablation.install(probes: [axis], settings: CryoSettings(protocolPhases: try CryoProtocol(phases: [.freeze(duration: 900)]),
                                                                                   freezeTemperature: freezeT, freezingLength: 35e-3,
                                                                                   superTimeStepping: nil), into: &m)  // the calibration basis: explicit steps
            let s = try m.makeSolver(Float.self, boundary: .insulated, initialTemperature: 39)
            try run(s, [src], until: 900)
            let mid = c + SIMD3(0, 0, 15e-3 + 17.5e-3)
            var line = "cryo 3D 1.0 mm, probe surface \(freezeT) C, 15 min, gel 39 C, diameters at mid freeze zone:"
            for iso in [0.0, -20, -30, -40] {
                let d = extent(s, from: mid, direction: SIMD3(1, 0, 0), half: 0.027, step: h) { i, j, k in Double(s.temperature[i, j, k]) <= iso }
                line += String(format: " %g C %.0f mm;", iso, d * 1000)
            }
            let length = extent(s, from: mid, direction: SIMD3(0, 0, 1), half: 0.034, step: h) { i, j, k in Double(s.temperature[i, j, k]) <= 0 }
            line += String(format: " ice length %.0f mm; extracted %.0f J", length * 1000, -src.energy)
            print(line)
            XCTAssertLessThan(src.energy, 0)
        }
    }

    func testCryoLittrupGridConvergence2D() throws {
        for h in [1e-3, 0.5e-3] {
            let n = Int((60e-3 / h).rounded())
            var m = ThermalModel(grid: try Grid3D(nx: n, ny: n, nz: 1, isotropic: h), uniform: try gel())
            let c = Double(n / 2) * h
            let axis = try ApplicatorAxis(tip: SIMD3(c, c, 0), direction: SIMD3(0, 0, 1), radius: 1.2e-3)
            let src = try Cryoablation.install(probes: [axis], settings: CryoSettings(protocolPhases: try CryoProtocol(phases: [.freeze(duration: 900)]),
                                                                                   freezingLength: 1e-3, superTimeStepping: nil), into: &m)
            let s = try m.makeSolver(Float.self, boundary: .insulated, initialTemperature: 39)
            try run(s, [src], until: 900)
            var line = String(format: "cryo 2D (infinite probe) h = %.2f mm, -150 C, 15 min:", h * 1000)
            for iso in [0.0, -20, -30, -40] {
                let d = extent(s, from: SIMD3(c, c, 0), direction: SIMD3(1, 0, 0), half: 0.029, step: h) { i, j, k in Double(s.temperature[i, j, k]) <= iso }
                line += String(format: " %g C %.1f mm;", iso, d * 1000)
            }
            print(line)
        }
    }

    // MARK: Laser (Gangi 1997: 805 nm, bare 400 um fibre, 2-4 W, 400-1000 J -> 5-9 mm necrosis)

    func testLaserOsteoidOsteoma() throws {
        for (tissue, charring) in [("cancellous_bone", false), ("cancellous_bone", true), ("tumor_metastasis", true)] {
            for (power, energy) in [(2.0, 400.0), (2.0, 1000.0), (3.0, 1000.0)] {
                let h = 0.5e-3
                let grid = try Grid3D(nx: 48, ny: 48, nz: 48, isotropic: h)
                var m = ThermalModel(grid: grid, uniform: try table.tissue(named: tissue))
                let tip = SIMD3(12e-3, 12e-3, 12e-3)
                let fibre = try ApplicatorAxis(tip: tip, direction: SIMD3(0, 0, 1), radius: 0.2e-3)
                let src = try LaserAblation.install(fibre: fibre, settings: LaserSettings(power: power, wavelength: 805, energyLimit: energy, charring: charring), into: &m)
                let s = try m.makeSolver(Float.self)
                try run(s, [src], until: energy / power + 60)  // delivery plus 60 s of cooling
                let d60 = extent(s, from: tip, direction: SIMD3(1, 0, 0), half: 0.012, step: h) { i, j, k in Double(s.tMax[i, j, k]) >= 60 }
                let dOmega = extent(s, from: tip, direction: SIMD3(1, 0, 0), half: 0.012, step: h) { i, j, k in s.omega[i, j, k] >= 1 }
                var peak: Float = 0
                for k in 0..<48 { for j in 0..<48 { for i in 0..<48 { peak = max(peak, s.tMax[i, j, k]) } } }
                print(String(format: "laser 805 nm bare fibre in %@, %g W, %g J, charring %@: necrosis diameter (Omega >= 1) %.1f mm, T_max >= 60 C %.1f mm, peak %.0f C, charred voxels %d",
                             tissue, power, energy, charring ? "on" : "off", dOmega * 1000, d60 * 1000, Double(peak), src.charredCount))
                XCTAssertEqual(src.energy, energy, accuracy: 1e-6 * energy)
            }
        }
    }

    // MARK: Microwave (AJNR 2018: median 4 min 30 s, 4.1 kJ per spinal lesion)

    func testMicrowaveSpinalProtocol() throws {
        for (tissue, power, f) in [("tumor_metastasis", 15.2, 2450e6), ("cancellous_bone", 15.2, 2450e6), ("tumor_metastasis", 60, 2450e6),
                                   ("tumor_metastasis", 15.2, 915e6)] {
            let h = 1e-3
            let grid = try Grid3D(nx: 50, ny: 50, nz: 80, isotropic: h)
            var m = ThermalModel(grid: grid, uniform: try table.tissue(named: tissue))
            let tip = SIMD3(24.5e-3, 24.5e-3, 55e-3)
            let axis = try ApplicatorAxis(tip: tip, direction: SIMD3(0, 0, 1), radius: 1.05e-3)
            let src = try MicrowaveAblation.install(applicator: axis, settings: MicrowaveSettings(absorbedPower: power, frequency: f), into: &m)
            let s = try m.makeSolver(Float.self)
            try run(s, [src], until: 270)
            let gap = axis.point(behindTip: src.antenna.feedGapBehindTip)
            let width = extent(s, from: gap, direction: SIMD3(1, 0, 0), half: 0.024, step: h) { i, j, k in Double(s.tMax[i, j, k]) >= 60 }
            // Length along a line 2 mm off the axis (the axis itself is the cooled shaft).
            let length = extent(s, from: gap + SIMD3(2e-3, 0, 0), direction: SIMD3(0, 0, 1), half: 0.039, step: h) { i, j, k in
                Double(s.tMax[i, j, k]) >= 60 }
            let at10 = s.temperature(atWorld: gap + SIMD3(10e-3, 0, 0))
            print(String(format: "microwave %g MHz, %g W absorbed, 270 s (%.1f kJ) in %@: T_max >= 60 C zone %.0f mm wide x %.0f mm long (along the shaft); T at 10 mm from the feed gap %.1f C",
                         f / 1e6, power, src.energy / 1000, tissue, width * 1000, length * 1000, at10))
            XCTAssertEqual(src.energy, power * s.time, accuracy: 1e-6 * power * s.time)
        }
    }
}
