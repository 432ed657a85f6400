import XCTest
import Foundation
import AblasimCore
@testable import AblasimOutput

/// The manifest marks a run folder complete; `--overwrite` removes only what a run recorded.
final class RunManifestTests: XCTestCase {
    func testWriteSealsEveryFileAndVerifies() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try makeRunOutput().write(to: dir, vti: false)
        let m = try RunManifest.verify(in: dir.path).get()
        XCTAssertEqual(m.files.map(\.name), RunOutput.fileNames(vti: false))
        XCTAssertFalse(m.files.contains { $0.name == "volumes.vti" })
        let summary = try Data(contentsOf: dir.appendingPathComponent("summary.json"))
        XCTAssertEqual(m.files.first { $0.name == "summary.json" }?.sha256, SHA256.hex([UInt8](summary)))
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent(RunManifest.pendingFileName).path))

        // One byte changed in a volume: no longer complete, and the message says which file.
        let zones = dir.appendingPathComponent("zones.nii.gz")
        var bytes = [UInt8](try Data(contentsOf: zones))
        bytes[bytes.count / 2] ^= 1
        try Data(bytes).write(to: zones)
        guard case .failure(let p) = RunManifest.verify(in: dir.path) else { return XCTFail("a changed file verified") }
        XCTAssertTrue(p.description.contains("zones.nii.gz"), p.description)

        // Regenerating the report keeps a complete folder complete.
        try makeRunOutput().write(to: dir, vti: false)
        try ReportRegeneration.regenerate(in: dir.path)
        XCTAssertNoThrow(try RunManifest.verify(in: dir.path).get())
    }

    /// --overwrite removes the files the manifest lists (and a run's own leftovers), never a
    /// foreign file, directory or link; with anything foreign it removes nothing.
    func testOverwriteRemovesOnlyRecordedRegularFiles() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try makeRunOutput().write(to: dir, vti: false)
        try Data("x".utf8).write(to: dir.appendingPathComponent(".report.html.tmp-\(getppid())-12"))   // a live process's temporary: removed with --overwrite
        XCTAssertNoThrow(try OutputDirectory.prepare(path: dir.path, overwrite: true))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), [])

        // Foreign directories named like results, and a link: refused, nothing removed.
        try makeRunOutput().write(to: dir, vti: false)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("volumes.vti/inner"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("report.png"), withIntermediateDirectories: true)
        XCTAssertThrowsError(try OutputDirectory.prepare(path: dir.path, overwrite: true)) { e in
            XCTAssertTrue((e as? OutputError)?.isInputError ?? false)
            XCTAssertTrue("\(e)".contains("'report.png' (a directory)") && "\(e)".contains("'volumes.vti'"), "\(e)")
        }
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent("volumes.vti/inner").path))
        XCTAssertNoThrow(try RunManifest.verify(in: dir.path).get(), "nothing was removed")
        try FileManager.default.removeItem(at: dir.appendingPathComponent("volumes.vti"))
        try FileManager.default.removeItem(at: dir.appendingPathComponent("report.png"))
        let target = try makeTemporaryDirectory("target")
        defer { try? FileManager.default.removeItem(at: target) }
        try Data("keep".utf8).write(to: target.appendingPathComponent("precious"))
        try FileManager.default.removeItem(at: dir.appendingPathComponent("summary.json"))
        try FileManager.default.createSymbolicLink(at: dir.appendingPathComponent("summary.json"), withDestinationURL: target.appendingPathComponent("precious"))
        XCTAssertThrowsError(try OutputDirectory.prepare(path: dir.path, overwrite: true)) { e in
            XCTAssertTrue("\(e)".contains("'summary.json' (a symbolic link)"), "\(e)")
        }
        XCTAssertEqual(try String(contentsOf: target.appendingPathComponent("precious"), encoding: .utf8), "keep")
    }

    /// A run that died while writing left its pending list: --overwrite knows its files.
    /// Stray temporaries of dead processes never block even a plain rerun.
    func testLeftoversOfAKilledRunDoNotBlockARerun() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try RunManifest.writePending(RunOutput.fileNames(vti: false), in: dir)
        try Data("{}".utf8).write(to: dir.appendingPathComponent("summary.json"))
        try Data("a,b".utf8).write(to: dir.appendingPathComponent("thermocouples.csv"))
        XCTAssertThrowsError(try OutputDirectory.prepare(path: dir.path, overwrite: false))
        XCTAssertNoThrow(try OutputDirectory.prepare(path: dir.path, overwrite: true))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), [])

        // A process id no process has right now.
        var dead: Int32 = 999_999
        while kill(dead, 0) == 0 || errno != ESRCH { dead += 1 }
        try Data("ok".utf8).write(to: dir.appendingPathComponent(".ablasim-write-test-\(dead)"))
        try Data("x".utf8).write(to: dir.appendingPathComponent(".summary.json.tmp-\(dead)-77"))
        XCTAssertNoThrow(try OutputDirectory.prepare(path: dir.path, overwrite: false))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), [])
    }

    /// A path under a regular file names the file in the way.
    func testPathUnderAFileSaysWhichComponentIsAFile() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data("x".utf8).write(to: dir.appendingPathComponent("plain"))
        XCTAssertThrowsError(try OutputDirectory.prepare(path: dir.appendingPathComponent("plain/a/b").path, overwrite: false)) { e in
            XCTAssertTrue("\(e)".contains("plain' is a file, not a directory"), "\(e)")
            XCTAssertFalse("\(e)".contains("NSCocoaErrorDomain"), "\(e)")
        }
    }

    func testTemporaryNamesAreRecognised() {
        XCTAssertEqual(AtomicWrite.temporaryOwner(".summary.json.tmp-123-456"), 123)
        XCTAssertNil(AtomicWrite.temporaryOwner("summary.json"))
        XCTAssertNil(AtomicWrite.temporaryOwner(".x.tmp-abc-1"))
        XCTAssertEqual(OutputDirectory.temporaryOwner(".ablasim-write-test-42"), 42)
    }
}
