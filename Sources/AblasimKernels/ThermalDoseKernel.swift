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

/// Accumulates dose over `dt` seconds for `n` voxels of a row.
@inlinable
public func accumulateDoseRow<S>(_ r: DoseRow<S>, count n: Int, dt: Double, tables: DoseTables) {
    let dtMinutes = dt / 60
    for i in 0..<n {
        let ts = r.t[i]
        let tc = Double(ts)
        let l = Int(r.label[i])
        r.cem43[i] += dtMinutes * cem43Rate(tc)
        r.omega[i] += dt * exp(tables.lnA[l] - tables.eaOverR[l] / (tc + 273.15))
        if ts > r.tMax[i] { r.tMax[i] = ts }
        if ts < r.tMin[i] { r.tMin[i] = ts }
    }
}
