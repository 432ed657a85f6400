import Foundation
import XCTest
@testable import AblasimSweep

/// When a case counts as done (only a run folder that verifies against its manifest) and
/// that a task never follows a link out of the sweep folder.
final class CaseCompletionTests: XCTestCase {
    private func fourCaseSweep(_ dir: String) throws -> Sweep {
        try writeSweep("name: four\nphantom: tiny.vox\naxes:\n  - grid:\n      rf.power_w: [10, 20]\n      thermoprotection.epidural: [none, co2]\n", in: dir)
    }

    /// Done means a manifest that verifies: a summary alone (a run killed while writing), a
    /// listed file missing, changed or replaced by a link does not count.
    func testOnlyAVerifiedManifestMakesACaseDone() throws {
        let dir = try makeTemporaryFolder()
        let sweep = try fourCaseSweep(dir)
        let output = try SweepOutput.open((dir as NSString).appendingPathComponent("out"), for: sweep)
        let c = try CaseRunner.materialize(sweep.cases[0], of: sweep, in: output)
        try AtomicFile.makeDirectory(c.runPath)
        try AtomicFile.writeJSON(fabricatedSummary(ablationML: 1, coverage: 1, cordPeakC: 40), to: c.summaryPath)
        try AtomicFile.write("time_s\n", to: c.file("run/thermocouples.csv"))
        XCTAssertEqual(c.status(), .missing, "a summary without manifest is not done")
        try sealRunFolder(c.runPath, files: ["summary.json", "thermocouples.csv"])
        XCTAssertEqual(c.status(), .done)
        XCTAssertNotNil(ResultsTable(output: output).rows.first { $0[0] == "0" && $0[1] == "done" })

        try AtomicFile.write("time_s,x\n", to: c.file("run/thermocouples.csv"))
        XCTAssertEqual(c.status(), .missing, "a file changed after the manifest")
        try FileManager.default.removeItem(atPath: c.file("run/thermocouples.csv"))
        XCTAssertEqual(c.status(), .missing, "a listed file is gone")
        try AtomicFile.write("time_s\n", to: (dir as NSString).appendingPathComponent("elsewhere.csv"))
        try FileManager.default.createSymbolicLink(atPath: c.file("run/thermocouples.csv"), withDestinationPath: (dir as NSString).appendingPathComponent("elsewhere.csv"))
        XCTAssertEqual(c.status(), .missing, "a listed file replaced by a link")
        try AtomicFile.writeJSON(["code": 0], to: c.file("exit.json"))
        guard case .failed(let why) = c.status() else { return XCTFail("exit 0 without a complete run is failed") }
        XCTAssertTrue(why.contains("symbolic link"), why)
    }

    /// A case folder (or cases/, or run/ in it) that is a symbolic link is refused: a task
    /// never writes outside the sweep folder.
    func testSymlinkedCaseFolderIsRefused() throws {
        let dir = try makeTemporaryFolder()
        let sweep = try fourCaseSweep(dir)
        let output = try SweepOutput.open((dir as NSString).appendingPathComponent("out"), for: sweep)
        let outside = (dir as NSString).appendingPathComponent("outside")
        try AtomicFile.makeDirectory(outside)
        try FileManager.default.createSymbolicLink(atPath: output.caseFolder(1).path, withDestinationPath: outside)
        let runner = CaseRunner(executable: "/bin/false")
        XCTAssertTrue(inputError { _ = try runner.run(1, of: sweep, in: output) }.contains("is a symbolic link"))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: outside), [], "nothing written through the link")

        // A complete run elsewhere, linked in as run/: not done, and refused.
        try AtomicFile.writeJSON(fabricatedSummary(ablationML: 1, coverage: 1, cordPeakC: 40), to: (outside as NSString).appendingPathComponent("summary.json"))
        try sealRunFolder(outside)
        let c2 = try CaseRunner.materialize(sweep.cases[2], of: sweep, in: output)
        try FileManager.default.createSymbolicLink(atPath: c2.runPath, withDestinationPath: outside)
        XCTAssertEqual(c2.status(), .missing)
        XCTAssertTrue(inputError { _ = try runner.run(2, of: sweep, in: output) }.contains("run' is a symbolic link"))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: outside).sorted(), ["manifest.json", "summary.json"])
    }
}
