import Foundation
import XCTest
@testable import AblasimSweep

/// Preemption as Slurm does it: SIGTERM to a running `ablasim sweep task`; the task passes
/// it to its run, which checkpoints and exits 143; the next task for the case resumes, and
/// the result is bitwise identical to an uninterrupted run of the same case.
final class SweepPreemptionTests: XCTestCase {
    func testTerminatedTaskResumesToTheSameResult() throws {
        let ablasim = try ablasimExecutable()
        let help = try runCommand(ablasim, ["run", "--help"], timeout: 60)
        XCTAssertTrue(help.status == 0 && help.stdout.contains("--resume"), "`ablasim run --help` does not offer --resume")
        let dir = try makeTemporaryFolder()
        let phantom = (dir as NSString).appendingPathComponent("tiny.vox")
        let g = try runCommand(ablasim, ["phantom", "generate", "--voxel", "2", "--margin", "2", "-o", phantom], timeout: 120)
        XCTAssertEqual(g.status, 0, g.stderr)
        let sweepPath = (dir as NSString).appendingPathComponent("sweep.yaml")
        try """
            phantom: tiny.vox
            base: {duration_s: 40, record_interval_s: 4, threads: 1}
            axes:
              - grid: {rf.power_w: [12]}
            """.write(toFile: sweepPath, atomically: true, encoding: .utf8)

        // Uninterrupted.
        let whole = (dir as NSString).appendingPathComponent("whole")
        var r = try runCommand(ablasim, ["sweep", "task", sweepPath, "--index", "0", "--out", whole], timeout: 900)
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        let wholeCase = try SweepOutput.existing(whole).caseFolder(0)
        let wholeSummary = try XCTUnwrap(wholeCase.summary(), "uninterrupted case has no summary")

        // Interrupted once, then resumed by a second task.
        let split = (dir as NSString).appendingPathComponent("split")
        let task = Process()
        task.executableURL = URL(fileURLWithPath: ablasim)
        task.arguments = ["sweep", "task", sweepPath, "--index", "0", "--out", split]
        task.standardOutput = FileHandle.nullDevice
        task.standardError = FileHandle.nullDevice
        try task.run()
        let folder = SweepOutput(root: split, manifest: SweepManifest(sweep: try Sweep.load(path: sweepPath))).caseFolder(0)
        // Preempt half-way through, timed from the uninterrupted run (its setup is a small part).
        let wholeWall = try XCTUnwrap(AtomicFile.readJSONObject(wholeCase.file("exit.json"))?["wall_s"] as? Double)
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline, !(folder.isLocked() && FileManager.default.fileExists(atPath: folder.runPath)) { usleep(20_000) }
        usleep(useconds_t(max(0.5, wholeWall * 0.5) * 1e6))
        kill(task.processIdentifier, SIGTERM)
        task.waitUntilExit()
        if task.terminationStatus == 0 {
            throw XCTSkip("the case finished before SIGTERM arrived; nothing was interrupted")
        }
        XCTAssertEqual(task.terminationStatus, 143)
        let firstLog = (try? String(contentsOfFile: folder.file("run.log"), encoding: .utf8)) ?? ""
        XCTAssertNotNil(folder.checkpointPath, "no checkpoint after SIGTERM:\n\(firstLog)")
        guard case .failed(let why) = folder.status() else { return XCTFail("expected failed, got \(folder.status())") }
        XCTAssertTrue(why.contains("checkpoint saved"), why)

        r = try runCommand(ablasim, ["sweep", "task", sweepPath, "--index", "0", "--out", split], timeout: 900)
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        let log = try String(contentsOfFile: folder.file("run.log"), encoding: .utf8)
        XCTAssertTrue(log.contains("--resume"), "the second task did not resume:\n\(log)")
        var resumed = try XCTUnwrap(folder.summary())
        var reference = wholeSummary
        // Work counters included (same re-solves, same iterations); clock times excluded.
        XCTAssertNotNil((reference["statistics"] as? [String: Double])?["rf.potential_solves"], "the RF run reports its potential solves")
        resumed = reproduciblePart(of: resumed); reference = reproduciblePart(of: reference)
        XCTAssertEqual(NSDictionary(dictionary: resumed), NSDictionary(dictionary: reference))
        let csv = "run/thermocouples.csv"
        XCTAssertEqual(FileManager.default.contents(atPath: folder.file(csv)), FileManager.default.contents(atPath: wholeCase.file(csv)),
                       "thermocouple traces differ after resume")
    }
}
