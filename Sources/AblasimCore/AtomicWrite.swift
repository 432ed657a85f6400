#if canImport(Glibc)
import Glibc
#endif

/// The one way the project writes a result file: the bytes go to a new temporary file in
/// the same directory, are flushed to disk, and the temporary is renamed over the target
/// (rename(2) is atomic within a file system), so a crash never leaves a half-written file
/// under the final name. Phantoms, run outputs and sweep bookkeeping all call this.
public enum AtomicWrite {
    /// Writes `bytes` to `path`. Throws `AtomicWriteError` saying which step failed and why.
    public static func write(_ bytes: UnsafeRawBufferPointer, to path: String) throws {
        let slash = path.lastIndex(of: "/")
        let dir = slash.map { String(path[..<$0]) } ?? "."
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        let tmp = (dir.isEmpty ? "" : dir + "/") + temporaryName(for: name, pid: getpid())
        let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard fd >= 0 else {
            let why = String(cString: strerror(errno))
            if let where_ = DirectoryCreation.diagnose(dir.isEmpty ? "/" : dir) {
                throw AtomicWriteError.runtime("cannot write '\(path)': \(where_)")
            }
            throw AtomicWriteError.runtime("cannot create '\(tmp)': \(why); check that '\(dir)' is writable")
        }
        var offset = 0
        while offset < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n <= 0 { break }
            offset += n
        }
        let complete = offset == bytes.count && fsync(fd) == 0
        let reason = String(cString: strerror(errno))
        close(fd)
        guard complete else {
            unlink(tmp)
            throw AtomicWriteError.runtime("writing '\(path)' failed: \(reason)")
        }
        guard rename(tmp, path) == 0 else {
            let why = String(cString: strerror(errno))
            unlink(tmp)
            throw AtomicWriteError.runtime("cannot rename '\(tmp)' to '\(path)': \(why)")
        }
    }

    /// The temporary name of a write to `name` by process `pid`: hidden, in the target's directory.
    static func temporaryName(for name: String, pid: Int32) -> String {
        ".\(name).tmp-\(pid)-\(UInt32.random(in: 0...UInt32.max))"
    }

    /// The process id in a temporary name `temporaryName` made, nil for any other name: a run
    /// killed between creating and renaming leaves such a file, and the output folder's
    /// preparation removes it once that process is gone.
    public static func temporaryOwner(_ name: String) -> Int32? {
        guard name.hasPrefix("."), let last = name.split(separator: ".").last, last.hasPrefix("tmp-") else { return nil }
        let parts = last.dropFirst(4).split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, let pid = Int32(parts[0]), pid > 0, UInt32(parts[1]) != nil else { return nil }
        return pid
    }

    public static func write(_ bytes: [UInt8], to path: String) throws {
        try bytes.withUnsafeBytes { try write($0, to: path) }
    }
}
