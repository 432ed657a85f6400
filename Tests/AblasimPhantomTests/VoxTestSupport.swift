@testable import AblasimPhantom
import Foundation
import XCTest

/// Helpers shared by the phantom tests.
enum VoxTestSupport {
    /// A coarse generated phantom, cached (generation is deterministic).
    static let coarseL1: Phantom = {
        var o = VertebraPhantomOptions()
        o.voxelMm = 2
        return try! VertebraPhantomGenerator.generate(o)
    }()

    /// Splits .vox bytes into header lines (without header_crc32 / end) and payload.
    static func split(_ bytes: [UInt8]) -> (lines: [String], payload: [UInt8]) {
        let marker = Array("\nend\n".utf8)
        var end = 0
        for i in 0...(bytes.count - marker.count) where Array(bytes[i..<(i + marker.count)]) == marker { end = i + marker.count; break }
        let text = String(decoding: bytes[0..<end], as: UTF8.self)
        var lines = text.split(separator: "\n").map(String.init)
        lines.removeLast(2)
        return (lines, Array(bytes[end...]))
    }

    /// Reassembles a .vox file with a correct header CRC (so the reader gets past the
    /// checksum and has to catch the semantic fault itself).
    static func join(_ lines: [String], _ payload: [UInt8]) -> [UInt8] {
        let header = Array((lines.joined(separator: "\n") + "\n").utf8)
        return header + Array("header_crc32 \(Phantom.hex(Gzip.crc32(header)))\nend\n".utf8) + payload
    }

    /// Replaces the header line starting with `key ` by `replacement` (nil removes it).
    static func editing(_ bytes: [UInt8], key: String, to replacement: String?) -> [UInt8] {
        var (lines, payload) = split(bytes)
        if let i = lines.firstIndex(where: { $0.hasPrefix(key + " ") }) {
            if let replacement { lines[i] = replacement } else { lines.remove(at: i) }
        } else if let replacement {
            lines.insert(replacement, at: lines.count - 2)
        }
        return join(lines, payload)
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ablasim-phantom-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// Asserts that `body` throws a PhantomError flagged as an input error whose message
/// contains `fragment`, and returns the message.
@discardableResult
func assertPhantomInputError(_ fragment: String, file: StaticString = #filePath, line: UInt = #line,
                             _ body: () throws -> Void) -> String? {
    do {
        try body()
        XCTFail("expected a PhantomError containing '\(fragment)', nothing was thrown", file: file, line: line)
    } catch let e as PhantomError {
        XCTAssertTrue(e.isInputError, "error should be an input error: \(e.message)", file: file, line: line)
        XCTAssertFalse(e.message.isEmpty)
        XCTAssertTrue(fragment.isEmpty || e.message.lowercased().contains(fragment.lowercased()), "message '\(e.message)' lacks '\(fragment)'", file: file, line: line)
        return e.message
    } catch {
        XCTFail("expected a PhantomError, got \(type(of: error)): \(error)", file: file, line: line)
    }
    return nil
}
