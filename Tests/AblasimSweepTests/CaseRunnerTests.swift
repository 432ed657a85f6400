import Foundation
import XCTest
@testable import AblasimSweep

/// The case runner and the local executor, driven by a stand-in for `ablasim run` (a
/// shell script that records its arguments and writes a summary, or fails on request), so
/// the plumbing is tested without the simulation.
final class CaseRunnerTests: XCTestCase {
    /// Writes the stand-in: records argv in DIR/args.txt; exits 3 when the scenario asks for
    /// rf.power_w 13; leaves a checkpoint and exits 143 when it asks for 14 the first time.
    private func standIn(_ dir: String) throws -> String {
        let path = (dir as NSString).appendingPathComponent("fake-ablasim")
        try """
        #!/bin/bash
        set -eu
        \(sealShellFunction)
        [ "$1" = run ] || exit 2
        scenario=""; out=""
        while [ $# -gt 0 ]; do
          case "$1" in --scenario) scenario=$2; shift ;; --out) out=$2; shift ;; esac
          shift
        done
        mkdir -p "$out"
        echo "$*" > /dev/null
        power=$(sed -n 's/^rf.power_w: "\\(.*\\)"$/\\1/p' "$scenario")
        echo "run $power" >> "$out/../args.txt"
        [ "$power" = 13 ] && { echo "diverged" >&2; exit 3; }
        if [ "$power" = 14 ] && [ ! -e "$out/checkpoint.bin" ]; then echo state > "$out/checkpoint.bin"; exit 143; fi
        printf '{"schema": "ablasim.summary/1", "zones": {"ablation_ml": %s}, "thermocouples": [], "flags": []}' "$power" > "$out/.summary.tmp"
        mv "$out/.summary.tmp" "$out/summary.json"
        seal "$out" summary.json
        """.write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o755)
        return path
    }

    func testLocalExecutorRunsSkipsAndRecordsFailures() throws {
        let dir = try makeTemporaryFolder()
        let sweep = try writeSweep("phantom: tiny.vox\naxes:\n  - grid: {rf.power_w: [11, 12, 13, 14, 15]}\n", in: dir)
        let output = try SweepOutput.open((dir as NSString).appendingPathComponent("out"), for: sweep)
        let runner = CaseRunner(executable: try standIn(dir), threads: 2)
        let lines = LockedLines()
        let executor = LocalExecutor(runner: runner, jobs: 2, progress: { lines.append($0) })

        var report = executor.run(sweep, in: output)
        XCTAssertEqual(report.done, 3)
        XCTAssertEqual(report.failed, [2, 3])
        XCTAssertEqual(output.statuses().map(\.label), ["done", "done", "failed", "failed", "done"])
        guard case .failed(let why) = output.caseFolder(3).status() else { return XCTFail() }
        XCTAssertTrue(why.contains("checkpoint saved"), why)
        XCTAssertEqual(lines.all.count, 5)
        XCTAssertTrue(lines.all.last!.hasPrefix("[5/5]"), lines.all.last!)
        XCTAssertTrue(try String(contentsOfFile: output.caseFolder(2).file("run.log"), encoding: .utf8).contains("diverged"))

        // The case with a checkpoint is resumed, the done cases are skipped.
        let folder3 = output.caseFolder(3)
        XCTAssertTrue(runner.arguments(for: folder3, phantom: "p.vox").contains("--resume"))
        XCTAssertEqual(Array(runner.arguments(for: folder3, phantom: "p.vox").suffix(2)), ["--threads", "2"])
        report = executor.run(sweep, in: output)
        XCTAssertEqual(report.skippedDone, 3)
        XCTAssertEqual(report.done, 1)
        XCTAssertEqual(report.failed, [2])
        XCTAssertEqual(output.statuses().map(\.label), ["done", "done", "failed", "done", "done"])
        let runs = try String(contentsOfFile: (output.root as NSString).appendingPathComponent("cases/0000/args.txt"), encoding: .utf8)
        XCTAssertEqual(runs, "run 11\n", "a done case runs once")

        // A failed case leaves a run/ folder without checkpoint: the next run overwrites it.
        XCTAssertTrue(runner.arguments(for: output.caseFolder(2), phantom: "p.vox").contains("--overwrite"))
        XCTAssertFalse(runner.arguments(for: output.caseFolder(7), phantom: "p.vox").contains("--overwrite"))

        let table = ResultsTable(output: output)
        XCTAssertEqual(table.header[3], "ablation_ml")
        XCTAssertEqual(table.rows.map { $0[3] }, ["11", "12", "", "14", "15"])
    }

    func testTaskSkipsACaseAnotherTaskHolds() throws {
        let dir = try makeTemporaryFolder()
        let sweep = try writeSweep("phantom: tiny.vox\naxes:\n  - grid: {rf.power_w: [11, 12]}\n", in: dir)
        let output = try SweepOutput.open((dir as NSString).appendingPathComponent("out"), for: sweep)
        let runner = CaseRunner(executable: try standIn(dir))
        try CaseRunner.materialize(sweep.case(1), of: sweep, in: output)
        guard let fd = try output.caseFolder(1).lock() else { return XCTFail() }
        XCTAssertEqual(try runner.run(1, of: sweep, in: output), .alreadyRunning)
        close(fd)
        guard case .finished(0, true, _) = try runner.run(1, of: sweep, in: output) else { return XCTFail() }
        XCTAssertEqual(try runner.run(1, of: sweep, in: output), .alreadyDone)
        XCTAssertTrue(inputError { _ = try runner.run(2, of: sweep, in: output) }.contains("outside"))
    }
}

