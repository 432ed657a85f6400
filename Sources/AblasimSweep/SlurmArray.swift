import Foundation
import AblasimCore

/// Slurm job-array scripts for a sweep: one array task per case, each running
/// `ablasim sweep task SWEEP --index $SLURM_ARRAY_TASK_ID --out DIR`.
public struct SlurmArray: Sendable {
    public var partition: String?
    /// Slurm account to charge and quality of service (`--account`, `--qos`).
    public var account: String?
    public var qos: String?
    /// Wall-time limit per task in Slurm's syntax (e.g. `02:00:00`).
    public var time: String?
    /// Memory per task in Slurm's syntax (e.g. `4G`).
    public var memory: String?
    /// At most this many tasks at once (`%K`); nil leaves it to Slurm.
    public var maxParallel: Int?
    public var cpusPerTask: Int = 1
    /// Seconds before the time limit at which Slurm sends SIGTERM, so the run can checkpoint.
    public var signalLeadS: Int = 120

    public init() {}

    /// `0-11`, `0,3-5,9`: the indices as Slurm's array syntax, runs of consecutive indices as ranges.
    public static func arraySpec(_ indices: [Int]) -> String {
        let sorted = Array(Set(indices)).sorted()
        var parts: [String] = []
        var i = 0
        while i < sorted.count {
            var j = i
            while j + 1 < sorted.count, sorted[j + 1] == sorted[j] + 1 { j += 1 }
            parts.append(i == j ? "\(sorted[i])" : "\(sorted[i])-\(sorted[j])")
            i = j + 1
        }
        return parts.joined(separator: ",")
    }

