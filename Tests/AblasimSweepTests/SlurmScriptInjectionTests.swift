import Foundation
import XCTest
@testable import AblasimSweep

/// Nothing from a sweep file or a command line can run as a command in sweep.sbatch: values
/// with control characters are refused; everything else reaches the shell single-quoted and
/// comes out as the very same argument. The payload is a harmless `touch`.
final class SlurmScriptInjectionTests: XCTestCase {
    /// Runs the script with bash as Slurm would (task 0), with `/bin/echo`-like stand-in
    /// printing one argument per line; returns those arguments.
    private func runScript(_ script: String, in dir: String) throws -> [String] {
        let path = (dir as NSString).appendingPathComponent("test.sbatch")
        try script.write(toFile: path, atomically: true, encoding: .utf8)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = [path]
        p.environment = ["SLURM_ARRAY_TASK_ID": "0", "PATH": "/usr/bin:/bin"]
        p.currentDirectoryURL = URL(fileURLWithPath: dir)
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0)
        return text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }

    func testHostileNamesAndPathsAreQuotedOrRefused() throws {
        let dir = try makeTemporaryFolder()
        // The payloads say `touch PWNED`: the script runs with `dir` as working directory.
        let payload = (dir as NSString).appendingPathComponent("PWNED")
        // A stand-in executable that prints its arguments, at a path that needs quoting.
        let binDir = (dir as NSString).appendingPathComponent("bin $(touch PWNED) 'x'")
        try FileManager.default.createDirectory(atPath: binDir, withIntermediateDirectories: true)
        let exe = (binDir as NSString).appendingPathComponent("ablasim")
        try "#!/bin/bash\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done\n".write(toFile: exe, atomically: true, encoding: .utf8)
        chmod(exe, 0o755)

        let hostileDir = (dir as NSString).appendingPathComponent("my sweeps; touch PWNED `touch PWNED` \"q\" %A")
        try FileManager.default.createDirectory(atPath: hostileDir, withIntermediateDirectories: true)
        let sweep = try writeSweep("name: \"x$(touch PWNED) `touch PWNED`; #SBATCH --wrap=touch\"\nphantom: tiny.vox\naxes:\n  - grid: {rf.power_w: [10]}\n",
                                   in: hostileDir, name: "sw'eep $(touch PWNED).yaml")
        let output = try SweepOutput.open((hostileDir as NSString).appendingPathComponent("out dir"), for: sweep)
        let script = try SlurmArray().script(executable: exe, sweep: sweep, output: output, indices: [0])
        XCTAssertTrue(script.contains("#SBATCH --output=logs/slurm-%A_%a.out\n"), script)
        XCTAssertTrue(script.contains("#SBATCH --job-name=ablasim-x__touch_PWNED"), script)
        // Every #SBATCH line is one of ours (none smuggled in through a value).
        let directives = script.split(separator: "\n").filter { $0.hasPrefix("#SBATCH") }.map { $0.split(separator: "=")[0] }
        XCTAssertEqual(Set(directives).count, directives.count, "duplicate directive in\n\(script)")
        XCTAssertFalse(directives.contains("#SBATCH --wrap"), script)

        let args = try runScript(script, in: dir)
        XCTAssertEqual(args, ["sweep", "task", sweep.file, "--index", "0", "--out", output.root, "--threads", "1"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: payload), "the payload ran")
    }

    func testNewlinesInNameOrPathsAreRefused() throws {
        let dir = try makeTemporaryFolder()
        let payload = (dir as NSString).appendingPathComponent("PWNED")
        let sweep = try writeSweep("name: \"a\\ntouch PWNED\"\nphantom: tiny.vox\naxes:\n  - grid: {rf.power_w: [10]}\n", in: dir)
        let output = try SweepOutput.open((dir as NSString).appendingPathComponent("out"), for: sweep)
        XCTAssertTrue(inputError { _ = try SlurmArray().script(executable: "/bin/ablasim", sweep: sweep, output: output, indices: [0]) }
            .contains("sweep name 'a\\u{A}touch"))

        let plain = try writeSweep("name: ok\nphantom: tiny.vox\naxes:\n  - grid: {rf.power_w: [10]}\n", in: dir, name: "ok.yaml")
        let nlDir = (dir as NSString).appendingPathComponent("out\ntouch PWNED")
        let nlOutput = try SweepOutput.open(nlDir, for: plain)
        XCTAssertTrue(inputError { _ = try SlurmArray().script(executable: "/bin/ablasim", sweep: plain, output: nlOutput, indices: [0]) }
            .contains("--out folder"))
        let nlFileDir = (dir as NSString).appendingPathComponent("d\r\n#SBATCH --wrap=touch")
        try FileManager.default.createDirectory(atPath: nlFileDir, withIntermediateDirectories: true)
        let nlSweep = try writeSweep("name: ok2\nphantom: tiny.vox\naxes:\n  - grid: {rf.power_w: [10]}\n", in: nlFileDir)
        XCTAssertTrue(inputError { _ = try SlurmArray().script(executable: "/bin/ablasim", sweep: nlSweep, output: output, indices: [0]) }
            .contains("sweep file path"))
        var array = SlurmArray()
        array.partition = "short\u{1B}[2J"
        XCTAssertTrue(inputError { try array.validate() }.contains("--partition"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: payload))
    }
}
