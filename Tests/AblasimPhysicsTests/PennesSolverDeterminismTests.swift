import XCTest
import Foundation
import AblasimCore
import AblasimKernels
@testable import AblasimPhysics

/// The solver's step is the same for every thread count, bit for bit, and equals the
/// scalar reference kernels applied row by row.
final class PennesSolverDeterminismTests: XCTestCase {
    /// A small heterogeneous model (odd sizes, so SIMD tails and uneven slabs occur) with
    /// a hot blob that coagulates and a heat source.
    private func makeSolver(threads: Int) throws -> PennesSolver<Float> {
        let grid = try Grid3D(nx: 21, ny: 13, nz: 11, isotropic: 1e-3)
        let table = TissueTable.standard
        let materials: [ThermalMaterial] = try ["muscle", "cortical_bone", "fat", "tumor_metastasis"].map {
            .tissue(try table.tissue(named: $0))
        }
        var codes = [UInt8](repeating: 0, count: grid.voxelCount)
        for k in 0..<grid.nz { for j in 0..<grid.ny { for i in 0..<grid.nx {
            var c: UInt8 = 0
            if j > 9 { c = 2 }
            if (i - 10) * (i - 10) + (j - 6) * (j - 6) < 16 { c = 1 }
            if (i - 11) * (i - 11) + (j - 6) * (j - 6) + (k - 5) * (k - 5) < 6 { c = 3 }
            codes[(k * grid.ny + j) * grid.nx + i] = c
        } } }
        let solver = try PennesSolver<Float>(grid: grid, materials: materials, codes: codes,
                                             executor: SlabExecutor(threads: threads))
        for k in 0..<grid.nz { for j in 0..<grid.ny { for i in 0..<grid.nx {
            let di = Double(i - 11), dj = Double(j - 6), dk = Double(k - 5)
            let r2: Double = di * di + dj * dj + dk * dk
            let ripple: Double = 0.01 * Double(i % 3)
            solver.temperature[i, j, k] = Float(37 + 58 * exp(-r2 / 8) + ripple)
            solver.source[i, j, k] = Float(3e6 * exp(-r2 / 4))
        } } }
        return solver
    }

    private func state(_ s: PennesSolver<Float>) -> ([UInt32], [UInt64], [UInt64], [UInt32], [UInt32], [UInt8]) {
        (s.temperature.interior().map(\.bitPattern), s.cem43.interior().map(\.bitPattern),
         s.omega.interior().map(\.bitPattern), s.tMax.interior().map(\.bitPattern),
         s.tMin.interior().map(\.bitPattern), s.codes.interior())
    }

    func testSameBitsForEveryThreadCount() throws {
        var reference: ([UInt32], [UInt64], [UInt64], [UInt32], [UInt32], [UInt8])?
        for threads in [1, 2, 3, 4] {
            let solver = try makeSolver(threads: threads)
            try solver.run(steps: 25)
            let s = state(solver)
            XCTAssertTrue(s.5.contains { $0 & MaterialCode.coagulated != 0 }, "the hot blob should coagulate")
            if let r = reference {
                XCTAssertEqual(s.0, r.0, "temperature, \(threads) threads")
                XCTAssertEqual(s.1, r.1, "CEM43, \(threads) threads")
                XCTAssertEqual(s.2, r.2, "Omega, \(threads) threads")
                XCTAssertEqual(s.3, r.3, "T_max, \(threads) threads")
                XCTAssertEqual(s.4, r.4, "T_min, \(threads) threads")
                XCTAssertEqual(s.5, r.5, "codes, \(threads) threads")
            } else {
                reference = s
            }
        }
    }

    /// One solver step equals pennesRowScalar + accumulateDoseRow applied row by row.
    func testStepEqualsScalarReferenceKernels() throws {
        let solver = try makeSolver(threads: 2)
        try solver.run(steps: 3)  // some voxels coagulated already
        let g = solver.grid
        let t0 = solver.temperature.copy()
        let expected = solver.temperature.copy()
        let cem = solver.cem43.copy(), omega = solver.omega.copy()
        let hi = solver.tMax.copy(), lo = solver.tMin.copy()
        let codes = solver.codes.copy()
        let tables = solver.kernelTables, dose = solver.doseKernelTables
        for k in 0..<g.nz { for j in 0..<g.ny {
            let o = t0.index(0, j, k)
            pennesRowScalar(PennesRow(t: t0.base + o, tNew: expected.base + o, label: codes.base + o,
                                      q: solver.source.base + o, strideY: t0.strideY, strideZ: t0.strideZ),
                            count: g.nx, tables: tables)
        } }
        for k in 0..<g.nz { for j in 0..<g.ny {
            let o = t0.index(0, j, k)
            accumulateDoseRow(DoseRow(t: expected.base + o, label: codes.base + o, cem43: cem.base + o,
                                      omega: omega.base + o, tMax: hi.base + o, tMin: lo.base + o),
                              count: g.nx, dt: solver.dt, tables: dose)
        } }
        try solver.step()
        XCTAssertEqual(solver.temperature.interior().map(\.bitPattern), expected.interior().map(\.bitPattern))
        XCTAssertEqual(solver.cem43.interior().map(\.bitPattern), cem.interior().map(\.bitPattern))
        XCTAssertEqual(solver.omega.interior().map(\.bitPattern), omega.interior().map(\.bitPattern))
        XCTAssertEqual(solver.tMax.interior().map(\.bitPattern), hi.interior().map(\.bitPattern))
        XCTAssertEqual(solver.tMin.interior().map(\.bitPattern), lo.interior().map(\.bitPattern))
    }
}
