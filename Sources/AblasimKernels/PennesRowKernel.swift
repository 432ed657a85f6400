// The heart of the thermal solver: one explicit Pennes update of a row of voxels.
//
//   T'_i = T_i + sum_f G_f(l_i, l_f) (T_f - T_i) + P(l_i) (T_a - T_i) + S(l_i) Q_i
//
// G_f  face coefficient dt k_h / (rho c h^2) for the pair of labels across face f, where
//      k_h = 2 k_a k_b / (k_a + k_b) is the harmonic-mean face conductivity [1]
// P    dt w_b rho_b c_b / (rho c) [1], the Pennes perfusion term (Pennes 1948)
// S    dt / (rho c) [m^3 K / J], scaling the volumetric source Q [W/m^3]
// T_a  arterial temperature [C]
//
// The difference form (T_f - T_i) keeps float32 accurate: the folded form
// (1 - sum G) T_i + sum G T_f loses the small increments against T_i itself.
// Labels index small tables (`PennesTables.labelCount` codes), so an update reads
// T, the label and Q and writes T: 13 bytes instead of 32 for per-voxel coefficients.

/// Pointers for one row: everything a row kernel reads and writes, with the neighbour
/// offsets of the padded field (x fastest, one-voxel halo).
public struct PennesRow<Scalar: BinaryFloatingPoint & SIMDScalar> {
    public var t: UnsafePointer<Scalar>
    public var tNew: UnsafeMutablePointer<Scalar>
    public var label: UnsafePointer<UInt8>
    public var q: UnsafePointer<Scalar>
    public var strideY: Int
    public var strideZ: Int

    @inlinable
    public init(t: UnsafePointer<Scalar>, tNew: UnsafeMutablePointer<Scalar>, label: UnsafePointer<UInt8>,
                q: UnsafePointer<Scalar>, strideY: Int, strideZ: Int) {
        self.t = t; self.tNew = tNew; self.label = label; self.q = q
        self.strideY = strideY; self.strideZ = strideZ
    }
}

/// Label-indexed coefficient tables for one time step size, laid out for the kernel:
/// `gx[a << labelBits | b]` is the x-face coefficient seen by a voxel of code a whose
/// neighbour has code b.
public struct PennesTables<Scalar: BinaryFloatingPoint & SIMDScalar> {
    public static var labelBits: Int { 6 }
    public static var labelCount: Int { 1 << labelBits }
    public var gx: UnsafePointer<Scalar>
    public var gy: UnsafePointer<Scalar>
    public var gz: UnsafePointer<Scalar>
    public var perfusion: UnsafePointer<Scalar>
    public var sourceScale: UnsafePointer<Scalar>
    public var arterial: Scalar

    @inlinable
    public init(gx: UnsafePointer<Scalar>, gy: UnsafePointer<Scalar>, gz: UnsafePointer<Scalar>,
                perfusion: UnsafePointer<Scalar>, sourceScale: UnsafePointer<Scalar>, arterial: Scalar) {
        self.gx = gx; self.gy = gy; self.gz = gz
        self.perfusion = perfusion; self.sourceScale = sourceScale; self.arterial = arterial
    }
}

/// Scalar reference of the row update: the definition the SIMD kernel is tested against.
@inlinable
public func pennesRowScalar<S>(_ r: PennesRow<S>, count n: Int, tables tb: PennesTables<S>) {
    let bits = PennesTables<S>.labelBits
    for i in 0..<n {
        let l = Int(r.label[i])
        let row = l << bits
        let t0 = r.t[i]
        var d: S = 0
        d += tb.gx[row | Int(r.label[i - 1])] * (r.t[i - 1] - t0)
        d += tb.gx[row | Int(r.label[i + 1])] * (r.t[i + 1] - t0)
        d += tb.gy[row | Int(r.label[i - r.strideY])] * (r.t[i - r.strideY] - t0)
        d += tb.gy[row | Int(r.label[i + r.strideY])] * (r.t[i + r.strideY] - t0)
        d += tb.gz[row | Int(r.label[i - r.strideZ])] * (r.t[i - r.strideZ] - t0)
        d += tb.gz[row | Int(r.label[i + r.strideZ])] * (r.t[i + r.strideZ] - t0)
        d += tb.perfusion[l] * (tb.arterial - t0)
        d += tb.sourceScale[l] * r.q[i]
        r.tNew[i] = t0 + d
    }
}

