import Foundation
import XCTest

/// Cryoprobe keys as a user meets them: a gel block, bad gauges and lengths refused with
/// exit 2, the key and the valid range; a square pattern that runs and reports four probes.
extension RunCommandTests {
    func testCryoprobeKeysRefuseBadInputAndPlaceAPattern() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ablasim-cli-cryo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let vox = dir.appendingPathComponent("gel.vox").path
        _ = try run(["phantom", "block", "--tissue", "water_gel", "--size", "40,40,40", "--voxel", "2", "-o", vox], expect: 0)
        let out = dir.appendingPathComponent("out").path
        let base = ["run", vox, "--cryo", "--set", "cryo.protocol_min=0.5", "--set", "trajectories=c@0,0,19->0,0,-8", "--out", out, "--overwrite", "--quiet"]

        let gauge = try run(base + ["--set", "cryo.gauge_mm=7"], expect: 2)
        XCTAssertTrue(gauge.contains("cryo.gauge_mm = '7' is not valid; expected a number in [0.8, 5] mm"), gauge)
        let length = try run(base + ["--set", "cryo.freezing_length_mm=60", "--set", "cryo.shaft_length_mm=50"], expect: 2)
        XCTAssertTrue(length.contains("cryo.freezing_length_mm (60 mm) is longer than cryo.shaft_length_mm (50 mm)"), length)
        XCTAssertTrue(length.contains("at most 50 mm"), length)
        let film = try run(base + ["--set", "cryo.probe=held", "--set", "cryo.film_w_m2k=500"], expect: 2)
        XCTAssertTrue(film.contains("cryo.film_w_m2k is set but cryo.probe = held"), film)
        let preset = try run(base + ["--set", "cryo.probe=argon-9"], expect: 2)
        XCTAssertTrue(preset.contains("expected one of held, argon-1.5, argon-1.7, argon-2.4"), preset)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out + "/manifest.json"))

        _ = try run(base + ["--set", "cryo.pattern=square", "--set", "cryo.spacing_mm=10", "--set", "cryo.probe=argon-1.7"], expect: 0)
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/summary.json"))) as! [String: Any]
        let probes = summary["probes"] as! [[String: Any]]
        XCTAssertEqual(probes.count, 4)
        for p in probes {
            let tip = p["tip_mm"] as! [Double]
            XCTAssertEqual(abs(tip[0]), 5, accuracy: 1e-9); XCTAssertEqual(abs(tip[1]), 5, accuracy: 1e-9); XCTAssertEqual(tip[2], -8, accuracy: 1e-9)
            XCTAssertLessThan(p["energy_j"] as! Double, 0, "each probe extracts heat")
        }
    }
}
