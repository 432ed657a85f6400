import XCTest
import AblasimCore
import AblasimPhysics
@testable import AblasimSimulation
@testable import AblasimOutput

/// A fresh empty directory under the system temporary directory.
func makeTemporaryDirectory(_ name: String = #function) throws -> URL {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("ablasim-output-tests-\(getpid())-\(name.filter { $0.isLetter || $0.isNumber })-\(UInt32.random(in: 0...UInt32.max))")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// A 7x6x5 grid, anisotropic spacing, flipped x and y axes (LPS-like storage) and an origin,
/// so that any mix-up of axes, signs or units shows in the affine.
func makeOutputGrid() throws -> Grid3D {
    try Grid3D(nx: 7, ny: 6, nz: 5, spacing: SIMD3(0.5e-3, 0.6e-3, 0.7e-3), origin: SIMD3(0.012, -0.034, 0.056),
               direction: [-1, 0, 0, 0, -1, 0, 0, 0, 1])
}

/// The value of the synthetic T_max volume at voxel (i, j, k).
func syntheticTMax(_ i: Int, _ j: Int, _ k: Int) -> Float { Float(37 + i + 2 * j) + Float(k) * 0.25 }

/// A complete synthetic run result: one flagged cord thermocouple, one quiet root, a
/// probe, two generator channels.
func makeRunOutput() throws -> RunOutput {
    let grid = try makeOutputGrid()
    var tMax = [Float](), zones = [UInt8](), labels = [UInt8]()
    for k in 0..<grid.nz { for j in 0..<grid.ny { for i in 0..<grid.nx {
        let t = syntheticTMax(i, j, k)
        tMax.append(t)
        zones.append(t >= 60 ? AblationZone.Label.ablated : (t >= 42 ? AblationZone.Label.heated42 : AblationZone.Label.none))
        labels.append(i < 2 ? 10 : (i < 4 ? 12 : 4))
    } } }
    let n = grid.voxelCount
    let volumes = ResultVolumes(tMax: tMax, tMin: [Float](repeating: 36.5, count: n), cem43: (0..<n).map { Float($0) * 0.5 },
                                omega: (0..<n).map { Float($0) * 1e-3 }, zones: zones, labels: labels)
    let cordCrossings: [String: Double?] = ["42": 12.5, "45": 30.25, "60": nil, "80": nil]
    let none: [String: Double?] = ["42": nil, "45": nil, "60": nil, "80": nil]
    let cold: [String: Double?] = ["10": nil, "0": nil, "-20": nil]
    let tip = grid.world(SIMD3(3, 3, 2)) * 1000, entry = grid.world(SIMD3(6, 0, 2)) * 1000
    let summary = RunSummary(
        phantom: "synthetic.vox", modality: "rf",
        probes: [RunSummary.Probe(name: "probe_left", channel: "left", tipMm: [tip.x, tip.y, tip.z], entryMm: [entry.x, entry.y, entry.z], energyJ: 1234)],
        simulatedS: 60, wallS: 3.5, voxels: n, steps: 600, dtS: 0.1,
        zones: RunSummary.Zones(ablationMl: 0.01, tumorMl: 0, tumorCoverage: nil, components: 1, coalescent: false,
                                t42Ml: 0.02, t60Ml: 0.01, iceMl: 0, lethalIce20Ml: 0, lethalIce40Ml: 0),
        thermocouples: [
            RunSummary.ThermocoupleResult(name: "cord_anterior", structure: "cord", positionMm: [tip.x, tip.y, tip.z], tMaxC: 47.5, tMinC: 37,
                                          cem43Min: 12, omega: 0.05, crossingsS: cordCrossings, coldCrossingsS: cold, flags: ["heat-42", "heat-45", "cem43"]),
            RunSummary.ThermocoupleResult(name: "root_left", structure: "root", positionMm: [entry.x, entry.y, entry.z], tMaxC: 39, tMinC: 37,
                                          cem43Min: 0.01, omega: 1e-5, crossingsS: none, coldCrossingsS: cold, flags: []),
        ],
        flags: [RunSummary.Flag(thermocouple: "cord_anterior", kind: "heat-42", threshold: 42, timeS: 12.5),
                RunSummary.Flag(thermocouple: "cord_anterior", kind: "heat-45", threshold: 45, timeS: 30.25),
                RunSummary.Flag(thermocouple: "cord_anterior", kind: "cem43", threshold: 10, timeS: 50)],
        interlock: RunSummary.Interlock(enabled: true, thresholdC: 45, mode: "cut", trippedS: nil, overshootC: nil),
        timing: ["thermal": 2.5, "sources": 0.75, "monitor": 0.125, "total": 3.5], parameters: ["rf.power_w": .number(20), "duration_s": .number(60), "tissue.spinal_cord.conductivity": .number(0.5), "rf.sequential": .flag(false), "rf.mode": .text("bipolar"), "cryo.probes": .integer(2), "laser.energy_j": .none],
        version: "0.1.0")
    let times = (0...60).map(Double.init)
    let series = ThermocoupleSeries(names: ["cord_anterior", "root_left"], times: times,
                                    values: [times.map { 37 + 10.5 * $0 / 60 }, times.map { 37 + 2 * $0 / 60 }])
    var gen = GeneratorSeries()
    for t in stride(from: 0.0, through: 60, by: 10) {
        gen.append(time: t, channels: [ChannelSample(channel: "left", power: 20, impedance: 80 + t, energy: 20 * t, probeTemperature: 60),
                                       ChannelSample(channel: "right", power: 18.5, impedance: 90, energy: 18.5 * t)])
    }
    return RunOutput(summary: summary, thermocouples: series, generator: gen, grid: grid, volumes: volumes,
                     labelLegend: [4: "cancellous_bone", 10: "spinal_cord", 12: "nerve_root"])
}

/// Runs python3 with `script`; nil when python3 or one of `modules` is not available.
func runPython(_ script: String, arguments: [String], modules: String = "nibabel, numpy") throws -> (status: Int32, output: String)? {
    let check = Process()
    check.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    check.arguments = ["python3", "-c", "import \(modules)"]
    check.standardOutput = FileHandle.nullDevice
    check.standardError = FileHandle.nullDevice
    do { try check.run() } catch { return nil }
    check.waitUntilExit()
    guard check.terminationStatus == 0 else { return nil }
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["python3", "-c", script] + arguments
    let pipe = Pipe()
    p.standardOutput = pipe
    p.standardError = pipe
    try p.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: data, as: UTF8.self))
}

/// The repository root (the directory holding Package.swift).
func repositoryRoot(file: String = #filePath) -> URL {
    URL(fileURLWithPath: file).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
}

/// Validates the JSON files `paths` against docs/summary.schema.json with Python's
/// jsonschema (an independent validator); nil when jsonschema is missing. Prints one line
/// per file: "ok" or the first error.
func validateWithSchema(_ paths: [String]) throws -> (status: Int32, output: String)? {
    let script = """
    import json, sys, jsonschema
    schema = json.load(open(sys.argv[1]))
    jsonschema.Draft202012Validator.check_schema(schema)
    v = jsonschema.Draft202012Validator(schema)
    bad = 0
    for p in sys.argv[2:]:
        errors = sorted(v.iter_errors(json.load(open(p))), key=lambda e: list(e.absolute_path))
        if errors:
            bad += 1
            print(p, "INVALID", "/".join(map(str, errors[0].absolute_path)), errors[0].message)
        else:
            print(p, "ok")
    sys.exit(1 if bad else 0)
    """
    let schema = repositoryRoot().appendingPathComponent("docs/summary.schema.json").path
    return try runPython(script, arguments: [schema] + paths, modules: "jsonschema")
}