/// SIMD row update, `SIMD8` lanes with a scalar tail; same arithmetic, same order of
/// summation as `pennesRowScalar`, so the two agree to the last bit.
///
/// Coefficients: where the 8 voxels of a block carry one label (the inside of a tissue,
/// most of a phantom), the per-label terms are broadcast, and so is each face coefficient
/// whose 8 neighbours carry that label too (the table diagonal); other faces read one
/// table row per lane. Blocks of mixed labels read every lane's own entries. All paths
/// read the same table values, so the result does not depend on which one ran.
@inlinable
public func pennesRowSIMD<S>(_ r: PennesRow<S>, count n: Int, tables tb: PennesTables<S>) {
    typealias V = SIMD8<S>
    let w = V.scalarCount
    let bits = PennesTables<S>.labelBits
    let sy = r.strideY, sz = r.strideZ
    let arterial = V(repeating: tb.arterial)
    let ones: UInt64 = 0x0101_0101_0101_0101
    var i = 0
    while i + w <= n {
        let lab = r.label + i
        let raw = UnsafeRawPointer(lab)
        let lc = raw.loadUnaligned(as: UInt64.self)
        let lxm = raw.loadUnaligned(fromByteOffset: -1, as: UInt64.self)
        let lxp = raw.loadUnaligned(fromByteOffset: 1, as: UInt64.self)
        let lym = raw.loadUnaligned(fromByteOffset: -sy, as: UInt64.self)
        let lyp = raw.loadUnaligned(fromByteOffset: sy, as: UInt64.self)
        let lzm = raw.loadUnaligned(fromByteOffset: -sz, as: UInt64.self)
        let lzp = raw.loadUnaligned(fromByteOffset: sz, as: UInt64.self)
        let gxm: V, gxp: V, gym: V, gyp: V, gzm: V, gzp: V, pf: V, ss: V
        if lc == (lc & 0xff) &* ones {
            // One tissue in the block: per-label terms broadcast; each face broadcasts the
            // table diagonal when the neighbours are that tissue too, else reads its row.
            let l = Int(truncatingIfNeeded: lc & 0xff)
            let row = l << bits, diagonal = row | l
            pf = V(repeating: tb.perfusion[l])
            ss = V(repeating: tb.sourceScale[l])
            gxm = lxm == lc ? V(repeating: tb.gx[diagonal]) : gatherRow(tb.gx, row, lab - 1)
            gxp = lxp == lc ? V(repeating: tb.gx[diagonal]) : gatherRow(tb.gx, row, lab + 1)
            gym = lym == lc ? V(repeating: tb.gy[diagonal]) : gatherRow(tb.gy, row, lab - sy)
            gyp = lyp == lc ? V(repeating: tb.gy[diagonal]) : gatherRow(tb.gy, row, lab + sy)
            gzm = lzm == lc ? V(repeating: tb.gz[diagonal]) : gatherRow(tb.gz, row, lab - sz)
            gzp = lzp == lc ? V(repeating: tb.gz[diagonal]) : gatherRow(tb.gz, row, lab + sz)
        } else {
            gxm = gatherPairs(tb.gx, lab, -1, bits)
            gxp = gatherPairs(tb.gx, lab, 1, bits)
            gym = gatherPairs(tb.gy, lab, -sy, bits)
            gyp = gatherPairs(tb.gy, lab, sy, bits)
            gzm = gatherPairs(tb.gz, lab, -sz, bits)
            gzp = gatherPairs(tb.gz, lab, sz, bits)
            pf = gatherLabels(tb.perfusion, lab)
            ss = gatherLabels(tb.sourceScale, lab)
        }
        let tp = UnsafeRawPointer(r.t + i)
        let e = MemoryLayout<S>.stride
        let t0 = tp.loadUnaligned(as: V.self)
        var d = V()
        d += gxm * (tp.loadUnaligned(fromByteOffset: -e, as: V.self) - t0)
        d += gxp * (tp.loadUnaligned(fromByteOffset: e, as: V.self) - t0)
        d += gym * (tp.loadUnaligned(fromByteOffset: -sy * e, as: V.self) - t0)
        d += gyp * (tp.loadUnaligned(fromByteOffset: sy * e, as: V.self) - t0)
        d += gzm * (tp.loadUnaligned(fromByteOffset: -sz * e, as: V.self) - t0)
        d += gzp * (tp.loadUnaligned(fromByteOffset: sz * e, as: V.self) - t0)
        d += pf * (arterial - t0)
        d += ss * UnsafeRawPointer(r.q + i).loadUnaligned(as: V.self)
        UnsafeMutableRawPointer(r.tNew + i).storeBytes(of: t0 + d, as: V.self)
        i += w
    }
    if i < n {
        var tail = r
        tail.t += i; tail.tNew += i; tail.label += i; tail.q += i
        pennesRowScalar(tail, count: n - i, tables: tb)
    }
}

/// Eight pair-table entries `table[label[k] << bits | label[k + offset]]`, k = 0..<8.
@inlinable @inline(__always)
func gatherPairs<S: SIMDScalar>(_ table: UnsafePointer<S>, _ lab: UnsafePointer<UInt8>, _ offset: Int,
                                _ bits: Int) -> SIMD8<S> {
    let nb = lab + offset
    @inline(__always) func e(_ k: Int) -> S { table[Int(lab[k]) << bits | Int(nb[k])] }
    return SIMD8(e(0), e(1), e(2), e(3), e(4), e(5), e(6), e(7))
}

/// Eight entries of one table row: `table[row | neighbour[k]]`, k = 0..<8.
@inlinable @inline(__always)
func gatherRow<S: SIMDScalar>(_ table: UnsafePointer<S>, _ row: Int, _ nb: UnsafePointer<UInt8>) -> SIMD8<S> {
    let t = table + row
    return SIMD8(t[Int(nb[0])], t[Int(nb[1])], t[Int(nb[2])], t[Int(nb[3])],
                 t[Int(nb[4])], t[Int(nb[5])], t[Int(nb[6])], t[Int(nb[7])])
}

/// Eight per-label table entries `table[label[k]]`, k = 0..<8.
@inlinable @inline(__always)
func gatherLabels<S: SIMDScalar>(_ table: UnsafePointer<S>, _ lab: UnsafePointer<UInt8>) -> SIMD8<S> {
    SIMD8(table[Int(lab[0])], table[Int(lab[1])], table[Int(lab[2])], table[Int(lab[3])],
          table[Int(lab[4])], table[Int(lab[5])], table[Int(lab[6])], table[Int(lab[7])])
}
