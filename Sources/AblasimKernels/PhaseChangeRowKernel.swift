// Explicit Pennes update with freezing: enthalpy form with temperature-dependent
// conductivity, heat capacity and perfusion (cryoablation).
//
//   dH/dt = div(k(T) grad T) + (1 - phi(T)) w_b rho_b c_b (T_a - T) + Q
//
// H(T) volumetric enthalpy [J/m^3], piecewise linear with H(T_s) = 0:
//   T <= T_s:         H = C_f (T - T_s)
//   T_s < T < T_l:    H = C_m (T - T_s),            C_m = (C_f + C_u)/2 + L / (T_l - T_s)
//   T >= T_l:         H = H_l + C_u (T - T_l),       H_l = C_m (T_l - T_s)
// T_s, T_l solidus and liquidus [C] (freezing range), C_f, C_u frozen and unfrozen
// volumetric heat capacity [J/(m^3 K)], L volumetric latent heat [J/m^3] (an apparent heat
// capacity spread over the freezing range), phi(T) = clamp((T_l - T)/(T_l - T_s), 0, 1)
// the frozen fraction, k(T) = k_u + phi (k_f - k_u) [W/(m K)].
// Faces: tissue-tissue conductance 2 k_a k_b / (k_a + k_b) / h (harmonic mean, as in the
// Pennes kernel), evaluated at the current temperatures of both voxels; held voxels
// (probes, fixed outer faces) act on the shared face, 2 k_a / h; cooled surfaces through
// a film in series with the tissue half cell.
//
// The step: H1 = H(T0) + dt * F; T1 = T0 + (H1 - H(T0)) / C when H0 and H1 lie on the same
// branch (difference form: keeps float32 exact to the increment, like the Pennes kernel),
// else T1 = T(H1) from the inverse of H. Non-tissue voxels (probe surfaces, halo) keep T.

/// What a material code is to the phase-change kernel, and how a tissue voxel's face
/// towards it conducts.
public enum PhaseChangeFace {
    /// A tissue voxel: updated; faces use the harmonic mean of both conductivities.
    public static let tissue: UInt8 = 0
    /// Film coefficient h_f in series with the tissue half cell: 1 / (h / (2 k_a) + 1 / h_f).
    public static let film: UInt8 = 2
    /// Temperature held on the shared face (probe metal, fixed outer boundary): the tissue
    /// half cell conducts, 2 k_a / h.
    public static let faceFixed: UInt8 = 3
    /// No flux.
    public static let insulated: UInt8 = 4
    /// Temperature held at the neighbour's centre (outer boundary held beyond the grid): a
    /// whole tissue cell conducts, k_a / h.
    public static let centreFixed: UInt8 = 5
}

/// Label-indexed tables of the phase-change kernel (physical, per-second values; `dt` is
/// passed to the kernel). Arrays have `PennesTables.labelCount` entries.
public struct PhaseChangeTables<Scalar: BinaryFloatingPoint & SIMDScalar> {
    public var kind: UnsafePointer<UInt8>
    /// Film coefficient h_f [W/(m^2 K)] for `film` codes.
    public var film: UnsafePointer<Scalar>
    /// k_u and k_f - k_u [W/(m K)].
    public var kUnfrozen: UnsafePointer<Scalar>
    public var kDelta: UnsafePointer<Scalar>
    /// T_s, T_l [C] and 1 / (T_l - T_s) [1/K].
    public var solidus: UnsafePointer<Scalar>
    public var liquidus: UnsafePointer<Scalar>
    public var inverseRange: UnsafePointer<Scalar>
    /// C_f, C_m, C_u [J/(m^3 K)], their inverses, and H_l [J/m^3].
    public var capFrozen: UnsafePointer<Scalar>
    public var capMushy: UnsafePointer<Scalar>
    public var capUnfrozen: UnsafePointer<Scalar>
    public var invCapFrozen: UnsafePointer<Scalar>
    public var invCapMushy: UnsafePointer<Scalar>
    public var invCapUnfrozen: UnsafePointer<Scalar>
    public var enthalpyLiquidus: UnsafePointer<Scalar>
    /// w_b rho_b c_b of unfrozen tissue [W/(m^3 K)].
    public var perfusion: UnsafePointer<Scalar>
    /// Per axis: 1 / h [1/m] and 1 / h^2 [1/m^2].
    public var inverseSpacing: SIMD3<Scalar>
    public var arterial: Scalar
    /// Lean frozen path (with `tissueWeight`): `frozenFaces` like `unfrozenFaces` with both
    /// codes deep frozen (fill it with `frozenFace(_:_:axis:)`), and `frozenBelow` the smallest
    /// solidus of any tissue code.
    public var frozenFaces: UnsafePointer<Scalar>?
    public var frozenBelow: Scalar = -.infinity
    /// Ceiling of the lean frozen path [C]: `frozenBelow` - 0.05 K (the margin of `unfrozenFloor`).
    @inlinable public var frozenCeiling: Scalar { frozenBelow - 0.05 }
    /// 1 for tissue codes, 0 for the others: the lean unfrozen path's weight (set together
    /// with `unfrozenFaces`; without it the lean path is off).
    public var tissueWeight: UnsafePointer<Scalar>?
    /// Optional fast path for unfrozen blocks: `unfrozenFaces[axis * labelCount^2 + (a << labelBits | b)]`
    /// holds `face(kUnfrozen[a], b, tb, invH)` for tb at or above b's liquidus (fill it with
    /// `unfrozenFace(_:_:axis:)`), and `unfrozenAbove` is the largest liquidus of any tissue code.
    /// Where all seven temperatures of a block's stencil are >= `unfrozenAbove`, k(T) = k_u for
    /// every voxel involved and the kernel reads these faces instead of computing them: the
    /// same values, bit for bit.
    public var unfrozenFaces: UnsafePointer<Scalar>?
    public var unfrozenAbove: Scalar

