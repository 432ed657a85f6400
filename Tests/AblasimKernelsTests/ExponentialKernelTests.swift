import XCTest
import Foundation
@testable import AblasimKernels

final class ExponentialKernelTests: XCTestCase {
    /// Relative error in units of the last place of the libm value.
    private func ulps(_ a: Double, _ b: Double) -> Double { abs(a - b) / b.ulp }

    func testExp2AgainstLibm() {
        var g = SplitMix64(state: 3)
        var worst = 0.0
        for _ in 0..<20_000 {
            let x = Double.random(in: -1000...1000, using: &g)
            worst = max(worst, ulps(kernelExp2(x), exp2(x)))
        }
        for x in stride(from: -60.0, through: 60.0, by: 0.125) { worst = max(worst, ulps(kernelExp2(x), exp2(x))) }
        XCTAssertLessThanOrEqual(worst, 4, "kernelExp2 worst error \(worst) ulp")
        XCTAssertEqual(kernelExp2(0), 1)
        XCTAssertEqual(kernelExp2(7), 128)
        XCTAssertEqual(kernelExp2(-12), 1.0 / 4096)
    }

    func testExpAgainstLibm() {
        var g = SplitMix64(state: 5)
        var worst = 0.0
        for _ in 0..<20_000 {
            let x = Double.random(in: -700...700, using: &g)
            worst = max(worst, ulps(kernelExp(x), exp(x)))
        }
        // The Arrhenius range: ln A - Ea / (R T) for tissue temperatures.
        for tc in stride(from: 20.0, through: 120.0, by: 0.01) {
            let x = log(1.0e91) - 5.76e5 / gasConstant / (tc + 273.15)
            worst = max(worst, ulps(kernelExp(x), exp(x)))
        }
        XCTAssertLessThanOrEqual(worst, 4, "kernelExp worst error \(worst) ulp")
        XCTAssertEqual(kernelExp(0), 1)
    }

    func testSpecialValues() {
        XCTAssertEqual(kernelExp(-.infinity), 0)
        XCTAssertEqual(kernelExp(-800), 0)
        XCTAssertEqual(kernelExp(800), .infinity)
        XCTAssertTrue(kernelExp(.nan).isNaN)
        XCTAssertEqual(kernelExp2(-.infinity), 0)
        XCTAssertEqual(kernelExp2(2000), .infinity)
        XCTAssertTrue(kernelExp2(.nan).isNaN)
    }

    /// Every lane of the SIMD versions equals the scalar function bit for bit.
    func testSIMDEqualsScalar() {
        var g = SplitMix64(state: 11)
        let specials: [Double] = [-.infinity, .infinity, .nan, -1e4, 1e4, -1022.5, 1023.5, -708.5, 709.5, 0, -0.0]
        for round in 0..<2_000 {
            var x = SIMD8<Double>()
            for k in 0..<8 {
                x[k] = round < 20 && k < specials.count ? specials[(round + k) % specials.count]
                    : Double.random(in: -1100...1100, using: &g)
            }
            let e = kernelExp(x), e2 = kernelExp2(x)
            for k in 0..<8 {
                XCTAssertTrue(sameBits(e[k], kernelExp(x[k])) || (e[k].isNaN && kernelExp(x[k]).isNaN), "exp(\(x[k]))")
                XCTAssertTrue(sameBits(e2[k], kernelExp2(x[k])) || (e2[k].isNaN && kernelExp2(x[k]).isNaN), "exp2(\(x[k]))")
            }
        }
    }
}
