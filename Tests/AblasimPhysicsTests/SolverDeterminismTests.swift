import XCTest
import AblasimCore
@testable import AblasimPhysics

/// Same result bitwise for 1, 2 and 4 threads (DESIGN.md section 3).
final class SolverDeterminismTests: XCTestCase {
    func run(threads: Int) throws -> PennesSolver<Float> {
        let grid = try Grid3D(nx: 19, ny: 7, nz: 11, isotropic: 0.7e-3)
        let table = TissueTable.standard
        let materials: [ThermalMaterial] = [.tissue(try table.tissue(named: "cancellous_bone")),
                                            .tissue(try table.tissue(named: "spinal_cord")),
                                            .fixedTemperature(name: "tip"),
                                            .cooledSurface(name: "shaft", filmCoefficient: 800)]
        var codes = [UInt8]()
        for k in 0..<11 { for j in 0..<7 { for i in 0..<19 {
            codes.append(i == 9 && j == 3 ? (k < 5 ? 2 : 3) : UInt8((i * 7 + j * 3 + k) % 2))
        } } }
        let s = try PennesSolver<Float>(grid: grid, materials: materials, codes: codes,
                                        boundary: .convective(filmCoefficient: 10, ambient: 30),
                                        executor: SlabExecutor(threads: threads))
        s.holdTemperature(material: 2, at: 95)
        s.holdTemperature(material: 3, at: 15)
        for k in 0..<11 { for i in 0..<19 { s.source[i, 1, k] = Float(1e5 * Double(i + k)) } }
        try s.run(steps: 120)
        return s
    }

    func testBitwiseIdenticalForOneTwoAndFourThreads() throws {
        let one = try run(threads: 1)
        XCTAssertGreaterThan(one.tMax.interior().max()!, 90, "the run must actually heat")
        for threads in [2, 4] {
            let other = try run(threads: threads)
            XCTAssertEqual(one.temperature.interior().map(\.bitPattern), other.temperature.interior().map(\.bitPattern), "\(threads) threads")
            XCTAssertEqual(one.cem43.interior().map(\.bitPattern), other.cem43.interior().map(\.bitPattern))
            XCTAssertEqual(one.omega.interior().map(\.bitPattern), other.omega.interior().map(\.bitPattern))
            XCTAssertEqual(one.tMin.interior().map(\.bitPattern), other.tMin.interior().map(\.bitPattern))
            XCTAssertEqual(one.codes.interior(), other.codes.interior())
            XCTAssertEqual(one.heatContent().bitPattern, other.heatContent().bitPattern)
        }
    }
}
