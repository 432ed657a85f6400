// The lean paths of the phase-change kernels: where every temperature of a voxel's stencil
// (and, for an RKL stage, its T_{j-2}) is at or above `unfrozenFloor`, k(T) is k_u and
// phi = 0 everywhere involved, so the update needs four tables (tabulated k_u faces,
// perfusion, 1 / C_u, tissue weight) instead of fourteen, and no branch logic when the
// result also stays there; likewise deep in the ice, at or below `frozenCeiling` (k_f, no
// perfusion, 1 / C_f). Most of a cryo grid is warm rows; the ice ball's interior is frozen;
// only the mushy rim needs the general kernel.
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

/// One lean step of row voxels on a single branch of H(T) (unfrozen: `faces` at k_u and
/// `perfusion`, `invCap` 1 / C_u; frozen: faces at k_f, no perfusion, 1 / C_f), the general
/// kernels' same-branch formula
///
///   T_j = T_{j-1} + a w (T_{j-1} - T_{j-2}) + (b F w) / C
///
/// into `out` (w the tissue weight: non-tissue voxels keep T_{j-1}; a = 0, b = dt is the
/// plain step; multiplying by w = 1 is exact). Valid only where the caller checks that the
/// voxel's stencil, T_{j-2} and result lie on that branch.
@inlinable @inline(__always)
func singleBranchRow<S>(_ r: PennesRow<S>, count n: Int, a: S, b: S, faces: UnsafePointer<S>, perfusion: UnsafePointer<S>?,
                        invCap: UnsafePointer<S>, weight: UnsafePointer<S>, arterial: S, into o: UnsafeMutablePointer<S>) {
    typealias V = SIMD8<S>
    let sy = r.strideY, sz = r.strideZ
    let bits = PennesTables<S>.labelBits
    let fx = faces, fy = faces + (1 << (2 * bits)), fz = faces + (2 << (2 * bits))
    let art = V(repeating: arterial), va = V(repeating: a), vb = V(repeating: b)
    var i = 0
    while i + 8 <= n {
        let lab = r.label + i
        let raw = UnsafeRawPointer(lab)
        let lc = raw.loadUnaligned(as: UInt64.self)
        let gxm: V, gxp: V, gym: V, gyp: V, gzm: V, gzp: V, pf: V, ic: V, wt: V
        if lc == (lc & 0xff) &* 0x0101_0101_0101_0101 {
            // One code in the block: per-label terms broadcast; faces towards the same code
            // broadcast the table diagonal (as in the Pennes kernel).
            let l = Int(truncatingIfNeeded: lc & 0xff)
            let row = l << bits, diagonal = row | l
            @inline(__always) func face(_ table: UnsafePointer<S>, _ offset: Int) -> V {
                raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self) == lc ? V(repeating: table[diagonal]) : gatherRow(table, row, lab + offset)
            }
            gxm = face(fx, -1); gxp = face(fx, 1)
            gym = face(fy, -sy); gyp = face(fy, sy)
            gzm = face(fz, -sz); gzp = face(fz, sz)
            pf = perfusion.map { V(repeating: $0[l]) } ?? V(); ic = V(repeating: invCap[l]); wt = V(repeating: weight[l])
        } else {
            gxm = gatherPairs(fx, lab, -1, bits); gxp = gatherPairs(fx, lab, 1, bits)
            gym = gatherPairs(fy, lab, -sy, bits); gyp = gatherPairs(fy, lab, sy, bits)
            gzm = gatherPairs(fz, lab, -sz, bits); gzp = gatherPairs(fz, lab, sz, bits)
            pf = perfusion.map { gatherLabels($0, lab) } ?? V(); ic = gatherLabels(invCap, lab); wt = gatherLabels(weight, lab)
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
        if perfusion != nil { f += pf * (art - t1) }  // frozen: (1 - phi) = 0, the term adds zero
        f += UnsafeRawPointer(r.q + i).loadUnaligned(as: V.self)
        let bf = (vb * f) * wt
        let tn: V
        if a == 0 {
            tn = t1 + bf * ic
        } else {
            let t2 = UnsafeRawPointer(r.tNew + i).loadUnaligned(as: V.self)
            tn = t1 + (va * wt) * (t1 - t2) + bf * ic
        }
        UnsafeMutableRawPointer(o + i).storeBytes(of: tn, as: V.self)
        i += 8
    }
    while i < n {
        let l = Int(r.label[i]), t1 = r.t[i]
        let wl = weight[l], row = l << bits
        var f: S = 0
        f += fx[row | Int(r.label[i - 1])] * (r.t[i - 1] - t1)
        f += fx[row | Int(r.label[i + 1])] * (r.t[i + 1] - t1)
        f += fy[row | Int(r.label[i - sy])] * (r.t[i - sy] - t1)
        f += fy[row | Int(r.label[i + sy])] * (r.t[i + sy] - t1)
        f += fz[row | Int(r.label[i - sz])] * (r.t[i - sz] - t1)
        f += fz[row | Int(r.label[i + sz])] * (r.t[i + sz] - t1)
        if let perfusion { f += perfusion[l] * (arterial - t1) }
        f += r.q[i]
        let bf = (b * f) * wl
        o[i] = a == 0 ? t1 + bf * invCap[l] : t1 + (a * wl) * (t1 - r.tNew[i]) + bf * invCap[l]
        i += 1
    }
}

