@testable import AblasimPhantom
import AblasimCore
import Foundation
import XCTest

/// NIfTI label maps built to break the reader and the importer (the crashing inputs of the
/// reliability issue): every one must give a PhantomError naming the file and the fault,
/// never a runtime trap, and never allocate more than the header's size allows.
final class HostileNIfTITests: XCTestCase {
    static let clean: NIfTIImage = try! SegmentationImportTests.syntheticSegmentation(orientation: [1, 0, 0, 0, 1, 0, 0, 0, 1], datatype: "uint8")
    static var options: SegmentationImportOptions { var o = SegmentationImportOptions(); o.voxelMm = 1; return o }

    /// Little-endian float32 written into a header at byte `offset`.
    static func poke(_ bytes: inout [UInt8], _ offset: Int, _ v: Float) {
        for b in 0..<4 { bytes[offset + b] = UInt8((v.bitPattern >> (8 * UInt32(b))) & 0xff) }
    }
    static func poke16(_ bytes: inout [UInt8], _ offset: Int, _ v: Int16) {
        bytes[offset] = UInt8(UInt16(bitPattern: v) & 0xff); bytes[offset + 1] = UInt8(UInt16(bitPattern: v) >> 8)
    }

    /// Decodes and imports; returns the error message (nil when the import succeeded).
    @discardableResult
    func importOutcome(_ bytes: [UInt8], context: String) -> String? {
        do {
            let image = try NIfTIImage.decode(bytes, context: context)
            _ = try SegmentationImporter.makePhantom(segmentation: image, ct: nil, options: Self.options, context: context)
            return nil
        } catch let e as PhantomError {
            XCTAssertTrue(e.isInputError, e.message)
            XCTAssertTrue(e.message.contains(context), "the message names the file: \(e.message)")
            return e.message
        } catch {
            XCTFail("\(context): unexpected \(error)")
            return "\(error)"
        }
    }

    func testNonFiniteAndHugeFloatLabelsAreRefused() throws {
        guard case .uint8(let v) = Self.clean.voxels else { return XCTFail() }
        for (bad, fragment) in [(Float.nan, "nan"), (Float.infinity, "inf"), (-Float.infinity, "-inf"), (1e30, "labels must be 0 to 65535")] {
            var f = v.map { Float($0) }
            f[1234] = bad
            let image = try NIfTIImage(dims: Self.clean.dims, pixdim: Self.clean.pixdim, affine: Self.clean.affine, voxels: .float32(f))
            let message = importOutcome(try image.encode(), context: "bad-\(bad).nii")
            XCTAssertTrue(message?.contains(fragment) == true && message?.contains("voxel (34, 30, 0)") == true, message ?? "accepted")
        }
        var f = v.map { Float($0) }
        f[99] = 31.4
        XCTAssertTrue(importOutcome(try NIfTIImage(dims: Self.clean.dims, pixdim: Self.clean.pixdim, affine: Self.clean.affine, voxels: .float32(f)).encode(),
                                    context: "frac.nii")?.contains("whole numbers") == true)
    }

    func testHugeScalingIsRefused() throws {
        let good = try Self.clean.encode()
        for offset in [112, 116] {   // scl_slope, scl_inter
            var bytes = good
            Self.poke(&bytes, 112, 1)   // scl_inter applies only with a non-zero slope
            Self.poke(&bytes, offset, 1e30)
            let message = importOutcome(bytes, context: "scl\(offset).nii")
            XCTAssertTrue(message?.contains("scl_slope") == true && message?.contains("labels must be 0 to 65535") == true, message ?? "accepted")
        }
        var bytes = good
        Self.poke(&bytes, 112, .nan)   // NaN slope: no scaling, as the standard says for 0
        XCTAssertNil(importOutcome(bytes, context: "nanslope.nii"))
    }

