@testable import AblasimPhantom
import AblasimCore
import Foundation
import XCTest

/// Round trip against ground truth: a curved multi-level spine (`CurvedSpine`: lordosis or
/// kyphosis, a few degrees of scoliosis and of axial rotation) written as a segmentation
/// NIfTI (TotalSegmentator or VerSe numbering, with or without the cord, in several
/// orientations), read back, imported at its middle level and compared with the analytic
/// anatomy. Bounds (Phantoms/README.md, "Round trip"): canal centre within 1.5 mm of the
/// truth; canal semi-axes within 25 %; Dice of the central canal (sac and epidural fat
/// between the pedicles) at least 0.75, of the dural sac at least 0.7, of bone at least 0.9;
/// bone volume within 10 %; each pedicle axis within 12 degrees of the generator's and its
/// target within 8 mm; cord Dice at least 0.7 when the cord is labelled.
final class CurvedSpineRoundTripTests: XCTestCase {
    struct Measures {
        var canalOffsetMm = 0.0, canalWidthRatio = 0.0, canalDepthRatio = 0.0
        var canalDice = 0.0, sacDice = 0.0, boneDice = 0.0, boneVolumeRatio = 0.0, cordDice: Double?
        var axisAngleDeg: [Double] = [], targetDistanceMm: [Double] = [], entryDistanceMm: [Double] = []
    }

    static let canalNames: Set<String> = ["epidural_fat", "dura", "csf", "spinal_cord", "cauda_equina"]
    static let canalLabels: Set<UInt8> = [PhantomLabels.epiduralFat, PhantomLabels.dura, PhantomLabels.csf, PhantomLabels.spinalCord, PhantomLabels.caudaEquina]

    func measure(_ spine: CurvedSpine, scheme: SegmentationLabelScheme, cord: Bool, orientation: [Double], importVoxel: Double) throws -> Measures {
        let map = try spine.labelMap(scheme: scheme, cord: cord, orientation: orientation)
        let reread = try NIfTIImage.decode(try Gzip.compress(try map.encode()), context: "curved")
        let n = spine.levels.count / 2
        var o = SegmentationImportOptions()
        o.scheme = scheme; o.level = spine.levels[n].name; o.voxelMm = importVoxel
        let p = try SegmentationImporter.makePhantom(segmentation: reread, ct: nil, options: o, context: "curved \(o.level)")
        let audit = AnatomyAudit.run(p)
        XCTAssertTrue(audit.passed, "\(o.level): \(audit.summaryLines.joined(separator: "\n"))")
        var m = Measures()
        // Canal centre and semi-axes at mid-body height of the level.
        let line = try SpinalCanalCentreline.fit(labels: try SegmentationLabelMap(reread, context: "curved"), vertebraLabels: scheme.vertebraLabels, context: "curved")
        let truth = spine.canalCentre(n)
        let c = line.point(atZ: truth.z).centre
        m.canalOffsetMm = ((c - truth) * (c - truth)).sum().squareRoot()
        let g = spine.levels[n].geometry
        let axes = line.halfAxes(atZ: truth.z)
        m.canalWidthRatio = axes.width / g.canalHalfWidth
        m.canalDepthRatio = axes.depth / (g.canalDepth / 2)
        // Dice and volumes over the phantom's voxels but the 6 mm at either end of the crop.
        let grid = p.grid
        let ends = Int((6 / importVoxel).rounded(.up))
        var canal = (both: 0, imported: 0, truth: 0), bone = canal, cordCount = canal, sac = canal
        for k in ends..<(grid.nz - ends) { for j in 0..<grid.ny { for i in 0..<grid.nx {
            let name = p.legend[p.labels[(k * grid.ny + j) * grid.nx + i]] ?? ""
            let w = grid.world(SIMD3(Double(i), Double(j), Double(k))) * 1000
            let t = spine.truthLabel(atWorld: w)
            // The central canal only (between the pedicles): the foramina's fat is modelled
            // differently by the generator (the whole foramen) and the import (around the root).
            let (nearest, q) = spine.nearestLevel(w)
            let central = abs(q.x) <= spine.levels[nearest].geometry.canalHalfWidth
            func count(_ a: Bool, _ b: Bool, _ tally: inout (both: Int, imported: Int, truth: Int)) {
                if a { tally.imported += 1 }; if b { tally.truth += 1 }; if a && b { tally.both += 1 }
            }
            if central { count(Self.canalNames.contains(name), Self.canalLabels.contains(t), &canal) }
            count(Self.canalNames.contains(name) && name != "epidural_fat", Self.canalLabels.contains(t) && t != PhantomLabels.epiduralFat, &sac)
            count(name == "cortical_bone" || name == "cancellous_bone", t == PhantomLabels.corticalBone || t == PhantomLabels.cancellousBone, &bone)
            count(name == "spinal_cord", t == PhantomLabels.spinalCord, &cordCount)
        } } }
        func dice(_ t: (both: Int, imported: Int, truth: Int)) -> Double { 2 * Double(t.both) / Double(max(1, t.imported + t.truth)) }
        m.canalDice = dice(canal); m.sacDice = dice(sac); m.boneDice = dice(bone)
        m.boneVolumeRatio = Double(bone.imported) / Double(max(1, bone.truth))
        if cord && scheme.cordLabel != nil && cordCount.truth > 0 { m.cordDice = dice(cordCount) }
        for (side, axis) in [(-1.0, p.landmarks.pedicleLeft!), (1.0, p.landmarks.pedicleRight!)] {
            let t = spine.pedicleTrajectory(n, side: side)
            let a = axis.entry * 1000, b = axis.target * 1000
            let u = (b - a) / ((b - a) * (b - a)).sum().squareRoot(), v = (t.target - t.entry) / ((t.target - t.entry) * (t.target - t.entry)).sum().squareRoot()
            m.axisAngleDeg.append(acos(min(1, (u * v).sum())) * 180 / .pi)
            m.targetDistanceMm.append(((b - t.target) * (b - t.target)).sum().squareRoot())
            m.entryDistanceMm.append(((a - t.entry) * (a - t.entry)).sum().squareRoot())
        }
        return m
    }