final class LockedLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ s: String) { lock.lock(); lines.append(s); lock.unlock() }
    var all: [String] { lock.lock(); defer { lock.unlock() }; return lines }
}

/// A stop signal (Slurm's SIGTERM before preemption) reaches the running case, which
/// checkpoints; the case is then not done, and the next task resumes it to the end.
final class CaseRunnerSignalTests: XCTestCase {
    func testStopSignalIsForwardedAndTheNextTaskResumes() throws {
        let dir = try makeTemporaryFolder()
        let path = (dir as NSString).appendingPathComponent("slow-ablasim")
        try """
        #!/bin/bash
        \(sealShellFunction)
        out=""; resume=no
        while [ $# -gt 0 ]; do
          case "$1" in --out) out=$2; shift ;; --resume) resume=yes ;; esac
          shift
        done
        mkdir -p "$out"
        if [ $resume = yes ]; then
          [ -e "$out/checkpoint.bin" ] || exit 3
          printf '{"schema": "ablasim.summary/1", "resumed": true}' > "$out/.s.tmp" && mv "$out/.s.tmp" "$out/summary.json"
          seal "$out" summary.json
          rm -f "$out/checkpoint.bin"
          exit 0
        fi
        trap 'echo state > "$out/checkpoint.bin"; kill $sleeper 2>/dev/null; exit 143' TERM
        touch "$out/started"
        sleep 60 & sleeper=$!
        wait $sleeper
        exit 0
        """.write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o755)
        let sweep = try writeSweep("phantom: tiny.vox\naxes:\n  - grid: {rf.power_w: [11]}\n", in: dir)
        let output = try SweepOutput.open((dir as NSString).appendingPathComponent("out"), for: sweep)
        let children = ChildProcesses()
        let runner = CaseRunner(executable: path, children: children)
        let folder = output.caseFolder(0)

        let finished = expectation(description: "case ended")
        let result = LockedLines()
        Thread {
            do { result.append("\(try runner.run(0, of: sweep, in: output))") } catch { result.append("error \(error)") }
            finished.fulfill()
        }.start()
        let started = folder.file("run/started")
        let deadline = Date().addingTimeInterval(30)
        while !FileManager.default.fileExists(atPath: started) && Date() < deadline { usleep(20_000) }
        XCTAssertEqual(folder.status(), .running)
        children.stop(SIGTERM)
        wait(for: [finished], timeout: 30)
        XCTAssertEqual(result.all.count, 1)
        XCTAssertTrue(result.all.first?.hasPrefix("finished(code: 143, done: false") == true, result.all.first ?? "")
        XCTAssertEqual(children.stopSignal, SIGTERM)
        guard case .failed(let why) = folder.status() else { return XCTFail("expected failed, got \(folder.status())") }
        XCTAssertTrue(why.contains("checkpoint saved"), why)
        XCTAssertNotNil(folder.checkpointPath)

        // The next task (a fresh process: new ChildProcesses) resumes.
        let next = CaseRunner(executable: path, children: ChildProcesses())
        XCTAssertTrue(next.arguments(for: folder, phantom: "p.vox").contains("--resume"))
        guard case .finished(0, true, _) = try next.run(0, of: sweep, in: output) else { return XCTFail("resume did not finish") }
        XCTAssertEqual(folder.summary()?["resumed"] as? Bool, true)
    }
}
