import Foundation

/// What Slurm still holds of a sweep's submitted job arrays (`DIR/jobs.txt`): the case
/// indices whose array tasks are pending or running, so `--only-missing` does not submit
/// a case twice and `status` can say "queued".
public enum SlurmQueue {
    /// Job ids recorded by `sweep submit`, oldest first.
    public static func submittedJobs(in output: SweepOutput) -> [String] {
        let path = (output.root as NSString).appendingPathComponent("jobs.txt")
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { $0.split(separator: " ").first.map(String.init) }
    }

    /// Case index -> job id for every array task of `jobs` that squeue lists (pending,
    /// running, completing...). Empty when squeue is absent or fails (no Slurm here).
    public static func activeTasks(jobs: [String], squeue: String? = SlurmArray.findSbatch().map {
        ($0 as NSString).deletingLastPathComponent + "/squeue"
    }) -> [Int: String] {
        guard !jobs.isEmpty, let squeue, FileManager.default.isExecutableFile(atPath: squeue) else { return [:] }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: squeue)
        // All jobs, filtered here: `-j` with one id Slurm has already forgotten fails whole.
        p.arguments = ["-h", "-r", "-o", "%i %T"]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return [:] }
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        return parse(text, jobs: Set(jobs))
    }

    /// Parses `squeue -r -o "%i %T"` lines such as `123_4 PENDING`.
    public static func parse(_ text: String, jobs: Set<String>) -> [Int: String] {
        var active: [Int: String] = [:]
        for line in text.split(separator: "\n") {
            guard let id = line.split(separator: " ").first, let underscore = id.firstIndex(of: "_"),
                  let index = Int(id[id.index(after: underscore)...]) else { continue }
            let job = String(id[..<underscore])
            if jobs.contains(job) { active[index] = job }
        }
        return active
    }
}
