@testable import AblasimPhantom
import AblasimCore
import Foundation
import XCTest

final class VoxFormatTests: XCTestCase {
    func testRoundTripThroughFileKeepsEverything() throws {
        let original = VoxTestSupport.coarseL1
        let dir = try VoxTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        for encoding in [Phantom.VoxEncoding.gzip, .raw] {
            let url = dir.appendingPathComponent("p-\(encoding).vox")
            try original.write(to: url, encoding: encoding)
            let back = try Phantom.read(from: url)
            XCTAssertEqual(back.name, original.name)
            XCTAssertEqual(back.labels, original.labels)
            XCTAssertEqual(back.legend, original.legend)
            XCTAssertEqual(back.grid.dims, original.grid.dims)
            XCTAssertEqual(back.grid.direction, original.grid.direction)
            for c in 0..<3 {
                XCTAssertEqual(back.grid.spacing[c], original.grid.spacing[c], accuracy: 1e-12)
                XCTAssertEqual(back.grid.origin[c], original.grid.origin[c], accuracy: 1e-12)
            }
            let a = back.landmarks.namedPoints, b = original.landmarks.namedPoints
            XCTAssertEqual(a.map(\.0), b.map(\.0))
            for (p, q) in zip(a, b) { XCTAssertLessThan(((p.1 - q.1) * (p.1 - q.1)).sum().squareRoot(), 1e-12, p.0) }
            // No temporary file is left behind by the atomic write.
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix(".") }, [])
        }
    }

    func testOrientedGridAndCustomSitesRoundTrip() throws {
        // LPS-like direction, anisotropic spacing, a custom site name.
        let grid = try Grid3D(nx: 3, ny: 4, nz: 2, spacing: SIMD3(0.001, 0.0015, 0.002), origin: SIMD3(0.01, -0.02, 0.03),
                              direction: [-1, 0, 0, 0, -1, 0, 0, 0, 1])
        var labels = [UInt8](repeating: 1, count: 24)
        labels[5] = 3
        let phantom = Phantom(name: "tiny", grid: grid, labels: labels, legend: [1: "muscle", 3: "cortical_bone"],
                              landmarks: Landmarks(sites: ["probe_tip-2": grid.world(SIMD3(1, 1, 1))]))
        let back = try Phantom.decodeVox(try phantom.encodeVox(encoding: .raw), context: "mem")
        XCTAssertEqual(back.grid.direction, grid.direction)
        XCTAssertEqual(back.labels, labels)
        XCTAssertEqual(back.landmarks.sites.keys.sorted(), ["probe_tip-2"])
        XCTAssertEqual(back.label(atWorld: grid.world(SIMD3(2, 1, 0))), 3)
    }

    func testTruncationAlwaysGivesAPhantomError() throws {
        let bytes = try VoxTestSupport.coarseL1.encodeVox()
        let headerLength = bytes.count - VoxTestSupport.split(bytes).payload.count
        var cuts = [0, 1, 5, 13, 14, 40, headerLength - 5, headerLength - 1, headerLength, headerLength + 1, bytes.count - 1]
        cuts += stride(from: headerLength + 7, to: bytes.count, by: max(1, (bytes.count - headerLength) / 23)).map { $0 }
        for cut in cuts {
            assertPhantomInputError("") { _ = try Phantom.decodeVox(Array(bytes[0..<cut]), context: "cut-\(cut)") }
        }
    }

    func testBitFlipsAreDetectedOrHarmless() throws {
        let original = VoxTestSupport.coarseL1
        for encoding in [Phantom.VoxEncoding.gzip, .raw] {
            let bytes = try original.encodeVox(encoding: encoding)
            var state: UInt64 = 0x9E3779B97F4A7C15
            var detected = 0, harmless = 0
            for _ in 0..<300 {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                let position = Int((state >> 33) % UInt64(bytes.count))
                var flipped = bytes
                flipped[position] ^= UInt8(1 << ((state >> 20) & 7))
                do {
                    let back = try Phantom.decodeVox(flipped, context: "flip")
                    // Only bytes zlib does not interpret (gzip header time / flags) may flip
                    // without an error, and then the phantom must be unchanged.
                    XCTAssertEqual(back.labels, original.labels, "flip at byte \(position) changed the labels silently")
                    XCTAssertEqual(back.legend, original.legend)
                    harmless += 1
                } catch let e as PhantomError {
                    XCTAssertTrue(e.isInputError)
                    detected += 1
                }
            }
            XCTAssertGreaterThan(detected, 280, "\(encoding): \(harmless) undetected flips")
        }
    }

    func testWrongDimsAreRejected() throws {
        let bytes = try VoxTestSupport.coarseL1.encodeVox()
        let g = VoxTestSupport.coarseL1.grid
        assertPhantomInputError("inflates to more than") {
            _ = try Phantom.decodeVox(VoxTestSupport.editing(bytes, key: "dims", to: "dims \(g.nx) \(g.ny) \(g.nz - 1)"), context: "d")
        }
        assertPhantomInputError("inflates to") {
            _ = try Phantom.decodeVox(VoxTestSupport.editing(bytes, key: "dims", to: "dims \(g.nx) \(g.ny) \(g.nz + 1)"), context: "d")
        }
        assertPhantomInputError("dims value") {
            _ = try Phantom.decodeVox(VoxTestSupport.editing(bytes, key: "dims", to: "dims \(g.nx) -4 \(g.nz)"), context: "d")
        }
        assertPhantomInputError("needs 3 integers") {
            _ = try Phantom.decodeVox(VoxTestSupport.editing(bytes, key: "dims", to: "dims \(g.nx) \(g.ny)"), context: "d")
        }
        let raw = try VoxTestSupport.coarseL1.encodeVox(encoding: .raw)
        assertPhantomInputError("cannot hold") {
            _ = try Phantom.decodeVox(VoxTestSupport.editing(raw, key: "dims", to: "dims \(g.nx) \(g.ny + 1) \(g.nz)"), context: "d")
        }
    }

    func testDimensionsNeedingTerabytesFailBeforeAllocating() throws {
        let bytes = try VoxTestSupport.coarseL1.encodeVox()
        // 10^15 voxels: rejected by the grid limit.
        assertPhantomInputError("too large") {
            _ = try Phantom.decodeVox(VoxTestSupport.editing(bytes, key: "dims", to: "dims 100000 100000 100000"), context: "tb")
        }
        // 2^31 - 1 voxels pass the grid limit but cannot come from a tiny payload: rejected
        // by the compression-ratio bound before any buffer is allocated.
        assertPhantomInputError("cannot inflate") {
            _ = try Phantom.decodeVox(VoxTestSupport.editing(bytes, key: "dims", to: "dims 46340 46340 1"), context: "tb")
        }
        assertPhantomInputError("integer") {
            _ = try Phantom.decodeVox(VoxTestSupport.editing(bytes, key: "dims", to: "dims 99999999999999999999999 2 2"), context: "tb")
        }
    }

    func testUnknownLabelsAndTissuesAreRejected() throws {
        let phantom = VoxTestSupport.coarseL1
        let bytes = try phantom.encodeVox()
        let tumorLabel = phantom.label(ofTissue: "tumor_lytic")!
        assertPhantomInputError("label \(tumorLabel) occurs") {
            _ = try Phantom.decodeVox(VoxTestSupport.editing(bytes, key: "label \(tumorLabel)", to: nil), context: "u")
        }
        assertPhantomInputError("unknown tissue 'unobtainium'") {
            _ = try Phantom.decodeVox(VoxTestSupport.editing(bytes, key: "label \(tumorLabel)", to: "label \(tumorLabel) unobtainium"), context: "u")
        }
        assertPhantomInputError("defined twice") {
            _ = try Phantom.decodeVox(VoxTestSupport.editing(bytes, key: "label \(tumorLabel)", to: "label 1 fat"), context: "u")
        }
        assertPhantomInputError("label 0-255") {
            _ = try Phantom.decodeVox(VoxTestSupport.editing(bytes, key: "label \(tumorLabel)", to: "label 300 fat"), context: "u")
        }
        // The writer refuses the same faults.
        var bad = phantom
        bad.labels[0] = 200
        assertPhantomInputError("label 200 occurs") { _ = try bad.encodeVox() }
    }

    func testBadLandmarksAreRejected() throws {
        let bytes = try VoxTestSupport.coarseL1.encodeVox()
        assertPhantomInputError("outside the phantom") {
            _ = try Phantom.decodeVox(VoxTestSupport.editing(bytes, key: "site root_left", to: "site root_left 500 0 0"), context: "l")
        }
        assertPhantomInputError("not a finite number") {
            _ = try Phantom.decodeVox(VoxTestSupport.editing(bytes, key: "site root_left", to: "site root_left nan 0 0"), context: "l")
        }
        assertPhantomInputError("needs 6 numbers") {
            _ = try Phantom.decodeVox(VoxTestSupport.editing(bytes, key: "pedicle_left", to: "pedicle_left 1 2 3"), context: "l")
        }
        assertPhantomInputError("at least 1 mm") {
            _ = try Phantom.decodeVox(VoxTestSupport.editing(bytes, key: "pedicle_left", to: "pedicle_left 1 2 3 1 2 3"), context: "l")
        }
        assertPhantomInputError("outside the phantom") {
            _ = try Phantom.decodeVox(VoxTestSupport.editing(bytes, key: "tumor_center", to: "tumor_center 0 0 -1e6"), context: "l")
        }
        assertPhantomInputError("'site' needs") {
            _ = try Phantom.decodeVox(VoxTestSupport.editing(bytes, key: "site root_left", to: "site root/left 0 0 0"), context: "l")
        }
        assertPhantomInputError("unknown header key") {
            _ = try Phantom.decodeVox(VoxTestSupport.editing(bytes, key: "site root_left", to: "landmark root_left 0 0 0"), context: "l")
        }
    }

    func testHeaderCorruptionAndForeignFiles() throws {
        let bytes = try VoxTestSupport.coarseL1.encodeVox()
        var edited = bytes
        // Change one digit of the origin without fixing the checksum.
        let text = String(decoding: bytes.prefix(200), as: UTF8.self)
        let at = text.utf8.distance(from: text.utf8.startIndex, to: text.range(of: "origin_mm ")!.upperBound.samePosition(in: text.utf8)!)
        edited[at + 1] = edited[at + 1] == UInt8(ascii: "1") ? UInt8(ascii: "2") : UInt8(ascii: "1")
        assertPhantomInputError("header checksum mismatch") { _ = try Phantom.decodeVox(edited, context: "h") }
        assertPhantomInputError("gzip file, not a .vox") { _ = try Phantom.decodeVox(try Gzip.compress(bytes), context: "g") }
        assertPhantomInputError("not a .vox phantom") { _ = try Phantom.decodeVox(Array("hello".utf8), context: "x") }
        assertPhantomInputError("trailing data") { _ = try Phantom.decodeVox(bytes + [0], context: "t") }
        assertPhantomInputError("cannot read") { _ = try Phantom.read(from: URL(fileURLWithPath: "/nonexistent/p.vox")) }
    }

    func testGzipLimitsAndCRC() throws {
        let data = [UInt8](repeating: 7, count: 100_000)
        let z = try Gzip.compress(data)
        XCTAssertTrue(Gzip.isGzip(z))
        XCTAssertEqual(try Gzip.decompress(z, maxOutputBytes: 100_000), data)
        assertPhantomInputError("more than the expected") { _ = try Gzip.decompress(z, maxOutputBytes: 99_999) }
        assertPhantomInputError("truncated") { _ = try Gzip.decompress(Array(z.dropLast(9)), maxOutputBytes: 1 << 20) }
        XCTAssertEqual(try Gzip.decompress(z + z, maxOutputBytes: 200_000).count, 200_000, "concatenated gzip members")
        let zl = try Gzip.compress(data, format: .zlib)
        XCTAssertEqual(try Gzip.decompress(zl, maxOutputBytes: 100_000), data)
        // CRC-32 check value of "123456789" (the standard test vector).
        XCTAssertEqual(Gzip.crc32(Array("123456789".utf8)), 0xCBF43926)
    }
}
