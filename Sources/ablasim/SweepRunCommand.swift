import ArgumentParser
import Foundation
import AblasimSweep

struct SweepRunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a sweep on this machine, N cases at a time; cases already done are skipped.")

    @Argument(help: "The sweep file (YAML).", completion: .file(extensions: ["yaml", "yml"])) var sweepFile: String
    @Option(name: .customLong("set"), help: "Set a base scenario key for every case, KEY=VALUE (repeatable; not a key the axes vary).") var settings: [String] = []
    @Option(help: "Output folder of the sweep.") var out: String
    @Option(help: "Cases run at the same time.") var jobs = 1
    @Option(help: "--threads of each case's run (default: the cores divided among the jobs).") var threads: Int?
    @Flag(help: "Print only the final summary.") var quiet = false

    func validate() throws {
        guard jobs >= 1 else { throw ValidationError("--jobs must be >= 1") }
        if let t = threads, t < 1 { throw ValidationError("--threads must be >= 1") }
    }

    func run() throws {
        let sweep = try Sweep.load(path: sweepFile).overriding(settings)
        try SweepCommand.checkPhantoms(sweep)
        let output = try SweepOutput.open(out, for: sweep)
        ChildProcesses.shared.installSignalHandlers()
        let quiet = self.quiet
        let executor = LocalExecutor(
            runner: CaseRunner(executable: SweepCommand.currentExecutable(),
                               threads: threads ?? max(1, ProcessInfo.processInfo.activeProcessorCount / jobs)),
            jobs: jobs, progress: { line in if !quiet { writeStandardError(line + "\n") } })
        if !quiet { writeStandardError("sweep '\(sweep.name)': \(sweep.count) cases, \(jobs) at a time, into \(output.root)\n") }
        let report = executor.run(sweep, in: output)
        let done = output.statuses().filter { $0 == .done }.count
        print("sweep '\(sweep.name)': \(done)/\(sweep.count) cases done (\(report.done) now, \(report.skippedDone) before)"
              + (report.failed.isEmpty ? "" : "; failed: " + report.failed.map(String.init).joined(separator: ", "))
              + (report.skippedRunning == 0 ? "" : "; \(report.skippedRunning) held by other tasks"))
        if let sig = report.stoppedBy {
            print("stopped by signal \(sig); not finished: \(report.notStarted.count) cases. Run the same command again to continue.")
            throw ExitCode(128 + sig)
        }
        if !report.failed.isEmpty {
            print("see DIR/cases/NNNN/run.log of the failed cases; `ablasim sweep run` again retries them")
            throw ExitStatus.runtimeFailure
        }
    }
}
