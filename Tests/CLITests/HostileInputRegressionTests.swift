import Foundation
import XCTest
import AblasimCore
import AblasimPhantom
import AblasimSimulation

/// The exact inputs of issue 14 that crashed, blew up or misled, each now a clear exit 2
/// within the fuzz suite's memory and time bounds.
final class HostileInputRegressionTests: XCTestCase {
    var dir: URL!
    var vox: String!

    override func setUpWithError() throws {
        dir = try CLI.temporaryFolder(name)
        vox = try CLI.tinyPhantom(in: dir)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    func bounded(_ arguments: [String], memoryKB: Int = Fuzz.memoryKB, file: StaticString = #filePath, line: UInt = #line) throws -> CLI.Result {
        let r = try CLI.run(arguments, memoryKB: memoryKB, timeout: 60)
        XCTAssertNil(Fuzz.verdict(r), "ablasim \(arguments.joined(separator: " "))", file: file, line: line)
        return r
    }

    func write(_ text: String, _ name: String) throws -> String {
        let p = dir.appendingPathComponent(name).path
        try text.write(toFile: p, atomically: true, encoding: .utf8)
        return p
    }

    /// `Sweep+YAML.swift:219` trapped (Int overflow) on a range step of 1e-300.
    func testSweepRangeStep1eMinus300() throws {
        let s = try write("phantom: \(vox!)\naxes:\n  - grid:\n      rf.power_w: {from: 5, to: 20, step: 1e-300}\n", "step.yaml")
        let r = try bounded(["sweep", "plan", s])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("in steps of 1e-300 gives") && r.stderr.contains("at most 100000"), r.stderr)
    }

