import AblasimCore
import Foundation

/// A 3-D NIfTI-1 image (single file, `.nii` or `.nii.gz`): dimensions, the voxel-to-RAS
/// affine in millimetres, and the voxel values. Reader: `NIfTIImage+Reading.swift`;
/// writer: `NIfTIImage+Writing.swift`. Format reference: the NIfTI-1 header definition
/// (nifti1.h, NIfTI Data Format Working Group, 2004).
public struct NIfTIImage: Sendable {
    /// Voxel values in their on-disk type (NIfTI datatype codes 2, 256, 4, 512, 8, 768, 16,
    /// 64), never widened: a label map costs its file's size in memory, not eight times it.
    public enum Voxels: Sendable, Equatable {
        case uint8([UInt8])
        case int8([Int8])
        case int16([Int16])
        case uint16([UInt16])
        case int32([Int32])
        case uint32([UInt32])
        case float32([Float])
        case float64([Double])

        public var count: Int {
            switch self {
            case .uint8(let v): return v.count
            case .int8(let v): return v.count
            case .int16(let v): return v.count
            case .uint16(let v): return v.count
            case .int32(let v): return v.count
            case .uint32(let v): return v.count
            case .float32(let v): return v.count
            case .float64(let v): return v.count
            }
        }

        /// NIfTI datatype code and bits per voxel.
        var datatype: (code: Int16, bits: Int16) {
            switch self {
            case .uint8: return (2, 8)
            case .int8: return (256, 8)
            case .int16: return (4, 16)
            case .uint16: return (512, 16)
            case .int32: return (8, 32)
            case .uint32: return (768, 32)
            case .float32: return (16, 32)
            case .float64: return (64, 64)
            }
        }

        /// Whether the type holds whole numbers only.
        public var isInteger: Bool {
            switch self {
            case .float32, .float64: return false
            default: return true
            }
        }
    }

    /// Voxel counts along i, j, k.
    public var dims: SIMD3<Int>
    /// Voxel size [mm] (pixdim[1...3]).
    public var pixdim: SIMD3<Double>
    /// Voxel index -> RAS world [mm], 4x4 row-major (last row 0 0 0 1).
    public var affine: [Double]
    public var voxels: Voxels
    /// Value scaling: stored * slope + intercept (slope 0 means none, as in the standard).
    public var sclSlope: Double = 0, sclInter: Double = 0
    /// The header's descrip field (at most 79 bytes written).
    public var descrip: String = ""
    /// NIfTI-1 intent_code and intent_name (at most 15 bytes): what the values are, e.g.
    /// `NIfTIImage.intentLabel` for a label map, so viewers show it as a segmentation.
    public var intentCode: Int16 = 0
    public var intentName: String = ""
    /// cal_min, cal_max: the display range viewers start with (both 0: none).
    public var calMin: Double = 0, calMax: Double = 0
    /// NIFTI_INTENT_LABEL (nifti1.h): the values are indices into a list of labels.
    public static let intentLabel: Int16 = 1002
    /// Which transform the reader used: "sform", "qform" or "pixdim".
    public internal(set) var transformSource: String = "sform"

    public init(dims: SIMD3<Int>, pixdim: SIMD3<Double>, affine: [Double], voxels: Voxels) throws {
        guard dims.x >= 1, dims.y >= 1, dims.z >= 1, voxels.count == dims.x * dims.y * dims.z else {
            throw PhantomError("NIfTI image: dims \(dims) do not match \(voxels.count) voxels")
        }
        guard affine.count == 16, affine.allSatisfy(\.isFinite) else {
            throw PhantomError("NIfTI image: the affine must be 16 finite numbers")
        }
        self.dims = dims
        self.pixdim = pixdim
        self.affine = affine
        self.voxels = voxels
    }

    /// An image on `grid` (SI metres) with the grid's affine written in millimetres.
    public init(grid: Grid3D, voxels: Voxels) throws {
        try self.init(dims: grid.dims, pixdim: grid.spacing * 1000, affine: grid.affineMillimetres, voxels: voxels)
    }

    public var voxelCount: Int { dims.x * dims.y * dims.z }

