import ArgumentParser
import Foundation
import AblasimSweep

struct SweepSubmitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Write DIR/sweep.sbatch (a Slurm job array, one task per case) and submit it with sbatch.")

    @Argument(help: "The sweep file (YAML).", completion: .file(extensions: ["yaml", "yml"])) var sweepFile: String
    @Option(help: "Output folder of the sweep (on a file system the compute nodes share).") var out: String
    @Option(help: "Slurm partition.") var partition: String?
    @Option(help: "Slurm account to charge.") var account: String?
    @Option(help: "Slurm quality of service.") var qos: String?
    @Option(help: "Wall-time limit per case, Slurm syntax (e.g. 02:00:00).") var time: String?
    @Option(help: "Memory per case, Slurm syntax (e.g. 4G).") var mem: String?
    @Option(help: "At most this many cases at once (the array's %K).") var maxParallel: Int?
    @Option(help: "CPUs per case (also the run's --threads).") var cpusPerTask = 1
    @Flag(help: "Submit only the cases that are not done and not running.") var onlyMissing = false
    @Flag(help: "Only write DIR/sweep.sbatch; do not submit.") var dryRun = false

    func run() throws {
        let sweep = try Sweep.load(path: sweepFile)
        var array = SlurmArray()
        array.partition = partition; array.account = account; array.qos = qos; array.time = time; array.memory = mem
        array.maxParallel = maxParallel; array.cpusPerTask = cpusPerTask
        try array.validate()
        try SweepCommand.checkPhantoms(sweep)
        let sbatch = SlurmArray.findSbatch()
        if !dryRun && sbatch == nil {
            throw SweepError.invalidInput("sbatch not found on PATH: submit from a machine with Slurm's client commands (or start one with scripts/slurm-local up); --dry-run writes the script without submitting")
        }
        let output = try SweepOutput.open(out, for: sweep)
        var indices = Array(0..<sweep.count)
        if onlyMissing {
            let statuses = output.statuses()
            let queued = SlurmQueue.activeTasks(jobs: SlurmQueue.submittedJobs(in: output))
            indices = indices.filter { statuses[$0] != .done && statuses[$0] != .running && queued[$0] == nil }
            let running = statuses.filter { $0 == .running }.count
            guard !indices.isEmpty else {
                print("nothing to submit: all \(sweep.count) cases are done"
                      + (running + queued.count > 0 ? " or running or queued (\(running) running, \(queued.count) in Slurm's queue)" : ""))
                return
            }
        }
        try output.checkNotALink(output.logsPath)
        try AtomicFile.makeDirectory(output.logsPath)
        let script = try array.script(executable: SweepCommand.currentExecutable(), sweep: sweep, output: output, indices: indices)
        try AtomicFile.write(script, to: output.sbatchPath)
        chmod(output.sbatchPath, 0o755)
        let what = "\(indices.count) of \(sweep.count) cases (array \(SlurmArray.arraySpec(indices))\(maxParallel.map { "%\($0)" } ?? ""))"
        if dryRun {
            print("wrote \(output.sbatchPath): \(what); not submitted (--dry-run)")
            return
        }
        let job = try SlurmArray.submit(script: output.sbatchPath, sbatch: sbatch!, directory: output.root)
        let record = (output.root as NSString).appendingPathComponent("jobs.txt")
        let previous = (try? String(contentsOfFile: record, encoding: .utf8)) ?? ""
        try AtomicFile.write(previous + "\(job) \(ISO8601DateFormatter().string(from: Date())) \(SlurmArray.arraySpec(indices))\n", to: record)
        print("submitted job array \(job): \(what); logs in \(output.logsPath); `ablasim sweep status \(output.root)` follows it")
        print(job)
    }
}
