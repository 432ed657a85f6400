import XCTest
import Foundation
import AblasimCore

final class AtomicWriteTests: XCTestCase {
    func testWritesReplacesAndLeavesNoTemporary() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("atomic-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("a.bin").path
        try AtomicWrite.write([1, 2, 3], to: path)
        try AtomicWrite.write([9, 8], to: path)
        XCTAssertEqual([UInt8](try Data(contentsOf: URL(fileURLWithPath: path))), [9, 8])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["a.bin"])
    }

    func testMissingDirectoryIsARuntimeErrorNamingThePath() {
        XCTAssertThrowsError(try AtomicWrite.write([1], to: "/nonexistent-ablasim-dir/x.bin")) { e in
            let err = e as? AtomicWriteError
            XCTAssertEqual(err?.isInputError, false)
            XCTAssertTrue(err?.message.contains("/nonexistent-ablasim-dir") == true, "\(e)")
        }
    }
}
