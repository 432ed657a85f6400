@testable import AblasimPhantom
import AblasimCore
import Foundation
import XCTest

/// The anatomy audit: every committed and generated phantom passes; each rule catches the
/// impossible anatomy it is written for, with the count and the first voxel.
final class AnatomyAuditTests: XCTestCase {
    /// A generated L1 at 1 mm (the audit's rules hold at every resolution the generator offers).
    static let l1: Phantom = {
        var o = VertebraPhantomOptions()
        o.voxelMm = 1
        return try! VertebraPhantomGenerator.generate(o)
    }()

    func testCommittedPhantomsPass() throws {
        for name in ["L1-lytic", "T11-lytic", "L3-blastic"] {
            let p = try Phantom.read(from: CommittedPhantomTests.folder.appendingPathComponent("\(name).vox"))
            let audit = AnatomyAudit.run(p)
            XCTAssertTrue(audit.passed, "\(name): \(audit.summaryLines.joined(separator: "\n"))")
            XCTAssertEqual(audit.axes.count, 2)
            for axis in audit.axes {
                XCTAssertLessThanOrEqual(axis.outsideBoneMm, 0.5, name)
                XCTAssertGreaterThan(axis.canalClearanceMm, 2, "\(name) \(axis.side): a transpedicular axis clears the canal")
            }
        }
    }

    func testGeneratedPhantomsPassAtEveryVoxelSize() throws {
        for (level, voxel) in [("T10", 2.0), ("T11", 2.0), ("L1", 2.0), ("L5", 2.0), ("T12", 3.0), ("L5", 3.0)] {
            var o = VertebraPhantomOptions()
            o.level = level; o.voxelMm = voxel
            let audit = AnatomyAudit.run(try VertebraPhantomGenerator.generate(o))
            XCTAssertTrue(audit.passed, "\(level) at \(voxel) mm: \(audit.summaryLines.joined(separator: "\n"))")
        }
        XCTAssertTrue(AnatomyAudit.run(Self.l1).passed, AnatomyAudit.run(Self.l1).summaryLines.joined(separator: "\n"))
    }

    /// The first voxel of `label` (x fastest) and a helper to set labels by index.
    func voxels(_ p: Phantom, _ label: UInt8) -> [Int] { p.labels.indices.filter { p.labels[$0] == label } }

    func testCordTouchingMuscleIsFound() throws {
        var p = Self.l1
        // The cord voxel nearest the grid centre; its posterior neighbour becomes muscle.
        let cord = voxels(p, PhantomLabels.spinalCord)
        let idx = try XCTUnwrap(cord.first { p.labels[$0 - p.grid.nx] != PhantomLabels.spinalCord })
        let painted = idx - p.grid.nx
        p.labels[painted] = PhantomLabels.muscle
        // Every cord or cauda voxel sharing a face with the painted one is an offender.
        let neural: Set<UInt8> = [PhantomLabels.spinalCord, PhantomLabels.caudaEquina]
        let offenders = [1, -1, p.grid.nx, -p.grid.nx, p.grid.nx * p.grid.ny, -p.grid.nx * p.grid.ny].map { painted + $0 }
            .filter { neural.contains(p.labels[$0]) }.sorted()
        XCTAssertTrue(offenders.contains(idx))
        let audit = AnatomyAudit.run(p)
        let f = try XCTUnwrap(audit.findings.first { $0.rule == "cord-in-sac" }, audit.summaryLines.joined(separator: "\n"))
        XCTAssertEqual(f.count, offenders.count)
        let first = offenders[0]
        XCTAssertEqual(f.voxel, SIMD3(first % p.grid.nx, (first / p.grid.nx) % p.grid.ny, first / (p.grid.nx * p.grid.ny)))
        XCTAssertTrue(f.detail.contains("muscle \(offenders.count)"), f.detail)
        let w = p.grid.world(SIMD3(Double(f.voxel.x), Double(f.voxel.y), Double(f.voxel.z))) * 1000
        XCTAssertEqual(f.worldMm, w)
        XCTAssertTrue(f.description.contains("cord-in-sac") && f.description.contains("\(offenders.count) voxel"), f.description)
    }

