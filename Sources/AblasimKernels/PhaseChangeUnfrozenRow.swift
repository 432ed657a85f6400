// The lean path of the phase-change kernels for warm rows: where every temperature of a
// row's stencil (and, for an RKL stage, of its T_{j-2}) is at or above `unfrozenFloor`, k(T)
// is k_u and phi = 0 everywhere involved, so the update needs four tables (tabulated k_u
// faces, perfusion, 1 / C_u, tissue weight) instead of fourteen, and no branch logic when
// every result also stays at or above the floor. Most of a cryo grid is such rows.
//
// The checks are plain counting loops over whole rows (the compiler vectorizes them): the
// generic SIMD comparisons, `pointwiseMin` and horizontal `min()` per block were half the
// cryo profile.

/// Number of values below `floor` in p[0..<n].
@inlinable @inline(__always)
func countBelow<S: BinaryFloatingPoint>(_ p: UnsafePointer<S>, _ n: Int, _ floor: S) -> Int {
    var c = 0
    for i in 0..<n { c &+= p[i] < floor ? 1 : 0 }
    return c
}

/// One lean step of a warm row, the general kernels' same-branch formula
///
///   T_j = T_{j-1} + a w (T_{j-1} - T_{j-2}) + (b F w) / C_u
///
/// (w the tissue weight: non-tissue voxels keep T_{j-1}; a = 0, b = dt is the plain step, and
/// multiplying by w = 1 is exact, so tissue voxels get the general kernels' bits). `r.tNew`
/// holds T_{j-2} on entry when a != 0. Voxels whose stencil (or T_{j-2}, or result) is
/// below the floor are then redone by the scalar reference (`phaseChangeRowScalar`,
/// `phaseChangeLegendreRowScalar`): the whole row gets the reference's bits, and only the
/// ice and its rim pay for the general kernel. `stencilWarm`: whether every temperature the
/// row reads is at or above the floor, when the caller knows (nil: counted here); a warm
/// row whose results all stay warm skips the per-voxel check. Returns false, with `r.tNew`
/// untouched, when the tables have no lean path.
@inlinable
func unfrozenRowStep<S>(_ r: PennesRow<S>, count n: Int, a: S, b: S, tables tb: PhaseChangeTables<S>, stencilWarm: Bool? = nil) -> Bool {
    guard let faces = tb.unfrozenFaces, let weight = tb.tissueWeight, n > 0 else { return false }
    let floor = tb.unfrozenFloor
    let sy = r.strideY, sz = r.strideZ
    let warmRow: Bool
    if let stencilWarm {
        warmRow = stencilWarm
    } else {
        var cold = countBelow(r.t - 1, n + 2, floor)
        cold &+= countBelow(r.t - sy, n, floor) &+ countBelow(r.t + sy, n, floor)
        cold &+= countBelow(r.t - sz, n, floor) &+ countBelow(r.t + sz, n, floor)
        if a != 0 { cold &+= countBelow(UnsafePointer(r.tNew), n, floor) }
        warmRow = cold == 0
    }
    return withUnsafeTemporaryAllocation(of: S.self, capacity: n) { out in
        let o = out.baseAddress!
        typealias V = SIMD8<S>
        let bits = PennesTables<S>.labelBits
        let fx = faces, fy = faces + (1 << (2 * bits)), fz = faces + (2 << (2 * bits))
        let arterial = V(repeating: tb.arterial), va = V(repeating: a), vb = V(repeating: b)
        var i = 0
        while i + 8 <= n {
            let lab = r.label + i
            let raw = UnsafeRawPointer(lab)
            let lc = raw.loadUnaligned(as: UInt64.self)
            let gxm: V, gxp: V, gym: V, gyp: V, gzm: V, gzp: V, pf: V, icu: V, wt: V
            if lc == (lc & 0xff) &* 0x0101_0101_0101_0101 {
                // One code in the block: per-label terms broadcast; faces towards the same
                // code broadcast the table diagonal (as in the Pennes kernel).
                let l = Int(truncatingIfNeeded: lc & 0xff)
                let row = l << bits, diagonal = row | l
                @inline(__always) func face(_ table: UnsafePointer<S>, _ offset: Int) -> V {
                    raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self) == lc ? V(repeating: table[diagonal]) : gatherRow(table, row, lab + offset)
                }
                gxm = face(fx, -1); gxp = face(fx, 1)
                gym = face(fy, -sy); gyp = face(fy, sy)
                gzm = face(fz, -sz); gzp = face(fz, sz)
                pf = V(repeating: tb.perfusion[l]); icu = V(repeating: tb.invCapUnfrozen[l]); wt = V(repeating: weight[l])
            } else {
                gxm = gatherPairs(fx, lab, -1, bits); gxp = gatherPairs(fx, lab, 1, bits)
                gym = gatherPairs(fy, lab, -sy, bits); gyp = gatherPairs(fy, lab, sy, bits)
                gzm = gatherPairs(fz, lab, -sz, bits); gzp = gatherPairs(fz, lab, sz, bits)
                pf = gatherLabels(tb.perfusion, lab); icu = gatherLabels(tb.invCapUnfrozen, lab); wt = gatherLabels(weight, lab)
            }
            let tp = UnsafeRawPointer(r.t + i)
            let e = MemoryLayout<S>.stride
            let t1 = tp.loadUnaligned(as: V.self)
            var f = V()
            f += gxm * (tp.loadUnaligned(fromByteOffset: -e, as: V.self) - t1)
            f += gxp * (tp.loadUnaligned(fromByteOffset: e, as: V.self) - t1)
            f += gym * (tp.loadUnaligned(fromByteOffset: -sy * e, as: V.self) - t1)
            f += gyp * (tp.loadUnaligned(fromByteOffset: sy * e, as: V.self) - t1)
            f += gzm * (tp.loadUnaligned(fromByteOffset: -sz * e, as: V.self) - t1)
            f += gzp * (tp.loadUnaligned(fromByteOffset: sz * e, as: V.self) - t1)
            f += pf * (arterial - t1)
            f += UnsafeRawPointer(r.q + i).loadUnaligned(as: V.self)
            let bf = (vb * f) * wt
            let tn: V
            if a == 0 {
                tn = t1 + bf * icu
            } else {
                let t2 = UnsafeRawPointer(r.tNew + i).loadUnaligned(as: V.self)
                tn = t1 + (va * wt) * (t1 - t2) + bf * icu
            }
            UnsafeMutableRawPointer(o + i).storeBytes(of: tn, as: V.self)
            i += 8
        }
        while i < n {
            let l = Int(r.label[i]), t1 = r.t[i]
            let wl = weight[l]
            var f: S = 0
            f += faces[l << bits | Int(r.label[i - 1])] * (r.t[i - 1] - t1)
            f += faces[l << bits | Int(r.label[i + 1])] * (r.t[i + 1] - t1)
            f += fy[l << bits | Int(r.label[i - sy])] * (r.t[i - sy] - t1)
            f += fy[l << bits | Int(r.label[i + sy])] * (r.t[i + sy] - t1)
            f += fz[l << bits | Int(r.label[i - sz])] * (r.t[i - sz] - t1)
            f += fz[l << bits | Int(r.label[i + sz])] * (r.t[i + sz] - t1)
            f += tb.perfusion[l] * (tb.arterial - t1)
            f += r.q[i]
            let bf = (b * f) * wl
            o[i] = a == 0 ? t1 + bf * tb.invCapUnfrozen[l] : t1 + (a * wl) * (t1 - r.tNew[i]) + bf * tb.invCapUnfrozen[l]
            i += 1
        }
        if !(warmRow && countBelow(UnsafePointer(o), n, floor) == 0) {
            let t = r.t
            for i in 0..<n {
                let warm = o[i] >= floor && t[i] >= floor && t[i - 1] >= floor && t[i + 1] >= floor
                    && t[i - sy] >= floor && t[i + sy] >= floor && t[i - sz] >= floor && t[i + sz] >= floor
                    && (a == 0 || r.tNew[i] >= floor)
                if warm { continue }
                // The reference on a one-voxel row writing into o[i] (holding T_{j-2} first).
                o[i] = r.tNew[i]
                let one = PennesRow(t: t + i, tNew: o + i, label: r.label + i, q: r.q + i, strideY: sy, strideZ: sz)
                if a == 0 {
                    phaseChangeRowScalar(one, count: 1, dt: b, tables: tb)
                } else {
                    phaseChangeLegendreRowScalar(one, count: 1, a: a, b: b, tables: tb)
                }
            }
        }
        r.tNew.update(from: o, count: n)
        return true
    }
}

/// Whether row p[0..<n] lies at or above the lean path's floor (for the caller's record of
/// warm rows, taken from a row just written while it is in cache).
@inlinable
public func phaseChangeRowIsWarm<S>(_ p: UnsafePointer<S>, count n: Int, tables tb: PhaseChangeTables<S>) -> Bool {
    countBelow(p, n, tb.unfrozenFloor) == 0
}
