import XCTest
@testable import AblasimPhysics

/// Multi-probe layouts: spacing between neighbours, parallel shafts, centroid on the centre
/// axis, probes in the plane across the shaft.
final class CryoprobePatternTests: XCTestCase {
    func distance(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> Double { ((a - b) * (a - b)).sum().squareRoot() }

    func testNeighboursAreOneSpacingApartAndTheCentroidStaysOnTheAxis() {
        let tip = SIMD3<Double>(0.01, -0.02, 0.005), entry = SIMD3<Double>(0.03, 0.01, 0.06)
        let u = (tip - entry) / distance(tip, entry)
        let spacing = 0.02
        for (pattern, lineCount, neighbourPairs, diagonal) in [(CryoprobePattern.line, 3, [(0, 1), (1, 2)], nil as (Int, Int)?),
                                                                (.triangle, 0, [(0, 1), (1, 2), (2, 0)], nil),
                                                                (.square, 0, [(0, 1), (1, 2), (2, 3), (3, 0)], (0, 2))] {
            let probes = pattern.place(tip: tip, entry: entry, spacing: spacing, lineCount: lineCount)
            XCTAssertEqual(probes.count, pattern.count(lineCount: lineCount), "\(pattern)")
            for (a, b) in neighbourPairs {
                XCTAssertEqual(distance(probes[a].tip, probes[b].tip), spacing, accuracy: 1e-12, "\(pattern) \(a)-\(b)")
            }
            if let (a, b) = diagonal { XCTAssertEqual(distance(probes[a].tip, probes[b].tip), spacing * 2.0.squareRoot(), accuracy: 1e-12) }
            let centroid = probes.map(\.tip).reduce(.zero, +) / Double(probes.count)
            XCTAssertEqual(distance(centroid, tip), 0, accuracy: 1e-12, "\(pattern): the array is centred on the axis")
            for p in probes {
                XCTAssertEqual(distance(p.tip, p.entry), distance(tip, entry), accuracy: 1e-12, "parallel, same length")
                XCTAssertEqual(((p.tip - tip) * u).sum(), 0, accuracy: 1e-12, "\(pattern): tips in the plane across the shaft")
            }
        }
        XCTAssertEqual(CryoprobePattern.none.place(tip: tip, entry: entry, spacing: spacing, lineCount: 0).map(\.tip), [tip])
    }

    func testThePlaneIsOrthonormalForAnyShaft() {
        for d in [SIMD3<Double>(0, 0, 1), SIMD3(1, 0, 0), SIMD3(0.3, -0.4, 0.2), SIMD3(-1, 0.05, 0)] {
            let (a, b) = CryoprobePattern.plane(across: d)
            let u = d / (d * d).sum().squareRoot()
            XCTAssertEqual((a * a).sum(), 1, accuracy: 1e-12); XCTAssertEqual((b * b).sum(), 1, accuracy: 1e-12)
            XCTAssertEqual((a * b).sum(), 0, accuracy: 1e-12); XCTAssertEqual((a * u).sum(), 0, accuracy: 1e-12)
            XCTAssertEqual((b * u).sum(), 0, accuracy: 1e-12)
        }
    }
}
