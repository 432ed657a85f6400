/// A uniform voxel grid: dimensions, spacing, origin and orientation.
///
/// Internally SI (metres). The orientation is a RAS direction matrix: column c is the unit
/// vector in RAS world space along voxel axis c, so world = origin + D * (index * spacing),
/// which maps to a NIfTI sform without loss.
public struct Grid3D: Equatable, Sendable, Codable {
    public let nx: Int, ny: Int, nz: Int
    /// Voxel size along x, y, z [m].
    public let spacing: SIMD3<Double>
    /// World position of voxel (0,0,0)'s centre [m], RAS.
    public let origin: SIMD3<Double>
    /// Column-major 3x3 direction cosines (columns = voxel axes in RAS).
    public let direction: [Double]

    /// The largest grid accepted: 2^31 voxels (about 8 GiB of float32 per field).
    public static let maxVoxels = 1 << 31

    public init(nx: Int, ny: Int, nz: Int, spacing: SIMD3<Double>,
                origin: SIMD3<Double> = .zero, direction: [Double] = [1, 0, 0, 0, 1, 0, 0, 0, 1]) throws {
        for (name, n) in [("nx", nx), ("ny", ny), ("nz", nz)] where n < 1 {
            throw CoreError("grid dimension \(name) = \(n) is invalid: every dimension must be at least 1")
        }
        let (v, overflow) = nx.multipliedReportingOverflow(by: ny)
        let (v2, overflow2) = v.multipliedReportingOverflow(by: nz)
        if overflow || overflow2 || v2 > Grid3D.maxVoxels {
            throw CoreError("grid \(nx)x\(ny)x\(nz) is too large: at most \(Grid3D.maxVoxels) voxels are supported")
        }
        for (axis, h) in zip(["x", "y", "z"], [spacing.x, spacing.y, spacing.z]) where !(h.isFinite && h > 0 && h < 1) {
            throw CoreError("voxel spacing along \(axis) = \(h * 1000) mm is invalid: it must be finite, positive and below 1000 mm")
        }
        guard direction.count == 9, direction.allSatisfy(\.isFinite) else {
            throw CoreError("orientation must be 9 finite direction cosines, got \(direction)")
        }
        for c in 0..<3 {
            let col = SIMD3(direction[3 * c], direction[3 * c + 1], direction[3 * c + 2])
            let norm = (col * col).sum().squareRoot()
            if abs(norm - 1) > 1e-3 {
                throw CoreError("orientation column \(c) has length \(norm): direction cosines must be unit vectors")
            }
        }
        guard origin.x.isFinite, origin.y.isFinite, origin.z.isFinite else {
            throw CoreError("grid origin \(origin) is not finite")
        }
        self.nx = nx; self.ny = ny; self.nz = nz
        self.spacing = spacing; self.origin = origin; self.direction = direction
    }

    /// An axis-aligned grid with the same spacing in every direction [m].
    public init(nx: Int, ny: Int, nz: Int, isotropic h: Double, origin: SIMD3<Double> = .zero) throws {
        try self.init(nx: nx, ny: ny, nz: nz, spacing: SIMD3(repeating: h), origin: origin)
    }

    public var voxelCount: Int { nx * ny * nz }
    public var voxelVolume: Double { spacing.x * spacing.y * spacing.z }
    public var dims: SIMD3<Int> { SIMD3(nx, ny, nz) }

    /// World position [m] of a continuous voxel index (voxel centres at integers).
    public func world(_ index: SIMD3<Double>) -> SIMD3<Double> {
        let s = index * spacing
        var w = origin
        for c in 0..<3 { w += SIMD3(direction[3 * c], direction[3 * c + 1], direction[3 * c + 2]) * s[c] }
        return w
    }

    /// Continuous voxel index of a world position [m]; the inverse of `world`.
    /// The direction matrix is orthonormal, so its inverse is its transpose.
    public func index(_ world: SIMD3<Double>) -> SIMD3<Double> {
        let d = world - origin
        var out = SIMD3<Double>.zero
        for c in 0..<3 {
            let col = SIMD3(direction[3 * c], direction[3 * c + 1], direction[3 * c + 2])
            out[c] = (col * d).sum() / spacing[c]
        }
        return out
    }

    /// The 4x4 voxel-to-RAS affine in millimetres (NIfTI sform convention), row-major.
    public var affineMillimetres: [Double] {
        var a = [Double](repeating: 0, count: 16)
        for r in 0..<3 {
            for c in 0..<3 { a[4 * r + c] = direction[3 * c + r] * spacing[c] * 1000 }
            a[4 * r + 3] = origin[r] * 1000
        }
        a[15] = 1
        return a
    }

    /// True when a continuous index lies within the voxel centres' box.
    public func contains(index p: SIMD3<Double>) -> Bool {
        p.x >= 0 && p.y >= 0 && p.z >= 0 && p.x <= Double(nx - 1) && p.y <= Double(ny - 1) && p.z <= Double(nz - 1)
    }
}
