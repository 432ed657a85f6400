import Foundation

extension NIfTIImage {
    /// The default memory budget for one image's voxel data [bytes]: 1 GiB, four times a
    /// 512 x 512 x 1000 uint8 label map (a whole-body TotalSegmentator output). Reading
    /// needs about twice this at its peak (the inflated bytes and the voxel array).
    public static let defaultMaxDataBytes = 1 << 30

    /// Reads a single-file NIfTI-1 image (`.nii`, or gzip-compressed `.nii.gz`, detected
    /// from the bytes): either byte order, header extensions (data at vox_offset > 352),
    /// datatypes uint8, int8, int16, uint16, int32, uint32, float32, float64 (kept in their
    /// own type); the transform from the sform when sform_code > 0, else the qform when
    /// qform_code > 0, else pixdim. The header's size is checked against `maxDataBytes`
    /// before the data are read or inflated.
    public static func read(from url: URL, maxDataBytes: Int = defaultMaxDataBytes) throws -> NIfTIImage {
        // An uncompressed file: check the header before reading the data.
        if let handle = try? FileHandle(forReadingFrom: url) {
            let prefix = [UInt8]((try? handle.read(upToCount: 348)) ?? Data())
            try? handle.close()
            if prefix.count >= 348, !Gzip.isGzip(prefix) {
                _ = try Header(prefix, context: url.path, maxDataBytes: maxDataBytes)
            }
        }
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw PhantomError("cannot read NIfTI file \(url.path): \(error.localizedDescription)")
        }
        return try decode([UInt8](data), context: url.path, maxDataBytes: maxDataBytes)
    }

    /// Parses NIfTI-1 bytes (gzip or not); `context` names the file in error messages.
    public static func decode(_ input: [UInt8], context: String, maxDataBytes: Int = defaultMaxDataBytes) throws -> NIfTIImage {
        var bytes = input
        let header: Header
        if Gzip.isGzip(input) {
            // Inflate the header first, check its size against the budget, then inflate
            // no more than the header announces (bounded by the DEFLATE expansion limit).
            let head = try Gzip.decompress(input, maxOutputBytes: Gzip.maxRatio * input.count + 1024, what: context, stopAfter: 348)
            header = try Header(head, context: context, maxDataBytes: maxDataBytes)
            let needed = header.offset + header.count * header.bytesPer
            let limit = min(Gzip.maxRatio * input.count + 1024, needed + (1 << 20))
            bytes = try Gzip.decompress(input, maxOutputBytes: limit, what: context)
        } else {
            header = try Header(bytes, context: context, maxDataBytes: maxDataBytes)
        }
        let little = header.little, count = header.count, offset = header.offset
        guard bytes.count - offset >= count * header.bytesPer else {
            let d = header.dims
            throw PhantomError("\(context): the image data is truncated: \(d[0])x\(d[1])x\(d[2]) voxels of \(header.bytesPer) bytes need \(count * header.bytesPer) bytes after vox_offset \(offset), the file has \(max(0, bytes.count - offset))")
        }
        let reader = ByteReader(bytes: bytes)
        let voxels: Voxels
        switch header.datatype {
        case 2: voxels = .uint8(Array(bytes[offset..<(offset + count)]))
        case 256: voxels = .int8(bytes[offset..<(offset + count)].map { Int8(bitPattern: $0) })
        case 4: voxels = .int16(reader.array(offset, count, little: little) { Int16(bitPattern: UInt16(truncatingIfNeeded: $0)) })
        case 512: voxels = .uint16(reader.array(offset, count, little: little) { UInt16(truncatingIfNeeded: $0) })
        case 8: voxels = .int32(reader.array(offset, count, little: little) { Int32(bitPattern: UInt32(truncatingIfNeeded: $0)) })
        case 768: voxels = .uint32(reader.array(offset, count, little: little) { UInt32(truncatingIfNeeded: $0) })
        case 16: voxels = .float32(reader.array(offset, count, little: little) { Float(bitPattern: UInt32(truncatingIfNeeded: $0)) })
        default: voxels = .float64(reader.array(offset, count, little: little) { Double(bitPattern: $0) })
        }
        let hr = ByteReader(bytes: Array(bytes[0..<348]))
        let (affine, source) = try transform(hr, little: little, context: context)
        let pix = (0..<8).map { Double(hr.float32(76 + 4 * $0, little: little)) }
        var spacing = SIMD3(abs(pix[1]), abs(pix[2]), abs(pix[3]))
        for c in 0..<3 where !(spacing[c].isFinite && spacing[c] > 0) { spacing[c] = 1 }
        var image = try NIfTIImage(dims: SIMD3(header.dims[0], header.dims[1], header.dims[2]), pixdim: spacing, affine: affine, voxels: voxels)
        image.transformSource = source
        _ = try image.inverseAffine(context: context)
        image.sclSlope = Double(hr.float32(112, little: little))
        image.sclInter = Double(hr.float32(116, little: little))
        if !image.sclSlope.isFinite { image.sclSlope = 0 }
        if !image.sclInter.isFinite { image.sclInter = 0 }
        image.descrip = String(decoding: bytes[148..<228].prefix { $0 != 0 }, as: UTF8.self)
        image.intentCode = hr.int16(68, little: little)
        image.intentName = String(decoding: bytes[328..<344].prefix { $0 != 0 }, as: UTF8.self)
        let cal = (Double(hr.float32(128, little: little)), Double(hr.float32(124, little: little)))
        if cal.0.isFinite && cal.1.isFinite { image.calMin = cal.0; image.calMax = cal.1 }
        return image
    }

    /// The fields of a NIfTI-1 header that size and locate the data, validated.
    struct Header {
        var little = true
        var dims: [Int] = []
        var datatype: Int16 = 0
        var bytesPer = 0
        var count = 0
        var offset = 0

        init(_ bytes: [UInt8], context: String, maxDataBytes: Int) throws {
            guard bytes.count >= 348 else {
                throw PhantomError("\(context): \(bytes.count) bytes is too short for a NIfTI-1 header (348 bytes)")
            }
            let reader = ByteReader(bytes: Array(bytes[0..<348]))
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
            self.dims = dims
            datatype = reader.int16(70, little: little)
            switch datatype {
            case 2, 256: bytesPer = 1
            case 4, 512: bytesPer = 2
            case 8, 768, 16: bytesPer = 4
            case 64: bytesPer = 8
            default:
                throw PhantomError("\(context): NIfTI datatype \(datatype) is not supported; use uint8 (2), int8 (256), int16 (4), uint16 (512), int32 (8), uint32 (768), float32 (16) or float64 (64)")
            }
            count = dims[0] * dims[1] * dims[2]   // each at most 32767: no overflow
            guard count <= 1 << 31 else {
                throw PhantomError("\(context): \(dims[0])x\(dims[1])x\(dims[2]) voxels is too large (at most 2^31)")
            }
            let dataBytes = count * bytesPer
            guard dataBytes <= maxDataBytes else {
                let names: [Int16: String] = [2: "uint8", 256: "int8", 4: "int16", 512: "uint16", 8: "int32", 768: "uint32", 16: "float32", 64: "float64"]
                throw PhantomError(String(format: "%@: the header (dim[1..3] = %dx%dx%d, datatype %@) announces %.2f GB of voxel data, more than the %.2f GB this reader may allocate; crop or resample the image first (a vertebra label map needs a few hundred MB at most)",
                                          context, dims[0], dims[1], dims[2], names[datatype] ?? "\(datatype)",
                                          Double(dataBytes) / 1e9, Double(maxDataBytes) / 1e9))
            }
            let voxOffset = Double(reader.float32(108, little: little))
            guard voxOffset.isFinite, voxOffset >= 348, voxOffset <= Double(1 << 30) else {
                throw PhantomError("\(context): vox_offset \(voxOffset) is invalid: it must be at least 348 (352 for a single .nii file) and point into the file")
            }
            offset = Int(voxOffset)
        }
    }

    /// Longest voxel axis and largest offset a header transform may have [mm]: a medical
    /// image's voxels are micrometres to centimetres, its origin within metres.
    static let maxVoxelAxisMm = 1000.0, minVoxelAxisMm = 1e-3, maxOffsetMm = 1e6

    /// The voxel-to-RAS transform (sform, else qform, else pixdim), with each field checked.
    static func transform(_ reader: ByteReader, little: Bool, context: String) throws -> (affine: [Double], source: String) {
        let pix = (0..<8).map { Double(reader.float32(76 + 4 * $0, little: little)) }
        let qformCode = reader.int16(252, little: little), sformCode = reader.int16(254, little: little)
        func checkedPixdim() throws -> SIMD3<Double> {
            var spacing = SIMD3<Double>.zero
            for c in 0..<3 {
                let v = abs(pix[c + 1])
                // Zero (unset) pixdim is read as 1 mm, as the Analyze convention has it.
                if v == 0 { spacing[c] = 1; continue }
                guard v.isFinite, v >= minVoxelAxisMm, v <= maxVoxelAxisMm else {
                    throw PhantomError("\(context): header field pixdim[\(c + 1)] = \(String(format: "%g", pix[c + 1])) is not a voxel size; valid: \(minVoxelAxisMm) to \(maxVoxelAxisMm) mm")
                }
                spacing[c] = v
            }
            return spacing
        }
        var affine: [Double]
        let source: String
        if sformCode > 0 {
            affine = (0..<12).map { Double(reader.float32(280 + 4 * $0, little: little)) } + [0, 0, 0, 1]
            source = "sform"
            for (n, v) in affine.prefix(12).enumerated() where !v.isFinite {
                throw PhantomError("\(context): header field srow_\(["x", "y", "z"][n / 4])[\(n % 4)] = \(v) is not a finite number")
            }
        } else if qformCode > 0 {
            let q = [256, 260, 264].map { Double(reader.float32($0, little: little)) }
            for (n, v) in q.enumerated() where !v.isFinite {
                throw PhantomError("\(context): header field quatern_\(["b", "c", "d"][n]) = \(v) is not a finite number")
            }
            let offsetQ = SIMD3((0..<3).map { Double(reader.float32(268 + 4 * $0, little: little)) })
            let qfac = pix[0] < 0 ? -1.0 : 1.0
            affine = quaternionAffine(b: q[0], c: q[1], d: q[2], qfac: qfac, spacing: try checkedPixdim(), offset: offsetQ)
            source = "qform"
            for n in 0..<3 where !offsetQ[n].isFinite {
                throw PhantomError("\(context): header field qoffset_\(["x", "y", "z"][n]) = \(offsetQ[n]) is not a finite number")
            }
        } else {
            // NIfTI "method 1" (Analyze compatibility): scaling only.
            let spacing = try checkedPixdim()
            affine = [spacing.x, 0, 0, 0, 0, spacing.y, 0, 0, 0, 0, spacing.z, 0, 0, 0, 0, 1]
            source = "pixdim"
        }
        for c in 0..<3 {
            let col = SIMD3(affine[c], affine[4 + c], affine[8 + c])
            let length = (col * col).sum().squareRoot()
            guard length.isFinite, length <= maxVoxelAxisMm, length >= minVoxelAxisMm || length == 0 else {
                let field = source == "sform" ? "srow_x/y/z[\(c)]" : "pixdim[\(c + 1)]"
                throw PhantomError("\(context): the \(source) makes voxel axis \(c) \(String(format: "%g", length)) mm long (header field \(field)); valid: \(minVoxelAxisMm) to \(maxVoxelAxisMm) mm")
            }
            guard abs(affine[4 * c + 3]) <= maxOffsetMm else {
                let field = source == "sform" ? "srow_\(["x", "y", "z"][c])[3]" : "qoffset_\(["x", "y", "z"][c])"
                throw PhantomError("\(context): header field \(field) = \(String(format: "%g", affine[4 * c + 3])) mm puts the image \(String(format: "%g", abs(affine[4 * c + 3]) / 1000)) m from the origin; valid: within \(maxOffsetMm) mm")
            }
        }
        return (affine, source)
    }

    /// The qform affine (NIfTI-1 "method 2"): rotation from the quaternion (b, c, d) with
    /// a = sqrt(1 - b^2 - c^2 - d^2), the third column scaled by qfac, then by the voxel size.
    /// A quaternion whose (b, c, d) is longer than 1 is rescaled to unit length with a = 0,
    /// the rule of the NIfTI-1 reference library (nifti1_io.c, nifti_quatern_to_mat44).
    static func quaternionAffine(b b0: Double, c c0: Double, d d0: Double, qfac: Double, spacing: SIMD3<Double>, offset: SIMD3<Double>) -> [Double] {
        var b = b0, c = c0, d = d0
        var a = 1 - (b * b + c * c + d * d)
        if a < 1e-7 {
            let norm = (b * b + c * c + d * d).squareRoot()
            if norm > 0 && norm.isFinite { b /= norm; c /= norm; d /= norm }
            a = 0
        } else {
            a = a.squareRoot()
        }
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
    /// `count` values of `MemoryLayout<T>.size` bytes from `offset`, each decoded from its
    /// unsigned bit pattern (widened to UInt64) by `make`.
    func array<T>(_ offset: Int, _ count: Int, little: Bool, _ make: (UInt64) -> T) -> [T] {
        let size = MemoryLayout<T>.size
        return [T](unsafeUninitializedCapacity: count) { out, initialized in
            bytes.withUnsafeBufferPointer { b in
                for n in 0..<count {
                    var v: UInt64 = 0
                    let base = offset + n * size
                    if little { for m in stride(from: size - 1, through: 0, by: -1) { v = v << 8 | UInt64(b[base + m]) } }
                    else { for m in 0..<size { v = v << 8 | UInt64(b[base + m]) } }
                    (out.baseAddress! + n).initialize(to: make(v))
                }
            }
            initialized = count
        }
    }

    func float64(_ o: Int, little: Bool) -> Double {
        let lo = UInt64(uint32(o, little: little)), hi = UInt64(uint32(o + 4, little: little))
        return Double(bitPattern: little ? lo | hi << 32 : hi | lo << 32)
    }
}
