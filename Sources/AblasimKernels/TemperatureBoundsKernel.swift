// Row reductions for the discrete maximum principle: the extremes of a row, and whether a
// row lies within a temperature interval. Used once per row per stage by the solver's
// bound-checked super-steps and by `--check-bounds`, on rows just written (in cache).
// Min and max are exact, so per-plane results combine to the same value for any thread
// count.

/// Smallest and largest value of `p[0..<n]` (n >= 1; NaN-free input), scalar reference.
@inlinable
public func rowExtremesScalar<S: BinaryFloatingPoint>(_ p: UnsafePointer<S>, count n: Int) -> (min: S, max: S) {
    var lo = p[0], hi = p[0]
    for i in 1..<max(n, 1) {
        let v = p[i]
        lo = v < lo ? v : lo
        hi = v > hi ? v : hi
    }
    return (lo, hi)
}

/// `rowExtremesScalar` in `SIMD8` lanes with a scalar tail; the same result (min and max
/// do not depend on the order).
@inlinable
public func rowExtremesSIMD<S: BinaryFloatingPoint & SIMDScalar>(_ p: UnsafePointer<S>, count n: Int) -> (min: S, max: S) {
    typealias V = SIMD8<S>
    guard n >= 2 * V.scalarCount else { return rowExtremesScalar(p, count: n) }
    var lo = UnsafeRawPointer(p).loadUnaligned(as: V.self), hi = lo
    var i = V.scalarCount
    while i + V.scalarCount <= n {
        let v = UnsafeRawPointer(p + i).loadUnaligned(as: V.self)
        lo = lo.replacing(with: v, where: v .< lo)
        hi = hi.replacing(with: v, where: v .> hi)
        i += V.scalarCount
    }
    var l = lo[0], h = hi[0]
    for k in 1..<V.scalarCount {
        l = lo[k] < l ? lo[k] : l
        h = hi[k] > h ? hi[k] : h
    }
    while i < n {
        l = p[i] < l ? p[i] : l
        h = p[i] > h ? p[i] : h
        i += 1
    }
    return (l, h)
}

/// Number of values of `p[0..<n]` outside [lower, upper]; NaN counts as outside. Scalar reference.
@inlinable
public func rowCountOutsideScalar<S: BinaryFloatingPoint>(_ p: UnsafePointer<S>, count n: Int, lower: S, upper: S) -> Int {
    var bad = 0
    for i in 0..<n where !(p[i] >= lower && p[i] <= upper) { bad += 1 }
    return bad
}

/// `rowCountOutsideScalar` in `SIMD8` lanes (a lane counter per lane), scalar tail.
@inlinable
public func rowCountOutsideSIMD<S: BinaryFloatingPoint & SIMDScalar>(_ p: UnsafePointer<S>, count n: Int, lower: S, upper: S) -> Int {
    typealias V = SIMD8<S>
    let lo = V(repeating: lower), hi = V(repeating: upper)
    var inside = 0
    var i = 0
    while i + V.scalarCount <= n {
        let v = UnsafeRawPointer(p + i).loadUnaligned(as: V.self)
        // NaN fails both comparisons, so it is never counted inside.
        let ok = (v .>= lo) .& (v .<= hi)
        if !all(ok) {
            for k in 0..<V.scalarCount where ok[k] { inside += 1 }
        } else {
            inside += V.scalarCount
        }
        i += V.scalarCount
    }
    return (i - inside) + rowCountOutsideScalar(p + i, count: n - i, lower: lower, upper: upper)
}