    func assertWithinBounds(_ m: Measures, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        print("round trip \(what): \(m)")
        XCTAssertLessThan(m.canalOffsetMm, 1.5, "\(what): canal centre", file: file, line: line)
        XCTAssertEqual(m.canalWidthRatio, 1, accuracy: 0.25, "\(what): canal width", file: file, line: line)
        XCTAssertEqual(m.canalDepthRatio, 1, accuracy: 0.25, "\(what): canal depth", file: file, line: line)
        XCTAssertGreaterThan(m.canalDice, 0.75, "\(what): canal Dice", file: file, line: line)
        XCTAssertGreaterThan(m.sacDice, 0.7, "\(what): sac Dice", file: file, line: line)
        XCTAssertGreaterThan(m.boneDice, 0.9, "\(what): bone Dice", file: file, line: line)
        XCTAssertEqual(m.boneVolumeRatio, 1, accuracy: 0.1, "\(what): bone volume", file: file, line: line)
        for angle in m.axisAngleDeg { XCTAssertLessThan(angle, 12, "\(what): pedicle axis angle", file: file, line: line) }
        for d in m.targetDistanceMm { XCTAssertLessThan(d, 8, "\(what): pedicle target", file: file, line: line) }
        if let cord = m.cordDice { XCTAssertGreaterThan(cord, 0.7, "\(what): cord Dice", file: file, line: line) }
    }

    /// The ground truth itself: the direction turns by the stated bend between levels, the
    /// levels are one body height plus the disc apart, every level is in the map, complete.
    func testCurvedSpineGeometry() throws {
        var o = CurvedSpine.Options()
        o.scoliosisDegPerCm = 0; o.rotationDegPerLevel = 0; o.voxelMm = 3
        let spine = try CurvedSpine(o)
        let (top, bottom) = (spine.levels[0], spine.levels[2])
        let m = spine.levels.map(\.geometry.m)
        let arc = m[0].bodyHeight / 2 + m[1].discAbove + m[1].bodyHeight + m[1].discBelow + m[2].bodyHeight / 2
        let turn = acos(min(1, (top.ez * bottom.ez).sum())) * 180 / .pi
        XCTAssertEqual(turn, o.lordosisDegPerCm * arc / 10, accuracy: 1e-6)
        // Lordosis: the upper level's canal lies behind (lower y) the middle one's tangent line.
        XCTAssertLessThan(top.ez.y, 0); XCTAssertGreaterThan(bottom.ez.y, 0)
        let chord = top.origin - spine.levels[1].origin
        XCTAssertEqual((chord * chord).sum().squareRoot(), m[0].bodyHeight / 2 + m[1].discAbove + m[1].bodyHeight / 2, accuracy: 0.2)
        let map = try spine.labelMap(scheme: .totalsegmentator, cord: false, orientation: Self.ras)
        let labels = try SegmentationLabelMap(map, context: "curved")
        XCTAssertEqual(labels.present.filter { (25...50).contains($0) }.sorted(), [28, 29, 30])
        XCTAssertEqual(ImageEdgeContact.completeLevels(in: labels, scheme: .totalsegmentator), ["L4", "L3", "L2"])
    }

    static let ras: [Double] = [1, 0, 0, 0, 1, 0, 0, 0, 1], lps: [Double] = [-1, 0, 0, 0, -1, 0, 0, 0, 1], pir: [Double] = [0, -1, 0, 0, 0, -1, 1, 0, 0]

    /// A lumbar lordosis (2 degrees per cm: 20-25 degrees between the end levels) with
    /// scoliosis and rotation, TotalSegmentator numbering, RAS, 1.5 mm.
    func testLordoticLumbarSpineTotalSegmentatorRAS() throws {
        let spine = try CurvedSpine(CurvedSpine.Options())
        assertWithinBounds(try measure(spine, scheme: .totalsegmentator, cord: false, orientation: Self.ras, importVoxel: 1.5), "L2-L4 lordosis RAS")
    }

    /// The same spine as a VerSe map stored LPS, and PIR (the import is orientation-blind).
    func testLordoticLumbarSpineVerSeLPSAndPIR() throws {
        let spine = try CurvedSpine(CurvedSpine.Options())
        assertWithinBounds(try measure(spine, scheme: .verse, cord: false, orientation: Self.lps, importVoxel: 1.5), "L2-L4 lordosis VerSe LPS")
        assertWithinBounds(try measure(spine, scheme: .verse, cord: false, orientation: Self.pir, importVoxel: 1.5), "L2-L4 lordosis VerSe PIR")
    }

    /// A thoracolumbar kyphosis with the cord labelled (TotalSegmentator), 1 mm map.
    func testKyphoticThoracolumbarSpineWithCord() throws {
        var o = CurvedSpine.Options()
        o.levels = ["T11", "T12", "L1"]; o.lordosisDegPerCm = -1.5; o.scoliosisDegPerCm = -0.5; o.rotationDegPerLevel = -3; o.voxelMm = 1
        let spine = try CurvedSpine(o)
        assertWithinBounds(try measure(spine, scheme: .totalsegmentator, cord: true, orientation: Self.ras, importVoxel: 1), "T11-L1 kyphosis with cord")
    }
}
