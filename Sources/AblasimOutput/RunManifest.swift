import Foundation
import AblasimCore
#if canImport(Glibc)
import Glibc
#endif

/// `manifest.json`: the mark that a run's output folder is complete. It lists every file the
/// run wrote with its size and SHA-256 and is written last, atomically (temporary name, then
/// rename), so a folder is complete exactly when the manifest exists and every file it lists
/// is a regular file of that size and checksum. A run killed or out of disk while writing
/// leaves no manifest; sweeps (`status`, `collect`, the case runner) and `--overwrite` trust
/// only the manifest.
///
/// Before the first result file, the run writes `.ablasim-writing.json` (the names it is
/// about to write) and removes it after the manifest: `--overwrite` after a run that died
/// half-way knows from it which files were the run's own.
public struct RunManifest: Equatable, Sendable {
    public static let fileName = "manifest.json"
    public static let schema = "ablasim.manifest/1"
    /// The names a run is writing right now (hidden; removed once the manifest is written).
    public static let pendingFileName = ".ablasim-writing.json"

    public struct Entry: Equatable, Sendable {
        public var name: String
        public var bytes: Int
        public var sha256: String
        public init(name: String, bytes: Int, sha256: String) { self.name = name; self.bytes = bytes; self.sha256 = sha256 }
    }

    public var files: [Entry]
    public init(files: [Entry]) { self.files = files }

    /// The manifest of the given files in `dir`, each measured and hashed as it is on disk.
    public static func measure(_ names: [String], in dir: URL) throws -> RunManifest {
        var entries: [Entry] = []
        for name in names {
            let path = dir.appendingPathComponent(name).path
            switch RegularFile.digest(path) {
            case .success(let d):
                entries.append(Entry(name: name, bytes: d.bytes, sha256: d.sha256))
            case .failure(let why):
                throw OutputError.io("cannot checksum '\(path)' for \(fileName): \(why)")
            }
        }
        return RunManifest(files: entries)
    }

    public func encoded() -> Data {
        let list: [[String: Any]] = files.map { ["name": $0.name, "bytes": $0.bytes, "sha256": $0.sha256] }
        let object: [String: Any] = ["schema": RunManifest.schema, "files": list]
        // JSONSerialization of strings, ints and arrays of them cannot fail.
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return data + Data("\n".utf8)
    }

    /// Parses a manifest; nil with the reason when it is not one.
    public static func decode(_ data: Data) -> Result<RunManifest, RunManifestProblem> {
        guard let o = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            return .failure(.init("\(fileName) is not a JSON object"))
        }
        guard (o["schema"] as? String) == schema else {
            return .failure(.init("\(fileName) has schema \(String(describing: o["schema"] ?? "none")), expected \(schema)"))
        }
        guard let list = o["files"] as? [[String: Any]], !list.isEmpty else { return .failure(.init("\(fileName) lists no files")) }
        var entries: [Entry] = []
        for item in list {
            guard let name = item["name"] as? String, let bytes = item["bytes"] as? Int, let sha = item["sha256"] as? String,
                  isPlainName(name), bytes >= 0, sha.count == 64 else {
                return .failure(.init("\(fileName) has a malformed entry \(TerminalText.sanitized(String(describing: item)))"))
            }
            entries.append(Entry(name: name, bytes: bytes, sha256: sha))
        }
        return .success(RunManifest(files: entries))
    }

    /// A file name inside the folder: no path separator, not `.` or `..`, no NUL.
    static func isPlainName(_ name: String) -> Bool {
        !name.isEmpty && name != "." && name != ".." && !name.contains("/") && !name.contains("\0")
    }

    /// Reads the manifest of `dir` without checking the files; nil when there is none or it
    /// is not a manifest.
    public static func read(in dir: String) -> RunManifest? {
        let path = (dir as NSString).appendingPathComponent(fileName)
        guard case .success(let bytes) = RegularFile.read(path) else { return nil }
        return try? decode(Data(bytes)).get()
    }

    /// Records, before the first result file, the names a run is about to write.
    public static func writePending(_ names: [String], in dir: URL) throws {
        let data = (try? JSONSerialization.data(withJSONObject: ["schema": schema, "writing": names], options: [.sortedKeys])) ?? Data()
        try OutputDirectory.atomicWrite(data, to: dir.appendingPathComponent(pendingFileName))
    }

    /// The names of a run that was writing its results when it stopped, nil when none.
    public static func readPending(in dir: String) -> [String]? {
        guard case .success(let bytes) = RegularFile.read((dir as NSString).appendingPathComponent(pendingFileName)),
              let o = (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any],
              (o["schema"] as? String) == schema, let names = o["writing"] as? [String] else { return nil }
        return names.filter(isPlainName)
    }

    /// Checks `dir` against its manifest: every listed file a regular file (not a link) of the
    /// listed size and SHA-256. `.success` means the run's results are complete.
    public static func verify(in dir: String) -> Result<RunManifest, RunManifestProblem> {
        let path = (dir as NSString).appendingPathComponent(fileName)
        let bytes: [UInt8]
        switch RegularFile.read(path) {
        case .success(let b): bytes = b
        case .failure(let why): return .failure(.init("no complete \(fileName): \(why)"))
        }
        let manifest: RunManifest
        switch decode(Data(bytes)) {
        case .success(let m): manifest = m
        case .failure(let p): return .failure(p)
        }
        for e in manifest.files {
            let p = (dir as NSString).appendingPathComponent(e.name)
            switch RegularFile.digest(p) {
            case .failure(let why):
                return .failure(.init("\(TerminalText.sanitized(e.name)) listed in \(fileName): \(why)"))
            case .success(let d):
                guard d.bytes == e.bytes else {
                    return .failure(.init("\(TerminalText.sanitized(e.name)) has \(d.bytes) bytes, \(fileName) lists \(e.bytes)"))
                }
                guard d.sha256 == e.sha256 else {
                    return .failure(.init("\(TerminalText.sanitized(e.name)) does not match its SHA-256 in \(fileName)"))
                }
            }
        }
        return .success(manifest)
    }
}

