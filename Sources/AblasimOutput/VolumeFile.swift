import Foundation
import AblasimCore
import AblasimPhantom

/// Result volumes as gzip-compressed NIfTI-1 single files (`.nii.gz`, NIfTI-1.1 standard,
/// nifti.nimh.nih.gov/nifti-1): a 348-byte header, 4 zero extension bytes, the voxels
/// x fastest from byte 352. Orientation: sform (code 1) = the grid's voxel-to-RAS affine in
/// mm, and the same transform as qform (code 1: quaternion of the direction matrix, qfac
/// for a left-handed one), so 3D Slicer, ITK-SNAP and nibabel place it identically.
/// Reads back only what `write` produces (little-endian, uint8 or float32). Compression by
/// the phantom module's `Gzip` (zlib).
public enum VolumeFile {
    public enum Voxels {
        case float32([Float])
        case uint8([UInt8])
    }

    static let headerSize = 348, voxOffset = 352

    /// The NIfTI-1 header and data of `voxels` on `grid`, uncompressed.
    public static func encode(_ voxels: Voxels, grid: Grid3D, description: String) throws -> [UInt8] {
        let count: Int, datatype: Int16, bitpix: Int16
        switch voxels {
        case .float32(let v): count = v.count; datatype = 16; bitpix = 32
        case .uint8(let v): count = v.count; datatype = 2; bitpix = 8
        }
        guard count == grid.voxelCount else {
            throw OutputError.io("NIfTI: \(count) voxels do not fill the \(grid.nx)x\(grid.ny)x\(grid.nz) grid")
        }
        guard grid.nx <= Int(Int16.max), grid.ny <= Int(Int16.max), grid.nz <= Int(Int16.max) else {
            throw OutputError.io("NIfTI-1 stores at most 32767 voxels per axis; the grid is \(grid.nx)x\(grid.ny)x\(grid.nz)")
        }
        var h = [UInt8](repeating: 0, count: voxOffset)
        func put<T: FixedWidthInteger>(_ v: T, _ at: Int) { withUnsafeBytes(of: v.littleEndian) { for (i, b) in $0.enumerated() { h[at + i] = b } } }
        func putF(_ v: Double, _ at: Int) { put(Float(v).bitPattern, at) }
        put(Int32(headerSize), 0)
        h[38] = UInt8(ascii: "r")
        for (i, d) in [3, grid.nx, grid.ny, grid.nz, 1, 1, 1, 1].enumerated() { put(Int16(d), 40 + 2 * i) }
        put(datatype, 70)
        put(bitpix, 72)
        let a = grid.affineMillimetres   // row-major 4x4
        // Rotation part of the affine divided by the spacing: the direction matrix R (RAS).
        var r = [[Double]](repeating: [0, 0, 0], count: 3)
        for i in 0..<3 { for j in 0..<3 { r[i][j] = grid.direction[3 * j + i] } }
        let det = r[0][0] * (r[1][1] * r[2][2] - r[1][2] * r[2][1]) - r[0][1] * (r[1][0] * r[2][2] - r[1][2] * r[2][0])
            + r[0][2] * (r[1][0] * r[2][1] - r[1][1] * r[2][0])
        let qfac: Double = det < 0 ? -1 : 1
        if qfac < 0 { for i in 0..<3 { r[i][2] = -r[i][2] } }
        let s = grid.spacing * 1000
        for (i, v) in [qfac, s.x, s.y, s.z, 1, 0, 0, 0].enumerated() { putF(v, 76 + 4 * i) }
        putF(Double(voxOffset), 108)
        putF(1, 112)          // scl_slope: stored values are the values
        h[123] = 2 | 8        // xyzt_units: mm, s
        let desc = Array(description.utf8.prefix(79))
        for (i, b) in desc.enumerated() { h[148 + i] = b }
        put(Int16(1), 252)    // qform_code: scanner anatomical
        put(Int16(1), 254)    // sform_code: scanner anatomical
        let q = quaternion(r)
        putF(q.b, 256); putF(q.c, 260); putF(q.d, 264)
        putF(a[3], 268); putF(a[7], 272); putF(a[11], 276)
        for row in 0..<3 { for c in 0..<4 { putF(a[4 * row + c], 280 + 16 * row + 4 * c) } }
        h[344] = UInt8(ascii: "n"); h[345] = UInt8(ascii: "+"); h[346] = UInt8(ascii: "1")
        h.reserveCapacity(voxOffset + count * Int(bitpix / 8))
        switch voxels {
        case .float32(let v): for x in v { withUnsafeBytes(of: x.bitPattern.littleEndian) { h.append(contentsOf: $0) } }
        case .uint8(let v): h.append(contentsOf: v)
        }
        return h
    }