    /// The (scaled) value of voxel `n` (x fastest).
    @inline(__always)
    public func value(_ n: Int) -> Double {
        let raw: Double
        switch voxels {
        case .uint8(let v): raw = Double(v[n])
        case .int8(let v): raw = Double(v[n])
        case .int16(let v): raw = Double(v[n])
        case .uint16(let v): raw = Double(v[n])
        case .int32(let v): raw = Double(v[n])
        case .uint32(let v): raw = Double(v[n])
        case .float32(let v): raw = Double(v[n])
        case .float64(let v): raw = v[n]
        }
        return sclSlope != 0 && sclSlope.isFinite ? raw * sclSlope + sclInter : raw
    }

    /// World [mm] of a continuous voxel index.
    /// World-space bounding box [mm] of the voxel-index box `lo...hi` (its eight corners).
    public func worldBounds(lo: SIMD3<Int>, hi: SIMD3<Int>) -> (lo: SIMD3<Double>, hi: SIMD3<Double>) {
        var a = SIMD3(repeating: Double.infinity), b = SIMD3(repeating: -Double.infinity)
        for corner in 0..<8 {
            let c = SIMD3(Double(corner & 1 == 0 ? lo.x : hi.x), Double((corner >> 1) & 1 == 0 ? lo.y : hi.y),
                          Double((corner >> 2) & 1 == 0 ? lo.z : hi.z))
            let w = world(c)
            a = pointwiseMin(a, w); b = pointwiseMax(b, w)
        }
        return (a, b)
    }

    public func world(_ index: SIMD3<Double>) -> SIMD3<Double> {
        var out = SIMD3<Double>.zero
        for r in 0..<3 {
            out[r] = affine[4 * r] * index.x + affine[4 * r + 1] * index.y + affine[4 * r + 2] * index.z + affine[4 * r + 3]
        }
        return out
    }

    /// The inverse of the affine's 3x3 part and its offset, for world -> index.
    /// - Parameter context: names the file in the error (a singular affine is a header fault).
    public func inverseAffine(context: String) throws -> (m: [Double], t: SIMD3<Double>) {
        do { return try inverseAffine() } catch let e as PhantomError {
            throw PhantomError(e.message.replacingOccurrences(of: "NIfTI image: ", with: "\(context): "))
        }
    }

    /// The inverse of the affine's 3x3 part and its offset, for world -> index.
    public func inverseAffine() throws -> (m: [Double], t: SIMD3<Double>) {
        let a = affine
        let m = [a[0], a[1], a[2], a[4], a[5], a[6], a[8], a[9], a[10]]
        let det = m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) + m[2] * (m[3] * m[7] - m[4] * m[6])
        guard det.isFinite, abs(det) > 1e-12 else {
            throw PhantomError("NIfTI image: the voxel-to-world affine (\(transformSource)) is singular (determinant \(det)); its three voxel axes must be independent, non-zero vectors")
        }
        let inv = [
            (m[4] * m[8] - m[5] * m[7]) / det, (m[2] * m[7] - m[1] * m[8]) / det, (m[1] * m[5] - m[2] * m[4]) / det,
            (m[5] * m[6] - m[3] * m[8]) / det, (m[0] * m[8] - m[2] * m[6]) / det, (m[2] * m[3] - m[0] * m[5]) / det,
            (m[3] * m[7] - m[4] * m[6]) / det, (m[1] * m[6] - m[0] * m[7]) / det, (m[0] * m[4] - m[1] * m[3]) / det,
        ]
        return (inv, SIMD3(a[3], a[7], a[11]))
    }

    /// Continuous voxel index of world point `p` [mm], given `inverseAffine()`.
    @inline(__always)
    public static func index(of p: SIMD3<Double>, inverse: (m: [Double], t: SIMD3<Double>)) -> SIMD3<Double> {
        let d = p - inverse.t, m = inverse.m
        return SIMD3(m[0] * d.x + m[1] * d.y + m[2] * d.z, m[3] * d.x + m[4] * d.y + m[5] * d.z, m[6] * d.x + m[7] * d.y + m[8] * d.z)
    }

    /// Axis codes of the voxel axes in world space (e.g. "RAS", "LPS", "PIR"): for each
    /// voxel axis, the world direction it mostly points to.
    public var orientationCode: String {
        var s = ""
        for c in 0..<3 {
            let col = [affine[c], affine[4 + c], affine[8 + c]]
            let r = (0..<3).max { abs(col[$0]) < abs(col[$1]) }!
            s += col[r] >= 0 ? ["R", "A", "S"][r] : ["L", "P", "I"][r]
        }
        return s
    }
}
