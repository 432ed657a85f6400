import Foundation
import AblasimCore

#if canImport(Glibc)
import Glibc
#endif

/// The `--out` directory of a run: checked before the run starts, written atomically after.
public enum OutputDirectory {
    /// Every file name a run may write (`RunOutput.write`), in the order it writes them;
    /// the manifest comes after all of them.
    public static let runFiles = ["thermocouples.csv", "generator.csv", "events.csv", "legend.json"] + RunOutput.volumeNames.map { $0 + ".nii.gz" }
        + ["labels.ctbl", "zones.ctbl", "probes.ctbl", "labels-itksnap.txt", "zones-itksnap.txt", "probes.mrk.json", "thermocouples.mrk.json",
           "volumes.vti", "report.html", "summary.json"]
    /// Files the project writes into a run folder besides the manifest's: the checkpoint of a
    /// stopped run and `report.png` of scripts/check-report. `--overwrite` removes them too
    /// (regular files only).
    public static let auxiliaryFiles = ["checkpoint.bin", "report.png", RunManifest.fileName, RunManifest.pendingFileName]
    /// Prefix of the probe file `prepare` writes and removes at once.
    static let probePrefix = ".ablasim-write-test-"

    /// Makes sure `path` can take a run's results, before the run starts.
    ///
    /// Creates the directory (and its parents) when missing; refuses a path that is a file,
    /// a directory that cannot be written, and a non-empty directory unless `overwrite`.
    /// Stray temporary files of this project whose process is gone (`.ablasim-write-test-PID`,
    /// the temporaries of atomic writes) are removed first: they never block a rerun.
    /// `overwrite` removes exactly the regular files a previous run recorded (its manifest,
    /// or the list it writes before its first result) and `auxiliaryFiles`; never a
    /// directory, never through a link, never recursively. Anything else in the directory is
    /// refused (exit 2) before anything is removed, so results are never mixed and nothing
    /// foreign is lost.
    /// - Returns: the directory URL (standardized).
    @discardableResult
    public static func prepare(path: String, overwrite: Bool) throws -> URL {
        guard !path.isEmpty else { throw OutputError.invalidInput("output directory path is empty; give --out DIR") }
        let url = URL(fileURLWithPath: path).standardizedFileURL
        let shown = TerminalText.sanitized(path, keepLayout: false)
        var st = stat()
        if stat(url.path, &st) == 0 {
            guard (st.st_mode & S_IFMT) == S_IFDIR else {
                throw OutputError.invalidInput("output path '\(shown)' is a file, not a directory; give a new or empty directory to --out")
            }
            removeStrayTemporaries(in: url.path)
            let entries = ((try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []).sorted()
            if !entries.isEmpty {
                guard overwrite else {
                    if entries.allSatisfy({ $0 == "checkpoint.bin" }) {
                        throw OutputError.invalidInput("output directory '\(shown)' holds the checkpoint of a stopped run; continue it with --resume, or pass --overwrite to start over")
                    }
                    throw OutputError.invalidInput("output directory '\(shown)' is not empty (\(entries.count) entries, e.g. '\(TerminalText.sanitized(entries[0], keepLayout: false))'); choose a new directory or pass --overwrite to replace a previous run's results")
                }
                try removePreviousRun(in: url.path, entries: entries, shown: shown)
            }
        } else if let why = DirectoryCreation.create(url.path) {
            throw OutputError.invalidInput("cannot create output directory '\(shown)': \(TerminalText.sanitized(why, keepLayout: false)); choose a writable location")
        }
        // Probe: the directory must accept a new file and a rename, as the writers need.
        let probe = url.appendingPathComponent(probePrefix + "\(getpid())")
        do {
            try atomicWrite(Data("ok".utf8), to: probe)
            unlink(probe.path)
        } catch {
            unlink(probe.path)
            throw OutputError.invalidInput("output directory '\(shown)' is not writable (\(error)); choose a writable location")
        }
        return url
    }

    /// The process id a stray temporary name carries, nil when the name is not one of this
    /// project's temporaries.
    static func temporaryOwner(_ name: String) -> Int32? {
        if name.hasPrefix(probePrefix) { return Int32(name.dropFirst(probePrefix.count)) }
        return AtomicWrite.temporaryOwner(name)
    }

    /// Removes this project's temporary files (regular files only) whose process is gone or is
    /// this one: what a run killed between creating and renaming (or removing) them left.
    static func removeStrayTemporaries(in dir: String) {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [] {
            guard let pid = temporaryOwner(name), pid == getpid() || (kill(pid, 0) != 0 && errno == ESRCH) else { continue }
            let p = (dir as NSString).appendingPathComponent(name)
            var st = stat()
            if lstat(p, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG { unlink(p) }
        }
    }

    /// `--overwrite`: removes the previous run's files after checking that nothing else is there.
    static func removePreviousRun(in dir: String, entries: [String], shown: String) throws {
        var recorded = Set(auxiliaryFiles)
        if let m = RunManifest.read(in: dir) { recorded.formUnion(m.files.map(\.name)) }
        if let pending = RunManifest.readPending(in: dir) { recorded.formUnion(pending) }
        var foreign: [String] = []
        for name in entries {
            let p = (dir as NSString).appendingPathComponent(name)
            var st = stat()
            guard lstat(p, &st) == 0 else { continue }   // gone meanwhile
            let kind = st.st_mode & S_IFMT
            let shownName = TerminalText.sanitized(name, keepLayout: false)
            if !recorded.contains(name) && temporaryOwner(name) == nil {
                foreign.append("'\(shownName)'")
            } else if kind == S_IFDIR {
                foreign.append("'\(shownName)' (a directory)")
            } else if kind == S_IFLNK {
                foreign.append("'\(shownName)' (a symbolic link)")
            } else if kind != S_IFREG {
                foreign.append("'\(shownName)' (not a regular file)")
            }
        }
        guard foreign.isEmpty else {
            let list = foreign.prefix(5).joined(separator: ", ") + (foreign.count > 5 ? " and \(foreign.count - 5) more" : "")
            throw OutputError.invalidInput("--overwrite removes only the files a previous ablasim run recorded in '\(shown)' (its \(RunManifest.fileName)), but the directory also holds \(list); nothing was removed. Move those away or choose another --out")
        }
        // The manifest goes first: a folder half cleaned never looks complete.
        for name in [RunManifest.fileName] + entries.filter({ $0 != RunManifest.fileName }) {
            let p = (dir as NSString).appendingPathComponent(name)
            if unlink(p) != 0 && errno != ENOENT {
                throw OutputError.invalidInput("cannot remove '\(TerminalText.sanitized(name, keepLayout: false))' from '\(shown)' for --overwrite: \(String(cString: strerror(errno)))")
            }
        }
    }

    /// Writes `data` to `url` atomically: a temporary file in the same directory, flushed,
    /// then renamed over the target, so a crash never leaves a half-written file under the
    /// final name. The temporary file is removed when anything fails.
    public static func atomicWrite(_ data: Data, to url: URL) throws {
        do {
            try data.withUnsafeBytes { try AtomicWrite.write($0, to: url.path) }
        } catch let e as AtomicWriteError {
            throw OutputError.io(e.message)
        }
    }
}
