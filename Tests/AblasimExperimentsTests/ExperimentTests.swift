import XCTest
import AblasimCore
import AblasimPhysics
import AblasimPhantom
@testable import AblasimSimulation
@testable import AblasimExperiments

final class ExperimentTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// A known lesion: T_max = 70 C inside a cylinder of radius R around the z axis, 20 C
    /// outside, on a 0.5 mm grid. Width and length come back to within a quarter voxel
    /// (the edge is interpolated, not counted in whole voxels).
    func testLesionMeasuresRecoverAKnownCylinder() throws {
        var recipe = BlockPhantom()
        try recipe.set("size_mm", to: "20,20,30", context: "t")
        try recipe.set("voxel_mm", to: "0.5", context: "t")
        let phantom = try recipe.build()
        let table = TissueTable.standard
        let model = try ThermalModel(grid: phantom.grid, labels: phantom.labels, legend: phantom.legend, table: table)
        let solver = try model.makeSolver(Float.self, initialTemperature: 20, executor: SlabExecutor(threads: 1))
        let g = phantom.grid
        let radius = 3.3e-3, halfLength = 5.1e-3
        for k in 0..<g.nz { for j in 0..<g.ny { for i in 0..<g.nx {
            let p = g.world(SIMD3(Double(i), Double(j), Double(k)))
            // A smooth edge: T falls linearly from 70 C to 20 C over 1 mm across r = R (60 C at R - 0.2 mm... 45 C at R).
            let r = (p.x * p.x + p.y * p.y).squareRoot()
            let radial = min(max((radius + 0.5e-3 - r) / 1e-3, 0), 1)
            let axial = min(max((halfLength + 0.5e-3 - abs(p.z)) / 1e-3, 0), 1)
            solver.tMax[i, j, k] = Float(20 + 50 * radial * axial)
        } } }
        let m = LesionMeasure(tip: SIMD3(0, 0, -halfLength + 2e-3), entry: SIMD3(0, 0, 0.01), criterion: .isotherm(45))
        let w = m.largestWidth(solver, from: 0, to: 0.008, reach: 0.009)
        XCTAssertEqual(w.width, 2 * radius, accuracy: 0.25e-3)
        let l = m.length(solver, radius: 0.75e-3, centre: w.at, reach: 0.014)
        XCTAssertEqual(l.length, 2 * halfLength, accuracy: 0.25e-3)
        XCTAssertEqual(l.beyondTip, 2e-3, accuracy: 0.25e-3)
        XCTAssertEqual(m.volume(solver) / (Double.pi * radius * radius * 2 * halfLength), 1, accuracy: 0.1)
    }

    func testEveryCommittedExperimentLoads() throws {
        let list = try ExperimentSuite.catalogue(in: Self.root.appendingPathComponent("experiments").path)
        XCTAssertGreaterThanOrEqual(list.count, 6)
        XCTAssertEqual(Set(list.map(\.name)).count, list.count, "experiment names are unique")
        for e in list {
            XCTAssertFalse(e.source.isEmpty || e.title.isEmpty, e.name)
            XCTAssertTrue(e.low <= e.high, e.name)
            XCTAssertTrue(e.file.hasSuffix(e.name + ".yaml"), "\(e.file) should be named after \(e.name)")
        }
    }

    func testIncompleteOrWrongFilesNameFileLineAndKey() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ablasim-exp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let good = """
            name: t
            title: x
            source: y
            reliability: ABSTRACT
            phantom: {tissue: muscle, size_mm: [10, 10, 10], voxel_mm: 1}
            scenario: {modality: rf}
            measure: {quantity: tissue_property, target: muscle.conductivity}
            published: {low: 0.3, high: 0.6, unit: W/(m K), text: z}
            """
        func message(_ text: String) -> String {
            let f = dir.appendingPathComponent("e.yaml").path
            try? text.write(toFile: f, atomically: true, encoding: .utf8)
            do { _ = try Experiment.load(path: f); return "accepted" } catch { return "\(error)" }
        }
        XCTAssertEqual(message(good), "accepted")
        XCTAssertTrue(message(good.replacingOccurrences(of: "source: y\n", with: "")).contains("'source' is missing"))
        XCTAssertTrue(message(good.replacingOccurrences(of: "tissue: muscle", with: "tissue: mussel")).contains("unknown tissue 'mussel'"))
        let preset = message(good.replacingOccurrences(of: "scenario: {modality: rf}", with: "scenario: {modality: rf, rf: {probe: monopolar-99g-5mm}}"))
        XCTAssertTrue(preset.contains("rf.probe 'monopolar-99g-5mm' is not a probe preset"), preset)
        let range = message(good.replacingOccurrences(of: "scenario: {modality: rf}", with: "scenario: {modality: rf, initial_temp_c: 500}"))
        XCTAssertTrue(range.contains("e.yaml:6") && range.contains("initial_temp_c"), range)
        XCTAssertTrue(message(good + "\nextra: 1").contains("e.yaml:9: unknown key 'extra'"))
        XCTAssertTrue(message(good.replacingOccurrences(of: "low: 0.3, high: 0.6", with: "low: 0.7, high: 0.6")).contains("low <= high"))
    }

    /// The property experiments need no run: the model's table value against the range.
    func testPropertyExperimentsCompareTheTable() throws {
        let path = Self.root.appendingPathComponent("experiments/kumru2022-muscle-thermal-conductivity.yaml").path
        let r = try ExperimentSuite.run(try Experiment.load(path: path), quick: true, executor: SlabExecutor(threads: 1))
        XCTAssertEqual(r.simulated, TissueTable.standard.tissues["muscle"]!.thermalConductivity)
        XCTAssertTrue(r.inBand)
    }

    /// A vertebra recipe is the generator's phantom with the same options (so L1, lytic,
    /// 0.5 mm is the committed Phantoms/L1-lytic.vox), its quick voxel applies, its sites are
    /// the standard ones, and a wrong key or site names what is valid.
    func testVertebraPhantomRecipe() throws {
        let path = Self.root.appendingPathComponent("experiments/zhang2023-vertebra-cord-below-45.yaml").path
        let e = try Experiment.load(path: path)
        XCTAssertEqual(e.vertebra?.level, "L1")
        XCTAssertEqual(e.vertebra?.voxelMm, 0.5)
        let (quick, _) = try e.setup(quick: true)
        XCTAssertEqual(quick.grid.spacing.x, 1e-3, accuracy: 1e-12)
        var o = VertebraPhantomOptions(); o.voxelMm = 1
        let direct = try VertebraPhantomGenerator.generate(o)
        XCTAssertEqual(quick.labels, direct.labels, "the recipe builds the generator's phantom")
        XCTAssertEqual(Set(quick.landmarks.sites.keys), Set(Landmarks.standardSites))

        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ablasim-exp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let text = try String(contentsOfFile: path, encoding: .utf8)
        func message(_ t: String) -> String {
            let f = dir.appendingPathComponent("v.yaml").path
            try? t.replacingOccurrences(of: "name: zhang2023-vertebra-cord-below-45", with: "name: v").write(toFile: f, atomically: true, encoding: .utf8)
            do { _ = try Experiment.load(path: f); return "accepted" } catch { return "\(error)" }
        }
        XCTAssertEqual(message(text), "accepted")
        let key = message(text.replacingOccurrences(of: "tumor: lytic", with: "tumour: lytic"))
        XCTAssertTrue(key.contains("unknown vertebra phantom key 'tumour'") && key.contains("tumor_offset_mm"), key)
        let site = message(text.replacingOccurrences(of: "target: cord_anterior", with: "target: cord_front"))
        XCTAssertTrue(site.contains("cord_anterior") && site.contains("root_left"), site)
        let kind = message(text.replacingOccurrences(of: "tumor: lytic", with: "tumor: cystic"))
        XCTAssertTrue(kind.contains("none, lytic, blastic"), kind)
    }
}
