import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writes files so that a crash never leaves a half-written file under the final name:
/// the bytes go to a temporary file in the same directory, which is then renamed.
public enum AtomicFile {
    public static func write(_ bytes: [UInt8], to url: URL) throws {
        try write(Data(bytes), to: url)
    }

    public static func write(_ data: Data, to url: URL) throws {
        let directory = url.deletingLastPathComponent()
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())-\(UUID().uuidString.prefix(8))")
        do {
            try data.write(to: temporary)
        } catch {
            throw PhantomError("cannot write \(temporary.path): \(error.localizedDescription); check that the directory \(directory.path) exists and is writable",
                               isInputError: false)
        }
        if rename(temporary.path, url.path) != 0 {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw PhantomError("cannot rename \(temporary.path) to \(url.path): \(reason)", isInputError: false)
        }
    }
}
