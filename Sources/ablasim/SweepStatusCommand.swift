import ArgumentParser
import Foundation
import AblasimSweep

struct SweepStatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Show done / running / failed / missing for every case of a sweep folder.")

    @Argument(help: "Output folder of the sweep.") var dir: String
    @Flag(help: "Print only the counts.") var summary = false

    func run() throws {
        let output = try SweepOutput.existing(dir)
        let m = output.manifest
        let statuses = output.statuses()
        let queued = SlurmQueue.activeTasks(jobs: SlurmQueue.submittedJobs(in: output))
        if !summary {
            for (i, s) in statuses.enumerated() {
                let values = zip(m.parameterNames, m.caseValues[i]).map { "\($0)=\($1)" }.joined(separator: " ")
                var line = "\(SweepCase.folderName(i))  \(s.label.padding(toLength: 7, withPad: " ", startingAt: 0))  \(values)"
                if case .failed(let why) = s { line += "  (\(why))" }
                if s != .done && s != .running, let job = queued[i] { line += "  [queued in Slurm job \(job)]" }
                print(line)
            }
        }
        var counts: [String: Int] = [:]
        for s in statuses { counts[s.label, default: 0] += 1 }
        print("sweep '\(m.name)' (\(m.sweepFile)): \(m.count) cases: "
              + ["done", "running", "failed", "missing"].map { "\(counts[$0] ?? 0) \($0)" }.joined(separator: ", ")
              + (queued.isEmpty ? "" : "; \(queued.count) array tasks in Slurm's queue"))
    }
}
