import Foundation

extension NIfTIImage {
    /// Writes a single-file NIfTI-1 image, gzip-compressed when the name ends in `.gz`,
    /// atomically. Both sform and qform are set (code 1, scanner anatomical) from the
    /// affine; units mm and s.
    public func write(to url: URL) throws {
        let raw = try encode()
        let bytes = url.pathExtension.lowercased() == "gz" ? try Gzip.compress(raw, format: .gzip, level: 6) : raw
        try AtomicFile.write(bytes, to: url)
    }

    /// The bytes of the .nii file: 348-byte header, 4-byte empty extension flag, data at 352.
    public func encode() throws -> [UInt8] {
        guard dims.x <= Int(Int16.max), dims.y <= Int(Int16.max), dims.z <= Int(Int16.max) else {
            throw PhantomError("NIfTI-1 stores dimensions as int16: \(dims) exceeds 32767", isInputError: false)
        }
        var h = [UInt8](repeating: 0, count: 352)
        func put32(_ o: Int, _ v: UInt32) { for b in 0..<4 { h[o + b] = UInt8((v >> (8 * UInt32(b))) & 0xff) } }
        func putI32(_ o: Int, _ v: Int32) { put32(o, UInt32(bitPattern: v)) }
        func putI16(_ o: Int, _ v: Int16) { let u = UInt16(bitPattern: v); h[o] = UInt8(u & 0xff); h[o + 1] = UInt8(u >> 8) }
        func putF(_ o: Int, _ v: Double) { put32(o, Float(v).bitPattern) }
        putI32(0, 348)
        h[38] = UInt8(ascii: "r")
        for (n, v) in [3, dims.x, dims.y, dims.z, 1, 1, 1, 1].enumerated() { putI16(40 + 2 * n, Int16(v)) }
        putI16(68, intentCode)
        let (code, bits) = voxels.datatype
        putI16(70, code)
        putI16(72, bits)
        // Rotation part: columns of the affine divided by the voxel sizes.
        var spacing = SIMD3<Double>.zero
        var rotation = [Double](repeating: 0, count: 9)  // row-major
        for c in 0..<3 {
            let col = SIMD3(affine[c], affine[4 + c], affine[8 + c])
            spacing[c] = (col * col).sum().squareRoot()
            for r in 0..<3 { rotation[3 * r + c] = col[r] / max(spacing[c], 1e-300) }
        }
        let q = NIfTIImage.quaternion(rotation)
        for (n, v) in [q.qfac, spacing.x, spacing.y, spacing.z, 1, 1, 1, 1].enumerated() { putF(76 + 4 * n, v) }
        putF(108, 352)
        putF(112, sclSlope)
        putF(116, sclInter)
        h[123] = 2 | 8   // NIFTI_UNITS_MM | NIFTI_UNITS_SEC
        putF(124, calMax)
        putF(128, calMin)
        for (n, byte) in Array(descrip.utf8.prefix(79)).enumerated() { h[148 + n] = byte }
        putI16(252, 1)
        putI16(254, 1)
        putF(256, q.b); putF(260, q.c); putF(264, q.d)
        putF(268, affine[3]); putF(272, affine[7]); putF(276, affine[11])
        for n in 0..<12 { putF(280 + 4 * n, affine[n]) }
        for (n, byte) in Array(intentName.utf8.prefix(15)).enumerated() { h[328 + n] = byte }
        for (n, byte) in Array("n+1\0".utf8).enumerated() { h[344 + n] = byte }
        // Bytes 348-351: extension flag 0 (no extensions).
        var out = h
        out.reserveCapacity(352 + voxelCount * Int(bits / 8))
        switch voxels {
        case .uint8(let v): out += v
        case .int8(let v): out += v.map { UInt8(bitPattern: $0) }
        case .uint16(let v): for x in v { out.append(UInt8(x & 0xff)); out.append(UInt8(x >> 8)) }
        case .int32(let v): for x in v { let u = UInt32(bitPattern: x); for b in 0..<4 { out.append(UInt8((u >> (8 * UInt32(b))) & 0xff)) } }
        case .uint32(let v): for u in v { for b in 0..<4 { out.append(UInt8((u >> (8 * UInt32(b))) & 0xff)) } }
        case .int16(let v): for x in v { let u = UInt16(bitPattern: x); out.append(UInt8(u & 0xff)); out.append(UInt8(u >> 8)) }
        case .float32(let v): for x in v { let u = x.bitPattern; for b in 0..<4 { out.append(UInt8((u >> (8 * UInt32(b))) & 0xff)) } }
        case .float64(let v): for x in v { let u = x.bitPattern; for b in 0..<8 { out.append(UInt8((u >> (8 * UInt64(b))) & 0xff)) } }
        }
        return out
    }

