// Exponentials for the dose kernels, in a form that vectorizes: the same operations on a
// scalar and on every lane of a SIMD8<Double>, so scalar references and SIMD kernels
// agree to the last bit (libm's exp is a call per value and does not vectorize).
//
//   2^x = 2^k e^r,  k = nearest integer to x,           r = (x - k) ln 2
//   e^x = 2^k e^r,  k = nearest integer to x / ln 2,    r = x - k ln 2 (Cody-Waite split
//                   of ln 2 into a high part with trailing zero bits and a low part)
//   e^r = sum_{n=0}^{13} r^n / n!  (Horner, fused multiply-add), |r| <= ln(2)/2,
//         truncation error below 1e-17 relative (Taylor remainder (ln 2 / 2)^14 / 14!)
//   2^k is built from the exponent bits; k comes from the round-to-nearest magic constant
//   1.5 * 2^52, so no float-to-integer conversion (which would trap on NaN) is needed.
//
// Accuracy: within a few ulp of the correctly rounded value in the normal range. Outside
// it: results below the smallest normal double are returned as 0 (x < -1022 for 2^x,
// x < -708 for e^x), results beyond the largest finite double as +inf; NaN stays NaN.
// The Cody-Waite constants are those of fdlibm's e_exp.c (Sun Microsystems, 1993).

@usableFromInline let expRoundMagic = 0x1.8p52
@usableFromInline let ln2 = 0.693_147_180_559_945_309_417_232_121_458
@usableFromInline let log2e = 1.442_695_040_888_963_407_359_924_681_001_892
@usableFromInline let ln2High = 6.931_471_803_691_238_164_90e-01
@usableFromInline let ln2Low = 1.908_214_929_270_587_700_02e-10

/// e^r for |r| <= ln(2)/2: Taylor polynomial of degree 13 in Horner form.
@inlinable @inline(__always)
func expTaylor(_ r: Double) -> Double {
    var p = 1.0 / 6_227_020_800.0
    p = (1.0 / 479_001_600.0).addingProduct(p, r)
    p = (1.0 / 39_916_800.0).addingProduct(p, r)
    p = (1.0 / 3_628_800.0).addingProduct(p, r)
    p = (1.0 / 362_880.0).addingProduct(p, r)
    p = (1.0 / 40_320.0).addingProduct(p, r)
    p = (1.0 / 5_040.0).addingProduct(p, r)
    p = (1.0 / 720.0).addingProduct(p, r)
    p = (1.0 / 120.0).addingProduct(p, r)
    p = (1.0 / 24.0).addingProduct(p, r)
    p = (1.0 / 6.0).addingProduct(p, r)
    p = 0.5.addingProduct(p, r)
    p = 1.0.addingProduct(p, r)
    return 1.0.addingProduct(p, r)
}

@inlinable @inline(__always)
func expTaylor(_ r: SIMD8<Double>) -> SIMD8<Double> {
    typealias D = SIMD8<Double>
    var p = D(repeating: 1.0 / 6_227_020_800.0)
    p = D(repeating: 1.0 / 479_001_600.0).addingProduct(p, r)
    p = D(repeating: 1.0 / 39_916_800.0).addingProduct(p, r)
    p = D(repeating: 1.0 / 3_628_800.0).addingProduct(p, r)
    p = D(repeating: 1.0 / 362_880.0).addingProduct(p, r)
    p = D(repeating: 1.0 / 40_320.0).addingProduct(p, r)
    p = D(repeating: 1.0 / 5_040.0).addingProduct(p, r)
    p = D(repeating: 1.0 / 720.0).addingProduct(p, r)
    p = D(repeating: 1.0 / 120.0).addingProduct(p, r)
    p = D(repeating: 1.0 / 24.0).addingProduct(p, r)
    p = D(repeating: 1.0 / 6.0).addingProduct(p, r)
    p = D(repeating: 0.5).addingProduct(p, r)
    p = D(repeating: 1.0).addingProduct(p, r)
    return D(repeating: 1.0).addingProduct(p, r)
}

/// 2^k for the integer k held in the low bits of `shifted` = k + 1.5 * 2^52, |k| <= 1023.
@inlinable @inline(__always)
func powerOfTwo(_ shifted: Double) -> Double {
    Double(bitPattern: (shifted.bitPattern &+ 1023) &<< 52)
}

@inlinable @inline(__always)
func powerOfTwo(_ shifted: SIMD8<Double>) -> SIMD8<Double> {
    let bits = unsafeBitCast(shifted, to: SIMD8<UInt64>.self)
    return unsafeBitCast((bits &+ 1023) &<< 52, to: SIMD8<Double>.self)
}

/// 2^x (see the file header for method and accuracy).
@inlinable @inline(__always)
public func kernelExp2(_ x: Double) -> Double {
    let c = x < -1022 ? -1022 : (x > 1023 ? 1023 : x)
    let shifted = c + expRoundMagic
    let k = shifted - expRoundMagic
    let y = expTaylor((c - k) * ln2) * powerOfTwo(shifted)
    return x < -1022 ? 0 : (x > 1023 ? .infinity : y)
}

/// 2^x on every lane, bitwise equal to `kernelExp2` lane by lane.
@inlinable @inline(__always)
public func kernelExp2(_ x: SIMD8<Double>) -> SIMD8<Double> {
    typealias D = SIMD8<Double>
    let low = x .< -1022, high = x .> 1023
    let c = x.replacing(with: -1022, where: low).replacing(with: 1023, where: high)
    let shifted = c + D(repeating: expRoundMagic)
    let k = shifted - D(repeating: expRoundMagic)
    let y = expTaylor((c - k) * D(repeating: ln2)) * powerOfTwo(shifted)
    return y.replacing(with: 0, where: low).replacing(with: .infinity, where: high)
}

/// e^x (see the file header for method and accuracy).
@inlinable @inline(__always)
public func kernelExp(_ x: Double) -> Double {
    let c = x < -708 ? -708 : (x > 709 ? 709 : x)
    let shifted = c * log2e + expRoundMagic
    let k = shifted - expRoundMagic
    let r = (c - k * ln2High) - k * ln2Low
    let y = expTaylor(r) * powerOfTwo(shifted)
    return x < -708 ? 0 : (x > 709 ? .infinity : y)
}

/// e^x on every lane, bitwise equal to `kernelExp` lane by lane.
@inlinable @inline(__always)
public func kernelExp(_ x: SIMD8<Double>) -> SIMD8<Double> {
    typealias D = SIMD8<Double>
    let low = x .< -708, high = x .> 709
    let c = x.replacing(with: -708, where: low).replacing(with: 709, where: high)
    let shifted = c * D(repeating: log2e) + D(repeating: expRoundMagic)
    let k = shifted - D(repeating: expRoundMagic)
    let r = (c - k * D(repeating: ln2High)) - k * D(repeating: ln2Low)
    let y = expTaylor(r) * powerOfTwo(shifted)
    return y.replacing(with: 0, where: low).replacing(with: .infinity, where: high)
}
