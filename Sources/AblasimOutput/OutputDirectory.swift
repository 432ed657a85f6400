import Foundation
import AblasimCore

/// The `--out` directory of a run: checked before the run starts, written atomically after.
public enum OutputDirectory {
    /// Every file name a run may write (and `report.png` from scripts/check-report);
    /// `--overwrite` removes exactly these, nothing else.
    public static let runFiles = ["summary.json", "thermocouples.csv", "generator.csv", "legend.json", "report.html", "report.png",
                                  "volumes.vti"] + RunOutput.volumeNames.map { $0 + ".nii.gz" }

    /// Makes sure `path` can take a run's results, before the run starts.
    ///
    /// Creates the directory (and its parents) when missing; refuses a path that is a file,
    /// a directory that cannot be written, and a non-empty directory unless `overwrite`
    /// (then the previous run's files are removed, so results are never mixed).
    /// - Returns: the directory URL (standardized).
    @discardableResult
    public static func prepare(path: String, overwrite: Bool) throws -> URL {
        guard !path.isEmpty else { throw OutputError.invalidInput("output directory path is empty; give --out DIR") }
        let url = URL(fileURLWithPath: path).standardizedFileURL
        let fm = FileManager.default
        var isDir: ObjCBool = false
        if fm.fileExists(atPath: url.path, isDirectory: &isDir) {
            guard isDir.boolValue else {
                throw OutputError.invalidInput("output path '\(path)' is a file, not a directory; give a new or empty directory to --out")
            }
            let entries = (try? fm.contentsOfDirectory(atPath: url.path)) ?? []
            if !entries.isEmpty {
                guard overwrite else {
                    throw OutputError.invalidInput("output directory '\(path)' is not empty (\(entries.count) entries, e.g. '\(entries.sorted()[0])'); choose a new directory or pass --overwrite to replace a previous run's results")
                }
                for name in runFiles where entries.contains(name) {
                    do { try fm.removeItem(at: url.appendingPathComponent(name)) } catch {
                        throw OutputError.invalidInput("cannot remove '\(name)' from '\(path)' for --overwrite: \(error.localizedDescription)")
                    }
                }
            }
        } else {
            do { try fm.createDirectory(at: url, withIntermediateDirectories: true) } catch {
                throw OutputError.invalidInput("cannot create output directory '\(path)': \(error.localizedDescription); choose a writable location")
            }
        }
        // Probe: the directory must accept a new file and a rename, as the writers need.
        let probe = url.appendingPathComponent(".ablasim-write-test-\(getpid())")
        do {
            try atomicWrite(Data("ok".utf8), to: probe)
            try fm.removeItem(at: probe)
        } catch {
            throw OutputError.invalidInput("output directory '\(path)' is not writable (\(error)); choose a writable location")
        }
        return url
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
