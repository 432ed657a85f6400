@testable import AblasimPhantom
import AblasimCore
import Foundation
import XCTest

/// NIfTI reading and writing, on small images written by the tests.
final class NIfTIImageTests: XCTestCase {
    /// Builds a NIfTI-1 file by hand (independently of the writer): given dims, datatype,
    /// raw little-endian voxel bytes, sform rows or a quaternion, and an optional header
    /// extension that pushes the data past byte 352.
    static func handMadeNIfTI(dims: [Int], datatype: Int16, bitpix: Int16, data: [UInt8], pixdim: [Float],
                              sform: [[Float]]?, quatern: (b: Float, c: Float, d: Float, qfac: Float, offset: [Float])?,
                              extensionBytes: Int = 0, bigEndian: Bool = false) -> [UInt8] {
        let voxOffset = 352 + extensionBytes
        var h = [UInt8](repeating: 0, count: voxOffset)
        func put(_ o: Int, _ bytes: [UInt8]) { for (n, b) in (bigEndian ? bytes.reversed() : bytes).enumerated() { h[o + n] = b } }
        func i32(_ o: Int, _ v: Int32) { put(o, withUnsafeBytes(of: v.littleEndian, Array.init)) }
        func i16(_ o: Int, _ v: Int16) { put(o, withUnsafeBytes(of: v.littleEndian, Array.init)) }
        func f32(_ o: Int, _ v: Float) { put(o, withUnsafeBytes(of: v.bitPattern.littleEndian, Array.init)) }
        i32(0, 348)
        for (n, v) in ([dims.count] + dims + [Int](repeating: 1, count: 7 - dims.count)).enumerated() { i16(40 + 2 * n, Int16(v)) }
        i16(70, datatype); i16(72, bitpix)
        for (n, v) in pixdim.enumerated() { f32(76 + 4 * n, v) }
        f32(108, Float(voxOffset))
        if let sform {
            i16(254, 2)
            for r in 0..<3 { for c in 0..<4 { f32(280 + 16 * r + 4 * c, sform[r][c]) } }
        }
        if let q = quatern {
            i16(252, 1)
            f32(76, q.qfac)
            f32(256, q.b); f32(260, q.c); f32(264, q.d)
            for n in 0..<3 { f32(268 + 4 * n, q.offset[n]) }
        }
        for (n, b) in Array("n+1\0".utf8).enumerated() { h[344 + n] = b }
        if extensionBytes > 0 {
            h[348] = 1   // extension flag
            i32(352, Int32(extensionBytes)); i32(356, 6)   // esize, ecode (comment)
            for n in 360..<voxOffset { h[n] = UInt8(ascii: "x") }
        }
        return h + data
    }

