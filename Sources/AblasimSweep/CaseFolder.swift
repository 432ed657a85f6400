import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Where a case stands.
public enum CaseStatus: Equatable, Sendable {
    /// `run/summary.json` exists and parses as an ablasim summary.
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
/// A case is done exactly when `run/summary.json` exists and parses.
public struct CaseFolder: Sendable {
    public let path: String
    public let index: Int

    public func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }
    public var scenarioPath: String { file("scenario.yaml") }
    public var runPath: String { file("run") }
    public var summaryPath: String { file("run/summary.json") }
    public var lockPath: String { file(".lock") }

    /// The parsed summary when the case is done.
    public func summary() -> [String: Any]? {
        guard let o = AtomicFile.readJSONObject(summaryPath),
              let schema = o["schema"] as? String, schema.hasPrefix("ablasim.summary/") else { return nil }
        return o
    }

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
            var reason = code == 0 ? "exited 0 but run/summary.json is missing or unreadable" : "exit \(code)"
            if let signal = exit["signal"] as? Int { reason = "killed by signal \(signal)" }
            if checkpointPath != nil { reason += ", checkpoint saved (a new task resumes it)" }
            return .failed(reason)
        }
        if fm.fileExists(atPath: file("task.json")) {
            return .failed("interrupted: the task ended without recording an exit" + (checkpointPath != nil ? ", checkpoint saved" : ""))
        }
        return .missing
    }

    /// True when some process holds the case's lock (a task is running it).
    public func isLocked() -> Bool {
        let fd = open(lockPath, O_RDONLY)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        if flock(fd, LOCK_SH | LOCK_NB) == 0 {
            flock(fd, LOCK_UN)
            return false
        }
        return errno == EWOULDBLOCK
    }

    /// Takes the case's exclusive lock, retrying briefly (a `status` probe holds a shared
    /// lock for an instant). Returns the descriptor to keep open, or nil when a task holds it.
    public func lock() throws -> Int32? {
        try AtomicFile.makeDirectory(path)
        let fd = open(lockPath, O_RDWR | O_CREAT, 0o644)
        guard fd >= 0 else { throw SweepError.runtime("cannot open '\(lockPath)': \(String(cString: strerror(errno)))") }
        for _ in 0..<20 {
            if flock(fd, LOCK_EX | LOCK_NB) == 0 { return fd }
            usleep(50_000)
        }
        close(fd)
        return nil
    }
}