/// Whether voxel i's stencil, T_{j-2} (when a != 0) and lean result `result` all satisfy `ok`.
@inlinable @inline(__always)
func stencilSatisfies<S>(_ r: PennesRow<S>, _ i: Int, a: S, result: S, _ ok: (S) -> Bool) -> Bool {
    let t = r.t, sy = r.strideY, sz = r.strideZ
    return ok(result) && ok(t[i]) && ok(t[i - 1]) && ok(t[i + 1]) && ok(t[i - sy]) && ok(t[i + sy])
        && ok(t[i - sz]) && ok(t[i + sz]) && (a == 0 || ok(r.tNew[i]))
}

/// One step of a row through the lean single-branch paths: the unfrozen path for the whole
/// row, the frozen path where the row holds ice, and the scalar reference
/// (`phaseChangeRowScalar`, `phaseChangeLegendreRowScalar`) for the voxels left (the mushy
/// rim): the whole row gets the reference's bits, and only the rim pays for the general
/// kernel. `r.tNew` holds T_{j-2} on entry when a != 0. `stencilWarm`: whether every
/// temperature the row reads is at or above the floor, when the caller knows (nil: counted
/// here); a warm row whose results stay warm skips the per-voxel checks. Returns false, with
/// `r.tNew` untouched, when the tables have no lean path.
@inlinable
func unfrozenRowStep<S>(_ r: PennesRow<S>, count n: Int, a: S, b: S, tables tb: PhaseChangeTables<S>, stencilWarm: Bool? = nil) -> Bool {
    guard let faces = tb.unfrozenFaces, let weight = tb.tissueWeight, n > 0 else { return false }
    let floor = tb.unfrozenFloor, ceiling = tb.frozenCeiling
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
    // Two row-sized buffers, each small enough for the stack (one of 2n floats went to the heap).
    return withUnsafeTemporaryAllocation(of: S.self, capacity: n) { buffer in
        let o = buffer.baseAddress!
        singleBranchRow(r, count: n, a: a, b: b, faces: faces, perfusion: tb.perfusion, invCap: tb.invCapUnfrozen,
                        weight: weight, arterial: tb.arterial, into: o)
        if !(warmRow && countBelow(UnsafePointer(o), n, floor) == 0) {
            // Ice in the row: the frozen path too (a row with none below the floor has none).
            let frozenFaces = countBelow(r.t, n, ceiling) > 0 ? tb.frozenFaces : nil
            withUnsafeTemporaryAllocation(of: S.self, capacity: n) { icedBuffer in
            let iced = icedBuffer.baseAddress!
            if let frozenFaces {
                singleBranchRow(r, count: n, a: a, b: b, faces: frozenFaces, perfusion: nil, invCap: tb.invCapFrozen,
                                weight: weight, arterial: tb.arterial, into: iced)
            }
            for i in 0..<n {
                if stencilSatisfies(r, i, a: a, result: o[i], { $0 >= floor }) { continue }
                if frozenFaces != nil, stencilSatisfies(r, i, a: a, result: iced[i], { $0 <= ceiling }) { o[i] = iced[i]; continue }
                // The reference on a one-voxel row writing into o[i] (holding T_{j-2} first).
                o[i] = r.tNew[i]
                let one = PennesRow(t: r.t + i, tNew: o + i, label: r.label + i, q: r.q + i, strideY: sy, strideZ: sz)
                if a == 0 {
                    phaseChangeRowScalar(one, count: 1, dt: b, tables: tb)
                } else {
                    phaseChangeLegendreRowScalar(one, count: 1, a: a, b: b, tables: tb)
                }
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