    /// Floor of the lean unfrozen path [C]: `unfrozenAbove` + 0.05 K. A block takes it only if
    /// its stencil starts and its tissue lanes end the step at or above it. That far above the
    /// liquidus, H0 and H1 lie on the unfrozen branch beyond float32 rounding (C_u * 0.05 K is
    /// about 1e5 J/m^3, the rounding of H a few hundred), so the general kernel would take its
    /// same-branch formula: the lean path gives its bits.
    @inlinable public var unfrozenFloor: Scalar { unfrozenAbove + 0.05 }

    @inlinable
    public init(kind: UnsafePointer<UInt8>, film: UnsafePointer<Scalar>, kUnfrozen: UnsafePointer<Scalar>, kDelta: UnsafePointer<Scalar>,
                solidus: UnsafePointer<Scalar>, liquidus: UnsafePointer<Scalar>, inverseRange: UnsafePointer<Scalar>,
                capFrozen: UnsafePointer<Scalar>, capMushy: UnsafePointer<Scalar>, capUnfrozen: UnsafePointer<Scalar>,
                invCapFrozen: UnsafePointer<Scalar>, invCapMushy: UnsafePointer<Scalar>, invCapUnfrozen: UnsafePointer<Scalar>,
                enthalpyLiquidus: UnsafePointer<Scalar>, perfusion: UnsafePointer<Scalar>,
                inverseSpacing: SIMD3<Scalar>, arterial: Scalar,
                unfrozenFaces: UnsafePointer<Scalar>? = nil, unfrozenAbove: Scalar = .infinity) {
        self.kind = kind; self.film = film; self.kUnfrozen = kUnfrozen; self.kDelta = kDelta
        self.solidus = solidus; self.liquidus = liquidus; self.inverseRange = inverseRange
        self.capFrozen = capFrozen; self.capMushy = capMushy; self.capUnfrozen = capUnfrozen
        self.invCapFrozen = invCapFrozen; self.invCapMushy = invCapMushy; self.invCapUnfrozen = invCapUnfrozen
        self.enthalpyLiquidus = enthalpyLiquidus; self.perfusion = perfusion
        self.inverseSpacing = inverseSpacing; self.arterial = arterial
        self.unfrozenFaces = unfrozenFaces; self.unfrozenAbove = unfrozenAbove
    }

    /// Entries of `unfrozenFaces`: 3 axes x labelCount^2.
    public static var unfrozenFaceCount: Int { 3 * PennesTables<Scalar>.labelCount * PennesTables<Scalar>.labelCount }

    /// The unfrozen face of tissue code a towards code b along `axis` (0 x, 1 y, 2 z), computed
    /// by `face` itself (with b above its liquidus), so the fast path is bitwise the general one.
    @inlinable
    public func unfrozenFace(_ a: Int, _ b: Int, axis: Int) -> Scalar {
        guard kind[a] == PhaseChangeFace.tissue else { return 0 }
        let warm = Swift.max(liquidus[b], 0) + 100
        return face(conductivity(a, Swift.max(liquidus[a], 0) + 100), b, warm, inverseSpacing[axis])
    }

    /// The frozen face of tissue code a towards code b along `axis`, computed by `face` itself
    /// (both deep below their solidus), so the lean frozen path is bitwise the general one.
    @inlinable
    public func frozenFace(_ a: Int, _ b: Int, axis: Int) -> Scalar {
        guard kind[a] == PhaseChangeFace.tissue else { return 0 }
        let cold = Swift.min(solidus[b], 0) - 100
        return face(conductivity(a, Swift.min(solidus[a], 0) - 100), b, cold, inverseSpacing[axis])
    }

