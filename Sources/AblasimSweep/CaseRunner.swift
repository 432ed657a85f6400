import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs one case: materializes its folder, takes its lock, starts `ablasim run` on the
/// case's scenario (with `--resume` when the case left a checkpoint), waits, and records
/// the exit. The run writes `run/manifest.json` (every file with its checksum) after all its
/// results, so a case killed half-way, even while writing, never looks done.
public struct CaseRunner: Sendable {
    /// The `ablasim` executable whose `run` subcommand runs a case.
    public var executable: String
    /// `--threads` for each run; nil lets the run choose.
    public var threads: Int?
    /// Where started runs are registered so a stop signal reaches them.
    public var children: ChildProcesses

    public init(executable: String, threads: Int? = nil, children: ChildProcesses = .shared) {
        self.executable = executable; self.threads = threads; self.children = children
    }

    public enum Outcome: Equatable, Sendable {
        case alreadyDone
        case alreadyRunning
        /// The run ended: its exit code (128 + signal when killed), whether the case is now done.
        case finished(code: Int32, done: Bool, wallS: Double)
    }

    /// Writes the case's `scenario.yaml` and `case.json` (only when absent or different).
    @discardableResult
    public static func materialize(_ c: SweepCase, of sweep: Sweep, in output: SweepOutput) throws -> CaseFolder {
        let folder = output.caseFolder(c.index)
        try folder.checkContained()
        try AtomicFile.makeDirectory(folder.path)
        let yaml = sweep.scenarioYAML(for: c)
        if (try? String(contentsOfFile: folder.scenarioPath, encoding: .utf8)) != yaml {
            try AtomicFile.write(yaml, to: folder.scenarioPath)
        }
        let info: [String: Any] = [
            "index": c.index, "phantom": c.phantom, "sweep": sweep.name, "identity": output.manifest.identity,
            "parameters": Dictionary(c.parameters.map { ($0.key, $0.value) }, uniquingKeysWith: { $1 }),
        ]
        let casePath = folder.file("case.json")
        if let old = AtomicFile.readJSONObject(casePath), NSDictionary(dictionary: old).isEqual(to: info) {} else {
            try AtomicFile.writeJSON(info, to: casePath)
        }
        return folder
    }

    /// The command line of the case's run.
    public func arguments(for folder: CaseFolder, phantom: String) -> [String] {
        var args = ["run", phantom, "--scenario", folder.scenarioPath, "--out", folder.runPath, "--quiet"]
        if folder.checkpointPath != nil {
            args.append("--resume")
        } else if FileManager.default.fileExists(atPath: folder.runPath) {
            args.append("--overwrite")   // leftovers of a run that ended without checkpoint
        }
        if let threads { args += ["--threads", String(threads)] }
        return args
    }

    /// Runs case `index` unless it is done or another task holds it.
    public func run(_ index: Int, of sweep: Sweep, in output: SweepOutput) throws -> Outcome {
        guard index >= 0, index < sweep.count else {
            throw SweepError.invalidInput("case index \(index) is outside 0...\(sweep.count - 1) of sweep '\(sweep.name)'")
        }
        let c = sweep.case(index)
        let folder = try CaseRunner.materialize(c, of: sweep, in: output)
        try folder.checkContained()
        if folder.isDone { return .alreadyDone }
        guard let lockFD = try folder.lock() else { return .alreadyRunning }
        defer { close(lockFD) }
        if folder.isDone { return .alreadyDone }
        guard FileManager.default.fileExists(atPath: c.phantom) else {
            throw SweepError.invalidInput("case \(index): phantom '\(c.phantom)' not found")
        }

        try? FileManager.default.removeItem(atPath: folder.file("exit.json"))
        let env = ProcessInfo.processInfo.environment
        var task: [String: Any] = [
            "pid": Int(getpid()), "host": ProcessInfo.processInfo.hostName,
            "started": ISO8601DateFormatter().string(from: Date()),
            "command": ([executable] + arguments(for: folder, phantom: c.phantom)).joined(separator: " "),
        ]
        for key in ["SLURM_JOB_ID", "SLURM_ARRAY_JOB_ID", "SLURM_ARRAY_TASK_ID", "SLURM_RESTART_COUNT"] {
            if let v = env[key] { task[key.lowercased()] = v }
        }
        try AtomicFile.writeJSON(task, to: folder.file("task.json"))

        let logPath = folder.file("run.log")
        if !FileManager.default.fileExists(atPath: logPath) { _ = FileManager.default.createFile(atPath: logPath, contents: nil) }
        guard let log = FileHandle(forWritingAtPath: logPath) else { throw SweepError.runtime("cannot open '\(logPath)'") }
        defer { try? log.close() }
        _ = try? log.seekToEnd()
        let args = arguments(for: folder, phantom: c.phantom)
        try? log.write(contentsOf: Data("== \(ISO8601DateFormatter().string(from: Date())) \(executable) \(args.joined(separator: " "))\n".utf8))

        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = args
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        let start = Date()
        do { try process.run() } catch {
            throw SweepError.runtime("case \(index): cannot start '\(executable)': \(error.localizedDescription)")
        }
        children.register(process.processIdentifier)
        process.waitUntilExit()
        children.unregister(process.processIdentifier)
        let wall = Date().timeIntervalSince(start)

        var exit: [String: Any] = ["finished": ISO8601DateFormatter().string(from: Date()), "wall_s": wall]
        let code: Int32
        if process.terminationReason == .uncaughtSignal {
            code = 128 + process.terminationStatus
            exit["signal"] = Int(process.terminationStatus)
        } else {
            code = process.terminationStatus
        }
        exit["code"] = Int(code)
        try AtomicFile.writeJSON(exit, to: folder.file("exit.json"))
        return .finished(code: code, done: folder.isDone, wallS: wall)
    }
}
