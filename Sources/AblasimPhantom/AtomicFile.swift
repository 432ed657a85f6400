import Foundation
import AblasimCore

/// Phantom files written through the project's one atomic writer (`AtomicWrite`).
public enum AtomicFile {
    public static func write(_ bytes: [UInt8], to url: URL) throws {
        try write(Data(bytes), to: url)
    }

    public static func write(_ data: Data, to url: URL) throws {
        do {
            try data.withUnsafeBytes { try AtomicWrite.write($0, to: url.path) }
        } catch let e as AtomicWriteError {
            throw PhantomError(e.message, isInputError: false)
        }
    }
}