    func testCanalPaintedIntoTheBodyAndDiscsInMuscle() throws {
        var p = Self.l1
        let g = p.grid
        // A 5 mm cube of CSF in the middle of the body (as the straight extrusion painted
        // it into the disc space and endplate of a curved spine).
        let centre = g.index(p.landmarks.tumorCenter!).rounded(.toNearestOrEven)
        var painted = 0
        for k in -2...2 { for j in -2...2 { for i in -2...2 {
            p.labels[p.linear(Int(centre.x) + i, Int(centre.y) + j + 8, Int(centre.z) + k)] = PhantomLabels.csf; painted += 1
        } } }
        // A column of disc in the paraspinal muscle, 25 mm behind the lamina.
        let back = g.index(p.landmarks.sites["cord_posterior"]! - SIMD3(0.015, 0.025, 0)).rounded(.toNearestOrEven)
        for k in -3...3 { p.labels[p.linear(Int(back.x), Int(back.y), Int(back.z) + k)] = PhantomLabels.disc }
        let audit = AnatomyAudit.run(p)
        let rules = Set(audit.findings.map(\.rule))
        XCTAssertTrue(rules.isSuperset(of: ["sac-one-tube", "canal-behind-wall", "disc-between-bodies"]), audit.summaryLines.joined(separator: "\n"))
        XCTAssertEqual(audit.findings.first { $0.rule == "sac-one-tube" }?.count, painted)
        XCTAssertEqual(audit.findings.first { $0.rule == "disc-between-bodies" }?.count, 7)
        XCTAssertFalse(audit.passed)
    }

    func testAxisOutOfBoneAndLandmarksInTheWrongTissue() throws {
        var p = Self.l1
        // The left target moved 12 mm laterally, out of the body into the psoas.
        p.landmarks.pedicleLeft!.target.x -= 0.030
        p.landmarks.sites["cord_anterior"] = p.landmarks.sites["cord_anterior"]! - SIMD3(0, 0.006, 0)   // into the sac
        let audit = AnatomyAudit.run(p)
        let axis = try XCTUnwrap(audit.findings.first { $0.rule == "pedicle-axis-in-bone" }, audit.summaryLines.joined(separator: "\n"))
        XCTAssertTrue(axis.detail.contains("pedicle_left runs"), axis.detail)
        XCTAssertGreaterThan(audit.axes[0].outsideBoneMm, 3)
        let landmarks = audit.findings.filter { $0.rule == "landmark-tissue" }.map(\.detail)
        XCTAssertTrue(landmarks.contains { $0.hasPrefix("pedicle_left.target lies in") }, "\(landmarks)")
        XCTAssertTrue(landmarks.contains { $0.hasPrefix("cord_anterior lies in") && $0.hasSuffix("not in epidural_fat") }, "\(landmarks)")
        XCTAssertEqual(audit.axes[1], AnatomyAudit.run(Self.l1).axes[1], "the right axis is unchanged")
    }

    func testWarningsAreStoredInTheVoxFileSanitized() throws {
        var p = VoxTestSupport.coarseL1
        p.auditWarnings = ["cord-in-sac: touches muscle 3 (3 voxels; first at voxel (1, 2, 3), 1.0, 2.0, 3.0 mm)",
                           "evil \u{1b}[31mred\u{0}\nnewline   spaces"]
        let bytes = try p.encodeVox()
        let back = try Phantom.decodeVox(bytes, context: "w.vox")
        XCTAssertEqual(back.auditWarnings, [p.auditWarnings[0], "evil ?[31mred??newline spaces"])
        XCTAssertEqual(try back.encodeVox(), bytes, "deterministic round trip")
        XCTAssertTrue(back.summary().contains("written despite a failed audit (--force)"))
        // Without warnings the header is unchanged (no audit_warning line).
        XCTAssertFalse(String(decoding: try VoxTestSupport.coarseL1.encodeVox().prefix(2000), as: UTF8.self).contains("audit_warning"))
    }
}
