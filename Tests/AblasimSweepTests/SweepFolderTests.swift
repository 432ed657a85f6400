import Foundation
import XCTest
@testable import AblasimSweep

final class SweepFolderTests: XCTestCase {
    private func fourCaseSweep(_ dir: String) throws -> Sweep {
        try writeSweep("""
            name: four
            phantom: tiny.vox
            axes:
              - grid:
                  rf.power_w: [10, 20]
                  thermoprotection.epidural: [none, co2]
            """, in: dir)
    }

    func testOutputFolderBelongsToOneSweep() throws {
        let dir = try makeTemporaryFolder()
        let sweep = try fourCaseSweep(dir)
        let out = (dir as NSString).appendingPathComponent("out")
        let output = try SweepOutput.open(out, for: sweep)
        XCTAssertEqual(output.manifest.count, 4)
        XCTAssertEqual(output.manifest.identity, sweep.identity)
        // Reopening with the same sweep (even reformatted) works.
        let same = try writeSweep("name: four\nphantom: tiny.vox\naxes: [{grid: {rf.power_w: [10, 20], thermoprotection.epidural: [none, co2]}}]\n",
                                  in: dir, name: "same.yaml")
        XCTAssertNoThrow(try SweepOutput.open(out, for: same))
        let other = try writeSweep("phantom: tiny.vox\naxes: [{grid: {rf.power_w: [10, 30]}}]\n", in: dir, name: "other.yaml")
        let m = inputError { _ = try SweepOutput.open(out, for: other) }
        XCTAssertTrue(m.contains("another sweep"), m)
        // A non-empty folder that is no sweep folder is refused too.
        let stray = (dir as NSString).appendingPathComponent("stray")
        try FileManager.default.createDirectory(atPath: stray, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: (stray as NSString).appendingPathComponent("notes.txt"), contents: Data("x".utf8))
        XCTAssertTrue(inputError { _ = try SweepOutput.open(stray, for: sweep) }.contains("not a sweep output folder"))
        XCTAssertTrue(inputError { _ = try SweepOutput.existing(stray) }.contains("no sweep.json"))
    }