    /// Frozen fraction phi(T) of code l.
    @inlinable @inline(__always)
    public func frozenFraction(_ l: Int, _ t: Scalar) -> Scalar {
        Swift.min(Swift.max((liquidus[l] - t) * inverseRange[l], 0), 1)
    }

    /// Conductivity k(T) [W/(m K)] of tissue code l.
    @inlinable @inline(__always)
    public func conductivity(_ l: Int, _ t: Scalar) -> Scalar {
        kUnfrozen[l] + frozenFraction(l, t) * kDelta[l]
    }

    /// Face conductance per unit volume [W/(m^3 K)] seen by tissue voxel (code a, conductivity
    /// ka) towards a neighbour of code b at temperature tb, along an axis with 1/h = invH.
    @inlinable @inline(__always)
    public func face(_ ka: Scalar, _ b: Int, _ tb: Scalar, _ invH: Scalar) -> Scalar {
        switch kind[b] {
        case PhaseChangeFace.tissue:
            let kb = conductivity(b, tb)
            return 2 * ka * kb / (ka + kb) * invH * invH
        case PhaseChangeFace.film: return invH / (1 / (2 * ka * invH) + 1 / film[b])
        case PhaseChangeFace.faceFixed: return 2 * ka * invH * invH
        case PhaseChangeFace.centreFixed: return ka * invH * invH
        default: return 0
        }
    }
}

/// Net heat flux F [W/m^3] into tissue voxel i (code l) of a row at its current temperature:
/// conduction through the six faces, perfusion of the unfrozen fraction, and Q.
@inlinable @inline(__always)
func phaseChangeNetFlux<S>(_ r: PennesRow<S>, at i: Int, label l: Int, tables tb: PhaseChangeTables<S>) -> S {
    let sy = r.strideY, sz = r.strideZ
    let ih = tb.inverseSpacing
    let t0 = r.t[i]
    let ka = tb.conductivity(l, t0)
    var f: S = 0
    f += tb.face(ka, Int(r.label[i - 1]), r.t[i - 1], ih.x) * (r.t[i - 1] - t0)
    f += tb.face(ka, Int(r.label[i + 1]), r.t[i + 1], ih.x) * (r.t[i + 1] - t0)
    f += tb.face(ka, Int(r.label[i - sy]), r.t[i - sy], ih.y) * (r.t[i - sy] - t0)
    f += tb.face(ka, Int(r.label[i + sy]), r.t[i + sy], ih.y) * (r.t[i + sy] - t0)
    f += tb.face(ka, Int(r.label[i - sz]), r.t[i - sz], ih.z) * (r.t[i - sz] - t0)
    f += tb.face(ka, Int(r.label[i + sz]), r.t[i + sz], ih.z) * (r.t[i + sz] - t0)
    f += (1 - tb.frozenFraction(l, t0)) * tb.perfusion[l] * (tb.arterial - t0)
    f += r.q[i]
    return f
}

/// Scalar reference of the phase-change row update.
@inlinable
public func phaseChangeRowScalar<S>(_ r: PennesRow<S>, count n: Int, dt: S, tables tb: PhaseChangeTables<S>) {
    for i in 0..<n {
        let l = Int(r.label[i])
        let t0 = r.t[i]
        guard tb.kind[l] == PhaseChangeFace.tissue else { r.tNew[i] = t0; continue }
        let f = phaseChangeNetFlux(r, at: i, label: l, tables: tb)
        // Enthalpy before and after.
        let ts = tb.solidus[l], range = tb.liquidus[l] - ts, hl = tb.enthalpyLiquidus[l]
        let x = t0 - ts
        let h0 = tb.capFrozen[l] * Swift.min(x, 0) + tb.capMushy[l] * Swift.min(Swift.max(x, 0), range)
            + tb.capUnfrozen[l] * Swift.max(x - range, 0)
        let dh = dt * f
        let h1 = h0 + dh
        // Branch: 0 frozen, 1 mushy, 2 unfrozen.
        let b0: S = h0 <= 0 ? 0 : (h0 < hl ? 1 : 2)
        let b1: S = h1 <= 0 ? 0 : (h1 < hl ? 1 : 2)
        let invC = b0 == 0 ? tb.invCapFrozen[l] : (b0 == 1 ? tb.invCapMushy[l] : tb.invCapUnfrozen[l])
        let same = t0 + dh * invC
        let full = ts + Swift.min(h1, 0) * tb.invCapFrozen[l] + Swift.min(Swift.max(h1, 0), hl) * tb.invCapMushy[l]
            + Swift.max(h1 - hl, 0) * tb.invCapUnfrozen[l]
        r.tNew[i] = b0 == b1 ? same : full
    }
}

