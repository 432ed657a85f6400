#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Errors of the exact solutions: parameters outside the range where a solution exists.
public struct AnalyticSolutionError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Bracketed scalar root finding by bisection: robust, and 200 halvings reach the
/// resolution of a double for any finite bracket.
///
/// - Parameters:
///   - f: continuous function with f(lo) and f(hi) of opposite sign.
///   - tolerance: absolute width of the final bracket.
/// - Returns: x in [lo, hi] with f changing sign within `tolerance` of x.
public func bisectRoot(in range: ClosedRange<Double>, tolerance: Double = 1e-15,
                       _ f: (Double) -> Double) throws -> Double {
    var lo = range.lowerBound, hi = range.upperBound
    var flo = f(lo)
    let fhi = f(hi)
    if flo == 0 { return lo }
    if fhi == 0 { return hi }
    guard flo.sign != fhi.sign, flo.isFinite, fhi.isFinite else {
        throw AnalyticSolutionError("no sign change of the function on [\(lo), \(hi)]: f = \(flo), \(fhi)")
    }
    for _ in 0..<200 {
        let mid = 0.5 * (lo + hi)
        if hi - lo <= tolerance * max(1, abs(mid)) || mid == lo || mid == hi { return mid }
        let fm = f(mid)
        if fm == 0 { return mid }
        if fm.sign == flo.sign { lo = mid; flo = fm } else { hi = mid }
    }
    return 0.5 * (lo + hi)
}
