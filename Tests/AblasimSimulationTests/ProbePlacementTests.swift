import XCTest
import Foundation
import AblasimCore
import AblasimPhantom
import AblasimPhysics
@testable import AblasimSimulation

/// Applicator placement: explicit trajectories, and shafts through the spinal canal or a
/// nerve root rejected as bad input for every modality.
final class ProbePlacementTests: XCTestCase {
    static var phantom: Phantom { GeneratedPhantoms.oneMillimetre }

    /// Straight back from the tumour centre to behind the lamina: through the canal.
    static func throughTheCanal(_ p: Phantom) -> String {
        let tip = p.landmarks.tumorCenter! * 1000
        let entry = tip + SIMD3(0, -60, 0)   // RAS: -y is posterior
        return Scenario.Trajectory(name: "mid", entryMM: entry, tipMM: tip).text
    }

    func scenario(_ modality: String, _ sets: [(String, String)] = []) throws -> Scenario {
        var s = Scenario()
        try s.set("modality", to: modality)
        for (k, v) in sets { try s.set(k, to: v) }
        return s
    }

    /// Builds the run and returns the input error's message (fails if it does not throw one).
    func rejection(_ s: Scenario, phantom: Phantom = phantom, file: StaticString = #filePath, line: UInt = #line) -> String {
        do {
            _ = try RunSetup.build(phantom: phantom, scenario: s, executor: SlabExecutor(threads: 1))
            XCTFail("the run was accepted", file: file, line: line)
        } catch let e as SimulationError {
            XCTAssertTrue(e.isInputError, "\(e)", file: file, line: line)
            return e.description
        } catch {
            XCTFail("expected a SimulationError, got \(error)", file: file, line: line)
        }
        return ""
    }

    func testRFProbeThroughTheCanalIsRejectedWithWhereAndWhatIsValid() throws {
        let p = Self.phantom
        let m = rejection(try scenario("rf", [("trajectories", Self.throughTheCanal(p)), ("rf.placement", "left")]))
        XCTAssertTrue(m.contains("probe 'mid' passes through the spinal canal"), m)
        print("message: \(m)")
        XCTAssertTrue(m.contains("at voxel ("), m)
        XCTAssertTrue(m.contains("canal labels are dura (8), csf (9), spinal_cord"), m)
        XCTAssertTrue(m.contains("move the entry or tip"), m)
        // The voxel named is the first canal voxel on the way in: posterior, so dura or fat.
        XCTAssertTrue(m.contains("(dura at voxel") || m.contains("(epidural_fat at voxel"), m)
    }

    func testEveryModalityChecksItsShaft() throws {
        let p = Self.phantom
        let path = Self.throughTheCanal(p)
        for (modality, name) in [("microwave", "microwave antenna 'mid'"), ("laser", "laser fibre 'mid'"), ("cryo", "cryoprobe 'mid'")] {
            let m = rejection(try scenario(modality, [("trajectories", path)]))
            XCTAssertTrue(m.contains("\(name) passes through the spinal canal"), "\(modality): \(m)")
        }
        // Two bipolar probes, the second through the canal: the second is named.
        let left = p.landmarks.pedicleLeft!
        let good = Scenario.Trajectory(name: "ok", entryMM: left.entry * 1000, tipMM: left.target * 1000).text
        let m = rejection(try scenario("rf", [("trajectories", good + ";" + path)]))
        XCTAssertTrue(m.contains("probe 'mid'") && !m.contains("probe 'ok'"), m)
    }