/// SIMD row update (`SIMD8` lanes, scalar tail): warm rows take the lean unfrozen path;
/// elsewhere face conductances are gathered lane by lane
/// (they depend on labels and neighbour temperatures); the flux, enthalpy and inverse are
/// vector arithmetic in the same order as `phaseChangeRowScalar`, so both agree bitwise.
@inlinable
public func phaseChangeRowSIMD<S>(_ r: PennesRow<S>, count n: Int, dt: S, tables tb: PhaseChangeTables<S>, stencilWarm: Bool? = nil) {
    typealias V = SIMD8<S>
    let w = V.scalarCount
    let sy = r.strideY, sz = r.strideZ
    let ih = tb.inverseSpacing
    // A row whose whole stencil is warm takes the lean path (`unfrozenRowStep`) when no
    // voxel ends the step near the liquidus; otherwise block by block below.
    if unfrozenRowStep(r, count: n, a: 0, b: dt, tables: tb, stencilWarm: stencilWarm) { return }
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
        var gxm = V(), gxp = V(), gym = V(), gyp = V(), gzm = V(), gzp = V(), pf = V()
        var ts = V(), range = V(), hl = V(), cf = V(), cm = V(), cu = V(), icf = V(), icm = V(), icu = V()
        var active = SIMDMask<V.MaskStorage>()
        let lab = r.label + i
        let tr = r.t + i
        for k in 0..<w {
            let l = Int(lab[k])
            guard tb.kind[l] == PhaseChangeFace.tissue else {
                // Inactive lane: neutral coefficients (results are discarded below).
                cf[k] = 1; cm[k] = 1; cu[k] = 1; icf[k] = 1; icm[k] = 1; icu[k] = 1; range[k] = 1; hl[k] = 1
                continue
            }
            active[k] = true
            let t = tr[k]
            let ka = tb.conductivity(l, t)
            gxm[k] = tb.face(ka, Int(lab[k - 1]), tr[k - 1], ih.x)
            gxp[k] = tb.face(ka, Int(lab[k + 1]), tr[k + 1], ih.x)
            gym[k] = tb.face(ka, Int(lab[k - sy]), tr[k - sy], ih.y)
            gyp[k] = tb.face(ka, Int(lab[k + sy]), tr[k + sy], ih.y)
            gzm[k] = tb.face(ka, Int(lab[k - sz]), tr[k - sz], ih.z)
            gzp[k] = tb.face(ka, Int(lab[k + sz]), tr[k + sz], ih.z)
            pf[k] = (1 - tb.frozenFraction(l, t)) * tb.perfusion[l]
            ts[k] = tb.solidus[l]; range[k] = tb.liquidus[l] - tb.solidus[l]; hl[k] = tb.enthalpyLiquidus[l]
            cf[k] = tb.capFrozen[l]; cm[k] = tb.capMushy[l]; cu[k] = tb.capUnfrozen[l]
            icf[k] = tb.invCapFrozen[l]; icm[k] = tb.invCapMushy[l]; icu[k] = tb.invCapUnfrozen[l]
        }
        var f = V()
        f += gxm * (xm - t0)
        f += gxp * (xp - t0)
        f += gym * (ym - t0)
        f += gyp * (yp - t0)
        f += gzm * (zm - t0)
        f += gzp * (zp - t0)
        f += pf * (V(repeating: tb.arterial) - t0)
        f += q
        let zero = V(), x = t0 - ts
        let h0 = cf * pointwiseMin(x, zero) + cm * pointwiseMin(pointwiseMax(x, zero), range) + cu * pointwiseMax(x - range, zero)
        let dh = V(repeating: dt) * f
        let h1 = h0 + dh
        let one = V(repeating: 1), two = V(repeating: 2)
        let b0 = zero.replacing(with: one, where: h0 .> zero).replacing(with: two, where: h0 .>= hl)
        let b1 = zero.replacing(with: one, where: h1 .> zero).replacing(with: two, where: h1 .>= hl)
        let invC = icf.replacing(with: icm, where: b0 .== one).replacing(with: icu, where: b0 .== two)
        let same = t0 + dh * invC
        let full = ts + pointwiseMin(h1, zero) * icf + pointwiseMin(pointwiseMax(h1, zero), hl) * icm + pointwiseMax(h1 - hl, zero) * icu
        let result = full.replacing(with: same, where: b0 .== b1)
        UnsafeMutableRawPointer(r.tNew + i).storeBytes(of: t0.replacing(with: result, where: active), as: V.self)
        i += w
    }
    if i < n {
        var tail = r
        tail.t += i; tail.tNew += i; tail.label += i; tail.q += i
        phaseChangeRowScalar(tail, count: n - i, dt: dt, tables: tb)
    }
}
