// One Runge-Kutta-Legendre stage (RKL1, j >= 2) of the phase-change scheme, in enthalpy:
//
//   H_j = H_{j-1} + a (H_{j-1} - H_{j-2}) + b F(T_{j-1}),    a = mu_j - 1, b = mu_j w dT
//
// (see `SuperTimeStepping` in AblasimPhysics). The row's `t` holds T_{j-1} (stencil),
// `tNew` holds T_{j-2} on entry and receives T_j (each voxel reads its own T_{j-2} before
// writing, so the two registers of the plain step suffice). Difference form as in the
// plain kernel: H_{j-1} - H_{j-2} = C (T_{j-1} - T_{j-2}) when both lie on one branch of
// H(T); when H_{j-1}, H_{j-2} and H_j all lie on one branch,
//   T_j = T_{j-1} + a (T_{j-1} - T_{j-2}) + b F / C,
// else T_j = T(H_j) from the inverse of H. Non-tissue voxels take T_{j-1}.

/// Enthalpy H(T) [J/m^3] of code l, H(T_s) = 0, and its branch (0 frozen, 1 mushy, 2 unfrozen).
@inlinable @inline(__always)
func phaseChangeEnthalpy<S>(_ t: S, _ l: Int, _ tb: PhaseChangeTables<S>) -> (h: S, branch: S) {
    let ts = tb.solidus[l], range = tb.liquidus[l] - ts, hl = tb.enthalpyLiquidus[l]
    let x = t - ts
    let h = tb.capFrozen[l] * Swift.min(x, 0) + tb.capMushy[l] * Swift.min(Swift.max(x, 0), range)
        + tb.capUnfrozen[l] * Swift.max(x - range, 0)
    return (h, phaseChangeBranch(h, hl))
}

@inlinable @inline(__always)
func phaseChangeBranch<S: BinaryFloatingPoint>(_ h: S, _ hl: S) -> S { h <= 0 ? 0 : (h < hl ? 1 : 2) }

/// Scalar reference of the RKL stage.
@inlinable
public func phaseChangeLegendreRowScalar<S>(_ r: PennesRow<S>, count n: Int, a: S, b: S, tables tb: PhaseChangeTables<S>) {
    for i in 0..<n {
        let l = Int(r.label[i])
        let t1 = r.t[i], t2 = r.tNew[i]
        guard tb.kind[l] == PhaseChangeFace.tissue else { r.tNew[i] = t1; continue }
        let f = phaseChangeNetFlux(r, at: i, label: l, tables: tb)
        let (h1, b1) = phaseChangeEnthalpy(t1, l, tb), (h2, b2) = phaseChangeEnthalpy(t2, l, tb)
        let cap = b1 == 0 ? tb.capFrozen[l] : (b1 == 1 ? tb.capMushy[l] : tb.capUnfrozen[l])
        let invC = b1 == 0 ? tb.invCapFrozen[l] : (b1 == 1 ? tb.invCapMushy[l] : tb.invCapUnfrozen[l])
        let d12 = b1 == b2 ? cap * (t1 - t2) : h1 - h2
        let bf = b * f
        let hn = h1 + (a * d12 + bf)
        let hl = tb.enthalpyLiquidus[l]
        if b1 == b2 && phaseChangeBranch(hn, hl) == b1 {
            r.tNew[i] = t1 + a * (t1 - t2) + bf * invC
        } else {
            r.tNew[i] = tb.solidus[l] + Swift.min(hn, 0) * tb.invCapFrozen[l] + Swift.min(Swift.max(hn, 0), hl) * tb.invCapMushy[l]
                + Swift.max(hn - hl, 0) * tb.invCapUnfrozen[l]
        }
    }
}

/// SIMD RKL stage: warm rows take the lean unfrozen path (`unfrozenRowStep`); other rows
/// (near ice, few) run the scalar reference, so both agree bitwise. `stencilWarm`: whether the
/// row's stencil and T_{j-2} are all warm, when the caller knows (nil: counted here).
@inlinable
public func phaseChangeLegendreRowSIMD<S>(_ r: PennesRow<S>, count n: Int, a: S, b: S, tables tb: PhaseChangeTables<S>, stencilWarm: Bool? = nil) {
    if unfrozenRowStep(r, count: n, a: a, b: b, tables: tb, stencilWarm: stencilWarm) { return }
    phaseChangeLegendreRowScalar(r, count: n, a: a, b: b, tables: tb)
}
