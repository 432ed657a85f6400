@testable import AblasimPhantom
import AblasimCore
import Foundation
import XCTest

final class SegmentationImportTests: XCTestCase {
    /// A synthetic "vertebra" label map at 1.5 mm: a body block, a closed posterior ring
    /// around a canal, neighbours above and below, in TotalSegmentator numbering (L1 = 31,
    /// T12 = 32, L2 = 30), written with the requested orientation.
    static func syntheticSegmentation(orientation: [Double], datatype: String) throws -> NIfTIImage {
        let h = 1.5
        let n = 40
        // World (RAS, mm) label function.
        func label(_ p: SIMD3<Double>) -> Double {
            let (x, y, z) = (p.x, p.y, p.z)
            let inBodyXY = abs(x) <= 20 && y >= 0 && y <= 30
            if inBodyXY && abs(z) <= 12 { return 31 }
            if inBodyXY && z >= 20 { return 32 }
            if inBodyXY && z <= -20 { return 30 }
            // Posterior ring: pedicles and lamina around a 16 x 14 mm canal, z in [-6, 10].
            if z >= -6 && z <= 10 && y < 0 && y >= -22 && abs(x) <= 14 {
                let inCanal = abs(x) <= 8 && y <= -1 && y >= -15
                if !inCanal { return 31 }
            }
            return 0
        }
        var values = [Double](repeating: 0, count: n * n * n)
        // The grid centre sits at world (0, 0, 0) - (0, 0, 0); columns of `orientation` are unit axes.
        let d = orientation
        let centre = SIMD3(Double(n - 1), Double(n - 1), Double(n - 1)) / 2
        var affine = [Double](repeating: 0, count: 16)
        for r in 0..<3 {
            for c in 0..<3 { affine[4 * r + c] = d[3 * c + r] * h }
            affine[4 * r + 3] = -(0..<3).map { d[3 * $0 + r] * h * centre[$0] }.reduce(0, +) + (r == 1 ? 4 : 0)
        }
        affine[15] = 1
        let image0 = try NIfTIImage(dims: SIMD3(n, n, n), pixdim: SIMD3(repeating: h), affine: affine, voxels: .float64(values))
        for k in 0..<n { for j in 0..<n { for i in 0..<n {
            values[(k * n + j) * n + i] = label(image0.world(SIMD3(Double(i), Double(j), Double(k))))
        } } }
        let voxels: NIfTIImage.Voxels
        switch datatype {
        case "int16": voxels = .int16(values.map { Int16($0) })
        case "float32": voxels = .float32(values.map { Float($0) })
        default: voxels = .uint8(values.map { UInt8($0) })
        }
        return try NIfTIImage(dims: SIMD3(n, n, n), pixdim: SIMD3(repeating: h), affine: affine, voxels: voxels)
    }

    func testSyntheticImportInSeveralOrientationsAndTypes() throws {
        let orientations: [(String, [Double])] = [
            ("RAS", [1, 0, 0, 0, 1, 0, 0, 0, 1]),
            ("LPS", [-1, 0, 0, 0, -1, 0, 0, 0, 1]),
            ("PIR", [0, -1, 0, 0, 0, -1, 1, 0, 0]),
        ]
        var volumes: [[String: Double]] = []
        for (code, d) in orientations {
            for type in ["uint8", "int16", "float32"] where code == "RAS" || type == "uint8" {
                let seg = try Self.syntheticSegmentation(orientation: d, datatype: type)
                XCTAssertEqual(seg.orientationCode, code)
                // Through the file format too (writer + reader), gzip.
                let reread = try NIfTIImage.decode(try Gzip.compress(try seg.encode()), context: "syn")
                var o = SegmentationImportOptions()
                o.voxelMm = 1
                let p = try SegmentationImporter.makePhantom(segmentation: reread, ct: nil, options: o, context: "\(code)-\(type)")
                let names = Set(p.legend.values)
                XCTAssertTrue(names.isSuperset(of: ["cortical_bone", "cancellous_bone", "intervertebral_disc", "epidural_fat", "dura",
                                                    "csf", "spinal_cord", "nerve_root", "muscle"]), "\(code) \(type): \(names.sorted())")
                // The canal is where the synthetic foramen is: the anterior cord site lies
                // behind the body wall (y = 0 in the synthetic world, +4 mm affine shift).
                let ant = p.landmarks.sites["cord_anterior"]! * 1000
                XCTAssertTrue(ant.y < 4 && ant.y > -12, "\(code): cord_anterior \(ant)")
                XCTAssertEqual(abs(ant.x), 0, accuracy: 1.5)
                XCTAssertEqual(p.tissueName(atWorld: p.landmarks.sites["posterior_wall"]!), "cortical_bone")
                for axis in [p.landmarks.pedicleLeft!, p.landmarks.pedicleRight!] {
                    XCTAssertGreaterThan(axis.target.y * 1000, 4, "\(code): target in the body")
                    XCTAssertLessThan(abs(axis.target.x), abs(axis.entry.x))
                }
                XCTAssertLessThan(p.landmarks.pedicleLeft!.entry.x, 0)
                XCTAssertTrue(AnatomyAudit.run(p).passed, "\(code) \(type): \(AnatomyAudit.run(p).summaryLines.joined(separator: "\n"))")
                volumes.append(p.tissueVolumes())
            }
        }
        // Same anatomy whatever the storage orientation: bone volumes agree within 3 %.
        let bone = volumes.map { ($0["cortical_bone"] ?? 0) + ($0["cancellous_bone"] ?? 0) }
        for b in bone { XCTAssertEqual(b, bone[0], accuracy: 0.03 * bone[0]) }
    }