/// Why a folder is not a complete run.
public struct RunManifestProblem: Error, Equatable, CustomStringConvertible {
    public let description: String
    init(_ d: String) { description = d }
}

/// Reads a file only when it is a regular file, never through a symbolic link (O_NOFOLLOW),
/// so a planted link cannot make a foreign file count as a result.
enum RegularFile {
    /// Opens `path` for reading: the descriptor and the size, or why not.
    static func open(_ path: String) -> Result<(Int32, Int), RunManifestProblem> {
        let fd = Glibc.open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else {
            let e = errno
            return .failure(.init(e == ELOOP ? "'\(path)' is a symbolic link, not a file the run wrote" : "cannot open '\(path)': \(String(cString: strerror(e)))"))
        }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            return .failure(.init("'\(path)' is not a regular file"))
        }
        return .success((fd, Int(st.st_size)))
    }

    /// The whole file, refused when larger than `limit` bytes.
    static func read(_ path: String, limit: Int = 1 << 24) -> Result<[UInt8], RunManifestProblem> {
        let fd: Int32, size: Int
        switch open(path) {
        case .success(let r): (fd, size) = r
        case .failure(let p): return .failure(p)
        }
        defer { close(fd) }
        guard size <= limit else { return .failure(.init("'\(path)' has \(size) bytes, more than the \(limit) expected")) }
        var bytes = [UInt8](repeating: 0, count: size)
        var offset = 0
        while offset < size {
            let n = bytes.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + offset, size - offset) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return .failure(.init("'\(path)' ended after \(offset) of \(size) bytes")) }
            offset += n
        }
        return .success(bytes)
    }

    /// Size and SHA-256 of the file, read in 1 MiB pieces (no copy of a large file).
    static func digest(_ path: String) -> Result<(bytes: Int, sha256: String), RunManifestProblem> {
        let fd: Int32
        switch open(path) {
        case .success(let r): fd = r.0
        case .failure(let p): return .failure(p)
        }
        defer { close(fd) }
        var hasher = SHA256()
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var total = 0
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress!, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n < 0 { return .failure(.init("reading '\(path)' failed: \(String(cString: strerror(errno)))")) }
            if n == 0 { break }
            buffer.withUnsafeBytes { hasher.update(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
            total += n
        }
        return .success((total, hasher.finalize()))
    }
}
