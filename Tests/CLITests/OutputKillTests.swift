import Foundation
import XCTest
import AblasimCore
import AblasimSweep
#if canImport(Glibc)
import Glibc
#endif

/// Hard stops of the real binary: a SIGKILL at any point of output writing never leaves a
/// folder that looks complete (a manifest whose files are not all there with their
/// checksums), `sweep status` never counts such a run done, and the leftovers never block a
/// rerun; a SIGTERM in the first milliseconds leaves nothing that blocks a rerun.
final class OutputKillTests: XCTestCase {
    /// Independent check of a run folder: nil when it has no manifest; otherwise true when
    /// every listed file is a regular file of the listed size and SHA-256.
    static func manifestHolds(_ dir: String) throws -> Bool? {
        let path = (dir as NSString).appendingPathComponent("manifest.json")
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any], "manifest.json is not an object")
        XCTAssertEqual(object["schema"] as? String, "ablasim.manifest/1")
        let files = try XCTUnwrap(object["files"] as? [[String: Any]])
        XCTAssertFalse(files.isEmpty)
        for f in files {
            let name = try XCTUnwrap(f["name"] as? String)
            let p = (dir as NSString).appendingPathComponent(name)
            var st = stat()
            guard lstat(p, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG,
                  let bytes = FileManager.default.contents(atPath: p) else { return false }
            guard bytes.count == f["bytes"] as? Int, SHA256.hex([UInt8](bytes)) == f["sha256"] as? String else { return false }
        }
        return true
    }

    func testSIGKILLDuringOutputWritingNeverLooksComplete() throws {
        let dir = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let vox = try CLI.tinyPhantom(in: dir)
        // A one-case sweep whose case folder receives the killed runs, for `sweep status`.
        let sweepFile = dir.appendingPathComponent("kill.yaml").path
        try "name: kill\nphantom: \(vox)\naxes:\n  - grid: {rf.power_w: [10]}\n".write(toFile: sweepFile, atomically: true, encoding: .utf8)
        let sweepDir = dir.appendingPathComponent("sweep").path
        let plan = try CLI.run(["sweep", "submit", sweepFile, "--out", sweepDir, "--dry-run"])
        XCTAssertEqual(plan.status, 0, plan.stderr)
        let runDir = sweepDir + "/cases/0000/run"
        let arguments = ["run", vox, "--duration", "2", "--vti", "--out", runDir, "--quiet", "--overwrite"]
        let pending = runDir + "/.ablasim-writing.json", manifest = runDir + "/manifest.json"

        /// Starts a run; returns when it begins writing its results (or has ended).
        func startAndAwaitWriting() throws -> (Process, Date) {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: try CLI.binary())
            p.arguments = arguments
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            while p.isRunning && !FileManager.default.fileExists(atPath: pending) { usleep(300) }
            return (p, Date())
        }
        // Reference: how long writing takes here and now.
        let (reference, began) = try startAndAwaitWriting()
        while reference.isRunning && !FileManager.default.fileExists(atPath: manifest) { usleep(300) }
        let writing = max(0.02, Date().timeIntervalSince(began))
        reference.waitUntilExit()
        XCTAssertEqual(reference.terminationStatus, 0)
        XCTAssertEqual(try Self.manifestHolds(runDir), true)

        let kills = ProcessInfo.processInfo.environment["ABLASIM_LONG_TESTS"] == "1" ? 40 : 8
        var absent = 0
        for seed in 1...UInt64(kills) {
            var rng = SplitMix64(seed: seed)
            let delay = rng.nextUnit() * writing * 1.1
            let (p, _) = try startAndAwaitWriting()
            usleep(UInt32(delay * 1e6))
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
            let holds = try Self.manifestHolds(runDir)
            XCTAssertNotEqual(holds, false, "seed \(seed): manifest.json lists a file that is missing or differs")
            let status = try CLI.run(["sweep", "status", sweepDir, "--summary"])
            XCTAssertEqual(status.status, 0, status.stderr)
            let done = status.stdout.contains("1 cases: 1 done")
            XCTAssertEqual(done, holds == true, "seed \(seed), killed \(Int(delay * 1000)) ms into writing: \(status.stdout)")
            if holds == nil { absent += 1 }
        }
        // At least some kills must have landed before the manifest, or the test proved nothing.
        XCTAssertGreaterThan(absent, 0, "no kill landed before the manifest (writing took \(writing) s)")
        // The leftovers of the last kill do not block a rerun with --overwrite.
        let rerun = try CLI.run(arguments)
        XCTAssertEqual(rerun.status, 0, rerun.stderr)
        XCTAssertEqual(try Self.manifestHolds(runDir), true)
    }

    /// SIGTERM in the first milliseconds: the run ends (143, or the signal before its handler
    /// is in place) and leaves nothing that makes the same command line fail.
    func testEarlySIGTERMLeavesNothingThatBlocksARerun() throws {
        let dir = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let vox = try CLI.tinyPhantom(in: dir)
        let out = dir.appendingPathComponent("out").path
        let arguments = ["run", vox, "--duration", "2", "--out", out, "--quiet"]
        for delayMs in [0, 1, 2, 5, 10, 30, 60] {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: try CLI.binary())
            p.arguments = arguments
            let err = Pipe()
            p.standardOutput = FileHandle.nullDevice
            p.standardError = err
            try p.run()
            usleep(UInt32(delayMs * 1000))
            kill(p.processIdentifier, SIGTERM)
            let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
            let code = p.terminationReason == .uncaughtSignal ? 128 + p.terminationStatus : p.terminationStatus
            XCTAssertTrue(code == 143 || code == 0, "SIGTERM after \(delayMs) ms: exit \(code): \(message)")
            if code == 0 { try FileManager.default.removeItem(atPath: out) }
        }
        let rerun = try CLI.run(arguments)
        XCTAssertEqual(rerun.status, 0, rerun.stderr)
    }
}
