/// Linear voxel indices, x fastest then y then z: the one statement of how a voxel (i, j, k)
/// of an nx x ny x nz grid or box maps to its index in a flat array and back.
///   v = (k ny + j) nx + i,   i = v mod nx,   j = (v / nx) mod ny,   k = v / (nx ny)
public enum VoxelIndex {
    /// (i, j, k) of linear index `v` in a grid of `dims` voxels.
    @inline(__always)
    public static func decode(_ v: Int, dims: SIMD3<Int>) -> SIMD3<Int> {
        SIMD3(v % dims.x, v / dims.x % dims.y, v / (dims.x * dims.y))
    }

    /// Linear index of voxel `p` in a grid of `dims` voxels.
    @inline(__always)
    public static func encode(_ p: SIMD3<Int>, dims: SIMD3<Int>) -> Int {
        (p.z * dims.y + p.y) * dims.x + p.x
    }
}

extension Grid3D {
    /// (i, j, k) of linear voxel index `v` (`VoxelIndex`).
    @inline(__always)
    public func voxel(_ v: Int) -> SIMD3<Int> { VoxelIndex.decode(v, dims: dims) }

    /// Linear index of voxel `p` (`VoxelIndex`).
    @inline(__always)
    public func linear(_ p: SIMD3<Int>) -> Int { VoxelIndex.encode(p, dims: dims) }

    /// World position [m] of the centre of linear voxel `v`.
    public func world(voxel v: Int) -> SIMD3<Double> {
        let p = voxel(v)
        return world(SIMD3(Double(p.x), Double(p.y), Double(p.z)))
    }
}

extension SIMD3 where Scalar == Int {
    /// (x, y, z) for `let (i, j, k) = ...`.
    @inline(__always)
    public var tuple: (Int, Int, Int) { (x, y, z) }
}
