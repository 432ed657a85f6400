// Thermal dose accumulated per voxel after each step.
//
// CEM43 (Sapareto & Dewey 1984):  CEM43 += dt_min * R^(43 - T),  R = 0.5 for T >= 43 C,
//                                  R = 0.25 below; dt_min in minutes.
// Arrhenius (Henriques & Moritz 1947): Omega += dt * A exp(-Ea / (R_gas (T + 273.15))),
//                                  A [1/s], Ea [J/mol], R_gas = 8.314462618 J/(mol K).
// Both sums are kept in double: a float accumulator stops growing once the increment
// falls below its last bit, which happens within minutes at clinical rates.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Universal gas constant [J/(mol K)], CODATA 2018 exact value.
public let gasConstant = 8.314462618

/// Pointers for one row of dose accumulators.
public struct DoseRow<Scalar: BinaryFloatingPoint> {
    public var t: UnsafePointer<Scalar>
    public var label: UnsafePointer<UInt8>
    public var cem43: UnsafeMutablePointer<Double>
    public var omega: UnsafeMutablePointer<Double>
    public var tMax: UnsafeMutablePointer<Scalar>
    public var tMin: UnsafeMutablePointer<Scalar>

    @inlinable
    public init(t: UnsafePointer<Scalar>, label: UnsafePointer<UInt8>, cem43: UnsafeMutablePointer<Double>,
                omega: UnsafeMutablePointer<Double>, tMax: UnsafeMutablePointer<Scalar>, tMin: UnsafeMutablePointer<Scalar>) {
        self.t = t; self.label = label; self.cem43 = cem43; self.omega = omega; self.tMax = tMax; self.tMin = tMin
    }
}

/// Label-indexed Arrhenius parameters: `lnA[l]` = ln(A / 1 s^-1), `eaOverR[l]` = Ea / R_gas [K].
public struct DoseTables {
    public var lnA: UnsafePointer<Double>
    public var eaOverR: UnsafePointer<Double>
    @inlinable
    public init(lnA: UnsafePointer<Double>, eaOverR: UnsafePointer<Double>) {
        self.lnA = lnA; self.eaOverR = eaOverR
    }
}

/// CEM43 rate R^(43 - T) in equivalent minutes per minute (Sapareto & Dewey 1984):
/// 0.5^(43 - T) = 2^(T - 43) at and above 43 C, 0.25^(43 - T) = 2^(2 (T - 43)) below.
@inlinable
public func cem43Rate(_ celsius: Double) -> Double {
    celsius >= 43 ? exp2(celsius - 43) : exp2(2 * (celsius - 43))
}

/// Accumulates dose over `dt` seconds for `n` voxels of a row: the scalar reference of
/// `accumulateDoseRowSIMD`. Exponentials are `kernelExp2` / `kernelExp` (within a few
/// ulp of libm, and vectorizable). Returns false when a temperature in the row is not
/// finite (NaN or infinity); the accumulators are updated regardless.
@inlinable @discardableResult
public func accumulateDoseRow<S>(_ r: DoseRow<S>, count n: Int, dt: Double, tables: DoseTables) -> Bool {
    let dtMinutes = dt / 60
    var finite = 0.0
    for i in 0..<n {
        let ts = r.t[i]
        let tc = Double(ts)
        let l = Int(r.label[i])
        finite += tc - tc
        r.cem43[i] += dtMinutes * kernelExp2(tc >= 43 ? tc - 43 : 2 * (tc - 43))
        r.omega[i] += dt * kernelExp(tables.lnA[l] - tables.eaOverR[l] / (tc + 273.15))
        if ts > r.tMax[i] { r.tMax[i] = ts }
        if ts < r.tMin[i] { r.tMin[i] = ts }
    }
    return finite == 0
}