    /// Quaternion (b, c, d; a >= 0) of a proper rotation matrix, as nifti1_io's mat44_to_quatern.
    static func quaternion(_ r: [[Double]]) -> (b: Double, c: Double, d: Double) {
        let (r11, r12, r13) = (r[0][0], r[0][1], r[0][2])
        let (r21, r22, r23) = (r[1][0], r[1][1], r[1][2])
        let (r31, r32, r33) = (r[2][0], r[2][1], r[2][2])
        var a = r11 + r22 + r33 + 1, b: Double, c: Double, d: Double
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
        return (b, c, d)
    }

    /// Writes `voxels` as `.nii.gz` at `url`, atomically.
    public static func write(_ voxels: Voxels, grid: Grid3D, description: String, to url: URL) throws {
        let raw = try encode(voxels, grid: grid, description: description)
        let gz: [UInt8]
        do { gz = try Gzip.compress(raw, format: .gzip) } catch { throw OutputError.io("\(url.path): \(error)") }
        try OutputDirectory.atomicWrite(Data(gz), to: url)
    }

    /// Reads a `.nii.gz` this writer produced: the grid (from the sform) and the raw bytes.
    static func read(_ url: URL, datatype: Int16) throws -> (Grid3D, [UInt8]) {
        let path = url.path
        guard let data = FileManager.default.contents(atPath: path) else { throw OutputError.invalidInput("cannot read \(path)") }
        let all: [UInt8]
        do { all = try Gzip.decompress([UInt8](data), maxOutputBytes: voxOffset + 4 * Grid3D.maxVoxels, what: path) } catch {
            throw OutputError.invalidInput("\(path) is not a gzip-compressed NIfTI file: \(error)")
        }
        guard all.count >= voxOffset else { throw OutputError.invalidInput("\(path) is too short for a NIfTI-1 header (\(all.count) bytes)") }
        let head = Array(all[0..<voxOffset])
        func i16(_ at: Int) -> Int16 { Int16(littleEndian: head.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: at, as: Int16.self) }) }
        func i32(_ at: Int) -> Int32 { Int32(littleEndian: head.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: at, as: Int32.self) }) }
        func f32(_ at: Int) -> Double { Double(Float(bitPattern: UInt32(littleEndian: head.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: at, as: UInt32.self) }))) }
        guard i32(0) == Int32(headerSize), head[344] == UInt8(ascii: "n"), head[345] == UInt8(ascii: "+"), head[346] == UInt8(ascii: "1") else {
            throw OutputError.invalidInput("\(path) is not a little-endian single-file NIfTI-1 volume")
        }
        guard i16(40) == 3 || (i16(40) == 4 && i16(48) == 1) else { throw OutputError.invalidInput("\(path) is not a 3D volume (dim[0] = \(i16(40)))") }
        guard i16(70) == datatype else {
            throw OutputError.invalidInput("\(path) has NIfTI datatype \(i16(70)); expected \(datatype == 16 ? "float32 (16)" : "uint8 (2)")")
        }
        let nx = Int(i16(42)), ny = Int(i16(44)), nz = Int(i16(46))
        var srow = [[Double]](repeating: [0, 0, 0, 0], count: 3)
        for r in 0..<3 { for c in 0..<4 { srow[r][c] = f32(280 + 16 * r + 4 * c) } }
        var spacing = SIMD3<Double>(repeating: 0), direction = [Double](repeating: 0, count: 9)
        for c in 0..<3 {
            let col = SIMD3(srow[0][c], srow[1][c], srow[2][c])
            let norm = (col * col).sum().squareRoot()
            spacing[c] = norm / 1000
            for r in 0..<3 { direction[3 * c + r] = norm > 0 ? col[r] / norm : 0 }
        }
        let grid: Grid3D
        do {
            grid = try Grid3D(nx: nx, ny: ny, nz: nz, spacing: spacing, origin: SIMD3(srow[0][3], srow[1][3], srow[2][3]) / 1000, direction: direction)
        } catch { throw OutputError.invalidInput("\(path): header does not describe a valid grid: \(error)") }
        let offset = Int(f32(108))
        let bytes = grid.voxelCount * (datatype == 16 ? 4 : 1)
        guard all.count == offset + bytes else {
            throw OutputError.invalidInput("\(path) holds \(all.count - offset) data bytes; \(nx)x\(ny)x\(nz) needs \(bytes)")
        }
        return (grid, Array(all[offset...]))
    }

    public static func readFloat32(_ url: URL) throws -> (Grid3D, [Float]) {
        let (g, b) = try read(url, datatype: 16)
        let v = b.withUnsafeBytes { raw in (0..<g.voxelCount).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) } }
        return (g, v)
    }

    public static func readUInt8(_ url: URL) throws -> (Grid3D, [UInt8]) {
        try read(url, datatype: 2)
    }
}
