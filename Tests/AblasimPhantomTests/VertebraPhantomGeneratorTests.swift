@testable import AblasimPhantom
import AblasimCore
import Foundation
import XCTest

final class VertebraPhantomGeneratorTests: XCTestCase {
    func testSameOptionsGiveTheSameBytes() throws {
        var o = VertebraPhantomOptions()
        o.level = "T11"; o.voxelMm = 2; o.tumor = .blastic; o.tumorBreachMm = 2
        let a = try VertebraPhantomGenerator.generate(o).encodeVox()
        let b = try VertebraPhantomGenerator.generate(o).encodeVox()
        XCTAssertEqual(a, b)
        o.tumorDiameterMm = 10
        XCTAssertNotEqual(try VertebraPhantomGenerator.generate(o).encodeVox(), a, "a different option must change the phantom")
    }

    func testEveryLevelBuildsWithItsNeuralTissue() throws {
        for m in VertebraMorphometry.levels {
            var o = VertebraPhantomOptions()
            o.level = m.level; o.voxelMm = 2; o.tumor = .none
            let p = try VertebraPhantomGenerator.generate(o)
            let names = Set(p.legend.values)
            XCTAssertTrue(names.isSuperset(of: ["cortical_bone", "cancellous_bone", "intervertebral_disc", "dura",
                                                "epidural_fat", "nerve_root", "muscle"]), "\(m.level): \(names.sorted())")
            XCTAssertEqual(names.contains("spinal_cord"), m.cordWidth > 0, m.level)
            XCTAssertEqual(names.contains("cauda_equina"), m.cordWidth == 0 || m.hasConus, m.level)
            XCTAssertTrue(names.contains("csf") || names.contains("cauda_equina"), "\(m.level): the sac holds csf or roots")
            XCTAssertFalse(names.contains("tumor_lytic"))
            XCTAssertLessThanOrEqual(p.legend.count, 24)
            // The body has the published size: cortical + cancellous volume in the central slab.
            XCTAssertLessThan(p.grid.voxelCount, 600_000)
        }
    }

    func testL1AnatomyAndLandmarks() throws {
        var o = VertebraPhantomOptions()
        o.voxelMm = 1
        let p = try VertebraPhantomGenerator.generate(o)
        let g = p.grid
        // Tight domain: 70-100 mm across and front to back, 40-55 mm high.
        let extent = SIMD3(Double(g.nx), Double(g.ny), Double(g.nz)) * g.spacing * 1000
        XCTAssertTrue((70...100).contains(extent.x) && (70...100).contains(extent.y) && (40...55).contains(extent.z), "\(extent)")
        XCTAssertEqual(p.tissueName(atWorld: p.landmarks.tumorCenter!), "tumor_lytic")
        XCTAssertEqual(p.tissueName(atWorld: p.landmarks.sites["cord_anterior"]!), "epidural_fat")
        XCTAssertEqual(p.tissueName(atWorld: p.landmarks.sites["root_left"]!), "nerve_root")
        XCTAssertEqual(p.tissueName(atWorld: p.landmarks.sites["root_right"]!), "nerve_root")
        XCTAssertEqual(Set(p.landmarks.sites.keys), Set(Landmarks.standardSites))
        XCTAssertLessThan(p.landmarks.sites["root_left"]!.x, 0, "RAS: the left root has x < 0")
        for (side, axis) in [("left", p.landmarks.pedicleLeft!), ("right", p.landmarks.pedicleRight!)] {
            let d = axis.direction
            let medial = atan2(abs(d.x), d.y) * 180 / .pi
            XCTAssertTrue((10...18).contains(medial), "\(side) medial convergence \(medial) deg")
            XCTAssertTrue((0.03...0.05).contains(axis.length), "\(side) length \(axis.length * 1000) mm")
            XCTAssertLessThan(abs(axis.target.x), abs(axis.entry.x), "\(side) axis converges medially")
            XCTAssertGreaterThan(axis.target.y, 0, "\(side) target in the anterior half of the body")
            // A needle along the axis stays in bone (or tumour) from entry to target.
            for s in stride(from: 0.0, through: 1.0, by: 0.02) {
                let q = axis.entry + s * (axis.target - axis.entry)
                let name = p.tissueName(atWorld: q) ?? "outside"
                XCTAssertTrue(["cortical_bone", "cancellous_bone", "tumor_lytic"].contains(name), "\(side) axis at \(s): \(name)")
            }
        }
        // The cord (conus) sits inside the dural sac, in the canal behind the body.
        let cord = p.labels.enumerated().filter { p.legend[$0.element] == "spinal_cord" }.map(\.offset)
        XCTAssertFalse(cord.isEmpty)
    }

    func testTumourBreachReachesTheCanal() throws {
        var o = VertebraPhantomOptions()
        o.voxelMm = 1; o.tumorBreachMm = 3
        let p = try VertebraPhantomGenerator.generate(o)
        let wall = p.landmarks.sites["posterior_wall"]!
        XCTAssertEqual(p.tissueName(atWorld: wall), "tumor_lytic")
        XCTAssertEqual(p.tissueName(atWorld: wall - SIMD3(0, 0.002, 0)), "tumor_lytic", "2 mm behind the wall, in the epidural space")
        let intact = VoxTestSupport.coarseL1
        XCTAssertEqual(intact.tissueName(atWorld: intact.landmarks.sites["posterior_wall"]!), "cortical_bone")
    }

    func testBadOptionsAreInputErrors() {
        var o = VertebraPhantomOptions()
        o.level = "C5"
        assertPhantomInputError("valid levels") { _ = try VertebraPhantomGenerator.generate(o) }
        o = VertebraPhantomOptions(); o.voxelMm = 0
        assertPhantomInputError("voxel size") { _ = try VertebraPhantomGenerator.generate(o) }
        o = VertebraPhantomOptions(); o.tumorBreachMm = 9
        assertPhantomInputError("breach") { _ = try VertebraPhantomGenerator.generate(o) }
        o = VertebraPhantomOptions(); o.tumorDiameterMm = .nan
        assertPhantomInputError("diameter") { _ = try VertebraPhantomGenerator.generate(o) }
    }
}
