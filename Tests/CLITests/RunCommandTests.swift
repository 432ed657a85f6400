import Foundation
import XCTest

/// `ablasim run` bad input as a user meets it: the built binary, exit code 2 and the message.
final class RunCommandTests: XCTestCase {
    func run(_ arguments: [String], expect code: Int32, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let process = Process()
        process.executableURL = try PhantomCommandTests.binary()
        process.arguments = arguments
        let err = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = err
        try process.run()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let message = String(decoding: e, as: UTF8.self)
        XCTAssertEqual(process.terminationStatus, code, "ablasim \(arguments.joined(separator: " ")): \(message)", file: file, line: line)
        return message
    }

    /// A probe aimed from behind the lamina straight forward to the tumour centre crosses
    /// the canal: refused before any simulation, exit 2, with where and what is valid.
    func testProbeThroughTheCanalIsExit2() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ablasim-cli-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let vox = dir.appendingPathComponent("L1.vox").path
        // Generated L1: tumour centre (0, -3.4, 0) mm, canal between y = -18.5 and -31.5 mm on the midline.
        _ = try run(["phantom", "generate", "--level", "L1", "--voxel", "2", "--margin", "2", "-o", vox], expect: 0)
        let out = dir.appendingPathComponent("out").path
        let rf = try run(["run", vox, "--bipolar", "--set", "trajectories=mid@0,-45,0->0,-3.4,0", "--out", out, "--quiet"], expect: 2)
        XCTAssertTrue(rf.contains("probe 'mid' passes through the spinal canal ("), rf)
        XCTAssertTrue(rf.contains(" at voxel ("), rf)
        XCTAssertTrue(rf.contains("canal labels are dura (8), csf"), rf)
        XCTAssertTrue(rf.contains("move the entry or tip"), rf)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out + "/summary.json"))

        // The same path from a scenario file, for a laser fibre.
        let yaml = dir.appendingPathComponent("s.yaml")
        try "trajectories:\n  - {name: fibre1, entry_mm: [0, -45, 0], tip_mm: [0, -3.4, 0]}\n".write(to: yaml, atomically: true, encoding: .utf8)
        let laser = try run(["run", vox, "--laser", "--scenario", yaml.path, "--out", out, "--overwrite", "--quiet"], expect: 2)
        XCTAssertTrue(laser.contains("laser fibre 'fibre1' passes through the spinal canal"), laser)
        XCTAssertTrue(laser.contains("trajectory 'fibre1' of the trajectories key"), laser)

        let malformed = try run(["run", vox, "--bipolar", "--set", "trajectories=mid@0,-45->0,-3.4,0", "--out", out, "--overwrite", "--quiet"], expect: 2)
        XCTAssertTrue(malformed.contains("expected NAME@ex,ey,ez->tx,ty,tz"), malformed)
    }
}

/// Regression: `--power` set the RF power whenever no --microwave/--laser flag was given,
/// even when the scenario file chose the modality (a microwave run at 60 W for --power 30).
extension RunCommandTests {
    func testPowerFollowsTheScenarioFilesModality() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ablasim-cli-power-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let t = self
        let vox = dir.appendingPathComponent("L1.vox").path
        _ = try t.run(["phantom", "generate", "--level", "L1", "--voxel", "2", "--margin", "2", "-o", vox], expect: 0)
        let yaml = dir.appendingPathComponent("mw.yaml")
        try "modality: microwave\n".write(to: yaml, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("out").path
        _ = try t.run(["run", vox, "--scenario", yaml.path, "--power", "30", "--duration", "2", "--out", out, "--quiet"], expect: 0)
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/summary.json"))) as! [String: Any]
        let parameters = summary["parameters"] as! [String: Any]
        XCTAssertEqual(parameters["microwave.power_w"] as? Double, 30)
        XCTAssertNil(parameters["rf.power_w"], "an RF key does not apply to a microwave run")
        let cryo = try t.run(["run", vox, "--cryo", "--power", "30", "--out", out, "--overwrite", "--quiet"], expect: 2)
        XCTAssertTrue(cryo.contains("--power does not apply to a cryo run"), cryo)
    }
}

/// `--energy` that the duration cannot deliver was silently cut short (720 of 1200 J): now
/// refused before any simulation, exit 2, naming the keys and what would be valid.
extension RunCommandTests {
    func testLaserEnergyTheDurationCannotDeliverIsExit2() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ablasim-cli-laser-energy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let vox = dir.appendingPathComponent("L1.vox").path
        _ = try run(["phantom", "generate", "--level", "L1", "--voxel", "2", "--margin", "2", "-o", vox], expect: 0)
        let out = dir.appendingPathComponent("out").path
        let m = try run(["run", vox, "--laser", "--power", "2", "--energy", "1200", "--out", out, "--quiet"], expect: 2)
        XCTAssertTrue(m.contains("laser.energy_j = 1200 J cannot be delivered"), m)
        XCTAssertTrue(m.contains("duration_s >= 600 s"), m)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out + "/manifest.json"))
    }
}
