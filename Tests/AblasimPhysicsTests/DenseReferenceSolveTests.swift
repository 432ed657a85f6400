import XCTest
import CLapack
import AblasimCore
@testable import AblasimPhysics

/// The solver's steady state equals a dense LAPACK solve (dgesv) of the same finite-volume
/// equations, assembled here independently from the physics definitions:
///
///   sum_f G_f (T_f - T_p) + w_b rho_b c_b (T_a - T_p) + Q_p = 0   for every tissue voxel p,
///
/// G_f [W/(m^3 K)] = face conductance / h_axis with conductance
///   tissue-tissue      2 k_a k_b / (k_a + k_b) / h   (harmonic mean)
///   tissue-fixed voxel 2 k_a / h                     (held temperature on the shared face)
///   tissue-cooled      1 / (h / (2 k_a) + 1 / h_film)
///   outer wall fixed   2 k_a / h (wall on the face), convective 1 / (h / (2 k_a) + 1 / h_film),
///   insulated          0.
final class DenseReferenceSolveTests: XCTestCase {
    let grid = try! Grid3D(nx: 6, ny: 5, nz: 4, spacing: SIMD3(1e-3, 1.2e-3, 0.8e-3))
    let table = TissueTable.standard
    let fixedTip = 60.0, coolant = 20.0, film = 500.0

    func model() throws -> (materials: [ThermalMaterial], codes: [UInt8], source: [Double]) {
        let materials: [ThermalMaterial] = [.tissue(try table.tissue(named: "tumor_metastasis")),
                                            .tissue(try table.tissue(named: "cortical_bone")),
                                            .fixedTemperature(name: "tip"),
                                            .cooledSurface(name: "shaft", filmCoefficient: film)]
        var codes = [UInt8](), source = [Double]()
        for k in 0..<grid.nz { for j in 0..<grid.ny { for i in 0..<grid.nx {
            if (i, j, k) == (1, 2, 1) { codes.append(2) } else if (i, j, k) == (4, 1, 2) { codes.append(3) } else { codes.append(j == 3 ? 1 : 0) }
            source.append((i, j, k) == (3, 3, 2) || (i, j, k) == (2, 0, 3) ? 4e6 : 0)
        } } }
        return (materials, codes, source)
    }

    /// Dense row-major system of the tissue voxels, solved by LAPACKE_dgesv.
    func referenceSolve(boundary: OuterBoundary) throws -> [Double] {
        let (materials, codes, source) = try model()
        let n = grid.voxelCount
        func linear(_ i: Int, _ j: Int, _ k: Int) -> Int { (k * grid.ny + j) * grid.nx + i }
        var a = [Double](repeating: 0, count: n * n), b = [Double](repeating: 0, count: n)
        for k in 0..<grid.nz { for j in 0..<grid.ny { for i in 0..<grid.nx {
            let p = linear(i, j, k)
            guard case .tissue(let tp) = materials[Int(codes[p])] else {
                // Held voxels: identity rows with their temperature.
                a[p * n + p] = 1
                b[p] = codes[p] == 2 ? fixedTip : coolant
                continue
            }
            let kp = tp.thermalConductivity
            let perfusion = tp.perfusionRate * Blood.density * Blood.specificHeat
            a[p * n + p] += perfusion
            b[p] += perfusion * Blood.arterialTemperature + source[p]
            for (axis, d) in [(0, -1), (0, 1), (1, -1), (1, 1), (2, -1), (2, 1)] {
                var q = SIMD3(i, j, k)
                q[axis] += d
                let h = grid.spacing[axis]
                let outside = q[axis] < 0 || q[axis] >= grid.dims[axis]
                if outside {
                    switch boundary {
                    case .insulated: break
                    case .fixedTemperature(let tw):
                        a[p * n + p] += 2 * kp / h / h; b[p] += 2 * kp / h / h * tw
                    case .heldBeyondGrid(let tw):
                        a[p * n + p] += kp / h / h; b[p] += kp / h / h * tw
                    case .convective(let hf, let ambient):
                        let g = 1 / (h / (2 * kp) + 1 / hf) / h
                        a[p * n + p] += g; b[p] += g * ambient
                    }
                    continue
                }
                let nb = linear(q.x, q.y, q.z)
                switch materials[Int(codes[nb])] {
                case .tissue(let tn):
                    let kn = tn.thermalConductivity
                    let g = 2 * kp * kn / (kp + kn) / h / h
                    a[p * n + p] += g; a[p * n + nb] -= g
                case .fixedTemperature:
                    a[p * n + p] += 2 * kp / h / h; b[p] += 2 * kp / h / h * fixedTip
                case .cooledSurface(_, let hf):
                    let g = 1 / (h / (2 * kp) + 1 / hf) / h
                    a[p * n + p] += g; b[p] += g * coolant
                }
            }
        } } }
        var pivots = [Int32](repeating: 0, count: n)
        let info = LAPACKE_dgesv(LAPACK_ROW_MAJOR, Int32(n), 1, &a, Int32(n), &pivots, &b, 1)
        XCTAssertEqual(info, 0, "dgesv failed")
        return b
    }

    /// Runs the double-precision solver from 37 C until a chunk of steps changes no voxel
    /// by more than 1e-13 K.
    func solverSteadyState(boundary: OuterBoundary) throws -> [Double] {
        let (materials, codes, source) = try model()
        let s = try PennesSolver<Double>(grid: grid, materials: materials, codes: codes, boundary: boundary,
                                         executor: SlabExecutor(threads: 1))
        s.perfusionShutdown = false  // the reference keeps perfusion constant
        s.source.setInterior(source)
        s.holdTemperature(material: 2, at: fixedTip)
        s.holdTemperature(material: 3, at: coolant)
        var previous = s.temperature.interior()
        for _ in 0..<200 {
            try s.run(steps: 500)
            let now = s.temperature.interior()
            let change = zip(now, previous).map { abs($0 - $1) }.max()!
            previous = now
            if change < 1e-13 { break }
        }
        return previous
    }

    func testSteadyStateMatchesLAPACKForEachOuterBoundary() throws {
        for boundary in [OuterBoundary.fixedTemperature(37), .heldBeyondGrid(36), .convective(filmCoefficient: 50, ambient: 25), .insulated] {
            let reference = try referenceSolve(boundary: boundary)
            let solver = try solverSteadyState(boundary: boundary)
            let worst = zip(reference, solver).map { abs($0 - $1) }.max()!
            print("\(boundary): max |T_solver - T_LAPACK| = \(worst) K, T range \(reference.min()!)..\(reference.max()!) C")
            XCTAssertLessThan(worst, 1e-9, "\(boundary)")
        }
    }
}
