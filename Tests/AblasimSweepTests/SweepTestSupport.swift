import Foundation
import XCTest
@testable import AblasimSweep
import AblasimOutput

/// A fresh temporary folder per test, removed afterwards.
func makeTemporaryFolder(_ name: String = #function) throws -> String {
    let base = (NSTemporaryDirectory() as NSString).appendingPathComponent("ablasim-sweep-tests")
    let safe = name.filter { $0.isLetter || $0.isNumber }
    let dir = (base as NSString).appendingPathComponent("\(safe)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}

/// Writes `text` as a sweep file in `dir` (and an empty phantom file next to it) and loads it.
func writeSweep(_ text: String, in dir: String, name: String = "sweep.yaml") throws -> Sweep {
    let path = (dir as NSString).appendingPathComponent(name)
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    let phantom = (dir as NSString).appendingPathComponent("tiny.vox")
    if !FileManager.default.fileExists(atPath: phantom) { FileManager.default.createFile(atPath: phantom, contents: Data([0])) }
    return try Sweep.load(path: path)
}

/// The message of the input error `body` throws; fails the test when it throws none or another kind.
func inputError(_ body: () throws -> Void, file: StaticString = #filePath, line: UInt = #line) -> String {
    do {
        try body()
        XCTFail("expected an input error", file: file, line: line)
    } catch let e as SweepError {
        XCTAssertTrue(e.isInputError, "expected an input error, got \(e)", file: file, line: line)
        return e.description
    } catch {
        XCTFail("expected a SweepError, got \(error)", file: file, line: line)
    }
    return ""
}

/// A summary.json as `ablasim run` writes it (schema ablasim.summary/1), with the given figures.
func fabricatedSummary(ablationML: Double, coverage: Double, cordPeakC: Double, cordFlags: [String] = []) -> [String: Any] {
    [
        "schema": "ablasim.summary/1", "phantom": "tiny.vox", "modality": "rf",
        "probes": [["name": "left", "tip_mm": [0, 0, 0], "energy_j": 1200.0]],
        "simulated_s": 60.0, "wall_s": 1.5, "voxels": 1000, "steps": 100,
        "zones": ["ablation_ml": ablationML, "tumor_ml": 2.0, "tumor_coverage": coverage, "components": 1, "coalescent": true],
        "thermocouples": [
            ["name": "cord_post", "structure": "cord", "t_max_c": cordPeakC, "cem43_min": 0.25, "omega": 0.001,
             "crossings_s": ["42": 30.0, "45": NSNull(), "60": NSNull(), "80": NSNull()],
             "flags": cordFlags.map { ["kind": $0, "threshold": 42.0, "time_s": 30.0] as [String: Any] }],
            ["name": "root_L", "structure": "root", "t_max_c": 39.5, "cem43_min": 0.01, "omega": 0.0,
             "crossings_s": ["42": NSNull(), "45": NSNull(), "60": NSNull(), "80": NSNull()], "flags": [] as [Any]],
        ],
        "flags": cordFlags.map { ["thermocouple": "cord_post", "kind": $0, "threshold": 42.0, "time_s": 30.0] as [String: Any] },
        "interlock": ["enabled": true, "threshold_c": 45.0, "tripped_s": NSNull()],
    ]
}

/// A summary.json object without what depends on the clock (wall time, timing split, the
/// wall/CPU seconds among the work counters); what is left must repeat bit for bit.
func reproduciblePart(of summary: [String: Any]) -> [String: Any] {
    var s = summary
    s["wall_s"] = nil
    s["timing"] = nil
    if let counters = s["statistics"] as? [String: Double] {
        s["statistics"] = counters.filter { !$0.key.hasSuffix("_wall_s") && !$0.key.hasSuffix("_cpu_s") }
    }
    return s
}

/// Marks a fabricated run folder complete as `ablasim run` does: `manifest.json` with the
/// size and SHA-256 of each of `files`, written last.
func sealRunFolder(_ dir: String, files: [String] = ["summary.json"]) throws {
    let manifest = try RunManifest.measure(files, in: URL(fileURLWithPath: dir))
    try AtomicFile.write(manifest.encoded(), to: (dir as NSString).appendingPathComponent(RunManifest.fileName))
}

/// A bash function `seal DIR FILE...` for stand-in runs: writes DIR/manifest.json as
/// `ablasim run` does (sizes and SHA-256 of the files, then an atomic rename).
let sealShellFunction = """
seal() {
  local d=$1; shift; local sep=""
  { printf '{"schema": "ablasim.manifest/1", "files": ['
    for f in "$@"; do
      printf '%s{"name": "%s", "bytes": %s, "sha256": "%s"}' "$sep" "$f" "$(stat -c %s "$d/$f")" "$(sha256sum "$d/$f" | cut -d' ' -f1)"
      sep=", "
    done
    printf ']}\\n'; } > "$d/.manifest.tmp" && mv "$d/.manifest.tmp" "$d/manifest.json"
}
"""
