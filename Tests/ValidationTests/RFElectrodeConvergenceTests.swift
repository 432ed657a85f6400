import XCTest
import Foundation
import AblasimCore
import AblasimPhysics

/// Grid convergence of a temperature-controlled monopolar lesion with the near-field
/// electrode model (docs/rf-electrodes.md, table (a)). Long: ABLASIM_LONG_TESTS=1 (the
/// 0.25 mm grid has 3.3 M voxels; run it in release: `rfbench electrode`).
final class RFElectrodeConvergenceTests: XCTestCase {
    func testLesionWidthConvergesAndTheGaugeMatters() throws {
        guard ProcessInfo.processInfo.environment["ABLASIM_LONG_TESTS"] == "1" else {
            throw XCTSkip("long: set ABLASIM_LONG_TESTS=1")
        }
        let tissue = try TissueTable.standard.tissue(named: "muscle")
        var widths: [Int: [Double]] = [:]
        for gauge in [16, 22] {
            for h in [1.0, 0.5, 0.25] {
                var b = RFBlockBench(tissue: tissue)
                b.spacing = h * 1e-3; b.preset = "monopolar-\(gauge)g-10mm"; b.duration = 180
                let r = try b.run()
                print(String(format: "%d G, h %.2f mm: width %.3f mm, thermocouple %.2f C, energy %.0f J", gauge, h, r.width * 1000, r.thermocouple, r.energy))
                widths[gauge, default: []].append(r.width)
            }
        }
        let w16 = widths[16]!, w22 = widths[22]!
        // 16 G: the differences shrink (measured -0.131, +0.035 mm).
        XCTAssertLessThan(abs(w16[2] - w16[1]), abs(w16[1] - w16[0]))
        // Both: within 0.3 mm between the two finest grids, and the gauge effect is more
        // than ten times that (measured 15.74 vs 12.34 mm).
        for w in [w16, w22] { XCTAssertLessThan(abs(w[2] - w[1]), 0.3e-3) }
        XCTAssertGreaterThan(w16[2] - w22[2], 10 * max(abs(w16[2] - w16[1]), abs(w22[2] - w22[1])))
    }
}
