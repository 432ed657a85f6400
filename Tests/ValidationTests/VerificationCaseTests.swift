import XCTest
import AblasimCore
import AblasimPhysics

/// Runs every verification case on its coarse (`quick`) grids and asserts each against
/// its tolerance and, for refinement studies, its minimum observed order.
/// ABLASIM_LONG_TESTS=1 runs the `standard` grids of `ablasim validate` instead.
final class VerificationCaseTests: XCTestCase {
    var level: VerificationLevel {
        ProcessInfo.processInfo.environment["ABLASIM_LONG_TESTS"] == "1" ? .standard : .quick
    }

    func check(_ c: VerificationCase, file: StaticString = #filePath, line: UInt = #line) throws {
        let r = try c.run(level: level)
        let order = r.observedOrder.map { String(format: "%.3f", $0) } ?? "-"
        print("\(r.name): \(r.norm) = \(r.error) (tolerance \(r.tolerance)), order \(order), errors \(r.errors) at h \(r.spacingsMillimetres) mm")
        XCTAssertLessThanOrEqual(r.error, r.tolerance, "\(r.name): \(r.norm)", file: file, line: line)
        if let minimum = r.minimumOrder {
            XCTAssertGreaterThanOrEqual(r.observedOrder ?? -.infinity, minimum, "\(r.name): observed order", file: file, line: line)
        }
        XCTAssertTrue(r.passed, file: file, line: line)
    }

    func testGaussianDiffusion3D() throws { try check(.gaussianDiffusion) }
    func testPerfusedHalfSpace1D() throws { try check(.perfusedHalfSpace) }
    func testPerfusedSphereSteadyState() throws { try check(.perfusedSphere) }
    func testPointSourceSteadyState() throws { try check(.pointSource) }
    func testEnergyConservation() throws { try check(.energyConservation) }
    func testThermalDoseClosedForms() throws { try check(.thermalDose) }
    func testFloatAgreesWithDouble() throws { try check(.floatVersusDouble) }
    func testThreadDeterminism() throws { try check(.threadDeterminism) }

    func testEveryCaseIsListedOnce() {
        let names = VerificationCase.all.map(\.name)
        XCTAssertEqual(Set(names).count, names.count)
        XCTAssertNotNil(VerificationCase.named("energy-conservation"))
        XCTAssertNil(VerificationCase.named("no-such-case"))
    }
}
