import XCTest
@testable import AblasimKernels

final class VaporizationRowKernelTests: XCTestCase {
    /// Random rows around the boiling point, some voxels dry: the SIMD kernel equals its
    /// scalar twin bitwise, and every voxel keeps its enthalpy C T - L (sensible heat plus
    /// the latent heat spent, L0 - L).
    func testSIMDMatchesScalarAndConservesEnthalpy() {
        var rng = SystemRandomNumberGenerator()
        for n in [1, 7, 8, 9, 23, 64, 131] {
            let t0 = (0..<n).map { _ in Float.random(in: 60...160, using: &rng) }
            let c = (0..<n).map { _ in Float.random(in: 2e6...4.2e6, using: &rng) }
            let l0 = (0..<n).map { i in i % 5 == 0 ? 0 : Float.random(in: 0...2e8, using: &rng) }
            let p0 = t0.map { $0 + 1 }
            var (ts, ls, ps) = (t0, l0, p0), (tv, lv, pv) = (t0, l0, p0)
            let (ns, nv) = c.withUnsafeBufferPointer { cp in
                (vaporizationRowScalar(t: &ts, latent: &ls, peak: &ps, heatCapacity: cp.baseAddress!, count: n, boiling: 100),
                 vaporizationRowSIMD(t: &tv, latent: &lv, peak: &pv, heatCapacity: cp.baseAddress!, count: n, boiling: 100))
            }
            XCTAssertEqual(ts, tv, "n = \(n)"); XCTAssertEqual(ls, lv); XCTAssertEqual(ps, pv)
            XCTAssertEqual(ns, nv)
            XCTAssertEqual(ns, (0..<n).filter { t0[$0] > 100 && l0[$0] > 0 }.count, "boiled voxels counted")
            for i in 0..<n {
                let before = Double(c[i]) * Double(t0[i]) - Double(l0[i])
                let after = Double(c[i]) * Double(ts[i]) - Double(ls[i])
                XCTAssertEqual(after, before, accuracy: 1e-6 * Double(c[i]) * Double(t0[i]))
                if t0[i] <= 100 || l0[i] == 0 {
                    // Below boiling or dry: untouched, peak included.
                    XCTAssertEqual(ts[i], t0[i]); XCTAssertEqual(ls[i], l0[i]); XCTAssertEqual(ps[i], p0[i])
                } else {
                    // Boiled: never below the boiling point, above it only once the water is gone.
                    XCTAssertGreaterThanOrEqual(ts[i], 100 - 1e-3)
                    if ls[i] > 0 { XCTAssertEqual(ts[i], 100, accuracy: 1e-3) }
                    XCTAssertEqual(ps[i], ts[i], "the peak is the corrected temperature")
                }
            }
        }
    }
}
