import Foundation

/// Where the probes of a multi-probe cryoablation go: parallel to one centre axis, their
/// tips in the plane through the centre tip perpendicular to it, spaced `spacing` apart
/// (the side of the triangle or square, the gap between neighbours on a line), the array's
/// centroid on the centre axis. These are the configurations of the published multi-probe
/// gel experiments (Littrup 2009, JVIR 20:1343: 1-4 probes at 2 cm spacing; PMC4850244:
/// 1-4 needles at 1-2.5 cm).
public enum CryoprobePattern: String, CaseIterable, Sendable {
    /// One probe per trajectory (or pedicle axis): no pattern.
    case none
    /// `count` probes on a line across the shaft.
    case line
    /// Three probes on an equilateral triangle.
    case triangle
    /// Four probes on a square.
    case square

    /// Number of probes the pattern places (`line`: `lineCount`, 2 to 4).
    public func count(lineCount: Int) -> Int {
        switch self {
        case .none: return 1
        case .line: return lineCount
        case .triangle: return 3
        case .square: return 4
        }
    }

    /// In-plane offsets of the probes from the centre axis, in units of the spacing, in
    /// the plane's coordinates (a, b). Line along a; the triangle's first vertex on +b
    /// (centroid at the origin, circumradius 1/sqrt(3)); the square's sides along a and b.
    public func offsets(lineCount: Int) -> [SIMD2<Double>] {
        switch self {
        case .none: return [SIMD2(0, 0)]
        case .line:
            let n = Double(lineCount)
            return (0..<lineCount).map { SIMD2(Double($0) - (n - 1) / 2, 0) }
        case .triangle:
            let r = 1 / 3.0.squareRoot()
            return [0.0, 120.0, 240.0].map { deg in
                let t = deg * Double.pi / 180
                return SIMD2(-r * sin(t), r * cos(t))
            }
        case .square:
            return [SIMD2(-0.5, -0.5), SIMD2(0.5, -0.5), SIMD2(0.5, 0.5), SIMD2(-0.5, 0.5)]
        }
    }

    /// Two unit vectors across a shaft pointing along `direction`: `a` is the world x axis
    /// made perpendicular to the shaft (the world y axis when the shaft runs along x), and
    /// `b = direction x a`.
    public static func plane(across direction: SIMD3<Double>) -> (a: SIMD3<Double>, b: SIMD3<Double>) {
        let u = direction / (direction * direction).sum().squareRoot()
        let helper: SIMD3<Double> = abs(u.x) < 0.9 ? SIMD3(1, 0, 0) : SIMD3(0, 1, 0)
        var a = helper - (helper * u).sum() * u
        a /= (a * a).sum().squareRoot()
        let b = SIMD3(u.y * a.z - u.z * a.y, u.z * a.x - u.x * a.z, u.x * a.y - u.y * a.x)
        return (a, b)
    }

    /// The probes' tips and entry points for a centre shaft (tip, entry; world m) and a
    /// spacing [m]: each probe is the centre shaft moved by its offset.
    public func place(tip: SIMD3<Double>, entry: SIMD3<Double>, spacing: Double, lineCount: Int) -> [(tip: SIMD3<Double>, entry: SIMD3<Double>)] {
        let (a, b) = Self.plane(across: tip - entry)
        return offsets(lineCount: lineCount).map { o in
            let shift = spacing * (o.x * a + o.y * b)
            return (tip + shift, entry + shift)
        }
    }
}
