import XCTest
import AblasimCore
import CLapack
@testable import AblasimPhysics

/// Potential solver against analytic and direct (LAPACK) solutions.
final class RFPotentialSolverTests: XCTestCase {
    /// Sphere of radius a at V0 = 1 V in a cube of side L with the exact potential a/r
    /// imposed on the outermost voxel layer; returns the relative error of the electrode
    /// current against I = 4 pi sigma a V0 and the RMS error of V against V0 a / r.
    func sphere(n: Int, executor: SlabExecutor = SlabExecutor(threads: 2)) throws -> (current: Double, potential: Double, iterations: Int) {
        let side = 0.024, a = 0.004, sigma = 0.5
        let h = side / Double(n)
        let c = Double(n - 1) / 2
        func r(_ i: Int, _ j: Int, _ k: Int) -> Double {
            let d = SIMD3(Double(i) - c, Double(j) - c, Double(k) - c) * h
            return (d * d).sum().squareRoot()
        }
        var roles = [Int32](repeating: -1, count: n * n * n)
        for k in 0..<n { for j in 0..<n { for i in 0..<n {
            let l = (k * n + j) * n + i
            if r(i, j, k) <= a { roles[l] = 0 }
            if [i, j, k].contains(0) || [i, j, k].contains(n - 1) { roles[l] = 1 }
        } } }
        let s = try ElectricPotentialSolver(nx: n, ny: n, nz: n, spacing: SIMD3(repeating: h), roles: roles, electrodeCount: 2,
                                            boundary: .insulated, tolerance: 1e-10, executor: executor)
        s.conductivity.fill(sigma)
        try s.assemble()
        let values = Field3D<Double>(nx: n, ny: n, nz: n, repeating: 0)
        for k in 0..<n { for j in 0..<n { for i in 0..<n {
            switch s.role[i, j, k] {
            case 0: values[i, j, k] = 1
            case 1: values[i, j, k] = a / r(i, j, k)
            default: break
            }
        } } }
        let x = Field3D<Double>(nx: n, ny: n, nz: n, repeating: 0)
        let it = try s.solve(electrodeValues: values, into: x)
        let current = s.electrodeCurrents(unitSolution: x, electrode: 0)[0]
        let exact = 4 * Double.pi * sigma * a
        var sq = 0.0, count = 0
        for k in 0..<n { for j in 0..<n { for i in 0..<n where s.role[i, j, k] == -1 {
            let e = x[i, j, k] - a / r(i, j, k)
            sq += e * e; count += 1
        } } }
        return (abs(current - exact) / exact, (sq / Double(count)).squareRoot(), it)
    }

    func testSphericalElectrodeMatchesAnalyticPotentialAndCurrent() throws {
        var results: [(Int, Double, Double)] = []
        for n in [12, 24, 48] {
            let e = try sphere(n: n)
            results.append((n, e.current, e.potential))
            print(String(format: "sphere n=%d h=%.2f mm: current error %.4f, RMS potential error %.5f V, %d PCG iterations",
                         n, 24.0 / Double(n), e.current, e.potential, e.iterations))
        }
        // A staircase sphere converges at first order in h (its effective radius moves by
        // O(h)): the finest grid has a = 8 voxels.
        XCTAssertLessThan(results[2].1, 0.06, "current error on the finest grid")
        XCTAssertLessThan(results[2].2, 0.01, "RMS potential error on the finest grid [V]")
        XCTAssertLessThan(results[2].2, results[0].2, "potential error must fall as the grid is refined")
        let order = log(results[0].2 / results[2].2) / log(4)
        print(String(format: "observed order of the RMS potential error: %.2f", order))
        XCTAssertGreaterThan(order, 0.7)
    }

    /// Deterministic pseudo-random numbers in [0, 1).
    struct LCG {
        var state: UInt64
        mutating func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
    }

    /// A small problem with jumping conductivity, two electrodes and an insulated stretch.
    func smallProblem(boundary: ElectricBoundary) -> (nx: Int, ny: Int, nz: Int, roles: [Int32], sigma: [Double]) {
        let nx = 20, ny = 18, nz = 16
        var rng = LCG(state: 7)
        var roles = [Int32](repeating: -1, count: nx * ny * nz), sigma = [Double](repeating: 0, count: nx * ny * nz)
        for k in 0..<nz { for j in 0..<ny { for i in 0..<nx {
            let l = (k * ny + j) * nx + i
            // Conductivities from cortical bone to CSF (0.02 to 2 S/m), log-uniform.
            sigma[l] = 0.02 * pow(100, rng.next())
            if i == 9 && j == 8 {
                if (3...6).contains(k) { roles[l] = 0 }
                if (7...8).contains(k) { roles[l] = -2 }
                if (9...12).contains(k) { roles[l] = 1 }
            }
        } } }
        return (nx, ny, nz, roles, sigma)
    }

