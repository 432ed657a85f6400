import Foundation
import XCTest
@testable import AblasimSweep

/// `ablasim sweep ...` as a user runs it: outputs and exit codes (2 for every bad input).
final class SweepCommandLineTests: XCTestCase {
    func testPlanPrintsTheCasesAndRejectsBadSweeps() throws {
        let ablasim = try ablasimExecutable()
        let dir = try makeTemporaryFolder()
        _ = try writeSweep("phantom: tiny.vox\naxes:\n  - grid: {rf.power_w: [10, 15], duration_s: [60, 120, 180]}\n", in: dir)
        let sweep = (dir as NSString).appendingPathComponent("sweep.yaml")
        var r = try runCommand(ablasim, ["sweep", "plan", sweep])
        XCTAssertEqual(r.status, 0, r.stderr)
        let lines = r.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 1 + 1 + 6, r.stdout)  // title, header, cases (no base line)
        XCTAssertEqual(lines[1].split(separator: " ", omittingEmptySubsequences: true), ["case", "rf.power_w", "duration_s"])
        XCTAssertEqual(lines.last!.split(separator: " ", omittingEmptySubsequences: true), ["0005", "15", "180"])
        r = try runCommand(ablasim, ["sweep", "plan", sweep, "--json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        XCTAssertEqual(json?["count"] as? Int, 6)
        XCTAssertEqual((json?["cases"] as? [[String: Any]])?[4]["parameters"] as? [String: String], ["rf.power_w": "15", "duration_s": "120"])

        let bad = (dir as NSString).appendingPathComponent("bad.yaml")
        try "phantom: tiny.vox\naxes:\n  - grid: {rf.wattage: [10]}\n".write(toFile: bad, atomically: true, encoding: .utf8)
        r = try runCommand(ablasim, ["sweep", "plan", bad])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("unknown parameter 'rf.wattage'"), r.stderr)
        try "phantom: tiny.vox\nmax_cases: 5\naxes:\n  - grid: {rf.power_w: [10, 11, 12], duration_s: [60, 70]}\n".write(toFile: bad, atomically: true, encoding: .utf8)
        r = try runCommand(ablasim, ["sweep", "plan", bad])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("more than max_cases = 5"), r.stderr)
        r = try runCommand(ablasim, ["sweep", "plan", (dir as NSString).appendingPathComponent("absent.yaml")])
        XCTAssertEqual(r.status, 2)
    }

    func testPlanChecksThePhantomAndTakesSet() throws {
        let ablasim = try ablasimExecutable()
        let dir = try makeTemporaryFolder()
        _ = try writeSweep("phantom: tiny.vox\nbase: {duration_s: 360}\naxes:\n  - grid: {rf.power_w: [10, 15]}\n", in: dir)
        let sweep = (dir as NSString).appendingPathComponent("sweep.yaml")
        var r = try runCommand(ablasim, ["sweep", "plan", sweep, "--set", "duration_s=10", "--json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        XCTAssertEqual((json["base"] as? [String: String])?["duration_s"], "10")
        let plain = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(try runCommand(ablasim, ["sweep", "plan", sweep, "--json"]).stdout.utf8)) as? [String: Any])
        XCTAssertNotEqual(json["identity"] as? String, plain["identity"] as? String, "--set makes another sweep")
        r = try runCommand(ablasim, ["sweep", "plan", sweep, "--set", "rf.power_w=20"])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("the sweep's axes vary 'rf.power_w'"), r.stderr)
        r = try runCommand(ablasim, ["sweep", "plan", sweep, "--set", "duration_s"])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("expected KEY=VALUE"), r.stderr)
        r = try runCommand(ablasim, ["sweep", "plan", sweep, "--set", "rf.wattage=3"])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("rf.wattage"), r.stderr)
        // A phantom that does not exist: exit 2 naming it, from the file or from --set.
        r = try runCommand(ablasim, ["sweep", "plan", sweep, "--set", "phantom=nowhere.vox"], directory: dir)
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("nowhere.vox' not found"), r.stderr)
        let missing = (dir as NSString).appendingPathComponent("missing.yaml")
        try "phantom: absent.vox\naxes:\n  - grid: {rf.power_w: [10]}\n".write(toFile: missing, atomically: true, encoding: .utf8)
        r = try runCommand(ablasim, ["sweep", "plan", missing])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("absent.vox' not found"), r.stderr)
    }

    func testSubmitWithoutSbatchAndForeignOutputFolderAreInputErrors() throws {
        let ablasim = try ablasimExecutable()
        let dir = try makeTemporaryFolder()
        _ = try writeSweep("phantom: tiny.vox\naxes:\n  - grid: {rf.power_w: [10, 15]}\n", in: dir)
        let sweep = (dir as NSString).appendingPathComponent("sweep.yaml")
        let out = (dir as NSString).appendingPathComponent("out")
        // No sbatch on this PATH.
        var r = try runCommand(ablasim, ["sweep", "submit", sweep, "--out", out], environment: ["PATH": "/nonexistent"])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("sbatch not found"), r.stderr)
        // --dry-run writes the script without sbatch.
        r = try runCommand(ablasim, ["sweep", "submit", sweep, "--out", out, "--dry-run", "--max-parallel", "1"], environment: ["PATH": "/nonexistent"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let script = try String(contentsOfFile: (out as NSString).appendingPathComponent("sweep.sbatch"), encoding: .utf8)
        XCTAssertTrue(script.contains("#SBATCH --array=0-1%1\n"), script)
        XCTAssertTrue(script.contains("sweep task '\(sweep)' --index \"$SLURM_ARRAY_TASK_ID\""), script)
        r = try runCommand(ablasim, ["sweep", "status", out])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("2 cases: 0 done, 0 running, 0 failed, 2 missing"), r.stdout)

        // The same folder for another sweep.
        try "phantom: tiny.vox\naxes:\n  - grid: {rf.power_w: [10, 20]}\n".write(toFile: sweep, atomically: true, encoding: .utf8)
        for command in [["sweep", "run", sweep, "--out", out], ["sweep", "task", sweep, "--index", "0", "--out", out],
                        ["sweep", "submit", sweep, "--out", out, "--dry-run"]] {
            r = try runCommand(ablasim, command)
            XCTAssertEqual(r.status, 2, command.joined(separator: " "))
            XCTAssertTrue(r.stderr.contains("another sweep"), r.stderr)
        }
        r = try runCommand(ablasim, ["sweep", "task", sweep, "--index", "5", "--out", (dir as NSString).appendingPathComponent("o2")])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("outside 0...1"), r.stderr)
        r = try runCommand(ablasim, ["sweep", "collect", (dir as NSString).appendingPathComponent("nowhere")])
        XCTAssertEqual(r.status, 2)
        r = try runCommand(ablasim, ["sweep", "submit", sweep, "--out", (dir as NSString).appendingPathComponent("o3"), "--time", "soon", "--dry-run"])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("--time"), r.stderr)
    }
}
