import XCTest
import AblasimCore
@testable import AblasimPhysics

final class ThermoprotectionTests: XCTestCase {
    /// Three slabs along x: tumour | epidural fat | spinal cord, 1 mm voxels.
    func canal() throws -> ThermalModel {
        let grid = try Grid3D(nx: 21, ny: 6, nz: 6, isotropic: 1e-3)
        var labels = [UInt8](repeating: 0, count: grid.voxelCount)
        for v in labels.indices { let i = v % 21; labels[v] = i < 10 ? 1 : (i < 14 ? 2 : 3) }
        return try ThermalModel(grid: grid, labels: labels, legend: [1: "tumor_metastasis", 2: "epidural_fat", 3: "spinal_cord"], table: .standard)
    }

    func testDissectionReplacesTheEpiduralMaterial() throws {
        for (option, name) in [(Thermoprotection.Option.co2Dissection, "carbon_dioxide"), (.dextroseDissection, "dextrose_5pct")] {
            var m = try canal()
            let index = m.materialIndex(named: "epidural_fat")!
            let codes = m.codes
            XCTAssertNil(try Thermoprotection.apply(option, to: &m))
            XCTAssertEqual(m.materials[index].tissue?.thermalConductivity, try TissueTable.standard.tissue(named: name).thermalConductivity)
            XCTAssertEqual(m.codes, codes, "same voxels, new material")
            XCTAssertNil(m.materialIndex(named: "epidural_fat"))
        }
    }

    func testCO2ShieldsTheCordFromHeat() throws {
        // A hot tumour face: the cord warms less behind a CO2 layer than behind fat.
        func cordRise(_ option: Thermoprotection.Option?) throws -> Double {
            var m = try canal()
            if let option { try Thermoprotection.apply(option, to: &m) }
            let s = try m.makeSolver(Double.self, boundary: .insulated, executor: SlabExecutor(threads: 1))
            for _ in 0..<400 {
                for k in 0..<6 { for j in 0..<6 { for i in 0..<10 { s.temperature[i, j, k] = 80 } } }
                try s.step()
            }
            return s.temperature[15, 3, 3] - 37
        }
        let fat = try cordRise(nil), co2 = try cordRise(.co2Dissection)
        XCTAssertGreaterThan(fat, 0.5)
        XCTAssertLessThan(co2, 0.2 * fat)
    }

    func testSalineIrrigationHoldsTheEpiduralSpace() throws {
        var m = try canal()
        let src = try Thermoprotection.apply(.salineIrrigation(temperature: 40), to: &m)
        XCTAssertEqual(m.materials[m.materialIndex(named: "saline_irrigation")!].tissue?.sigmaRF, 2.0)
        let s = try m.makeSolver(Float.self, executor: SlabExecutor(threads: 1))
        try src!.update(solver: s, time: 0)
        XCTAssertEqual(s.temperature[12, 3, 3], 40)
        XCTAssertEqual(s.temperature[5, 3, 3], 37)
        for bad in [0.0, 50, .nan] {
            var m2 = try canal()
            XCTAssertThrowsError(try Thermoprotection.apply(.salineIrrigation(temperature: bad), to: &m2)) { e in
                XCTAssertTrue("\(e)".contains("(0, 45] C"), "\(e)")
            }
        }
        var plain = ThermalModel(grid: try Grid3D(nx: 4, ny: 4, nz: 4, isotropic: 1e-3), uniform: try TissueTable.standard.tissue(named: "muscle"))
        XCTAssertThrowsError(try Thermoprotection.apply(.co2Dissection, to: &plain)) { e in
            XCTAssertTrue("\(e)".contains("epidural_fat"), "\(e)")
        }
    }
}
