import XCTest
import Foundation
@testable import AblasimKernels

final class ThermalDoseKernelTests: XCTestCase {
    /// Runs `steps` dose updates of `dt` seconds on a row held at the given temperatures.
    private func accumulate<S: BinaryFloatingPoint>(_: S.Type, temperatures: [Double], labels: [UInt8], steps: Int,
                                                    dt: Double, lnA: [Double], eaOverR: [Double])
        -> (cem: [Double], omega: [Double], hi: [S], lo: [S]) {
        let n = temperatures.count
        var t = temperatures.map { S($0) }
        var cem = [Double](repeating: 0, count: n), omega = [Double](repeating: 0, count: n)
        var hi = [S](repeating: 37, count: n), lo = [S](repeating: 37, count: n)
        var lab = labels
        var a = lnA, e = eaOverR
        t.withUnsafeMutableBufferPointer { tp in lab.withUnsafeMutableBufferPointer { lp in
            cem.withUnsafeMutableBufferPointer { cp in omega.withUnsafeMutableBufferPointer { op in
                hi.withUnsafeMutableBufferPointer { hp in lo.withUnsafeMutableBufferPointer { mp in
                    a.withUnsafeMutableBufferPointer { ap in e.withUnsafeMutableBufferPointer { ep in
                        let row = DoseRow(t: UnsafePointer(tp.baseAddress!), label: UnsafePointer(lp.baseAddress!),
                                          cem43: cp.baseAddress!, omega: op.baseAddress!,
                                          tMax: hp.baseAddress!, tMin: mp.baseAddress!)
                        let tables = DoseTables(lnA: UnsafePointer(ap.baseAddress!), eaOverR: UnsafePointer(ep.baseAddress!))
                        for _ in 0..<steps { accumulateDoseRow(row, count: n, dt: dt, tables: tables) }
                    } }
                } }
            } }
        } }
        return (cem, omega, hi, lo)
    }

