import Foundation
import XCTest
import AblasimSimulation
@testable import AblasimSweep

/// A sweep reads its base scenario with the same reader as `run --scenario` (ScenarioYAML):
/// every documented form works in both, and hostile YAML is refused in both.
final class SweepScenarioReaderTests: XCTestCase {
    /// Regression: the sweep reader had its own flattener without the `trajectories` map
    /// form of docs/placement.md, so the cases silently lost their trajectories.
    func testBaseTrajectoriesInMapFormReachEveryCase() throws {
        let dir = try makeTemporaryFolder()
        let base = (dir as NSString).appendingPathComponent("base.yaml")
        let scenario = "trajectories:\n  - {name: p1, entry_mm: [-30, -45, 0], tip_mm: [-6, -2, 0]}\n"
        try scenario.write(toFile: base, atomically: true, encoding: .utf8)
        let expected = "p1@-30,-45,0->-6,-2,0"
        for baseText in ["base: base.yaml", "base:\n  trajectories:\n    - {name: p1, entry_mm: [-30, -45, 0], tip_mm: [-6, -2, 0]}"] {
            let sweep = try writeSweep("phantom: tiny.vox\n\(baseText)\naxes:\n  - grid:\n      rf.power_w: [10, 15]\n", in: dir)
            for c in sweep.cases {
                let t = sweep.settings(for: c).last { $0.key == "trajectories" }?.value
                XCTAssertEqual(t, expected, baseText)
            }
        }
        var direct = Scenario()
        try direct.apply(yaml: scenario, context: base)
        XCTAssertEqual(direct.trajectories.map(\.text), ["p1@-30.0,-45.0,0.0->-6.0,-2.0,0.0"])
    }

    func testHostileBaseIsRefusedWithTheScenarioReadersMessage() throws {
        let dir = try makeTemporaryFolder()
        let m = inputError { _ = try writeSweep("phantom: tiny.vox\nbase:\n  rf: {power_w: 5}\n  rf.power_w: 6\naxes:\n  - grid: {duration_s: [10]}\n", in: dir) }
        XCTAssertTrue(m.contains("rf.power_w is set twice"), m)
        let deep = inputError { _ = try writeSweep("name: " + String(repeating: "[", count: 500) + "\naxes: []\n", in: dir) }
        XCTAssertTrue(deep.contains("nest deeper"), deep)
    }
}
