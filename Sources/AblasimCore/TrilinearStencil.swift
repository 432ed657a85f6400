/// Trilinear interpolation between voxel centres, stated once: the eight voxels around a
/// continuous voxel index p (centres at integers) and their weights
///   w = wx wy wz,  wx = 1 - fx at i0 and fx at i0 + 1,  fx = px - i0  (same in y and z),
/// with p clamped to the grid and i0 <= n - 2, so a point on the last centre weighs it 1
/// (a one-voxel axis uses that voxel alone). Corners come z slowest, x fastest.
/// `Field3D.trilinear`, the thermocouple monitor and the RF probe thermocouples read with it.
public enum TrilinearStencil {
    /// Calls `body(voxel, weight)` for the eight corners around `p` in a grid of `dims`.
    @inline(__always)
    public static func forEachCorner(at p: SIMD3<Double>, dims: SIMD3<Int>, _ body: (SIMD3<Int>, Double) throws -> Void) rethrows {
        @inline(__always)
        func split(_ x: Double, _ n: Int) -> (Int, Int, Double) {
            if n == 1 { return (0, 0, 0) }
            let c = min(max(x, 0), Double(n - 1))
            let i = min(Int(c.rounded(.down)), n - 2)
            return (i, i + 1, c - Double(i))
        }
        let (i0, i1, fx) = split(p.x, dims.x), (j0, j1, fy) = split(p.y, dims.y), (k0, k1, fz) = split(p.z, dims.z)
        for (k, wz) in [(k0, 1 - fz), (k1, fz)] {
            for (j, wy) in [(j0, 1 - fy), (j1, fy)] {
                for (i, wx) in [(i0, 1 - fx), (i1, fx)] {
                    try body(SIMD3(i, j, k), wx * wy * wz)
                }
            }
        }
    }
}
