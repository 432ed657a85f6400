import AblasimCore

/// Attenuation integrated along a straight path through the voxel model,
///
///   tau(a -> b) = integral_a^b mu(x) dl  [1],
///
/// with mu [1/m] a per-material-code attenuation (microwave alpha, optical mu_eff), looked up
/// at the nearest voxel of each of n midpoint samples spaced at most `maxStep` apart. In a
/// uniform medium tau = mu |b - a| exactly. Shared by the microwave and laser sources so
/// heterogeneous tissue (bone, fat, tumour) shapes their patterns.
struct PathAttenuation {
    let grid: Grid3D
    let codes: Field3D<UInt8>
    /// mu per material code (all `MaterialCode.count` codes, coagulated bit included) [1/m].
    let perCode: [Double]
    let maxStep: Double
    /// Set when every voxel of the grid has the same mu: tau = mu * length, no march.
    let uniform: Double?
    /// Optional per-voxel multiplier of mu (padded field index, `Field3D.index`), e.g. the
    /// temperature dependence of the microwave attenuation; nil means 1 everywhere.
    let perVoxel: [Double]?

    /// - Parameter ignoring: codes no path crosses (probe surfaces inside the start radius),
    ///   left out of the uniformity check.
    init(grid: Grid3D, codes: Field3D<UInt8>, perCode: [Double], maxStep: Double? = nil, ignoring: Set<Int> = [],
         perVoxel: [Double]? = nil) {
        self.grid = grid; self.codes = codes; self.perCode = perCode; self.perVoxel = perVoxel
        self.maxStep = maxStep ?? 0.5 * min(grid.spacing.x, grid.spacing.y, grid.spacing.z)
        var seen = [Bool](repeating: false, count: perCode.count)
        for k in 0..<grid.nz { for j in 0..<grid.ny {
            let r = codes.row(j, k)
            for i in 0..<grid.nx { seen[Int(r[i])] = true }
        } }
        let values = Set(seen.indices.filter { seen[$0] && !ignoring.contains($0) }.map { perCode[$0] })
        uniform = values.count == 1 && perVoxel == nil ? values.first : nil
    }

    /// tau between two points given in continuous voxel index space; `length` is their world distance [m].
    func depth(fromIndex a: SIMD3<Double>, toIndex b: SIMD3<Double>, length: Double) -> Double {
        guard length > 0 else { return 0 }
        if let mu = uniform { return mu * length }
        let n = max(1, Int((length / maxStep).rounded(.up)))
        let dl = length / Double(n)
        let d = (b - a) / Double(n)
        let hi = SIMD3(Double(grid.nx - 1), Double(grid.ny - 1), Double(grid.nz - 1))
        var tau = 0.0
        var p = a + 0.5 * d
        for _ in 0..<n {
            let q = pointwiseMin(pointwiseMax(p.rounded(.toNearestOrAwayFromZero), .zero), hi)
            let v = codes.index(Int(q.x), Int(q.y), Int(q.z))
            tau += perCode[Int(codes.base[v])] * (perVoxel?[v] ?? 1)
            p += d
        }
        return tau * dl
    }
}