    func testTheDefaultPediclePlacementsAreAccepted() throws {
        // 1 mm, the 2 mm phantom the sweep tests run, and the committed 0.5 mm L1.
        var phantoms = [Self.phantom, GeneratedPhantoms.twoMillimetre]
        let committed = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Phantoms/L1-lytic.vox")
        phantoms.append(try Phantom.read(from: committed))
        for p in phantoms {
            for (mode, placement) in [("bipolar", "bipedicular"), ("bipolar", "left"), ("bipolar", "right"), ("monopolar", "bipedicular")] {
                let s = try scenario("rf", [("rf.mode", mode), ("rf.placement", placement)])
                XCTAssertNoThrow(try RFModality.placeProbes(phantom: p, scenario: s), "\(p.name) \(mode) \(placement)")
            }
            for (modality, kind, count, radius) in [("microwave", "microwave antenna", 1, MicrowaveModality.shaftRadius),
                                                    ("laser", "laser fibre", 1, LaserModality.needleRadius),
                                                    ("cryo", "cryoprobe", 2, try RunSetup.cryoprobe(for: Scenario()).radius)] {
                let s = try scenario(modality)
                XCTAssertNoThrow(try RunSetup.applicatorAxes(phantom: p, scenario: s, count: count, radius: radius, kind: kind),
                                 "\(p.name) \(modality)")
            }
        }
    }

    func testExplicitTrajectoryAlongThePedicleIsUsed() throws {
        let p = Self.phantom
        let right = p.landmarks.pedicleRight!
        let t = Scenario.Trajectory(name: "mine", entryMM: right.entry * 1000, tipMM: right.target * 1000)
        let probes = try RFModality.placeProbes(phantom: p, scenario: try scenario("rf", [("trajectories", t.text)])).probes
        XCTAssertEqual(probes.map(\.name), ["mine"])
        XCTAssertEqual(probes[0].tip, right.target)
        // Microwave takes exactly one trajectory.
        let two = t.text + ";" + Scenario.Trajectory(name: "b", entryMM: right.entry * 1000, tipMM: right.target * 1000).text
        XCTAssertTrue(rejection(try scenario("microwave", [("trajectories", two)])).contains("gives 2 trajectories"))
    }

    func testOverlappingCryoprobesAreRejected() throws {
        let right = Self.phantom.landmarks.pedicleRight!
        let a = Scenario.Trajectory(name: "a", entryMM: right.entry * 1000, tipMM: right.target * 1000)
        let b = Scenario.Trajectory(name: "b", entryMM: right.entry * 1000 + SIMD3(0, 0, 1), tipMM: right.target * 1000 + SIMD3(0, 0, 1))
        let m = rejection(try scenario("cryo", [("trajectories", a.text + ";" + b.text)]))
        XCTAssertTrue(m.contains("cryoprobes 'a' and 'b' overlap at voxel ("), m)
    }

    /// The check itself on a hand-made phantom: a nerve root is rejected as such, and the
    /// voxel named is the first one met on the way in.
    func testNerveRootAndFirstVoxelOnTheWayIn() throws {
        let grid = try Grid3D(nx: 12, ny: 3, nz: 3, isotropic: 1e-3)
        var labels = [UInt8](repeating: PhantomLabels.muscle, count: grid.voxelCount)
        let lin = { (i: Int) in (1 * grid.ny + 1) * grid.nx + i }
        labels[lin(3)] = PhantomLabels.dura
        labels[lin(8)] = PhantomLabels.nerveRoot
        let ph = Phantom(name: "line", grid: grid, labels: labels, legend: PhantomLabels.legend(for: labels))
        let shaft = (1...10).map(lin)
        let tip = grid.world(SIMD3(1, 1, 1)), entry = grid.world(SIMD3(10, 1, 1))
        XCTAssertThrowsError(try RunSetup.checkClearOfNeuralStructures(shaft: shaft, applicator: "probe 'x'", tip: tip, entry: entry,
                                                                        placement: "test", phantom: ph)) { e in
            let m = "\(e)"
            XCTAssertTrue(m.contains("probe 'x' passes through the spinal canal and a nerve root (nerve_root at voxel (8, 1, 1), 8.0, 1.0, 1.0 mm, 7.0 mm behind the tip"), m)
            XCTAssertTrue(m.contains("1 of its 10 shaft voxels in the canal, 1 in a nerve root"), m)
            XCTAssertTrue(m.contains("nerve-root labels nerve_root (12)"), m)
        }
        // From the other side the dura comes first.
        XCTAssertThrowsError(try RunSetup.checkClearOfNeuralStructures(shaft: shaft, applicator: "probe 'x'", tip: entry, entry: tip,
                                                                        placement: "test", phantom: ph)) { e in
            XCTAssertTrue("\(e)".contains("passes through the spinal canal and a nerve root (dura at voxel (3, 1, 1), 3.0, 1.0, 1.0 mm, 7.0 mm behind the tip"), "\(e)")
        }
        // A shaft through the root only.
        XCTAssertThrowsError(try RunSetup.checkClearOfNeuralStructures(shaft: (5...10).map(lin), applicator: "probe 'x'", tip: tip, entry: entry,
                                                                        placement: "test", phantom: ph)) { e in
            XCTAssertTrue("\(e)".contains("probe 'x' passes through a nerve root (nerve_root at voxel (8, 1, 1)"), "\(e)")
            XCTAssertTrue("\(e)".contains("0 of its 6 shaft voxels in the canal, 1 in a nerve root"), "\(e)")
        }
        XCTAssertNoThrow(try RunSetup.checkClearOfNeuralStructures(shaft: [lin(1), lin(2), lin(4)], applicator: "probe 'x'", tip: tip,
                                                                    entry: entry, placement: "test", phantom: ph))
    }

