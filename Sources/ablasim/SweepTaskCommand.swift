import ArgumentParser
import Foundation
import AblasimSweep

struct SweepTaskCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "task",
        abstract: "Run one case of a sweep (what each Slurm array task runs); resumes from a checkpoint.")

    @Argument(help: "The sweep file (YAML).") var sweepFile: String
    @Option(help: "Case index, 0-based (Slurm: $SLURM_ARRAY_TASK_ID).") var index: Int
    @Option(help: "Output folder of the sweep.") var out: String
    @Option(help: "--threads of the case's run.") var threads: Int?

    func validate() throws {
        if let t = threads, t < 1 { throw ValidationError("--threads must be >= 1") }
    }

    func run() throws {
        let sweep = try Sweep.load(path: sweepFile)
        guard index >= 0, index < sweep.count else {
            throw SweepError.invalidInput("--index \(index) is outside 0...\(sweep.count - 1): sweep '\(sweep.name)' has \(sweep.count) cases")
        }
        let output = try SweepOutput.open(out, for: sweep)
        ChildProcesses.shared.installSignalHandlers()
        let runner = CaseRunner(executable: SweepCommand.currentExecutable(), threads: threads)
        let name = "case \(SweepCase.folderName(index))"
        switch try runner.run(index, of: sweep, in: output) {
        case .alreadyDone:
            print("\(name): already done")
        case .alreadyRunning:
            print("\(name): another task is running it; nothing to do")
        case let .finished(code, done, wall):
            let folder = output.caseFolder(index)
            if done {
                print("\(name): done in \(String(format: "%.1f", wall)) s -> \(folder.summaryPath)")
                return
            }
            if let sig = ChildProcesses.shared.stopSignal {
                print("\(name): stopped by signal \(sig) after \(String(format: "%.1f", wall)) s"
                      + (folder.checkpointPath != nil ? "; checkpoint saved, the next task resumes it" : ""))
                throw ExitCode(128 + sig)
            }
            writeStandardError("\(name): run failed with exit \(code); log: \(folder.file("run.log"))\n")
            throw ExitCode(code == 0 ? 3 : code)
        }
    }
}
