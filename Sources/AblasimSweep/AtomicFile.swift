import Foundation
import AblasimCore
#if canImport(Glibc)
import Glibc
#endif

/// Sweep bookkeeping files, written through the project's one atomic writer
/// (`AtomicWrite`: temporary, flush, rename), plus the JSON and folder helpers a sweep needs.
public enum AtomicFile {
    public static func write(_ data: Data, to path: String) throws {
        try data.withUnsafeBytes { try AtomicWrite.write($0, to: path) }
    }

    public static func write(_ text: String, to path: String) throws {
        try write(Data(text.utf8), to: path)
    }

    /// JSON with sorted keys, pretty-printed, newline-terminated.
    public static func writeJSON(_ object: Any, to path: String) throws {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        try write(data + Data("\n".utf8), to: path)
    }

    /// Creates a folder and its parents; a clear error when that is impossible.
    public static func makeDirectory(_ path: String) throws {
        if let why = DirectoryCreation.create(path) {
            throw SweepError.invalidInput("cannot create folder '\(path)': \(why)")
        }
    }

    /// The file parsed as a JSON object, nil when absent, unreadable or not a JSON object.
    public static func readJSONObject(_ path: String) -> [String: Any]? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
    }
}