    func testHugePixdimSformAndQuaternionAreRefusedOrNormalized() throws {
        let good = try Self.clean.encode()
        // pixdim used (no sform, no qform): 1e30 mm is not a voxel size.
        var bytes = good
        Self.poke16(&bytes, 252, 0); Self.poke16(&bytes, 254, 0)
        Self.poke(&bytes, 80, 1e30)
        XCTAssertTrue(importOutcome(bytes, context: "pixdim.nii")?.contains("pixdim[1] = 1e+30") == true)
        // pixdim used by the qform.
        bytes = good
        Self.poke16(&bytes, 254, 0)
        Self.poke(&bytes, 84, 1e30)
        XCTAssertTrue(importOutcome(bytes, context: "qpixdim.nii")?.contains("pixdim[2]") == true)
        // sform rotation entry and offset.
        for (offset, fragment) in [(280, "voxel axis 0"), (292, "srow_x[3]"), (300, "voxel axis 1"), (324, "srow_z[3]")] {
            bytes = good
            Self.poke(&bytes, offset, 1e30)
            let message = importOutcome(bytes, context: "sform\(offset).nii")
            XCTAssertTrue(message?.contains(fragment) == true, "\(offset): \(message ?? "accepted")")
        }
        bytes = good
        Self.poke(&bytes, 280, .infinity)
        XCTAssertTrue(importOutcome(bytes, context: "sforminf.nii")?.contains("srow_x[0] = inf") == true)
        // A quaternion 1e30 long is rescaled to unit length (nifti1_io rule): a valid
        // rotation, so the import either works or fails with a message, never traps.
        for offset in [256, 260, 264] {
            bytes = good
            Self.poke16(&bytes, 254, 0)
            Self.poke(&bytes, offset, 1e30)
            let image = try NIfTIImage.decode(bytes, context: "quat")
            for c in 0..<3 {
                let col = SIMD3(image.affine[c], image.affine[4 + c], image.affine[8 + c])
                XCTAssertEqual((col * col).sum().squareRoot(), 1.5, accuracy: 1e-6, "a rotation keeps the voxel size")
            }
            importOutcome(bytes, context: "quat\(offset).nii")
            Self.poke(&bytes, 268, 1e30)
            XCTAssertTrue(importOutcome(bytes, context: "qoffset.nii")?.contains("qoffset_x") == true)
        }
    }

    func testSingularAffineNamesTheFile() throws {
        var bytes = try Self.clean.encode()
        for n in 0..<3 { Self.poke(&bytes, 280 + 16 * n + 8, 0) }   // third sform column zero
        let message = importOutcome(bytes, context: "/data/singular.nii.gz")
        XCTAssertTrue(message?.contains("/data/singular.nii.gz: the voxel-to-world affine (sform) is singular") == true, message ?? "accepted")
    }

    func testRandomVoxelsOfTheLevelLabel() throws {
        guard case .uint8(let v) = Self.clean.voxels else { return XCTFail() }
        var rng = SplitMix64(seed: 31)
        let clean = try SegmentationImporter.makePhantom(segmentation: Self.clean, ct: nil, options: Self.options)
        let cleanBone = clean.labelHistogram()[Int(PhantomLabels.corticalBone)] + clean.labelHistogram()[Int(PhantomLabels.cancellousBone)]
        // 1 % scattered noise: isolated voxels are dropped, the import matches the clean one.
        // 13.5 % (50,000 of the 369,660 voxels of the TotalSegmentator example): an error or a
        // phantom, never a trap.
        for fraction in [0.01, 0.135] {
            var noisy = v
            for _ in 0..<Int(fraction * Double(v.count)) { noisy[Int(rng.next() % UInt64(v.count))] = 31 }
            let image = try NIfTIImage(dims: Self.clean.dims, pixdim: Self.clean.pixdim, affine: Self.clean.affine, voxels: .uint8(noisy))
            if fraction < 0.05 {
                let p = try SegmentationImporter.makePhantom(segmentation: image, ct: nil, options: Self.options, context: "noise")
                let bone = p.labelHistogram()[Int(PhantomLabels.corticalBone)] + p.labelHistogram()[Int(PhantomLabels.cancellousBone)]
                XCTAssertEqual(Double(bone), Double(cleanBone), accuracy: 0.1 * Double(cleanBone))
                // Noise touching the vertebra joins it (a few mm more crop); the rest of the
                // image (68 mm across) does not stretch the crop.
                for a in 0..<3 { XCTAssertLessThanOrEqual(p.grid.dims[a], clean.grid.dims[a] + 6, "stray voxels do not stretch the crop") }
            } else {
                importOutcome(try image.encode(), context: "noise\(fraction).nii")
            }
        }
    }

