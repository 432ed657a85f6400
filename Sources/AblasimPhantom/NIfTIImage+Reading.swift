import Foundation

extension NIfTIImage {
    /// Reads a single-file NIfTI-1 image (`.nii`, or gzip-compressed `.nii.gz`, detected
    /// from the bytes): either byte order, header extensions (data at vox_offset > 352),
    /// datatypes uint8, int8, int16, uint16, int32, uint32, float32, float64; the transform
    /// from the sform when sform_code > 0, else the qform when qform_code > 0, else pixdim.
    public static func read(from url: URL) throws -> NIfTIImage {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw PhantomError("cannot read NIfTI file \(url.path): \(error.localizedDescription)")
        }
        return try decode([UInt8](data), context: url.path)
    }

    /// Parses NIfTI-1 bytes (gzip or not); `context` names the file in error messages.
    public static func decode(_ input: [UInt8], context: String) throws -> NIfTIImage {
        var bytes = input
        if Gzip.isGzip(input) {
            // Bounded by the DEFLATE expansion limit: proportional to the file, never more.
            bytes = try Gzip.decompress(input, maxOutputBytes: Gzip.maxRatio * input.count + 1024, what: context)
        }
        guard bytes.count >= 348 else {
            throw PhantomError("\(context): \(bytes.count) bytes is too short for a NIfTI-1 header (348 bytes)")
        }
        let reader = ByteReader(bytes: bytes)
        var little = true
        if reader.int32(0, little: true) != 348 {
            guard reader.int32(0, little: false) == 348 else {
                let n2 = reader.int32(0, little: true) == 540 || reader.int32(0, little: false) == 540
                throw PhantomError("\(context): not a NIfTI-1 file (sizeof_hdr is not 348\(n2 ? "; this looks like NIfTI-2, which is not supported" : ""))")
            }
            little = false
        }
        let magic = Array(bytes[344..<348])
        guard magic == Array("n+1\0".utf8) else {
            if magic == Array("ni1\0".utf8) {
                throw PhantomError("\(context): a two-file NIfTI header (.hdr/.img pair) is not supported; convert it to a single .nii file")
            }
            throw PhantomError("\(context): bad NIfTI-1 magic \(magic) (expected 'n+1')")
        }
        let dim = (0..<8).map { Int(reader.int16(40 + 2 * $0, little: little)) }
        guard (1...7).contains(dim[0]) else { throw PhantomError("\(context): dim[0] = \(dim[0]) must be 1-7") }
        var dims = [1, 1, 1]
        for d in 0..<min(3, dim[0]) { dims[d] = dim[d + 1] }
        guard dims.allSatisfy({ $0 >= 1 }) else { throw PhantomError("\(context): dimensions \(Array(dim[1...dim[0]])) must all be >= 1") }
        if dim[0] > 3 {
            for d in 4...dim[0] where dim[d] > 1 {
                throw PhantomError("\(context): dim[\(d)] = \(dim[d]): only 3-D images are supported (a 4-D series must be split first)")
            }
        }
        let datatype = reader.int16(70, little: little)
        let bytesPer: Int
        switch datatype {
        case 2, 256: bytesPer = 1
        case 4, 512: bytesPer = 2
        case 8, 768, 16: bytesPer = 4
        case 64: bytesPer = 8
        default:
            throw PhantomError("\(context): NIfTI datatype \(datatype) is not supported; use uint8 (2), int8 (256), int16 (4), uint16 (512), int32 (8), uint32 (768), float32 (16) or float64 (64)")
        }
        let (c1, o1) = dims[0].multipliedReportingOverflow(by: dims[1])
        let (count, o2) = c1.multipliedReportingOverflow(by: dims[2])
        guard !o1, !o2, count <= 1 << 31 else {
            throw PhantomError("\(context): \(dims[0])x\(dims[1])x\(dims[2]) voxels is too large (at most 2^31)")
        }
        let voxOffset = Double(reader.float32(108, little: little))
        guard voxOffset.isFinite, voxOffset >= 348, voxOffset < Double(bytes.count) || count == 0 else {
            throw PhantomError("\(context): vox_offset \(voxOffset) is invalid for a \(bytes.count)-byte file")
        }
        let offset = Int(voxOffset)
        guard bytes.count - offset >= count * bytesPer else {
            throw PhantomError("\(context): the image data is truncated: \(dims[0])x\(dims[1])x\(dims[2]) voxels of \(bytesPer) bytes need \(count * bytesPer) bytes after vox_offset \(offset), the file has \(bytes.count - offset)")
        }
        let voxels: Voxels
        switch datatype {
        case 2: voxels = .uint8(Array(bytes[offset..<(offset + count)]))
        case 4: voxels = .int16((0..<count).map { reader.int16(offset + 2 * $0, little: little) })
        case 16: voxels = .float32((0..<count).map { reader.float32(offset + 4 * $0, little: little) })
        case 64: voxels = .float64((0..<count).map { reader.float64(offset + 8 * $0, little: little) })
        case 256: voxels = .float64((0..<count).map { Double(Int8(bitPattern: bytes[offset + $0])) })
        case 512: voxels = .float64((0..<count).map { Double(UInt16(bitPattern: reader.int16(offset + 2 * $0, little: little))) })
        case 8: voxels = .float64((0..<count).map { Double(reader.int32(offset + 4 * $0, little: little)) })
        default: voxels = .float64((0..<count).map { Double(UInt32(bitPattern: reader.int32(offset + 4 * $0, little: little))) })
        }
        let pix = (0..<8).map { Double(reader.float32(76 + 4 * $0, little: little)) }
        var spacing = SIMD3(abs(pix[1]), abs(pix[2]), abs(pix[3]))
        for c in 0..<3 where !(spacing[c].isFinite && spacing[c] > 0) { spacing[c] = 1 }
        let qformCode = reader.int16(252, little: little), sformCode = reader.int16(254, little: little)
        var affine: [Double]
        var source: String
        if sformCode > 0 {
            affine = (0..<12).map { Double(reader.float32(280 + 4 * $0, little: little)) } + [0, 0, 0, 1]
            source = "sform"
        } else if qformCode > 0 {
            let b = Double(reader.float32(256, little: little)), c = Double(reader.float32(260, little: little))
            let d = Double(reader.float32(264, little: little))
            let offsetQ = SIMD3((0..<3).map { Double(reader.float32(268 + 4 * $0, little: little)) })
            let qfac = pix[0] < 0 ? -1.0 : 1.0
            affine = quaternionAffine(b: b, c: c, d: d, qfac: qfac, spacing: spacing, offset: offsetQ)
            source = "qform"
        } else {
            // NIfTI "method 1" (Analyze compatibility): scaling only.
            affine = [spacing.x, 0, 0, 0, 0, spacing.y, 0, 0, 0, 0, spacing.z, 0, 0, 0, 0, 1]
            source = "pixdim"
        }
        guard affine.allSatisfy(\.isFinite) else { throw PhantomError("\(context): the \(source) transform contains non-finite numbers") }
        var image = try NIfTIImage(dims: SIMD3(dims[0], dims[1], dims[2]), pixdim: spacing, affine: affine, voxels: voxels)
        _ = try image.inverseAffine()
        image.sclSlope = Double(reader.float32(112, little: little))
        image.sclInter = Double(reader.float32(116, little: little))
        if !image.sclSlope.isFinite { image.sclSlope = 0 }
        if !image.sclInter.isFinite { image.sclInter = 0 }
        image.descrip = String(decoding: bytes[148..<228].prefix { $0 != 0 }, as: UTF8.self)
        image.transformSource = source
        return image
    }

    /// The qform affine (NIfTI-1 "method 2"): rotation from the quaternion (b, c, d) with
    /// a = sqrt(1 - b^2 - c^2 - d^2), the third column scaled by qfac, then by the voxel size.
    static func quaternionAffine(b: Double, c: Double, d: Double, qfac: Double, spacing: SIMD3<Double>, offset: SIMD3<Double>) -> [Double] {
        let a = max(0, 1 - (b * b + c * c + d * d)).squareRoot()
        let r: [[Double]] = [
            [a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c)],
            [2 * (b * c + a * d), a * a + c * c - b * b - d * d, 2 * (c * d - a * b)],
            [2 * (b * d - a * c), 2 * (c * d + a * b), a * a + d * d - c * c - b * b],
        ]
        var out = [Double](repeating: 0, count: 16)
        for row in 0..<3 {
            out[4 * row] = r[row][0] * spacing.x
            out[4 * row + 1] = r[row][1] * spacing.y
            out[4 * row + 2] = r[row][2] * spacing.z * qfac
            out[4 * row + 3] = offset[row]
        }
        out[15] = 1
        return out
    }
}

/// Fixed-offset reads of little- or big-endian numbers.
struct ByteReader {
    let bytes: [UInt8]

    func uint32(_ o: Int, little: Bool) -> UInt32 {
        let b = (0..<4).map { UInt32(bytes[o + $0]) }
        return little ? b[0] | b[1] << 8 | b[2] << 16 | b[3] << 24 : b[3] | b[2] << 8 | b[1] << 16 | b[0] << 24
    }
    func int32(_ o: Int, little: Bool) -> Int32 { Int32(bitPattern: uint32(o, little: little)) }
    func int16(_ o: Int, little: Bool) -> Int16 {
        let v = little ? UInt16(bytes[o]) | UInt16(bytes[o + 1]) << 8 : UInt16(bytes[o + 1]) | UInt16(bytes[o]) << 8
        return Int16(bitPattern: v)
    }
    func float32(_ o: Int, little: Bool) -> Float { Float(bitPattern: uint32(o, little: little)) }
    func float64(_ o: Int, little: Bool) -> Double {
        let lo = UInt64(uint32(o, little: little)), hi = UInt64(uint32(o + 4, little: little))
        return Double(bitPattern: little ? lo | hi << 32 : hi | lo << 32)
    }
}
