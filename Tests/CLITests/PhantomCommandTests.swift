import Foundation
import XCTest

/// `ablasim phantom ...` run as a user would: the built binary, exit codes and outputs.
final class PhantomCommandTests: XCTestCase {
    static func binary() throws -> URL {
        let candidates = [Bundle(for: PhantomCommandTests.self).bundleURL.deletingLastPathComponent().appendingPathComponent("ablasim"),
                          URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                              .deletingLastPathComponent().appendingPathComponent(".build/debug/ablasim")]
        guard let url = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw XCTSkip("the ablasim binary is not built (looked at \(candidates.map(\.path))); run `swift build` first")
        }
        return url
    }

    @discardableResult
    func run(_ arguments: [String], expect code: Int32, file: StaticString = #filePath, line: UInt = #line) throws -> (out: String, err: String) {
        let process = Process()
        process.executableURL = try Self.binary()
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let result = (String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
        XCTAssertEqual(process.terminationStatus, code, "ablasim \(arguments.joined(separator: " ")): \(result.1)", file: file, line: line)
        return result
    }

    func testGenerateInfoRenderExportAndErrors() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ablasim-cli-phantom-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let vox = dir.appendingPathComponent("T11.vox").path
        try run(["phantom", "generate", "--level", "T11", "--tumor", "blastic", "--voxel", "2", "-o", vox], expect: 0)
        let info = try run(["phantom", "info", vox], expect: 0).out
        XCTAssertTrue(info.contains("phantom T11-blastic"), info)
        XCTAssertTrue(info.contains("tumor_blastic") && info.contains("spinal_cord") && info.contains("root_left"), info)
        let png = dir.appendingPathComponent("s.png").path
        try run(["phantom", "render", vox, "-o", png], expect: 0)
        let pngBytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: png)))
        XCTAssertEqual(Array(pngBytes.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        let nii = dir.appendingPathComponent("labels.nii.gz").path
        try run(["phantom", "export", vox, "-o", nii], expect: 0)
        XCTAssertTrue(FileManager.default.fileExists(atPath: nii))
        let labelText = try String(contentsOfFile: dir.appendingPathComponent("labels.labels.txt").path, encoding: .utf8)
        XCTAssertTrue(labelText.contains("\"cortical_bone\""))

        // Bad input: exit 2 with a message that says what is valid.
        let badLevel = try run(["phantom", "generate", "--level", "C5", "-o", dir.appendingPathComponent("x.vox").path], expect: 2).err
        XCTAssertTrue(badLevel.contains("valid levels"), badLevel)
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: vox)))
        bytes[bytes.count - 10] ^= 0x40
        let corrupt = dir.appendingPathComponent("corrupt.vox")
        try Data(bytes).write(to: corrupt)
        let corruptErr = try run(["phantom", "info", corrupt.path], expect: 2).err
        XCTAssertTrue(corruptErr.contains("corrupt"), corruptErr)
        try run(["phantom", "import", dir.appendingPathComponent("missing.nii.gz").path, "-o", dir.appendingPathComponent("y.vox").path], expect: 2)
        try run(["phantom", "export", vox, "-o", dir.appendingPathComponent("labels.txt").path], expect: 2)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("x.vox").path), "no output after a failure")
    }

    /// `phantom import` refuses a phantom that fails the anatomy audit (exit 2, the rule and
    /// where), writes it with --force (warnings stored, shown by `info`), and says so when
    /// a CT is passed as the segmentation. Uses ../shared/data/segmentations when present.
    func testImportAuditForceAndCTDetection() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("shared/data/segmentations")
        let lumbar = folder.appendingPathComponent("totalseg-lumbar-seg.nii.gz").path
        guard FileManager.default.fileExists(atPath: lumbar) else { throw XCTSkip("\(folder.path) is absent") }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ablasim-cli-import-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let vox = dir.appendingPathComponent("L2.vox").path
        // L2 at 4 mm: the grid cannot resolve the 3.6 mm root in its foramen, and the root
        // site lands in the dura.
        let refused = try run(["phantom", "import", lumbar, "--level", "L2", "--voxel", "4", "-o", vox], expect: 2).err
        XCTAssertTrue(refused.contains("fails the anatomy audit") && refused.contains("landmark-tissue") && refused.contains("--force"), refused)
        XCTAssertFalse(FileManager.default.fileExists(atPath: vox), "nothing written")
        let forced = try run(["phantom", "import", lumbar, "--level", "L2", "--voxel", "4", "-o", vox, "--force"], expect: 0).err
        XCTAssertTrue(forced.contains("warning: the anatomy audit failed"), forced)
        let info = try run(["phantom", "info", vox], expect: 0).out
        XCTAssertTrue(info.contains("anatomy audit: FAILED") && info.contains("written despite a failed audit (--force)"), info)
        // T12 reaches the top slice of the lumbar file: refused with the level, the edge and
        // the complete levels; with --force written, the contact stored as a warning.
        let t12 = dir.appendingPathComponent("T12.vox").path
        let cut = try run(["phantom", "import", lumbar, "--level", "T12", "--voxel", "3", "-o", t12], expect: 2).err
        XCTAssertTrue(cut.contains("T12 (label 32) is cut by the image edge") && cut.contains("superior edge (voxel index k = 111")
                      && cut.contains("complete levels in this image: L5, L4, L3, L2, L1"), cut)
        XCTAssertFalse(FileManager.default.fileExists(atPath: t12), "nothing written")
        let cutForced = try run(["phantom", "import", lumbar, "--level", "T12", "--voxel", "3", "-o", t12, "--force"], expect: 0).err
        XCTAssertTrue(cutForced.contains("warning: level-cut-by-edge"), cutForced)
        XCTAssertTrue(try run(["phantom", "info", t12], expect: 0).out.contains("level-cut-by-edge: T12"))
        // Several levels, one file each; every option checked before anything is written.
        let pattern = dir.appendingPathComponent("lvl-{level}.vox").path
        let several = try run(["phantom", "import", lumbar, "--levels", "L5-L4", "--voxel", "3", "-o", pattern], expect: 0).out
        XCTAssertTrue(several.contains("lvl-L4.vox") && several.contains("lvl-L5.vox"), several)
        XCTAssertTrue(try run(["phantom", "info", pattern.replacingOccurrences(of: "{level}", with: "L5")], expect: 0).out.contains("phantom L5-real"))
        let noPattern = try run(["phantom", "import", lumbar, "--levels", "L4,L5", "-o", dir.appendingPathComponent("one.vox").path], expect: 2).err
        XCTAssertTrue(noPattern.contains("must contain {level}"), noPattern)
        let badSpec = try run(["phantom", "import", lumbar, "--levels", "L4-S1", "-o", pattern], expect: 2).err
        XCTAssertTrue(badSpec.contains("--levels 'L4-S1' is invalid at 'L4-S1'"), badSpec)
        let both = try run(["phantom", "import", lumbar, "--level", "L1", "--levels", "L4", "-o", pattern], expect: 2).err
        XCTAssertTrue(both.contains("either --level or --levels"), both)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("one.vox").path))
        let ct = try run(["phantom", "import", folder.appendingPathComponent("totalseg-example-ct.nii.gz").path, "-o", vox + "2"], expect: 2).err
        XCTAssertTrue(ct.contains("this looks like a CT"), ct)
    }
}