    func testReadsSformWithExtensionInt16AndFloatData() throws {
        // 3x2x2 int16 labels, LPS orientation through the sform, a 32-byte extension.
        let values: [Int16] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, -11]
        let data = values.flatMap { v in withUnsafeBytes(of: v.littleEndian, Array.init) }
        let sform: [[Float]] = [[-2, 0, 0, 10], [0, -3, 0, 20], [0, 0, 4, -30]]
        let bytes = Self.handMadeNIfTI(dims: [3, 2, 2], datatype: 4, bitpix: 16, data: data, pixdim: [1, 2, 3, 4],
                                       sform: sform, quatern: nil, extensionBytes: 32)
        let image = try NIfTIImage.decode(bytes, context: "ext")
        XCTAssertEqual(image.dims, SIMD3(3, 2, 2))
        XCTAssertEqual(image.voxels, .int16(values))
        XCTAssertEqual(image.transformSource, "sform")
        XCTAssertEqual(image.orientationCode, "LPS")
        XCTAssertEqual(image.world(SIMD3(1, 1, 1)), SIMD3(8, 17, -26))
        // Gzip-compressed, the same.
        let gz = try NIfTIImage.decode(try Gzip.compress(bytes), context: "ext.gz")
        XCTAssertEqual(gz.voxels, image.voxels)
        // float32 labels.
        let floats: [Float] = values.map { Float($0) + 0.01 }
        let fdata = floats.flatMap { v in withUnsafeBytes(of: v.bitPattern.littleEndian, Array.init) }
        let f = try NIfTIImage.decode(Self.handMadeNIfTI(dims: [3, 2, 2], datatype: 16, bitpix: 32, data: fdata, pixdim: [1, 2, 3, 4],
                                                         sform: sform, quatern: nil), context: "f32")
        XCTAssertEqual(f.value(11), -10.99, accuracy: 1e-5)
    }

    func testQformOrientationsAndBigEndian() throws {
        // PIR-like: voxel i -> posterior, j -> inferior, k -> right. Rotation matrix columns
        // (0,-1,0), (0,0,-1), (1,0,0): det = +1, quaternion from the writer's extraction.
        let rotation: [Double] = [0, 0, 1, -1, 0, 0, 0, -1, 0]   // row-major
        let q = NIfTIImage.quaternion(rotation)
        XCTAssertEqual(q.qfac, 1)
        let bytes = Self.handMadeNIfTI(dims: [2, 2, 2], datatype: 2, bitpix: 8, data: [1, 2, 3, 4, 5, 6, 7, 8], pixdim: [1, 1.5, 2, 2.5],
                                       sform: nil, quatern: (Float(q.b), Float(q.c), Float(q.d), 1, [5, 6, 7]))
        let image = try NIfTIImage.decode(bytes, context: "pir")
        XCTAssertEqual(image.transformSource, "qform")
        XCTAssertEqual(image.orientationCode, "PIR")
        let w = image.world(SIMD3(1, 1, 1))
        XCTAssertEqual(w.x, 5 + 2.5, accuracy: 1e-5)
        XCTAssertEqual(w.y, 6 - 1.5, accuracy: 1e-5)
        XCTAssertEqual(w.z, 7 - 2, accuracy: 1e-5)
        // Improper rotation (LAS): qfac = -1.
        let las: [Double] = [-1, 0, 0, 0, 1, 0, 0, 0, 1]
        let ql = NIfTIImage.quaternion(las)
        XCTAssertEqual(ql.qfac, -1)
        let affine = NIfTIImage.quaternionAffine(b: ql.b, c: ql.c, d: ql.d, qfac: ql.qfac, spacing: SIMD3(1, 1, 1), offset: .zero)
        XCTAssertEqual(affine[0], -1, accuracy: 1e-12); XCTAssertEqual(affine[5], 1, accuracy: 1e-12); XCTAssertEqual(affine[10], 1, accuracy: 1e-12)
        // Big-endian file reads the same values.
        let values: [Int16] = [300, -2, 7, 8, 9, 10, 11, 12]
        let be = values.flatMap { v in withUnsafeBytes(of: v.bigEndian, Array.init) }
        let big = try NIfTIImage.decode(Self.handMadeNIfTI(dims: [2, 2, 2], datatype: 4, bitpix: 16, data: be, pixdim: [1, 1, 1, 1],
                                                           sform: [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0]], quatern: nil, bigEndian: true),
                                        context: "be")
        XCTAssertEqual(big.voxels, .int16(values))
    }

    func testWriterRoundTripsEveryTypeAndOrientation() throws {
        let grid = try Grid3D(nx: 4, ny: 3, nz: 2, spacing: SIMD3(0.001, 0.002, 0.0005), origin: SIMD3(0.01, 0.02, -0.03),
                              direction: [0, -1, 0, 0, 0, -1, 1, 0, 0])
        let n = grid.voxelCount
        let cases: [NIfTIImage.Voxels] = [.uint8((0..<n).map { UInt8($0) }), .int16((0..<n).map { Int16($0 * 100 - 1000) }),
                                          .float32((0..<n).map { Float($0) * 0.5 }), .float64((0..<n).map { Double($0) / 3 })]
        for voxels in cases {
            let image = try NIfTIImage(grid: grid, voxels: voxels)
            let back = try NIfTIImage.decode(try image.encode(), context: "rt")
            XCTAssertEqual(back.voxels, voxels)
            XCTAssertEqual(back.dims, grid.dims)
            for (a, b) in zip(back.affine, grid.affineMillimetres) { XCTAssertEqual(a, b, accuracy: 1e-4) }
            // The qform alone gives the same affine.
            var bytes = try image.encode()
            bytes[254] = 0; bytes[255] = 0   // sform_code = 0
            let viaQ = try NIfTIImage.decode(bytes, context: "q")
            XCTAssertEqual(viaQ.transformSource, "qform")
            for (a, b) in zip(viaQ.affine, grid.affineMillimetres) { XCTAssertEqual(a, b, accuracy: 1e-4) }
        }
    }

    func testCorruptNIfTIGivesClearErrors() throws {
        let good = try NIfTIImage(grid: try Grid3D(nx: 4, ny: 4, nz: 4, isotropic: 0.001), voxels: .uint8([UInt8](repeating: 1, count: 64))).encode()
        assertPhantomInputError("too short") { _ = try NIfTIImage.decode(Array(good.prefix(100)), context: "t") }
        assertPhantomInputError("truncated") { _ = try NIfTIImage.decode(Array(good.dropLast(1)), context: "t") }
        var huge = good
        huge[42] = 0xff; huge[43] = 0x7f; huge[44] = 0xff; huge[45] = 0x7f; huge[46] = 0xff; huge[47] = 0x7f
        assertPhantomInputError("too large") { _ = try NIfTIImage.decode(huge, context: "h") }
        var big = good
        big[42] = 0xd0; big[43] = 0x07; big[44] = 0xd0; big[45] = 0x07   // 2000 x 2000 x 4: fits the limit, not the file
        assertPhantomInputError("truncated") { _ = try NIfTIImage.decode(big, context: "b") }
        var badType = good
        badType[70] = 99
        assertPhantomInputError("datatype 99") { _ = try NIfTIImage.decode(badType, context: "d") }
        var notNifti = good
        notNifti[0] = 0
        assertPhantomInputError("not a NIfTI-1") { _ = try NIfTIImage.decode(notNifti, context: "m") }
        var fourD = good
        fourD[40] = 4; fourD[48] = 3
        assertPhantomInputError("only 3-D") { _ = try NIfTIImage.decode(fourD, context: "4d") }
        assertPhantomInputError("truncated") { _ = try NIfTIImage.decode(Array(try Gzip.compress(good).dropLast(12)), context: "gz") }
    }

    func testExportIsReadBackByNibabel() throws {
        guard let python = PythonCheck.nibabelPython() else {
            throw XCTSkip("python3 with nibabel and numpy is not available (pip install nibabel numpy); export not checked independently")
        }
        var phantom = VoxTestSupport.coarseL1
        // An oblique-axis grid (LPS) to check the affine, not only the identity case.
        phantom.grid = try Grid3D(nx: phantom.grid.nx, ny: phantom.grid.ny, nz: phantom.grid.nz, spacing: SIMD3(0.002, 0.0025, 0.003),
                                  origin: SIMD3(0.05, 0.04, -0.02), direction: [-1, 0, 0, 0, -1, 0, 0, 0, 1])
        let dir = try VoxTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("labels.nii.gz")
        try phantom.niftiLabelMap().write(to: url)
        let g = phantom.grid
        let probes = [(0, 0, 0), (g.nx - 1, g.ny - 1, g.nz - 1), (g.nx / 2, g.ny / 3, g.nz / 2), (3, g.ny - 2, 1)]
        let script = """
        import nibabel as nib, numpy as np, json
        im = nib.load('\(url.path)')
        d = np.asanyarray(im.dataobj)
        out = {'shape': list(d.shape), 'dtype': str(d.dtype), 'affine': im.affine.tolist(),
               'values': [int(d[i, j, k]) for (i, j, k) in \(probes.map { [$0.0, $0.1, $0.2] })]}
        print(json.dumps(out))
        """
        let output = try PythonCheck.run(python, script)
        let json = try JSONSerialization.jsonObject(with: Data(output.utf8)) as! [String: Any]
        XCTAssertEqual(json["shape"] as? [Int], [g.nx, g.ny, g.nz])
        XCTAssertEqual(json["dtype"] as? String, "uint8")
        let affine = (json["affine"] as! [[Double]]).flatMap { $0 }
        for (a, b) in zip(affine, g.affineMillimetres) { XCTAssertEqual(a, b, accuracy: 1e-4) }
        XCTAssertEqual(json["values"] as? [Int], probes.map { Int(phantom.labels[phantom.linear($0.0, $0.1, $0.2)]) })
    }
}

/// Finds a python3 that can import nibabel and numpy, and runs scripts with it.
enum PythonCheck {
    static func nibabelPython() -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/usr/local/bin"
        let candidates = path.split(separator: ":").map { "\($0)/python3" } + ["/usr/bin/python3", "/usr/local/bin/python3"]
        for candidate in candidates where FileManager.default.isExecutableFile(atPath: candidate) {
            if (try? run(candidate, "import nibabel, numpy; print('ok')"))?.contains("ok") == true { return candidate }
        }
        return nil
    }

    static func run(_ python: String, _ script: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", script]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = Pipe()
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw PhantomError("python exited with \(process.terminationStatus)") }
        return String(decoding: data, as: UTF8.self)
    }
}
