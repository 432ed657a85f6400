import XCTest
import AblasimCore
@testable import AblasimPhysics

final class SalineIrrigationTests: XCTestCase {
    /// Three slabs along x: tumour | epidural fat | spinal cord, 1 mm voxels.
    func canal() throws -> ThermalModel {
        let grid = try Grid3D(nx: 21, ny: 6, nz: 6, isotropic: 1e-3)
        var labels = [UInt8](repeating: 0, count: grid.voxelCount)
        for v in labels.indices { let i = v % 21; labels[v] = i < 10 ? 1 : (i < 14 ? 2 : 3) }
        return try ThermalModel(grid: grid, labels: labels, legend: [1: "tumor_metastasis", 2: "epidural_fat", 3: "spinal_cord"], table: .standard)
    }

    func testWarmSalineHoldsTheEpiduralSpaceAndWarmsTheCordDuringFreezing() throws {
        // A frozen tumour face (-40 C held): the cord cools less behind circulating 40 C saline.
        func cordTemperature(saline: Bool) throws -> Double {
            var m = try canal()
            let src: SalineIrrigation? = saline ? try SalineIrrigation.install(temperature: 40, into: &m) : nil
            if saline { XCTAssertEqual(m.materials[src!.material].tissue?.sigmaRF, 2.0, "electrically saline-like") }
            let s = try m.makeSolver(Float.self, boundary: .insulated, executor: SlabExecutor(threads: 1))
            for _ in 0..<300 {
                for k in 0..<6 { for j in 0..<6 { for i in 0..<10 { s.temperature[i, j, k] = -40 } } }
                try src?.update(solver: s, time: s.time)
                try s.step()
            }
            return Double(s.temperature[15, 3, 3])
        }
        let plain = try cordTemperature(saline: false), warmed = try cordTemperature(saline: true)
        XCTAssertLessThan(plain, 36)
        XCTAssertGreaterThan(warmed, 37)
    }

    func testSourceHoldsSalineVoxels() throws {
        var m = try canal()
        let src = try SalineIrrigation.install(temperature: 40, into: &m)
        let s = try m.makeSolver(Float.self, executor: SlabExecutor(threads: 1))
        try src.update(solver: s, time: 0)
        XCTAssertEqual(s.temperature[12, 3, 3], 40)
        XCTAssertEqual(s.temperature[5, 3, 3], 37)
        XCTAssertTrue(src.channelSamples().isEmpty)
    }

    func testBadInput() throws {
        for bad in [0.0, 50, .nan] {
            var m = try canal()
            XCTAssertThrowsError(try SalineIrrigation.install(temperature: bad, into: &m)) { e in
                XCTAssertTrue("\(e)".contains("(0, 45] C"), "\(e)")
            }
        }
        var plain = ThermalModel(grid: try Grid3D(nx: 4, ny: 4, nz: 4, isotropic: 1e-3), uniform: try TissueTable.standard.tissue(named: "muscle"))
        XCTAssertThrowsError(try SalineIrrigation.install(temperature: 40, into: &plain)) { e in
            XCTAssertTrue("\(e)".contains("epidural_fat"), "\(e)")
        }
    }
}