    /// Quaternion (b, c, d) and qfac of a row-major orthonormal 3x3 matrix (the inverse of
    /// the NIfTI-1 qform construction): an improper matrix gets qfac = -1 and its third
    /// column negated first; then the standard trace-based extraction, with a >= 0.
    static func quaternion(_ m: [Double]) -> (b: Double, c: Double, d: Double, qfac: Double) {
        var r = m
        let det = r[0] * (r[4] * r[8] - r[5] * r[7]) - r[1] * (r[3] * r[8] - r[5] * r[6]) + r[2] * (r[3] * r[7] - r[4] * r[6])
        var qfac = 1.0
        if det < 0 { qfac = -1; r[2] = -r[2]; r[5] = -r[5]; r[8] = -r[8] }
        let (r11, r12, r13, r21, r22, r23, r31, r32, r33) = (r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8])
        var a = r11 + r22 + r33 + 1, b = 0.0, c = 0.0, d = 0.0
        if a > 0.5 {
            a = 0.5 * a.squareRoot()
            b = 0.25 * (r32 - r23) / a; c = 0.25 * (r13 - r31) / a; d = 0.25 * (r21 - r12) / a
        } else {
            let xd = 1 + r11 - (r22 + r33), yd = 1 + r22 - (r11 + r33), zd = 1 + r33 - (r11 + r22)
            if xd > 1 {
                b = 0.5 * xd.squareRoot(); c = 0.25 * (r12 + r21) / b; d = 0.25 * (r13 + r31) / b; a = 0.25 * (r32 - r23) / b
            } else if yd > 1 {
                c = 0.5 * yd.squareRoot(); b = 0.25 * (r12 + r21) / c; d = 0.25 * (r23 + r32) / c; a = 0.25 * (r13 - r31) / c
            } else {
                d = 0.5 * zd.squareRoot(); b = 0.25 * (r13 + r31) / d; c = 0.25 * (r23 + r32) / d; a = 0.25 * (r21 - r12) / d
            }
            if a < 0 { b = -b; c = -c; d = -d }
        }
        return (b, c, d, qfac)
    }
}

extension Phantom {
    /// The label map as a NIfTI image (uint8, the grid's affine in mm).
    public func niftiLabelMap() throws -> NIfTIImage {
        var image = try NIfTIImage(grid: grid, voxels: .uint8(labels))
        image.descrip = "ablasim phantom \(name) labels"
        return image
    }

    /// An ITK-SNAP label description file (also read by 3D Slicer's colour import) naming
    /// each label with its display colour.
    public func itkSnapLabelDescription() -> String {
        var lines = ["# ITK-SNAP Label Description File for ablasim phantom \(name)",
                     "# IDX -R- -G- -B- -A-- VIS MSH LABEL",
                     "    0    0    0    0  0  0  0 \"Clear Label\""]
        for (label, tissue) in legend.sorted(by: { $0.key < $1.key }) {
            let c = Phantom.tissueColors[tissue] ?? (128, 128, 128)
            lines.append(String(format: "%5d %4d %4d %4d  1  1  1 \"%@\"", Int(label), Int(c.0), Int(c.1), Int(c.2), tissue as NSString))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