    func testMissingLevelAndBadOptions() throws {
        let seg = try Self.syntheticSegmentation(orientation: [1, 0, 0, 0, 1, 0, 0, 0, 1], datatype: "uint8")
        var o = SegmentationImportOptions()
        o.level = "L4"
        assertPhantomInputError("vertebra labels present: 30, 31, 32") { _ = try SegmentationImporter.makePhantom(segmentation: seg, ct: nil, options: o) }
        o.level = "X9"
        assertPhantomInputError("unknown vertebral level") { _ = try SegmentationImporter.makePhantom(segmentation: seg, ct: nil, options: o) }
        o = SegmentationImportOptions(); o.voxelMm = 0.1; o.maxVoxels = 1_000_000
        assertPhantomInputError("larger --voxel") { _ = try SegmentationImporter.makePhantom(segmentation: seg, ct: nil, options: o) }
        XCTAssertEqual(try SegmentationLabelScheme.verse.label(ofLevel: "L1"), 20)
        XCTAssertEqual(try SegmentationLabelScheme.verse.label(ofLevel: "T12"), 19)
        XCTAssertEqual(try SegmentationLabelScheme.totalsegmentator.label(ofLevel: "T11"), 33)
        XCTAssertEqual(try SegmentationLabelScheme.totalsegmentator.label(ofLevel: "L5"), 27)
    }