    /// Constant temperature: CEM43 = t_min R^(43 - T) and Omega = t A exp(-Ea / (R_gas T_K)).
    private func checkClosedForms<S: BinaryFloatingPoint>(_ type: S.Type) {
        // Sapareto-Dewey-equivalent Arrhenius set (label 0), the liver set (label 1), and a
        // non-tissue code (label 2, ln A = -inf: no damage). Values: DamageModel in AblasimCore.
        let lnA = [log(1.0e91), log(7.39e39), -.infinity]
        let eaOverR = [5.76e5 / gasConstant, 2.577e5 / gasConstant, 0]
        let temperatures: [Double] = [30, 37, 42.5, 43, 45, 50, 55.25, 60, 65, 70, 43, 50]
        let labels: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 1]
        let dt = 0.25, steps = 240  // one minute
        let r = accumulate(type, temperatures: temperatures, labels: labels, steps: steps, dt: dt, lnA: lnA, eaOverR: eaOverR)
        let minutes = dt * Double(steps) / 60
        for (i, tc) in temperatures.enumerated() {
            let tq = Double(S(tc))  // the temperature the kernel sees
            let rate = tq >= 43 ? pow(0.5, 43 - tq) : pow(0.25, 43 - tq)
            XCTAssertEqual(r.cem[i], minutes * rate, accuracy: 1e-11 * minutes * rate, "CEM43 at \(tc) C")
            let l = Int(labels[i])
            let omega = l == 2 ? 0 : dt * Double(steps) * exp(lnA[l] - eaOverR[l] / (tq + 273.15))
            XCTAssertEqual(r.omega[i], omega, accuracy: 1e-11 * omega, "Omega at \(tc) C, label \(l)")
            XCTAssertEqual(Double(r.hi[i]), max(37, tq))
            XCTAssertEqual(Double(r.lo[i]), min(37, tq))
        }
        // At 43 C one minute is one CEM43 minute.
        XCTAssertEqual(r.cem[3], 1, accuracy: 1e-12)
        XCTAssertEqual(r.omega[10], 0)
        XCTAssertGreaterThan(r.omega[5], r.omega[4])
    }

    func testClosedFormsFloat() { checkClosedForms(Float.self) }
    func testClosedFormsDouble() { checkClosedForms(Double.self) }

    /// The SIMD dose kernel equals the scalar reference bit for bit for every row length
    /// 0..3*8+1, with mixed and uniform labels, and reports non-finite rows the same way.
    private func checkSIMDEqualsScalar<S: BinaryFloatingPoint & SIMDScalar>(_: S.Type) {
        var g = SplitMix64(state: 99)
        var lnA = [Double](repeating: -.infinity, count: 64), eaOverR = [Double](repeating: 0, count: 64)
        for l in 0..<30 {
            lnA[l] = log(Double.random(in: 1e30...1e100, using: &g))
            eaOverR[l] = Double.random(in: 2e5...6e5, using: &g) / gasConstant
        }
        for n in 0...(3 * 8 + 1) {
            for pattern in 0..<3 {
                var t = (0..<n).map { _ in S(Double.random(in: 25...110, using: &g)) }
                if pattern == 2 && n > 0 { t[Int.random(in: 0..<n, using: &g)] = .nan }
                let base = UInt8.random(in: 0..<32, using: &g)
                let lab = (0..<n).map { _ in pattern == 1 ? base : UInt8.random(in: 0..<32, using: &g) }
                let cem0 = (0..<n).map { _ in Double.random(in: 0...10, using: &g) }
                let om0 = (0..<n).map { _ in Double.random(in: 0...2, using: &g) }
                let hi0 = (0..<n).map { _ in S(Double.random(in: 37...90, using: &g)) }
                let lo0 = (0..<n).map { _ in S(Double.random(in: 20...60, using: &g)) }
                func run(_ simd: Bool) -> ([Double], [Double], [S], [S], Bool) {
                    var cem = cem0, om = om0, hi = hi0, lo = lo0, tt = t, ll = lab, a = lnA, e = eaOverR
                    var ok = true
                    cem.withUnsafeMutableBufferPointer { cp in om.withUnsafeMutableBufferPointer { op in
                        hi.withUnsafeMutableBufferPointer { hp in lo.withUnsafeMutableBufferPointer { mp in
                            tt.withUnsafeMutableBufferPointer { tp in ll.withUnsafeMutableBufferPointer { lp in
                                a.withUnsafeMutableBufferPointer { ap in e.withUnsafeMutableBufferPointer { ep in
                                    // Rows of length 0 still need valid pointers.
                                    let dummyD = UnsafeMutablePointer<Double>.allocate(capacity: 1)
                                    let dummyS = UnsafeMutablePointer<S>.allocate(capacity: 1)
                                    let dummyL = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
                                    defer { dummyD.deallocate(); dummyS.deallocate(); dummyL.deallocate() }
                                    let row = DoseRow(t: UnsafePointer(tp.baseAddress ?? dummyS),
                                                      label: UnsafePointer(lp.baseAddress ?? dummyL),
                                                      cem43: cp.baseAddress ?? dummyD, omega: op.baseAddress ?? dummyD,
                                                      tMax: hp.baseAddress ?? dummyS, tMin: mp.baseAddress ?? dummyS)
                                    let tables = DoseTables(lnA: UnsafePointer(ap.baseAddress!), eaOverR: UnsafePointer(ep.baseAddress!))
                                    ok = simd ? accumulateDoseRowSIMD(row, count: n, dt: 0.05, tables: tables)
                                              : accumulateDoseRow(row, count: n, dt: 0.05, tables: tables)
                                } }
                            } }
                        } }
                    } }
                    return (cem, om, hi, lo, ok)
                }
                let s = run(false), v = run(true)
                XCTAssertEqual(s.4, v.4, "finite flag, n=\(n) pattern \(pattern)")
                XCTAssertEqual(s.4, !(pattern == 2 && n > 0), "finite flag, n=\(n) pattern \(pattern)")
                for i in 0..<n {
                    let nan = t[i].isNaN
                    XCTAssertTrue(sameBits(s.0[i], v.0[i]) || (nan && s.0[i].isNaN && v.0[i].isNaN), "CEM43 n=\(n) i=\(i)")
                    XCTAssertTrue(sameBits(s.1[i], v.1[i]) || (nan && s.1[i].isNaN && v.1[i].isNaN), "Omega n=\(n) i=\(i)")
                    XCTAssertTrue(sameBits(s.2[i], v.2[i]), "T_max n=\(n) i=\(i)")
                    XCTAssertTrue(sameBits(s.3[i], v.3[i]), "T_min n=\(n) i=\(i)")
                    if !nan {
                        XCTAssertEqual(Double(v.2[i]), max(Double(hi0[i]), Double(t[i])))
                        XCTAssertEqual(Double(v.3[i]), min(Double(lo0[i]), Double(t[i])))
                    }
                }
            }
        }
    }

    func testSIMDEqualsScalarFloat() { checkSIMDEqualsScalar(Float.self) }
    func testSIMDEqualsScalarDouble() { checkSIMDEqualsScalar(Double.self) }

    func testCEM43RateBreakpoint() {
        XCTAssertEqual(cem43Rate(43), 1)
        // One degree above 43 C doubles the rate; one below quarters it.
        XCTAssertEqual(cem43Rate(44), 2)
        XCTAssertEqual(cem43Rate(42), 0.25)
        XCTAssertEqual(cem43Rate(53), 1024, accuracy: 1e-12)
        XCTAssertEqual(cem43Rate(37), pow(0.25, 6), accuracy: 1e-18)
    }
}
