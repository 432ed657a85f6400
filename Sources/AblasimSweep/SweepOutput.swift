import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The output folder of one sweep:
/// ```
/// DIR/sweep.json            which sweep (file, its SHA-256, identity) and the case table
/// DIR/sweep.sbatch          the Slurm job array script (`sweep submit`)
/// DIR/results.csv           one row per case (`sweep collect`)
/// DIR/logs/                 Slurm task logs
/// DIR/cases/0007/           one case: scenario.yaml, case.json, task.json, exit.json,
///                           run.log, and run/ (the `ablasim run --out` folder, run/summary.json)
/// ```
/// A folder belongs to exactly one sweep: opening it with a sweep of another identity fails.
public struct SweepOutput: Sendable {
    public static let schema = "ablasim.sweep/1"
    public let root: String
    public let manifest: SweepManifest

    /// Opens (creating when needed) the output folder for `sweep`; fails with an input
    /// error when the folder holds another sweep's cases.
    public static func open(_ dir: String, for sweep: Sweep) throws -> SweepOutput {
        let root = Sweep.resolve(dir, against: FileManager.default.currentDirectoryPath)
        let manifestPath = (root as NSString).appendingPathComponent("sweep.json")
        let mine = SweepManifest(sweep: sweep)
        if FileManager.default.fileExists(atPath: manifestPath) {
            let theirs = try SweepManifest.read(manifestPath)
            guard theirs.identity == mine.identity else {
                throw SweepError.invalidInput("'\(root)' holds the output of another sweep (\(theirs.sweepFile), \(theirs.count) cases) than '\(sweep.file)' (\(sweep.count) cases): the cases differ. Use a new --out folder for a changed sweep.")
            }
            return SweepOutput(root: root, manifest: theirs)
        }
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: root, isDirectory: &isDir) {
            guard isDir.boolValue else { throw SweepError.invalidInput("--out '\(root)' is a file, not a folder") }
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
            guard entries.filter({ !$0.hasPrefix(".") }).isEmpty else {
                throw SweepError.invalidInput("--out '\(root)' is not empty and has no sweep.json: it is not a sweep output folder; give a new or empty folder")
            }
        }
        try AtomicFile.makeDirectory((root as NSString).appendingPathComponent("cases"))
        try AtomicFile.writeJSON(mine.json, to: manifestPath)
        // Concurrent array tasks may all create the folder: re-read whichever manifest won.
        let written = try SweepManifest.read(manifestPath)
        guard written.identity == mine.identity else {
            throw SweepError.invalidInput("'\(root)' was just claimed by another sweep (\(written.sweepFile))")
        }
        return SweepOutput(root: root, manifest: written)
    }

    /// Opens an existing output folder (for `status` and `collect`, which need no sweep file).
    public static func existing(_ dir: String) throws -> SweepOutput {
        let root = Sweep.resolve(dir, against: FileManager.default.currentDirectoryPath)
        let manifestPath = (root as NSString).appendingPathComponent("sweep.json")
        guard FileManager.default.fileExists(atPath: manifestPath) else {
            throw SweepError.invalidInput("'\(root)' is not a sweep output folder: no sweep.json (create one with `ablasim sweep run|submit|task`)")
        }
        return SweepOutput(root: root, manifest: try SweepManifest.read(manifestPath))
    }

    public func caseFolder(_ index: Int) -> CaseFolder {
        CaseFolder(path: (root as NSString).appendingPathComponent("cases/" + SweepCase.folderName(index)), index: index)
    }

    /// Refuses `path` inside the sweep folder when it is a symbolic link (the sweep writes
    /// only inside its own folder); a missing path is fine.
    public func checkNotALink(_ path: String) throws {
        var st = stat()
        if lstat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFLNK {
            throw SweepError.invalidInput("'\(path)' is a symbolic link; a sweep writes only inside its own folder and follows no links. Remove the link")
        }
    }

    public var resultsPath: String { (root as NSString).appendingPathComponent("results.csv") }
    public var sbatchPath: String { (root as NSString).appendingPathComponent("sweep.sbatch") }
    public var logsPath: String { (root as NSString).appendingPathComponent("logs") }

    /// Status of every case, in index order.
    public func statuses() -> [CaseStatus] {
        (0..<manifest.count).map { caseFolder($0).status() }
    }
}

/// `DIR/sweep.json`: enough to report status and collect results without the sweep file.
public struct SweepManifest: Sendable {
    public var name: String
    public var sweepFile: String
    public var sweepFileSHA256: String
    public var identity: String
    public var count: Int
    public var parameterNames: [String]
    /// Per case, the axis values in `parameterNames` order.
    public var caseValues: [[String]]
    public var casePhantoms: [String]

    public init(sweep: Sweep) {
        name = sweep.name; sweepFile = sweep.file; sweepFileSHA256 = sweep.fileSHA256
        identity = sweep.identity; count = sweep.count; parameterNames = sweep.parameterNames
        let cases = sweep.cases
        caseValues = cases.map { c in sweep.parameterNames.map { c.value(of: $0) ?? "" } }
        casePhantoms = cases.map(\.phantom)
    }

    var json: [String: Any] {
        [
            "schema": SweepOutput.schema, "name": name, "sweep_file": sweepFile,
            "sweep_file_sha256": sweepFileSHA256, "identity": identity, "count": count,
            "parameters": parameterNames,
            "cases": (0..<count).map { ["index": $0, "values": caseValues[$0], "phantom": casePhantoms[$0]] as [String: Any] },
        ]
    }

    static func read(_ path: String) throws -> SweepManifest {
        guard let o = AtomicFile.readJSONObject(path), (o["schema"] as? String) == SweepOutput.schema,
              let name = o["name"] as? String, let file = o["sweep_file"] as? String,
              let sha = o["sweep_file_sha256"] as? String, let identity = o["identity"] as? String,
              let count = o["count"] as? Int, let names = o["parameters"] as? [String],
              let cases = o["cases"] as? [[String: Any]], cases.count == count else {
            throw SweepError.invalidInput("'\(path)' is not a valid \(SweepOutput.schema) manifest")
        }
        var m = SweepManifest(name: name, sweepFile: file, sweepFileSHA256: sha, identity: identity, count: count,
                              parameterNames: names, caseValues: [], casePhantoms: [])
        for c in cases {
            m.caseValues.append(c["values"] as? [String] ?? [])
            m.casePhantoms.append(c["phantom"] as? String ?? "")
        }
        return m
    }

    private init(name: String, sweepFile: String, sweepFileSHA256: String, identity: String, count: Int,
                 parameterNames: [String], caseValues: [[String]], casePhantoms: [String]) {
        self.name = name; self.sweepFile = sweepFile; self.sweepFileSHA256 = sweepFileSHA256
        self.identity = identity; self.count = count; self.parameterNames = parameterNames
        self.caseValues = caseValues; self.casePhantoms = casePhantoms
    }
}