    /// The real TotalSegmentator files of ../shared/data/segmentations, when present.
    func testRealTotalSegmentatorFiles() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("shared/data/segmentations")
        guard FileManager.default.fileExists(atPath: folder.appendingPathComponent("totalseg-example-seg.nii.gz").path) else {
            throw XCTSkip("\(folder.path) is absent: real-segmentation import not tested")
        }
        let seg = try NIfTIImage.read(from: folder.appendingPathComponent("totalseg-example-seg.nii.gz"))
        XCTAssertEqual(seg.dims, SIMD3(122, 101, 30))
        XCTAssertEqual(seg.orientationCode, "RAS")
        let ct = try NIfTIImage.read(from: folder.appendingPathComponent("totalseg-example-ct.nii.gz"))
        guard case .int16 = ct.voxels else { return XCTFail("the CT should be int16") }
        var o = SegmentationImportOptions()
        o.voxelMm = 1.5
        for (file, level, useCT) in [("totalseg-example-seg.nii.gz", "L1", true), ("totalseg-lumbar-seg.nii.gz", "L3", false)] {
            o.level = level
            let s = try NIfTIImage.read(from: folder.appendingPathComponent(file))
            let p = try SegmentationImporter.makePhantom(segmentation: s, ct: useCT ? ct : nil, options: o, context: file)
            let v = p.tissueVolumes()
            let boneMl = ((v["cortical_bone"] ?? 0) + (v["cancellous_bone"] ?? 0)) * 1e6
            // A lumbar vertebra with a neighbour's endplate regions in the crop: tens of ml.
            XCTAssertTrue((20...150).contains(boneMl), "\(file) \(level): bone \(boneMl) ml")
            XCTAssertNotNil(v["intervertebral_disc"], file)
            XCTAssertNotNil(v["nerve_root"], file)
            XCTAssertEqual(Set(p.landmarks.sites.keys), Set(Landmarks.standardSites))
            // At 1.5 mm the epidural space is one voxel or less: any canal tissue is right.
            let canal: Set<String> = ["epidural_fat", "dura", "csf", "cauda_equina", "spinal_cord"]
            for site in ["cord_anterior", "cord_posterior"] {
                let t = p.tissueName(atWorld: p.landmarks.sites[site]!) ?? "outside"
                XCTAssertTrue(canal.contains(t), "\(file): \(site) in \(t)")
            }
            XCTAssertEqual(p.tissueName(atWorld: p.landmarks.sites["posterior_wall"]!), "cortical_bone", file)
            XCTAssertEqual(p.tissueName(atWorld: p.landmarks.sites["root_left"]!), "nerve_root", file)
            for axis in [p.landmarks.pedicleLeft!, p.landmarks.pedicleRight!] {
                let d = axis.direction
                let medial = atan2(abs(d.x), d.y) * 180 / .pi
                XCTAssertTrue((5...30).contains(medial), "\(file): medial convergence \(medial)")
                XCTAssertEqual(p.tissueName(atWorld: axis.target), "cancellous_bone", file)
            }
            XCTAssertEqual(v["spinal_cord"] != nil, level == "L1", "\(file): cord from the label at L1, cauda equina at L3")
            // The canal follows the spine: the anatomy audit is clean (cord in the sac,
            // no canal tissue in bone or disc cavities, discs between endplates, ...).
            let audit = AnatomyAudit.run(p)
            XCTAssertTrue(audit.passed, "\(file) \(level): \(audit.summaryLines.joined(separator: "\n"))")
            // Round trip through .vox.
            let back = try Phantom.decodeVox(try p.encodeVox(), context: file)
            XCTAssertEqual(back.labels, p.labels)
        }
    }

    static let sharedSegmentations = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/data/segmentations")

    /// Imports `level` of a shared TotalSegmentator file at `voxel` mm and checks that the
    /// canal is one tube following the spine: a clean audit (sac in one piece, no canal
    /// tissue in a cavity of bone or disc, cord in the sac, discs between bodies, both
    /// pedicle axes in bone) and the sac centred on the fitted centreline at every height.
    func assertCompleteLevelImports(_ file: String, _ level: String, voxel: Double = 1.5,
                                    file testFile: StaticString = #filePath, line: UInt = #line) throws {
        let url = Self.sharedSegmentations.appendingPathComponent(file)
        guard FileManager.default.fileExists(atPath: url.path) else { throw XCTSkip("\(url.path) is absent") }
        let seg = try NIfTIImage.read(from: url)
        var o = SegmentationImportOptions()
        o.voxelMm = voxel; o.level = level
        let p = try SegmentationImporter.makePhantom(segmentation: seg, ct: nil, options: o, context: file)
        let audit = AnatomyAudit.run(p)
        XCTAssertTrue(audit.passed, "\(file) \(level): \(audit.summaryLines.joined(separator: "\n"))", file: testFile, line: line)
        // Per axial slice of the phantom (but the 6 mm at either end of the crop, where an
        // oblique sac is cut by the crop's plane), the sac's centroid lies within 4 mm (a
        // third of the canal's width) of the centreline fitted through the foramina.
        let line2 = try SpinalCanalCentreline.fit(labels: try SegmentationLabelMap(seg, context: file), vertebraLabels: 25...50, context: file)
        let g = p.grid, sac: Set<String> = ["dura", "csf", "spinal_cord", "cauda_equina"]
        var worst = 0.0, slices = 0
        let ends = Int((6 / voxel).rounded(.up))
        for k in ends..<(g.nz - ends) {
            var sum = SIMD2<Double>.zero, n = 0.0
            for j in 0..<g.ny { for i in 0..<g.nx where sac.contains(p.legend[p.labels[(k * g.ny + j) * g.nx + i]] ?? "") {
                let w = g.world(SIMD3(Double(i), Double(j), Double(k))) * 1000
                sum += SIMD2(w.x, w.y); n += 1
            } }
            guard n > 0 else { continue }
            slices += 1
            let z = (g.world(SIMD3(0, 0, Double(k))) * 1000).z
            let c = line2.point(atZ: z).centre
            let d = sum / n - SIMD2(c.x, c.y)
            worst = max(worst, (d * d).sum().squareRoot())
        }
        XCTAssertGreaterThan(slices, (g.nz - 2 * ends) / 2, "\(file) \(level): the sac spans the crop", file: testFile, line: line)
        XCTAssertLessThan(worst, 4, "\(file) \(level): sac centroid off the centreline", file: testFile, line: line)
    }

    /// A level cut by the image edge is refused with the edge named and the complete
    /// levels listed; allowed, it carries the warning.
    func testLevelCutByTheImageEdge() throws {
        let seg = try Self.syntheticSegmentation(orientation: [1, 0, 0, 0, 1, 0, 0, 0, 1], datatype: "uint8")
        var o = SegmentationImportOptions()
        o.level = "T12"; o.voxelMm = 1.5
        assertPhantomInputError("T12 (label 32) is cut by the image edge: its voxels reach the superior edge (voxel index k = 39, the last plane)") {
            _ = try SegmentationImporter.makePhantom(segmentation: seg, ct: nil, options: o)
        }
        assertPhantomInputError("complete levels in this image: L1;") { _ = try SegmentationImporter.makePhantom(segmentation: seg, ct: nil, options: o) }
        // The same in LPS storage: the edge is named by its anatomical direction.
        let lps = try Self.syntheticSegmentation(orientation: [-1, 0, 0, 0, -1, 0, 0, 0, 1], datatype: "uint8")
        o.level = "L2"
        assertPhantomInputError("inferior edge (voxel index k = 0, the first plane)") { _ = try SegmentationImporter.makePhantom(segmentation: lps, ct: nil, options: o) }
        let faces = ImageEdgeContact.faces(lo: SIMD3(0, 3, 3), hi: SIMD3(5, 39, 5), of: lps)
        XCTAssertEqual(faces, ["right edge (voxel index i = 0, the first plane)", "posterior edge (voxel index j = 39, the last plane)"])
        XCTAssertEqual(ImageEdgeContact.completeLevels(in: try SegmentationLabelMap(seg, context: "syn"), scheme: .totalsegmentator), ["L1"])
    }

    func testLevelSpecifications() throws {
        XCTAssertEqual(try SegmentationLabelScheme.levels(from: "T12-L2"), ["T12", "L1", "L2"])
        XCTAssertEqual(try SegmentationLabelScheme.levels(from: "l2-t12"), ["T12", "L1", "L2"])
        XCTAssertEqual(try SegmentationLabelScheme.levels(from: "L3, L1,L1-L2"), ["L1", "L2", "L3"])
        XCTAssertEqual(try SegmentationLabelScheme.levels(from: "C7-T1"), ["C7", "T1"])
        for bad in ["", "L6", "L1-", "L1--L2", "S1", "L1,,L2", "T1-L2-L3"] {
            assertPhantomInputError("--levels '\(bad)' is invalid") { _ = try SegmentationLabelScheme.levels(from: bad) }
        }
    }

    // One test per complete level of the shared files (T12 and T11 touch the image edge).
    func testSharedExampleL1() throws { try assertCompleteLevelImports("totalseg-example-seg.nii.gz", "L1") }
    func testSharedLumbarL1() throws { try assertCompleteLevelImports("totalseg-lumbar-seg.nii.gz", "L1") }
    func testSharedLumbarL2() throws { try assertCompleteLevelImports("totalseg-lumbar-seg.nii.gz", "L2") }
    func testSharedLumbarL3() throws { try assertCompleteLevelImports("totalseg-lumbar-seg.nii.gz", "L3") }
    func testSharedLumbarL4() throws { try assertCompleteLevelImports("totalseg-lumbar-seg.nii.gz", "L4") }
    /// L5: the canal bends 30-40 degrees backwards into the sacrum; the centreline follows it.
    func testSharedLumbarL5() throws { try assertCompleteLevelImports("totalseg-lumbar-seg.nii.gz", "L5") }

    /// Every complete level at 1 mm and 0.5 mm (long: up to a few minutes per level in a debug build).
    func testEveryCompleteLevelImportsWithACleanAuditAtFineVoxels() throws {
        guard ProcessInfo.processInfo.environment["ABLASIM_LONG_TESTS"] == "1" else { throw XCTSkip("set ABLASIM_LONG_TESTS=1") }
        for voxel in [1.0, 0.5] {
            try assertCompleteLevelImports("totalseg-example-seg.nii.gz", "L1", voxel: voxel)
            for level in ["L1", "L2", "L3", "L4", "L5"] { try assertCompleteLevelImports("totalseg-lumbar-seg.nii.gz", level, voxel: voxel) }
        }
    }

    /// A sharp lumbosacral-like bend (the foramen moves 22 mm forwards over one level, then
    /// 5 and 3 mm): the Hermite centreline passes through every foramen and turns with it.
    func testCentrelineFollowsASharpBend() throws {
        let sections: [(z: Double, y: Double)] = [(-60, -20), (-30, 2), (0, 7), (30, 10)]
        let levels = sections.enumerated().map { n, c in
            SpinalCanalCentreline.Level(label: 30 + n, sections: [.init(z: c.z - 1, centre: SIMD2(0, c.y), halfWidth: 8, halfDepth: 7),
                                                                  .init(z: c.z + 1, centre: SIMD2(0, c.y), halfWidth: 8, halfDepth: 7)], z: c.z)
        }
        let knots = SpinalCanalCentreline.knots(of: levels)
        let line = SpinalCanalCentreline(levels: levels, knots: knots, axes: levels.map { ($0.z, 8.0, 7.0) })
        for c in sections { XCTAssertEqual(line.point(atZ: c.z).centre.y, c.y, accuracy: 1e-9) }
        // Inner tangent: the three-point slope (equal spacing: the mean of the two secants).
        XCTAssertEqual(knots[1].slope.y, (22.0 / 30 + 5.0 / 30) / 2, accuracy: 1e-12)
        // Continuous tangent across a knot, and monotone between knots of a monotone stack.
        let below = line.point(atZ: -30 - 1e-6).tangent, above = line.point(atZ: -30 + 1e-6).tangent
        XCTAssertEqual(below.y, above.y, accuracy: 1e-6)
        var previous = -Double.infinity
        for z in stride(from: -60.0, through: 30, by: 1) {
            let y = line.point(atZ: z).centre.y
            XCTAssertGreaterThanOrEqual(y, previous - 1e-9); previous = y
        }
    }

    /// Three vertebral rings stacked along a curve (a lordosis: the foramen moves 3 and 8 mm
    /// forwards): the fitted centreline passes through each foramen and bends with them.
    func testCentrelineFollowsACurvedStack() throws {
        let h = 1.5, n = SIMD3(40, 40, 70)
        let centres: [(z: Double, y: Double, label: Int)] = [(-33, 8, 30), (0, 3, 31), (33, 0, 32)]
        var values = [UInt8](repeating: 0, count: n.x * n.y * n.z)
        for k in 0..<n.z { for j in 0..<n.y { for i in 0..<n.x {
            let p = SIMD3(Double(i) - 19.5, Double(j) - 19.5, Double(k) - 34.5) * h
            for c in centres where abs(p.z - c.z) <= 9 {
                // Ring: 24 x 22 mm outside, 14 x 12 mm foramen centred at (0, c.y).
                let u = p.x / 12, v = (p.y - c.y) / 11, a = p.x / 7, b = (p.y - c.y) / 6
                if u * u + v * v <= 1 && a * a + b * b > 1 { values[(k * n.y + j) * n.x + i] = UInt8(c.label) }
            }
        } } }
        let affine: [Double] = [h, 0, 0, -19.5 * h, 0, h, 0, -19.5 * h, 0, 0, h, -34.5 * h, 0, 0, 0, 1]
        let image = try NIfTIImage(dims: n, pixdim: SIMD3(repeating: h), affine: affine, voxels: .uint8(values))
        let map = try SegmentationLabelMap(image, context: "stack")
        let line = try SpinalCanalCentreline.fit(labels: map, vertebraLabels: 25...50, context: "stack")
        XCTAssertEqual(line.levels.count, 3)
        for c in centres {
            let p = line.point(atZ: c.z).centre
            XCTAssertEqual(p.x, 0, accuracy: 0.5)
            XCTAssertEqual(p.y, c.y, accuracy: 1.0, "foramen centre at z = \(c.z)")
            let axes = line.halfAxes(atZ: c.z)
            XCTAssertEqual(axes.width, 7, accuracy: 1.0); XCTAssertEqual(axes.depth, 6, accuracy: 1.0)
        }
        // The tangent leans forwards going down (y grows as z falls), and the line goes on
        // straight beyond the last level.
        XCTAssertLessThan(line.point(atZ: -33).tangent.y, -0.05)
        let below = line.point(atZ: -60), end = line.point(atZ: line.zLow)
        XCTAssertEqual(below.centre.y, end.centre.y + end.tangent.y / end.tangent.z * (-60 - line.zLow), accuracy: 1e-9)
        // A point in front of the centreline at z = 0 has v > 0 and u = 0 in its section.
        let sec = line.section(of: SIMD3(0, 3 + 5, 0))
        XCTAssertEqual(sec.u, 0, accuracy: 0.5); XCTAssertEqual(sec.v, 5, accuracy: 0.5)
    }
}
