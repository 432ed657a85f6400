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

    func testCEM43RateBreakpoint() {
        XCTAssertEqual(cem43Rate(43), 1)
        // One degree above 43 C doubles the rate; one below quarters it.
        XCTAssertEqual(cem43Rate(44), 2)
        XCTAssertEqual(cem43Rate(42), 0.25)
        XCTAssertEqual(cem43Rate(53), 1024, accuracy: 1e-12)
        XCTAssertEqual(cem43Rate(37), pow(0.25, 6), accuracy: 1e-18)
    }
}
