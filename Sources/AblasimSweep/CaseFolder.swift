import Foundation
import AblasimOutput
#if canImport(Glibc)
import Glibc
#endif

/// Where a case stands.
public enum CaseStatus: Equatable, Sendable {
    /// `run/manifest.json` exists, every file it lists is there with its size and SHA-256,
    /// and `run/summary.json` parses as an ablasim summary.
    case done
    /// A task holds the case's lock right now.
    case running
    /// A task ran and ended without a result: the reason says how.
    case failed(String)
    /// No task has run this case (or its traces were removed).
    case missing

    public var label: String {
        switch self {
        case .done: return "done"
        case .running: return "running"
        case .failed: return "failed"
        case .missing: return "missing"
        }
    }
}

/// One case folder, `DIR/cases/0007`. Files (every one written atomically):
/// `scenario.yaml` and `case.json` (what the case is), `task.json` (a task started:
/// pid, host, Slurm ids), `exit.json` (it ended: exit code), `run.log`, `.lock` (held by the
/// running task, released by the kernel when it dies), and `run/`, the run's output folder.
/// A case is done exactly when the run's manifest verifies (`RunManifest.verify`: written
/// last, every listed file present with its checksum) and its summary parses; a summary
/// alone, left by a run killed while writing, does not count.
public struct CaseFolder: Sendable {
    public let path: String
    public let index: Int

    public func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }
    public var scenarioPath: String { file("scenario.yaml") }
    public var runPath: String { file("run") }
    public var summaryPath: String { file("run/summary.json") }
    public var lockPath: String { file(".lock") }

    /// The parsed summary when the case is done (its run folder verifies against its
    /// manifest); numbers read exactly (`ExactJSON`), as Double.
    public func summary() -> [String: Any]? {
        var st = stat()
        // A run/ that is a link (to someone else's complete run) is not this case's result.
        guard lstat(runPath, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR else { return nil }
        guard case .success(let m) = RunManifest.verify(in: runPath), m.files.contains(where: { $0.name == "summary.json" }),
              let data = FileManager.default.contents(atPath: summaryPath), let o = ExactJSON.object(data),
              let schema = o["schema"] as? String, schema.hasPrefix("ablasim.summary/") else { return nil }
        return o
    }

    /// True when the case's run is complete (see `summary()`).
    public var isDone: Bool { summary() != nil }

    /// A checkpoint the run left behind when it was stopped (`ablasim run --resume` continues it).
    public var checkpointPath: String? {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: runPath) else { return nil }
        return entries.sorted().first(where: { $0.hasPrefix("checkpoint") && !$0.hasPrefix(".") && !$0.contains(".tmp") })
            .map { (runPath as NSString).appendingPathComponent($0) }
    }

    public func status() -> CaseStatus {
        if summary() != nil { return .done }
        if isLocked() { return .running }
        let fm = FileManager.default
        if let exit = AtomicFile.readJSONObject(file("exit.json")) {
            let code = exit["code"] as? Int ?? -1
            var reason = code == 0 ? "exited 0 but run/ is not complete (\(incompleteReason))" : "exit \(code)"
            if let signal = exit["signal"] as? Int { reason = "killed by signal \(signal)" }
            if checkpointPath != nil { reason += ", checkpoint saved (a new task resumes it)" }
            return .failed(reason)
        }
        if fm.fileExists(atPath: file("task.json")) {
            return .failed("interrupted: the task ended without recording an exit" + (checkpointPath != nil ? ", checkpoint saved" : ""))
        }
        return .missing
    }

    /// Why `run/` does not verify against its manifest.
    var incompleteReason: String {
        if case .failure(let p) = RunManifest.verify(in: runPath) { return p.description }
        return "run/summary.json is not an ablasim summary"
    }

    /// True when some process holds the case's lock (a task is running it).
    public func isLocked() -> Bool {
        let fd = open(lockPath, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        if flock(fd, LOCK_SH | LOCK_NB) == 0 {
            flock(fd, LOCK_UN)
            return false
        }
        return errno == EWOULDBLOCK
    }

    /// The entries a task reads, writes or runs into; none may be a symbolic link.
    static let entries = ["scenario.yaml", "case.json", "task.json", "exit.json", "run.log", ".lock", "run"]

    /// Refuses a case folder (or an entry in it, or `cases/` above it) that is a symbolic link
    /// or not of the expected kind: a task must not write outside the sweep folder because
    /// someone planted `cases/0001 -> /elsewhere`.
    public func checkContained() throws {
        let casesDir = (path as NSString).deletingLastPathComponent
        for (p, wantDir) in [(casesDir, true), (path, true)] + CaseFolder.entries.map({ (file($0), $0 == "run") }) {
            var st = stat()
            guard lstat(p, &st) == 0 else { continue }   // not there yet: created as a plain entry
            let kind = st.st_mode & S_IFMT
            if kind == S_IFLNK {
                throw SweepError.invalidInput("'\(p)' is a symbolic link; a sweep writes only inside its own folder and follows no links. Remove the link (the case is then run again)")
            }
            if wantDir && kind != S_IFDIR {
                throw SweepError.invalidInput("'\(p)' is not a folder; remove it (the case is then run again)")
            }
            if !wantDir && kind != S_IFREG {
                throw SweepError.invalidInput("'\(p)' is not a regular file; remove it (the case is then run again)")
            }
        }
    }

    /// Takes the case's exclusive lock, retrying briefly (a `status` probe holds a shared
    /// lock for an instant). Returns the descriptor to keep open, or nil when a task holds it.
    public func lock() throws -> Int32? {
        try checkContained()
        try AtomicFile.makeDirectory(path)
        let fd = open(lockPath, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw SweepError.runtime("cannot open '\(lockPath)': \(String(cString: strerror(errno)))") }
        for _ in 0..<20 {
            if flock(fd, LOCK_EX | LOCK_NB) == 0 { return fd }
            usleep(50_000)
        }
        close(fd)
        return nil
    }
}
