// Water vaporization as an enthalpy correction of one row of voxels.
//
// Heat that took a voxel above the boiling point T_b while it still holds water boils
// water instead of raising the temperature:
//
//   E    = max(0, (T - T_b) C)        sensible heat above boiling [J/m^3], C = rho c
//   take = min(E, L)                  L latent heat still held by the voxel's water [J/m^3]
//   T'   = T - take / C,   L' = L - take
//
// A voxel that boiled this way (take > 0) had its recorded peak set from the uncorrected
// temperature by the step just taken, so the peak is lowered to T' (it never exceeded
// T_b before: while L > 0 every earlier excess was corrected the same way).
// Elementwise, so the result does not depend on how rows are split across threads.

/// Scalar reference of the vaporization correction of `n` voxels. `c` > 0 everywhere
/// (voxels without water have `l` = 0 and are left unchanged). Returns the number of
/// voxels that boiled.
@inlinable @discardableResult
public func vaporizationRowScalar(t: UnsafeMutablePointer<Float>, latent l: UnsafeMutablePointer<Float>,
                                  peak: UnsafeMutablePointer<Float>, heatCapacity c: UnsafePointer<Float>,
                                  count n: Int, boiling tb: Float) -> Int {
    var boiledCount = 0
    for i in 0..<n {
        let excess = max((t[i] - tb) * c[i], 0)
        let take = min(excess, l[i])
        guard take > 0 else { continue }
        let corrected = t[i] - take / c[i]
        t[i] = corrected
        l[i] -= take
        peak[i] = corrected
        boiledCount += 1
    }
    return boiledCount
}

/// `vaporizationRowScalar` in `SIMD8` lanes with a scalar tail; the same arithmetic per
/// voxel, so bitwise the same result and count.
@inlinable @discardableResult
public func vaporizationRowSIMD(t: UnsafeMutablePointer<Float>, latent l: UnsafeMutablePointer<Float>,
                                peak: UnsafeMutablePointer<Float>, heatCapacity c: UnsafePointer<Float>,
                                count n: Int, boiling tb: Float) -> Int {
    typealias V = SIMD8<Float>
    let b = V(repeating: tb), zero = V(repeating: 0)
    var boiledCount = 0
    var i = 0
    while i + V.scalarCount <= n {
        let tv = UnsafeRawPointer(t + i).loadUnaligned(as: V.self)
        let cv = UnsafeRawPointer(c + i).loadUnaligned(as: V.self)
        let excess = pointwiseMax((tv - b) * cv, zero)
        // Cheap exit: almost every row of the box is below boiling.
        if any(excess .> zero) {
            let lv = UnsafeRawPointer(l + i).loadUnaligned(as: V.self)
            let take = pointwiseMin(excess, lv)
            let boiled = take .> zero
            if any(boiled) {
                for lane in 0..<V.scalarCount where boiled[lane] { boiledCount += 1 }
                let corrected = tv - take / cv
                UnsafeMutableRawPointer(t + i).storeBytes(of: tv.replacing(with: corrected, where: boiled), as: V.self)
                UnsafeMutableRawPointer(l + i).storeBytes(of: lv - take, as: V.self)
                let pv = UnsafeRawPointer(peak + i).loadUnaligned(as: V.self)
                UnsafeMutableRawPointer(peak + i).storeBytes(of: pv.replacing(with: corrected, where: boiled), as: V.self)
            }
        }
        i += V.scalarCount
    }
    return boiledCount + vaporizationRowScalar(t: t + i, latent: l + i, peak: peak + i, heatCapacity: c + i, count: n - i, boiling: tb)
}