    /// Independent assembly of the same finite-volume matrix, solved with LAPACK dpbsv.
    func bandedReference(_ p: (nx: Int, ny: Int, nz: Int, roles: [Int32], sigma: [Double]), h: Double,
                         boundary: ElectricBoundary, electrode: Int32) -> [Double] {
        let (nx, ny, nz) = (p.nx, p.ny, p.nz)
        let n = nx * ny * nz, kd = nx * ny, ld = kd + 1
        var ab = [Double](repeating: 0, count: ld * n), b = [Double](repeating: 0, count: n)
        func l(_ i: Int, _ j: Int, _ k: Int) -> Int { (k * ny + j) * nx + i }
        for k in 0..<nz { for j in 0..<ny { for i in 0..<nx {
            let a = l(i, j, k)
            guard p.roles[a] == -1 else { ab[kd + a * ld] = 1; continue }
            var diag = 0.0
            for (di, dj, dk) in [(1, 0, 0), (-1, 0, 0), (0, 1, 0), (0, -1, 0), (0, 0, 1), (0, 0, -1)] {
                let (i2, j2, k2) = (i + di, j + dj, k + dk)
                guard i2 >= 0, j2 >= 0, k2 >= 0, i2 < nx, j2 < ny, k2 < nz else {
                    if boundary == .grounded { diag += 2 * p.sigma[a] * h }
                    continue
                }
                let q = l(i2, j2, k2)
                switch p.roles[q] {
                case -1:
                    let g = 2 * p.sigma[a] * p.sigma[q] / (p.sigma[a] + p.sigma[q]) * h
                    diag += g
                    if q < a { ab[kd + q - a + a * ld] = -g }
                case -2: break
                default:
                    let g = p.sigma[a] * h
                    diag += g
                    if p.roles[q] == electrode { b[a] += g }
                }
            }
            ab[kd + a * ld] = diag
        } } }
        let info = LAPACKE_dpbsv(LAPACK_COL_MAJOR, Int8(UInt8(ascii: "U")), Int32(n), Int32(kd), 1, &ab, Int32(ld), &b, Int32(n))
        XCTAssertEqual(info, 0)
        for a in 0..<n where p.roles[a] != -1 { b[a] = 0 }
        return b
    }

    func testMultigridMatchesLapackBandedSolve() throws {
        let h = 1e-3
        for boundary in [ElectricBoundary.grounded, .insulated] {
            let p = smallProblem(boundary: boundary)
            let reference = bandedReference(p, h: h, boundary: boundary, electrode: 0)
            for coarsest in [8, 2048] {
                let s = try ElectricPotentialSolver(nx: p.nx, ny: p.ny, nz: p.nz, spacing: SIMD3(repeating: h), roles: p.roles,
                                                    electrodeCount: 2, boundary: boundary, tolerance: 1e-11, executor: SlabExecutor(threads: 2))
                s.coarsestCells = coarsest
                s.conductivity.setInterior(p.sigma)
                try s.assemble()
                XCTAssertGreaterThan(s.levels.count, 1, "the test must exercise the multigrid hierarchy")
                let x = Field3D<Double>(nx: p.nx, ny: p.ny, nz: p.nz, repeating: 0)
                try s.solveUnitPotential(electrode: 0, into: x)
                let got = x.interior()
                let err = zip(got, reference).map { abs($0 - $1) }.max()!
                print("MG (\(s.levels.count) levels, \(s.lastIterations) PCG iterations, \(boundary)) vs LAPACK dpbsv: max |dV| = \(err) V")
                XCTAssertLessThan(err, 1e-7, "\(boundary), coarsest \(coarsest)")
            }
        }
    }

    func testSolveIsBitwiseIdenticalForAnyThreadCount() throws {
        let p = smallProblem(boundary: .grounded)
        var fields: [[Double]] = []
        for threads in [1, 2, 3] {
            let s = try ElectricPotentialSolver(nx: p.nx, ny: p.ny, nz: p.nz, spacing: SIMD3(repeating: 1e-3), roles: p.roles,
                                                electrodeCount: 2, boundary: .grounded, executor: SlabExecutor(threads: threads))
            s.coarsestCells = 64
            s.conductivity.setInterior(p.sigma)
            try s.assemble()
            let x = Field3D<Double>(nx: p.nx, ny: p.ny, nz: p.nz, repeating: 0)
            try s.solveUnitPotential(electrode: 1, into: x)
            fields.append(x.interior())
        }
        XCTAssertEqual(fields[0], fields[1])
        XCTAssertEqual(fields[0], fields[2])
    }

    func testWarmStartNeedsFewerIterations() throws {
        let p = smallProblem(boundary: .insulated)
        let s = try ElectricPotentialSolver(nx: p.nx, ny: p.ny, nz: p.nz, spacing: SIMD3(repeating: 1e-3), roles: p.roles,
                                            electrodeCount: 2, boundary: .insulated, tolerance: 1e-9, executor: SlabExecutor(threads: 1))
        s.coarsestCells = 64
        s.conductivity.setInterior(p.sigma)
        try s.assemble()
        let x = Field3D<Double>(nx: p.nx, ny: p.ny, nz: p.nz, repeating: 0)
        let cold = try s.solveUnitPotential(electrode: 0, into: x)
        // Conductivity drifts by 1-2 % unevenly (half a degree at 2 %/C): the old field is close.
        s.conductivity.setInterior(p.sigma.map { $0 * 1.01 })
        for k in 0..<4 { for j in 0..<p.ny { for i in 0..<p.nx { s.conductivity[i, j, k] *= 1.01 } } }
        try s.assemble()
        let warm = try s.solveUnitPotential(electrode: 0, into: x)
        print("cold start \(cold) iterations, warm start \(warm)")
        XCTAssertLessThan(warm, cold)
    }

    func testTouchingElectrodesAreRejected() {
        var roles = [Int32](repeating: -1, count: 8 * 8 * 8)
        roles[(4 * 8 + 4) * 8 + 4] = 0
        roles[(5 * 8 + 4) * 8 + 4] = 1
        XCTAssertThrowsError(try ElectricPotentialSolver(nx: 8, ny: 8, nz: 8, spacing: SIMD3(repeating: 1e-3), roles: roles,
                                                         electrodeCount: 2, boundary: .insulated)) { error in
            guard let e = error as? PhysicsError, e.isInputError else { return XCTFail("\(error)") }
            let m = e.message
            XCTAssertTrue(m.contains("touch"), m)
        }
    }
}
