import XCTest
import AblasimCore
@testable import AblasimPhysics

/// Electrodes below the voxel: the gauge matters on any grid, the steel shaft conserves
/// energy, the thermocouple lags.
final class RFElectrodeTests: XCTestCase {
    let mm = 1e-3

    func muscle() throws -> Tissue { try TissueTable.standard.tissue(named: "muscle") }

    /// A small temperature-controlled block on a 1 mm grid, where a 16 G and a 22 G shaft
    /// rasterize to the same voxels (both below 0.87 h = 0.87 mm radius).
    func block(_ gauge: Int, _ model: ElectrodeModel) throws -> RFBlockBench.Result {
        var b = RFBlockBench(tissue: try muscle())
        b.size = SIMD3(20, 20, 24) * mm; b.spacing = 1 * mm; b.tipDepth = 7 * mm
        b.preset = "monopolar-\(gauge)g-10mm"; b.duration = 15; b.electrodeModel = model
        return try b.run()
    }

    func testGaugeChangesTheLesionOnACoarseGrid() throws {
        let thick = try block(16, .nearField), thin = try block(22, .nearField)
        let thickVoxel = try block(16, .voxel), thinVoxel = try block(22, .voxel)
        print(String(format: "1 mm grid, 15 s at 90 C: near-field width 16 G %.2f mm, 22 G %.2f mm, energy %.0f / %.0f J, Z %.0f / %.0f ohm; voxel model %.2f / %.2f mm",
                     thick.width / mm, thin.width / mm, thick.energy, thin.energy, thick.initialImpedance, thin.initialImpedance,
                     thickVoxel.width / mm, thinVoxel.width / mm))
        // Same voxels: the voxel model cannot tell the gauges apart.
        XCTAssertEqual(thickVoxel.width, thinVoxel.width, accuracy: 1e-12)
        XCTAssertEqual(thickVoxel.energy, thinVoxel.energy, accuracy: 1e-9)
        // The near field can: the thick needle has the lower impedance (ln(R/r) smaller), takes
        // more power at the same tip temperature and makes the wider lesion.
        XCTAssertLessThan(thick.initialImpedance, 0.9 * thin.initialImpedance)
        XCTAssertGreaterThan(thick.energy, 1.2 * thin.energy)
        XCTAssertGreaterThan(thick.width, thin.width + 0.5 * mm)
    }

    /// Unperfused block, insulated outer boundary: the heat in the tissue plus the heat in
    /// the steel rises by exactly the delivered RF energy.
    func testShaftAndTissueConserveEnergy() throws {
        var t = try muscle(); t.perfusionMlMinKg = 0
        var m = ThermalModel(grid: try Grid3D(nx: 20, ny: 20, nz: 24, isotropic: 1 * mm), uniform: t)
        let p = try ProbePreset.probe("monopolar-16g-10mm", name: "p", entry: SIMD3(10, 10, 44) * mm, tip: SIMD3(10, 10, 7) * mm)
        var options = RFOptions(); options.conductivity = .constant
        let rf = try RFAblation.install(probes: [p], generators: [RFGenerator(mode: .constantPower(watts: 4))], into: &m, options: options)
        let solver = try m.makeSolver(Float.self, boundary: .insulated, executor: SlabExecutor(threads: 1))
        func steelHeat() -> Double {
            zip(rf.shafts.map(\.capacity), rf.shaftTemperatures()).reduce(0) { s, ct in s + zip(ct.0, ct.1).reduce(0) { $0 + $1.0 * ($1.1 - 37) } }
        }
        let tissueHeat = { solver.heatContent() - t.heatCapacity * solver.grid.voxelVolume * 37 * Double(solver.grid.voxelCount - rf.rasters[0].voxels.count) }
        solver.source.fill(0)
        try rf.update(solver: solver, time: 0)
        let e0 = tissueHeat(), s0 = 0.0
        var delivered = 0.0
        try solver.step()
        delivered += 4 * solver.dt
        for _ in 0..<39 {
            solver.source.fill(0)
            try rf.update(solver: solver, time: solver.time)
            try solver.step()
            delivered += rf.channelSamples()[0].power * solver.dt
        }
        let gained = (tissueHeat() - e0) + (steelHeat() - s0)
        print(String(format: "energy: delivered %.3f J, tissue %.3f J + steel %.4f J = %.3f J", delivered, tissueHeat() - e0, steelHeat(), gained))
        XCTAssertEqual(gained, delivered, accuracy: 0.01 * delivered)
        XCTAssertGreaterThan(steelHeat(), 0, "the steel warms")
        // The steel conducts heat back along the insulated shaft: warmer than the tissue 5 mm behind the tip's end.
        let behind = rf.shafts[0].temperature(atDistance: 15 * mm)
        XCTAssertGreaterThan(behind, 37.001)
    }

    func testThermocoupleLagsByItsTimeConstant() throws {
        var m = ThermalModel(grid: try Grid3D(nx: 20, ny: 20, nz: 24, isotropic: 1 * mm), uniform: try muscle())
        var p = try ProbePreset.probe("monopolar-18g-10mm", name: "p", entry: SIMD3(10, 10, 44) * mm, tip: SIMD3(10, 10, 7) * mm)
        p.thermocouples = [ProbeThermocouple(name: "fast", distanceFromTip: 0), ProbeThermocouple(name: "slow", distanceFromTip: 0, timeConstant: 5)]
        p.controlThermocouple = 0
        let rf = try RFAblation.install(probes: [p], generators: [RFGenerator(mode: .constantPower(watts: 3))], into: &m)
        let solver = try m.makeSolver(executor: SlabExecutor(threads: 1))
        try advance(solver, rf, steps: 20)
        let r = rf.thermocoupleReadings(solver: solver)
        let metal = rf.shafts[0].temperature(atDistance: 0)
        XCTAssertEqual(r[0].temperature, metal, accuracy: 1e-9, "no lag: the steel at the junction")
        XCTAssertLessThan(r[1].temperature, r[0].temperature - 0.5, "a 5 s junction trails a heating tip")
        XCTAssertGreaterThan(r[1].temperature, 37)
        var bad = p; bad.thermocouples[1].timeConstant = -1
        XCTAssertThrowsError(try bad.validate(context: "test")) { XCTAssertTrue("\($0)".contains("time constant")) }
    }
}