    func testStatusAndCollectOnFabricatedCases() throws {
        let dir = try makeTemporaryFolder()
        let sweep = try fourCaseSweep(dir)
        let output = try SweepOutput.open((dir as NSString).appendingPathComponent("out"), for: sweep)
        for c in sweep.cases { try CaseRunner.materialize(c, of: sweep, in: output) }
        // Case 0 done with a flag; case 1 failed with exit 3; case 2 locked by a running task; case 3 never ran.
        let c0 = output.caseFolder(0)
        try AtomicFile.makeDirectory(c0.runPath)
        try AtomicFile.writeJSON(fabricatedSummary(ablationML: 3.25, coverage: 0.875, cordPeakC: 43.5, cordFlags: ["crossed_42"]), to: c0.summaryPath)
        try sealRunFolder(c0.runPath)
        let c1 = output.caseFolder(1)
        try AtomicFile.writeJSON(["task": 1], to: c1.file("task.json"))
        try AtomicFile.writeJSON(["code": 3], to: c1.file("exit.json"))
        let c2 = output.caseFolder(2)
        guard let fd = try c2.lock() else { return XCTFail("could not lock case 2") }
        defer { close(fd) }
        XCTAssertNil(try c2.lock(), "a second task must not get a held case")

        let statuses = output.statuses()
        XCTAssertEqual(statuses[0], .done)
        XCTAssertEqual(statuses[1], .failed("exit 3"))
        XCTAssertEqual(statuses[2], .running)
        XCTAssertEqual(statuses[3], .missing)

        // A summary half-written (not JSON) or of another schema does not count as done.
        try "{\"schema\": \"ablasim.summ".write(toFile: output.caseFolder(3).summaryPath.replacingOccurrences(of: "/run/", with: "/"), atomically: true, encoding: .utf8)
        try AtomicFile.makeDirectory(output.caseFolder(3).runPath)
        try "{\"schema\": \"ablasim.summ".write(toFile: output.caseFolder(3).summaryPath, atomically: true, encoding: .utf8)
        XCTAssertEqual(output.caseFolder(3).status(), .missing)
        try AtomicFile.writeJSON(["schema": "something/1"], to: output.caseFolder(3).summaryPath)
        XCTAssertEqual(output.caseFolder(3).status(), .missing)
        // A task that started and vanished without an exit record was interrupted.
        try AtomicFile.writeJSON(["pid": 1], to: output.caseFolder(3).file("task.json"))
        guard case .failed(let why) = output.caseFolder(3).status() else { return XCTFail("expected failed") }
        XCTAssertTrue(why.contains("interrupted"), why)
        try FileManager.default.removeItem(atPath: output.caseFolder(3).file("task.json"))

        let table = ResultsTable(output: output)
        let lines = table.csv.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 5)
        XCTAssertEqual(lines[0], "case,status,rf.power_w,thermoprotection.epidural,ablation_ml,tumor_ml,tumor_coverage,components,coalescent,interlock_tripped_s,simulated_s,wall_s,flags,"
                       + "cord_post.t_max_c,cord_post.cem43_min,cord_post.omega,cord_post.flags,root_L.t_max_c,root_L.cem43_min,root_L.omega,root_L.flags")
        XCTAssertEqual(lines[1], "0,done,10,none,3.25,2,0.875,1,true,,60,1.5,1,43.5,0.25,0.001,crossed_42@30,39.5,0.01,0,")
        XCTAssertEqual(lines[2], "1,failed,10,co2" + String(repeating: ",", count: 17))
        XCTAssertEqual(lines[3], "2,running,20,none" + String(repeating: ",", count: 17))
        XCTAssertEqual(lines[4], "3,missing,20,co2" + String(repeating: ",", count: 17))
        XCTAssertEqual(table.failed.map(\.index), [1])
        XCTAssertEqual(table.missing, [3])
        XCTAssertEqual(table.running, [2])
    }

    /// results.csv numbers as the run's CSVs write them: shortest round-trip, one notation
    /// rule, whatever the JSON text looked like.
    func testResultCellsUseShortestRoundTripNumbers() throws {
        let o = try XCTUnwrap(ExactJSON.object(Data(#"{"a": 0.0000197, "b": 1.97e-05, "c": 19.999999999999957, "d": 60, "e": 3.0, "f": true, "g": null}"#.utf8)))
        XCTAssertEqual(ResultsTable.cell(o["a"]), "1.97e-05")
        XCTAssertEqual(ResultsTable.cell(o["b"]), "1.97e-05")
        XCTAssertEqual(ResultsTable.cell(o["c"]), "19.999999999999957")
        XCTAssertEqual(ResultsTable.cell(o["d"]), "60")
        XCTAssertEqual(ResultsTable.cell(o["e"]), "3")
        XCTAssertEqual(ResultsTable.cell(o["f"]), "true")
        XCTAssertEqual(ResultsTable.cell(o["g"]), "")
        XCTAssertEqual(ResultsTable.cell(NSNumber(value: 2.5)), "2.5")
    }

    func testCSVQuotesFieldsWithCommas() {
        XCTAssertEqual(ResultsTable.csvField("a,b"), "\"a,b\"")
        XCTAssertEqual(ResultsTable.csvField("say \"hi\""), "\"say \"\"hi\"\"\"")
        XCTAssertEqual(ResultsTable.csvField("plain"), "plain")
    }

    func testSbatchScript() throws {
        let dir = try makeTemporaryFolder()
        let sweep = try fourCaseSweep(dir)
        let output = try SweepOutput.open((dir as NSString).appendingPathComponent("out dir"), for: sweep)
        var array = SlurmArray()
        array.partition = "short"; array.time = "01:30:00"; array.memory = "4G"; array.maxParallel = 2; array.cpusPerTask = 2
        array.account = "proj-123"; array.qos = "normal"
        XCTAssertNoThrow(try array.validate())
        let script = try array.script(executable: "/opt/ablasim/bin/ablasim", sweep: sweep, output: output, indices: [0, 1, 2, 3])
        let lines = script.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "#!/bin/bash")
        for expected in ["#SBATCH --array=0-3%2", "#SBATCH --partition=short", "#SBATCH --time=01:30:00", "#SBATCH --mem=4G",
                         "#SBATCH --account=proj-123", "#SBATCH --qos=normal",
                         "#SBATCH --cpus-per-task=2", "#SBATCH --job-name=ablasim-four", "#SBATCH --signal=B:TERM@120",
                         "#SBATCH --output=logs/slurm-%A_%a.out"] {
            XCTAssertTrue(lines.contains(expected), "missing line \(expected) in\n\(script)")
        }
        XCTAssertEqual(lines.last, "exec '/opt/ablasim/bin/ablasim' sweep task '\(sweep.file)' --index \"$SLURM_ARRAY_TASK_ID\" --out '\(output.root)' --threads \"${SLURM_CPUS_PER_TASK:-2}\"")
        // Every #SBATCH line comes before the first command: sbatch stops reading directives there.
        let firstCommand = lines.firstIndex { !$0.hasPrefix("#") }!
        XCTAssertFalse(lines[firstCommand...].contains { $0.hasPrefix("#SBATCH") })

        let missing = try SlurmArray().script(executable: "/x/ablasim", sweep: sweep, output: output, indices: [3, 1])
        XCTAssertTrue(missing.contains("#SBATCH --array=1,3\n"), missing)
        XCTAssertFalse(missing.contains("--partition") || missing.contains("--account") || missing.contains("--qos"))

        XCTAssertEqual(SlurmArray.arraySpec([0, 1, 2, 5, 7, 8, 9, 12]), "0-2,5,7-9,12")
        XCTAssertEqual(SlurmArray.arraySpec([4]), "4")
        XCTAssertEqual(SlurmArray.shellQuoted("it's"), "'it'\\''s'")

        var bad = SlurmArray(); bad.account = "a b"
        XCTAssertTrue(inputError { try bad.validate() }.contains("--account"))
        bad = SlurmArray(); bad.qos = "x\ny"
        XCTAssertTrue(inputError { try bad.validate() }.contains("--qos"))
        bad = SlurmArray(); bad.time = "1 hour"
        XCTAssertTrue(inputError { try bad.validate() }.contains("--time"))
        bad = SlurmArray(); bad.memory = "lots"
        XCTAssertTrue(inputError { try bad.validate() }.contains("--mem"))
        bad = SlurmArray(); bad.maxParallel = 0
        XCTAssertTrue(inputError { try bad.validate() }.contains("--max-parallel"))
        XCTAssertNil(SlurmArray.findSbatch(path: dir))
    }
}

final class SlurmQueueTests: XCTestCase {
    func testSqueueLinesOfOurJobsBecomeQueuedCases() {
        let text = "41_0 RUNNING\n41_3 PENDING\n42_7 PENDING\n99 RUNNING\n43_1 PENDING\n"
        XCTAssertEqual(SlurmQueue.parse(text, jobs: ["41", "42"]), [0: "41", 3: "41", 7: "42"])
        XCTAssertEqual(SlurmQueue.parse("", jobs: ["41"]), [:])
        XCTAssertEqual(SlurmQueue.activeTasks(jobs: ["41"], squeue: "/nonexistent/squeue"), [:])
    }

}
