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
@inlinable
public func pennesRowSIMD<S>(_ r: PennesRow<S>, count n: Int, tables tb: PennesTables<S>) {
    typealias V = SIMD8<S>
    let w = V.scalarCount
    let bits = PennesTables<S>.labelBits
    let sy = r.strideY, sz = r.strideZ
    var i = 0
    while i + w <= n {
        let t0 = UnsafeRawPointer(r.t + i).loadUnaligned(as: V.self)
        let xm = UnsafeRawPointer(r.t + i - 1).loadUnaligned(as: V.self)
        let xp = UnsafeRawPointer(r.t + i + 1).loadUnaligned(as: V.self)
        let ym = UnsafeRawPointer(r.t + i - sy).loadUnaligned(as: V.self)
        let yp = UnsafeRawPointer(r.t + i + sy).loadUnaligned(as: V.self)
        let zm = UnsafeRawPointer(r.t + i - sz).loadUnaligned(as: V.self)
        let zp = UnsafeRawPointer(r.t + i + sz).loadUnaligned(as: V.self)
        let q = UnsafeRawPointer(r.q + i).loadUnaligned(as: V.self)
        var gxm = V(), gxp = V(), gym = V(), gyp = V(), gzm = V(), gzp = V(), pf = V(), ss = V()
        let lab = r.label + i
        for k in 0..<w {
            let l = Int(lab[k])
            let row = l << bits
            gxm[k] = tb.gx[row | Int(lab[k - 1])]
            gxp[k] = tb.gx[row | Int(lab[k + 1])]
            gym[k] = tb.gy[row | Int(lab[k - sy])]
            gyp[k] = tb.gy[row | Int(lab[k + sy])]
            gzm[k] = tb.gz[row | Int(lab[k - sz])]
            gzp[k] = tb.gz[row | Int(lab[k + sz])]
            pf[k] = tb.perfusion[l]
            ss[k] = tb.sourceScale[l]
        }
        var d = V()
        d += gxm * (xm - t0)
        d += gxp * (xp - t0)
        d += gym * (ym - t0)
        d += gyp * (yp - t0)
        d += gzm * (zm - t0)
        d += gzp * (zp - t0)
        d += pf * (V(repeating: tb.arterial) - t0)
        d += ss * q
        UnsafeMutableRawPointer(r.tNew + i).storeBytes(of: t0 + d, as: V.self)
        i += w
    }
    if i < n {
        var tail = r
        tail.t += i; tail.tNew += i; tail.label += i; tail.q += i
        pennesRowScalar(tail, count: n - i, tables: tb)
    }
}
