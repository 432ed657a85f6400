/// A point for messages, in the user's units: "(x, y, z) mm", never Swift's
/// `SIMD3<Double>(...)` description.
public enum PointText {
    /// `p` in metres shown in millimetres with two decimals.
    public static func mm(metres p: SIMD3<Double>) -> String { mm(millimetres: p * 1000) }

    /// `p` already in millimetres, two decimals.
    public static func mm(millimetres p: SIMD3<Double>) -> String {
        "(\(fixed(p.x)), \(fixed(p.y)), \(fixed(p.z))) mm"
    }

    /// Two decimals without Foundation's String(format:) (Core does not import Foundation).
    static func fixed(_ v: Double) -> String {
        guard v.isFinite else { return "\(v)" }
        guard abs(v) < 1e15 else { return "\(v)" }
        let scaled = (abs(v) * 100).rounded()
        let whole = Int64(scaled / 100), cents = Int64(scaled) % 100
        let sign = v < 0 && scaled != 0 ? "-" : ""
        return "\(sign)\(whole).\(cents < 10 ? "0" : "")\(cents)"
    }
}