    /// `max_cases: 1000000000` with 10^9 cases allocated 32 GB.
    func testBillionCasesAreRefusedWithoutAllocating() throws {
        let s = try write("phantom: \(vox!)\nmax_cases: 1000000000\naxes:\n  - random: {samples: 1000000000, seed: 1, parameters: {rf.power_w: {uniform: [5, 20]}}}\n", "billion.yaml")
        let r = try bounded(["sweep", "plan", s])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("max_cases = 1000000000 is above the ceiling of 100000"), r.stderr)
    }

    /// perfusion 1e12 shrank dt so far that a 2 s run showed an ETA of 3 h; conductivity 1e30
    /// said "time step -2.168e-19 s is outside (0, 2.486e-30]". Both are now outside the
    /// property's physical range (TissueProperty), refused with the key and the range.
    func testAbsurdTissuePropertiesAreRefusedWithTheirRange() throws {
        for (set, range) in [("tissue.tumor_lytic.perfusion_ml_min_kg=1e12", "[0.0, 10000.0] ml/(min kg)"),
                             ("tissue.tumor_lytic.conductivity=1e30", "[0.001, 50.0] W/(m K)")] {
            let r = try bounded(["run", vox, "--duration", "2", "--set", set, "--quiet", "--out", dir.appendingPathComponent("perf").path])
            XCTAssertEqual(r.status, 2)
            XCTAssertTrue(r.stderr.contains("--set: \(set.split(separator: "=")[0])") && r.stderr.contains(range), r.stderr)
            XCTAssertFalse(r.stderr.contains("is outside (0,"), r.stderr)
        }
    }

    /// Within the ranges a model can still need more steps than a run may take: the step
    /// budget refuses it before the first step, naming the tissue that sets the limit.
    func testStepBudgetNamesTheTissueThatSetsTheStep() throws {
        let r = try bounded(["run", vox, "--duration", "60", "--set", "tissue.tumor_lytic.conductivity=50", "--max-steps", "1000", "--quiet",
                             "--out", dir.appendingPathComponent("k").path])
        XCTAssertEqual(r.status, 2)
        for part in ["time steps of", "--max-steps", "tissue 'tumor_lytic' sets the explicit stability limit", "conductivity 50 W/(m K)", "of wall time"] {
            XCTAssertTrue(r.stderr.contains(part), "missing '\(part)' in: \(r.stderr)")
        }
    }

    /// A 1024x1024x256 .vox died in `run` allocating fields (SIGILL). The estimate for that
    /// grid, and a real 256^3 phantom refused before any field is allocated.
    func testLargePhantomIsRefusedWithTheMemoryEstimate() throws {
        let big = try Grid3D(nx: 1024, ny: 1024, nz: 256, isotropic: 0.5e-3)
        var scenario = Scenario()
        try scenario.set("modality", to: "rf", context: "test")
        let estimate = RunMemoryEstimate.estimate(grid: big, scenario: scenario)
        // 37 B padded + 49 B per voxel of thermal state alone: more than 23 GB.
        XCTAssertGreaterThan(estimate.total, 23e9)
        XCTAssertThrowsError(try estimate.check(against: RunBudget(maxMemoryBytes: 16e9), grid: big)) { e in
            XCTAssertTrue("\(e)".contains("1024x1024x256 = 268435456 voxels") && "\(e)".contains("--max-memory"), "\(e)")
        }

        let grid = try Grid3D(nx: 256, ny: 256, nz: 256, isotropic: 1e-3)
        let phantom = Phantom(name: "big", grid: grid, labels: [UInt8](repeating: 1, count: grid.voxelCount), legend: [1: "muscle"])
        let path = dir.appendingPathComponent("big.vox")
        try phantom.write(to: path)
        let info = try bounded(["phantom", "info", path.path])
        XCTAssertEqual(info.status, 0, info.stderr)
        let r = try bounded(["run", path.path, "--duration", "1", "--max-memory", "512M", "--quiet", "--out", dir.appendingPathComponent("big").path])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("this run needs about ") && r.stderr.contains(" GB of memory for 256x256x256 = 16777216 voxels (thermal solver fields"), r.stderr)
        XCTAssertTrue(r.stderr.contains("more than the budget of 537 MB (--max-memory"), r.stderr)
        let bad = try bounded(["run", path.path, "--max-memory", "lots", "--quiet"])
        XCTAssertEqual(bad.status, 2)
        XCTAssertTrue(bad.stderr.contains("--max-memory 'lots' is not a memory size"), bad.stderr)
    }

    /// A CRLF .vox said only "not a .vox phantom".
    func testCRLFVoxSaysCRLF() throws {
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: vox)))
        var converted: [UInt8] = []
        for b in bytes { if b == 0x0A { converted.append(0x0D) }; converted.append(b) }
        bytes = converted
        let p = dir.appendingPathComponent("crlf.vox")
        try Data(bytes).write(to: p)
        let r = try bounded(["phantom", "info", p.path])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("CRLF (Windows) line endings"), r.stderr)
    }

    /// A path under a regular file said "NSCocoaErrorDomain error 512".
    func testOutputPathUnderAFileNamesTheFile() throws {
        let plain = try write("x", "plain")
        let r = try bounded(["run", vox, "--duration", "1", "--quiet", "--out", plain + "/sub/out"])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("'\(plain)' is a file, not a directory"), r.stderr)
        XCTAssertFalse(r.stderr.contains("NSCocoaErrorDomain"), r.stderr)
    }

    /// The test phantom with one header edit (checksum recomputed), written as `name`.
    func editedVox(replacing old: String, with new: String, as name: String) throws -> URL {
        let (header, payload) = try XCTUnwrap(FuzzTests.splitVox([UInt8](try Data(contentsOf: URL(fileURLWithPath: vox)))))
        let edited = header.replacingOccurrences(of: old, with: new)
        XCTAssertNotEqual(edited, header, "'\(old)' is not in the header")
        let p = dir.appendingPathComponent(name)
        try Data(FuzzTests.assembleVox(header: Array(edited.utf8), payload: payload)).write(to: p)
        return p
    }

    /// Names with ESC, NUL and an RTL override were printed raw by `phantom info`.
    func testControlCharactersInNamesAreShownEscaped() throws {
        let p = try editedVox(replacing: "name L1-lytic", with: "name L1\u{1B}[2J\u{1B}]0;pwned\u{07}\u{202E}cilyt\u{0}x", as: "esc.vox")
        let r = try bounded(["phantom", "info", p.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("phantom L1\\u{1B}[2J\\u{1B}]0;pwned\\u{7}\\u{202E}cilyt\\u{0}x"), r.stdout)
        XCTAssertFalse(r.stdout.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x202E || $0.value == 0 })
    }

    /// `SIMD3<Double>(...)` leaked into landmark messages.
    func testLandmarkMessagesShowMillimetres() throws {
        let p = try editedVox(replacing: "tumor_center 0", with: "tumor_center 900", as: "far.vox")
        let r = try bounded(["phantom", "info", p.path])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("lies outside the phantom (corners (-"), r.stderr)
        XCTAssertTrue(r.stderr.contains(") mm and ("), r.stderr)
        XCTAssertFalse(r.stderr.contains("SIMD3"), r.stderr)
    }
}