    /// Quotes a word for bash (single quotes, embedded quotes escaped).
    public static func shellQuoted(_ s: String) -> String {
        "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// Checks option values before anything is written.
    public func validate() throws {
        if let k = maxParallel, k < 1 { throw SweepError.invalidInput("--max-parallel must be >= 1 (got \(k))") }
        guard cpusPerTask >= 1 else { throw SweepError.invalidInput("--cpus-per-task must be >= 1") }
        for (name, v) in [("--partition", partition), ("--account", account), ("--qos", qos), ("--time", time), ("--mem", memory)] {
            if let v { try SlurmArray.checkScriptValue(v, name) }
            if let v, v.isEmpty || v.contains(where: { $0.isWhitespace || $0 == "'" || $0 == "\"" || $0 == "#" }) {
                throw SweepError.invalidInput("\(name) '\(v)' is not a valid Slurm value (no spaces or quotes)")
            }
        }
        if let t = time, t.range(of: #"^(\d+-)?\d+(:\d+){0,2}$"#, options: .regularExpression) == nil {
            throw SweepError.invalidInput("--time '\(t)' is not a Slurm time; use minutes, MM:SS, HH:MM:SS or D-HH:MM:SS")
        }
        if let m = memory, m.range(of: #"^\d+[KMGT]?$"#, options: .regularExpression) == nil {
            throw SweepError.invalidInput("--mem '\(m)' is not a Slurm memory size; use e.g. 4000, 4G, 512M")
        }
    }

    /// Refuses a value that must not reach a batch script: any control character (a newline
    /// would end a comment or an `#SBATCH` line and start a shell command) or an invalid
    /// Unicode encoding. Everything else is single-quoted where the shell reads it.
    static func checkScriptValue(_ value: String, _ what: String) throws {
        if let bad = value.unicodeScalars.first(where: { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }) {
            throw SweepError.invalidInput("\(what) '\(TerminalText.sanitized(value, keepLayout: false))' contains the control character U+\(String(format: "%04X", bad.value)); it would reach the Slurm batch script (sweep.sbatch) as a line break or a terminal code. Use a \(what) without control characters")
        }
    }

    /// The batch script for the given case indices. Nothing from the sweep file or the
    /// command line reaches it unchecked: the sweep name and paths with control characters are
    /// refused, the comments show values sanitized, `--job-name` keeps only letters, digits,
    /// `-` and `_`, the shell words are single-quoted, and the log path in `#SBATCH --output`
    /// is relative to the sweep folder (sbatch runs with the sweep folder as its working
    /// directory), so no user path is ever parsed by sbatch's directive reader.
    public func script(executable: String, sweep: Sweep, output: SweepOutput, indices: [Int]) throws -> String {
        try SlurmArray.checkScriptValue(sweep.name, "sweep name")
        try SlurmArray.checkScriptValue(sweep.file, "sweep file path")
        try SlurmArray.checkScriptValue(output.root, "--out folder")
        try SlurmArray.checkScriptValue(executable, "ablasim executable path")
        func shown(_ s: String) -> String { TerminalText.sanitized(s, keepLayout: false) }
        var array = SlurmArray.arraySpec(indices)
        if let k = maxParallel { array += "%\(k)" }
        let jobName = "ablasim-" + sweep.name.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" }
        var s = "#!/bin/bash\n"
        s += "# Written by `ablasim sweep submit`: sweep '\(shown(sweep.name))', \(indices.count) of \(sweep.count) cases, one array task per case.\n"
        s += "# Sweep file: \(shown(sweep.file))\n"
        s += "# Submit from the sweep folder (as `ablasim sweep submit` does): the log path below is relative to it.\n"
        s += "#SBATCH --job-name=\(String(jobName))\n"
        s += "#SBATCH --array=\(array)\n"
        s += "#SBATCH --output=\(SlurmArray.logPattern)\n"
        s += "#SBATCH --open-mode=append\n"
        s += "#SBATCH --ntasks=1\n"
        s += "#SBATCH --cpus-per-task=\(cpusPerTask)\n"
        if let partition { s += "#SBATCH --partition=\(partition)\n" }
        if let account { s += "#SBATCH --account=\(account)\n" }
        if let qos { s += "#SBATCH --qos=\(qos)\n" }
        if let time { s += "#SBATCH --time=\(time)\n" }
        if let memory { s += "#SBATCH --mem=\(memory)\n" }
        s += "# SIGTERM to the task \(signalLeadS) s before the time limit: the run checkpoints and a\n"
        s += "# requeued or resubmitted task resumes it (`ablasim sweep task` passes --resume).\n"
        s += "#SBATCH --signal=B:TERM@\(signalLeadS)\n"
        s += "#SBATCH --requeue\n"
        s += "set -u\n"
        s += "exec \(SlurmArray.shellQuoted(executable)) sweep task \(SlurmArray.shellQuoted(sweep.file))"
        s += " --index \"$SLURM_ARRAY_TASK_ID\" --out \(SlurmArray.shellQuoted(output.root)) --threads \"${SLURM_CPUS_PER_TASK:-\(cpusPerTask)}\"\n"
        return s
    }

    /// Where each array task's standard output and error go, relative to the sweep folder
    /// (sbatch's filename pattern: %A the array's job id, %a the task index).
    public static let logPattern = "logs/slurm-%A_%a.out"

    /// The first `sbatch` on PATH, nil when there is none.
    public static func findSbatch(path: String? = ProcessInfo.processInfo.environment["PATH"]) -> String? {
        for dir in (path ?? "").split(separator: ":") {
            let candidate = (String(dir) as NSString).appendingPathComponent("sbatch")
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Submits the script with `sbatch --parsable` from `directory` (the sweep folder: the
    /// job's working directory, against which the script's relative log path resolves);
    /// returns the job id.
    public static func submit(script path: String, sbatch: String, directory: String) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: sbatch)
        p.arguments = ["--parsable", path]
        p.currentDirectoryURL = URL(fileURLWithPath: directory)
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        do { try p.run() } catch { throw SweepError.runtime("cannot start '\(sbatch)': \(error.localizedDescription)") }
        let o = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let e = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw SweepError.runtime("sbatch \(path) failed (exit \(p.terminationStatus)): \(e.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        let id = o.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ";").first.map(String.init) ?? ""
        guard !id.isEmpty else { throw SweepError.runtime("sbatch \(path) printed no job id: \(o)\(e)") }
        return id
    }
}