    func testLargeHeadersAreRefusedBeforeAllocating() throws {
        // int32 1024x1024x384 (1.6 GB of voxels) and uint8 2048x2048x512 (2.1 GB): only the
        // header and a little data are in the file; the reader refuses from the header alone.
        for (dims, datatype, bitpix) in [([1024, 1024, 384], Int16(8), Int16(32)), ([2048, 2048, 512], Int16(2), Int16(8))] {
            let bytes = NIfTIImageTests.handMadeNIfTI(dims: dims, datatype: datatype, bitpix: bitpix, data: [UInt8](repeating: 0, count: 4096),
                                                      pixdim: [1, 1, 1, 1], sform: [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0]], quatern: nil)
            let gz = try Gzip.compress(bytes)
            let message = assertPhantomInputError("more than the 1.07 GB") { _ = try NIfTIImage.decode(gz, context: "big.nii.gz") }
            XCTAssertTrue(message?.contains("big.nii.gz: the header (dim[1..3] = \(dims[0])x\(dims[1])x\(dims[2])") == true, message ?? "")
            let dir = try VoxTestSupport.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: dir) }
            let raw = dir.appendingPathComponent("big.nii")
            try Data(bytes).write(to: raw)
            assertPhantomInputError("announces") { _ = try NIfTIImage.read(from: raw) }
        }
        // A smaller budget refuses a small image the same way.
        assertPhantomInputError("more than the 0.00 GB") { _ = try NIfTIImage.decode(try Self.clean.encode(), context: "s", maxDataBytes: 1000) }
    }

    func testNativeTypesAreKept() throws {
        let grid = try Grid3D(nx: 3, ny: 2, nz: 2, isotropic: 0.001)
        let cases: [NIfTIImage.Voxels] = [.int8([-3, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 127]), .uint16([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 65535]),
                                          .int32([0, -1, 2, 3, 4, 5, 6, 7, 8, 9, 10, Int32.max]), .uint32([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, UInt32.max])]
        for voxels in cases {
            let back = try NIfTIImage.decode(try NIfTIImage(grid: grid, voxels: voxels).encode(), context: "t")
            XCTAssertEqual(back.voxels, voxels)
        }
    }

    func testACTPassedAsTheSegmentation() throws {
        var rng = SplitMix64(seed: 7)
        let n = Self.clean.voxelCount
        let hu = (0..<n).map { _ in Int16(Int(rng.next() % 2600) - 1024) }
        let ct = try NIfTIImage(dims: Self.clean.dims, pixdim: Self.clean.pixdim, affine: Self.clean.affine, voxels: .int16(hu))
        XCTAssertTrue(importOutcome(try ct.encode(), context: "ct.nii")?.contains("this looks like a CT") == true)
        let floatCT = try NIfTIImage(dims: Self.clean.dims, pixdim: Self.clean.pixdim, affine: Self.clean.affine,
                                     voxels: .float32(hu.map { Float($0) + 0.25 }))
        XCTAssertTrue(importOutcome(try floatCT.encode(), context: "ctf.nii")?.contains("looks like a CT") == true)
    }
}

