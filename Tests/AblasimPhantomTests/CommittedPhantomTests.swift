@testable import AblasimPhantom
import AblasimCore
import Foundation
import XCTest

/// The phantoms committed in Phantoms/: readable, anatomically placed landmarks, probes
/// along the pedicle axes inside bone, and a size the default run can afford.
final class CommittedPhantomTests: XCTestCase {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Phantoms")

    func testCommittedPhantoms() throws {
        let expected: [(String, String, String)] = [("L1-lytic", "tumor_lytic", "cauda_equina"), ("T11-lytic", "tumor_lytic", "spinal_cord"),
                                                    ("L3-blastic", "tumor_blastic", "cauda_equina")]
        for (name, tumour, neural) in expected {
            let p = try Phantom.read(from: Self.folder.appendingPathComponent("\(name).vox"))
            XCTAssertEqual(p.name, name)
            XCTAssertEqual(p.grid.spacing, SIMD3(repeating: 0.0005))
            XCTAssertTrue((1_500_000...4_000_000).contains(p.grid.voxelCount), "\(name): \(p.grid.voxelCount) voxels")
            XCTAssertTrue(p.legend.values.contains(neural), name)
            XCTAssertEqual(p.tissueName(atWorld: p.landmarks.tumorCenter!), tumour, name)
            XCTAssertEqual(p.tissueName(atWorld: p.landmarks.sites["root_left"]!), "nerve_root", name)
            XCTAssertEqual(p.tissueName(atWorld: p.landmarks.sites["root_right"]!), "nerve_root", name)
            XCTAssertEqual(p.tissueName(atWorld: p.landmarks.sites["cord_anterior"]!), "epidural_fat", name)
            XCTAssertEqual(p.tissueName(atWorld: p.landmarks.sites["cord_posterior"]!), "epidural_fat", name)
            XCTAssertEqual(p.tissueName(atWorld: p.landmarks.sites["posterior_wall"]!), "cortical_bone", name)
            // A 1.5 mm probe (radius 0.75 mm) along each axis, from 2 mm inside the entry to
            // the target, lies in bone or tumour everywhere.
            let solid: Set<String> = ["cortical_bone", "cancellous_bone", tumour]
            for axis in [p.landmarks.pedicleLeft!, p.landmarks.pedicleRight!] {
                let d = axis.direction
                let u = simd_normalize3(cross3(d, SIMD3(0, 0, 1))), w = cross3(d, u)
                var outside: [String] = []
                for s in stride(from: 0.002, through: axis.length, by: 0.00025) {
                    for a in stride(from: 0.0, to: 2 * Double.pi, by: Double.pi / 4) {
                        let q = axis.entry + s * d + 0.00075 * (cos(a) * u + sin(a) * w)
                        let t = p.tissueName(atWorld: q) ?? "outside"
                        if !solid.contains(t) { outside.append(t) }
                    }
                }
                XCTAssertTrue(outside.isEmpty, "\(name): probe samples outside bone: \(outside.prefix(5))")
            }
        }
    }

    func testPNGChunksAndPixels() throws {
        var image = RGBImage(width: 3, height: 2, fill: (1, 2, 3))
        image.set(2, 1, (250, 128, 7))
        let png = try PNGEncoder.encode(image)
        XCTAssertEqual(Array(png.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        // Walk the chunks, checking every CRC, and inflate the image data.
        var offset = 8
        var types: [String] = []
        var idat: [UInt8] = []
        while offset < png.count {
            let length = Int(png[offset]) << 24 | Int(png[offset + 1]) << 16 | Int(png[offset + 2]) << 8 | Int(png[offset + 3])
            let type = Array(png[(offset + 4)..<(offset + 8)])
            let data = Array(png[(offset + 8)..<(offset + 8 + length)])
            let crc = png[(offset + 8 + length)..<(offset + 12 + length)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            XCTAssertEqual(crc, Gzip.crc32(type + data))
            types.append(String(decoding: type, as: UTF8.self))
            if types.last == "IDAT" { idat += data }
            offset += 12 + length
        }
        XCTAssertEqual(types, ["IHDR", "IDAT", "IEND"])
        let raw = try Gzip.decompress(idat, maxOutputBytes: 100)
        XCTAssertEqual(raw, [0, 1, 2, 3, 1, 2, 3, 1, 2, 3, 0, 1, 2, 3, 1, 2, 3, 250, 128, 7])
    }
}

private func cross3(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> SIMD3<Double> {
    SIMD3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x)
}

private func simd_normalize3(_ v: SIMD3<Double>) -> SIMD3<Double> { v / (v * v).sum().squareRoot() }