/// SIMD8 version of `accumulateDoseRow` with a scalar tail, bitwise equal to it.
/// Blocks of 8 voxels of one label broadcast their Arrhenius parameters; T_max and T_min
/// are stored only where a lane changed (unchanged cache lines are not written back).
@inlinable @discardableResult
public func accumulateDoseRowSIMD<S: BinaryFloatingPoint & SIMDScalar>(_ r: DoseRow<S>, count n: Int, dt: Double,
                                                                       tables: DoseTables) -> Bool {
    typealias D = SIMD8<Double>
    typealias V = SIMD8<S>
    let w = D.scalarCount
    let dtMinutes = D(repeating: dt / 60), dtSeconds = D(repeating: dt)
    let ones: UInt64 = 0x0101_0101_0101_0101
    var finite = D()
    var i = 0
    while i + w <= n {
        let ts = UnsafeRawPointer(r.t + i).loadUnaligned(as: V.self)
        let tc = widenToDouble(ts)
        finite += tc - tc
        let over = tc - 43
        let cemExponent = (2 * over).replacing(with: over, where: tc .>= 43)
        let cp = UnsafeMutableRawPointer(r.cem43 + i)
        cp.storeBytes(of: cp.loadUnaligned(as: D.self) + dtMinutes * kernelExp2(cemExponent), as: D.self)

        let lab = r.label + i
        let lc = UnsafeRawPointer(lab).loadUnaligned(as: UInt64.self)
        let lnA: D, eaOverR: D
        if lc == (lc & 0xff) &* ones {
            let l = Int(truncatingIfNeeded: lc & 0xff)
            lnA = D(repeating: tables.lnA[l])
            eaOverR = D(repeating: tables.eaOverR[l])
        } else {
            let a = tables.lnA, e = tables.eaOverR
            lnA = D(a[Int(lab[0])], a[Int(lab[1])], a[Int(lab[2])], a[Int(lab[3])],
                    a[Int(lab[4])], a[Int(lab[5])], a[Int(lab[6])], a[Int(lab[7])])
            eaOverR = D(e[Int(lab[0])], e[Int(lab[1])], e[Int(lab[2])], e[Int(lab[3])],
                        e[Int(lab[4])], e[Int(lab[5])], e[Int(lab[6])], e[Int(lab[7])])
        }
        let op = UnsafeMutableRawPointer(r.omega + i)
        let rate = kernelExp(lnA - eaOverR / (tc + 273.15))
        op.storeBytes(of: op.loadUnaligned(as: D.self) + dtSeconds * rate, as: D.self)

        updateExtremes(ts, UnsafeMutableRawPointer(r.tMax + i), UnsafeMutableRawPointer(r.tMin + i))
        i += w
    }
    var allFinite = finite == D()
    if i < n {
        var tail = r
        tail.t += i; tail.label += i; tail.cem43 += i; tail.omega += i; tail.tMax += i; tail.tMin += i
        allFinite = accumulateDoseRow(tail, count: n - i, dt: dt, tables: tables) && allFinite
    }
    return allFinite
}

// Concrete SIMD paths for the two state precisions: in generic code the standard
// library's SIMD conversions and lane masks become per-lane loops even after
// specialization; on a concrete SIMD8<Float> / SIMD8<Double> they are single instructions.

/// The 8 values widened to double.
@inlinable @inline(__always)
func widenToDouble<S: BinaryFloatingPoint & SIMDScalar>(_ v: SIMD8<S>) -> SIMD8<Double> {
    if S.self == Float.self { return SIMD8<Double>(unsafeBitCast(v, to: SIMD8<Float>.self)) }
    if S.self == Double.self { return unsafeBitCast(v, to: SIMD8<Double>.self) }
    return SIMD8<Double>(v)
}

/// T_max = T where T > T_max, T_min = T where T < T_min (NaN changes neither), storing
/// only when a lane changed.
@inlinable @inline(__always)
func updateExtremes<S: BinaryFloatingPoint & SIMDScalar>(_ ts: SIMD8<S>, _ hp: UnsafeMutableRawPointer,
                                                         _ lp: UnsafeMutableRawPointer) {
    if S.self == Float.self {
        updateExtremes(unsafeBitCast(ts, to: SIMD8<Float>.self), hp, lp)
    } else if S.self == Double.self {
        updateExtremes(unsafeBitCast(ts, to: SIMD8<Double>.self), hp, lp)
    } else {
        let hi = hp.assumingMemoryBound(to: S.self), lo = lp.assumingMemoryBound(to: S.self)
        for k in 0..<8 {
            if ts[k] > hi[k] { hi[k] = ts[k] }
            if ts[k] < lo[k] { lo[k] = ts[k] }
        }
    }
}

@inlinable @inline(__always)
func updateExtremes(_ ts: SIMD8<Float>, _ hp: UnsafeMutableRawPointer, _ lp: UnsafeMutableRawPointer) {
    let hi = hp.loadUnaligned(as: SIMD8<Float>.self)
    let up = ts .> hi
    if any(up) { hp.storeBytes(of: hi.replacing(with: ts, where: up), as: SIMD8<Float>.self) }
    let lo = lp.loadUnaligned(as: SIMD8<Float>.self)
    let down = ts .< lo
    if any(down) { lp.storeBytes(of: lo.replacing(with: ts, where: down), as: SIMD8<Float>.self) }
}

@inlinable @inline(__always)
func updateExtremes(_ ts: SIMD8<Double>, _ hp: UnsafeMutableRawPointer, _ lp: UnsafeMutableRawPointer) {
    let hi = hp.loadUnaligned(as: SIMD8<Double>.self)
    let up = ts .> hi
    if any(up) { hp.storeBytes(of: hi.replacing(with: ts, where: up), as: SIMD8<Double>.self) }
    let lo = lp.loadUnaligned(as: SIMD8<Double>.self)
    let down = ts .< lo
    if any(down) { lp.storeBytes(of: lo.replacing(with: ts, where: down), as: SIMD8<Double>.self) }
}
