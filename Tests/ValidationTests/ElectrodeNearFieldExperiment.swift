import XCTest
import Foundation
import AblasimCore
@testable import AblasimPhysics
import AnalyticSolutions

final class ElectrodeNearFieldExperiment: XCTestCase {
    /// returns r_eq / r_e
    func equivalent(re: Double, h: Double, offset: SIMD2<Double>, lambda: ((Double, Double, Double) -> Double)?) throws -> Double {
        let R = 12 * h + 4 * re
        let n = Int((2 * R / h).rounded(.up)) + 3
        let nz = 2
        let c = SIMD2(Double(n - 1) / 2, Double(n - 1) / 2) + offset
        func rho(_ i: Int, _ j: Int) -> Double { let d = (SIMD2(Double(i), Double(j)) - c) * h; return (d * d).sum().squareRoot() }
        let rr = max(re, 0.87 * h)
        var roles = [Int32](repeating: -1, count: n * n * nz)
        for k in 0..<nz { for j in 0..<n { for i in 0..<n {
            let l = (k * n + j) * n + i
            if rho(i, j) <= rr { roles[l] = 0 }
            if rho(i, j) >= R { roles[l] = 1 }
        } } }
        let s = try ElectricPotentialSolver(nx: n, ny: n, nz: nz, spacing: SIMD3(repeating: h), roles: roles, electrodeCount: 2,
                                            boundary: .insulated, tolerance: 1e-11, executor: SlabExecutor(threads: 1))
        s.conductivity.fill(1)
        if let lambda {
            var f: [Int: Double] = [:]
            for k in 0..<nz { for j in 0..<n { for i in 0..<n {
                let a = s.role.index(i, j, k)
                for (axis, di, dj) in [(0, 1, 0), (1, 0, 1)] where i + di < n && j + dj < n {
                    let b = s.role.index(i + di, j + dj, k)
                    let ra = s.role.base[a], rb = s.role.base[b]
                    if ra == -1 && rb == 0 { f[ElectricPotentialSolver.faceKey(lower: a, axis: axis)] = lambda(rho(i, j), rho(i + di, j + dj), re) }
                    if rb == -1 && ra == 0 { f[ElectricPotentialSolver.faceKey(lower: a, axis: axis)] = lambda(rho(i + di, j + dj), rho(i, j), re) }
                }
            } } }
            s.electrodeFaceFactors = f
        }
        try s.assemble()
        let x = Field3D<Double>(nx: n, ny: n, nz: nz, repeating: 0)
        try s.solveUnitPotential(electrode: 0, into: x)
        let iPer = s.electrodeCurrents(unitSolution: x, electrode: 0)[0] / (Double(nz) * h)
        var sum = 0.0, cnt = 0.0
        for j in 0..<n { for i in 0..<n where s.role[i, j, 0] == -1 {
            let r = rho(i, j)
            guard r > 0.3 * R, r < 0.6 * R else { continue }
            sum += log(CylindricalElectrode.equivalentRadius(distance: r, drop: 1 - x[i, j, 0], currentPerLength: iPer, conductivity: 1))
            cnt += 1
        } }
        return exp(sum / cnt) / re
    }

    func testExperiment() throws {
        let h = 1.0
        let alpha = 0.955
        let cands: [(String, ((Double, Double, Double) -> Double)?)] = [
            ("none", nil),
            ("B2", { rn, rb, re in let p = rn * exp(-Double.pi / 2); return rb < p ? log(rn / p) / log(alpha * rn / re) : log(rn / rb) / log(rn / re) }),
            ("B", { rn, rb, re in log(rn / max(rb, rn * exp(-Double.pi / 2))) / log(rn / re) }),
        ]
        for off in [SIMD2(0.0, 0.0), SIMD2(0.5, 0.5), SIMD2(0.25, 0.1)] {
            for re in [0.1, 0.2, 0.4, 0.6, 0.8, 1.0, 1.5, 2.0, 3.0] {
                var line = String(format: "off %.2f,%.2f re/h %.2f:", off.x, off.y, re)
                for (name, f) in cands {
                    let q = try equivalent(re: re * h, h: h, offset: off, lambda: f)
                    line += String(format: "  %@ %.3f", name, q)
                }
                print(line)
            }
        }
    }
}