    func testTrajectoryKeyParsesAndRoundTrips() throws {
        var s = Scenario()
        try s.apply(yaml: """
            trajectories:
              - {name: left, entry_mm: [-30, -45, 0], tip_mm: [-6, -2.5, 0]}
              - {name: right, entry_mm: [30, -45, 0], tip_mm: [6, -2.5, 0]}
            """, context: "t.yaml")
        XCTAssertEqual(s.trajectories, [.init(name: "left", entryMM: SIMD3(-30, -45, 0), tipMM: SIMD3(-6, -2.5, 0)),
                                        .init(name: "right", entryMM: SIMD3(30, -45, 0), tipMM: SIMD3(6, -2.5, 0))])
        var back = Scenario()
        try back.set("trajectories", to: s.parameterList()["trajectories"]!)
        XCTAssertEqual(back.trajectories, s.trajectories)
        for bad in ["left@1,2,3", "left@1,2->3,4,5", "@1,2,3->4,5,6", "a b@1,2,3->4,5,6", "left@1,2,3->1,2,3.5",
                    "a@1,2,3->4,5,6;a@1,2,3->7,8,9", "x@nan,0,0->1,1,1"] {
            XCTAssertThrowsError(try back.set("trajectories", to: bad), bad) { e in
                XCTAssertTrue((e as? SimulationError)?.isInputError == true, "\(e)")
                XCTAssertTrue("\(e)".contains("trajector"), "\(e)")
            }
        }
    }

    /// Placement once: the rasters the neural-clearance check saw are the ones installed.
    func testTheCheckedRastersAreTheInstalledOnes() throws {
        let p = Self.phantom
        let rf = try scenario("rf")
        let placed = try RFModality.placeProbes(phantom: p, scenario: rf)
        let setup = try RunSetup.build(phantom: p, scenario: rf, executor: SlabExecutor(threads: 1))
        let source = try XCTUnwrap(setup.sources.first as? RFSource)
        XCTAssertEqual(source.rasters.map(\.voxels), placed.rasters.map(\.voxels))
        XCTAssertEqual(source.rasters.map(\.roles), placed.rasters.map(\.roles))

        let mw = try scenario("microwave")
        let shaft = try RunSetup.applicatorAxes(phantom: p, scenario: mw, count: 1, radius: MicrowaveModality.shaftRadius, kind: "microwave antenna")[0].shaft
        let model = try RunSetup.build(phantom: p, scenario: mw, executor: SlabExecutor(threads: 1)).model
        let material = try XCTUnwrap(model.materialIndex(named: "microwave_shaft"))
        XCTAssertEqual(model.codes.indices.filter { Int(model.codes[$0]) == material }, shaft.sorted())
        XCTAssertFalse(shaft.isEmpty)
    }
}
