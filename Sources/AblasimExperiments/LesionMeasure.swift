import Foundation
import AblasimCore
import AblasimPhysics

/// How a published experiment measured its lesion, applied to a finished simulation.
///
/// Conventions of ../shared/data/validation-set.md: "width" is the extent perpendicular to
/// the applicator shaft at the level of the largest cross-section, "length" the extent
/// along the shaft. The edge is the surface where the criterion field crosses its
/// threshold (a T_max isotherm such as the 50 C whitening of egg white or liver, or
/// Omega = 1), located by linear interpolation between trilinear samples so that the
/// measure converges with the grid instead of moving in whole voxels.
public struct LesionMeasure: Sendable {
    public enum Criterion: Sendable, Equatable {
        /// Peak temperature at or above this [C].
        case isotherm(Double)
        /// Arrhenius damage Omega at or above 1.
        case omega
        /// Lowest temperature at or below this [C] (cryo: the ice edge 0 C, lethal -20/-30/-40 C).
        case coldIsotherm(Double)

        public init(text: String) throws {
            if text == "omega" { self = .omega; return }
            if text.hasPrefix("tmin"), let c = Double(text.dropFirst(4)), c.isFinite, (-196...0).contains(c) { self = .coldIsotherm(c); return }
            if text.hasPrefix("t"), let c = Double(text.dropFirst()), c.isFinite, (30...200).contains(c) { self = .isotherm(c); return }
            throw CoreError("lesion criterion '\(text)' is not valid; use tNN (a T_max isotherm in C, e.g. t50, t60), omega, or tminNN (a T_min isotherm in C from -196 to 0, e.g. tmin-30)")
        }
        public var text: String {
            switch self {
            case .isotherm(let c): return "t" + SafetyText.number(c)
            case .omega: return "omega"
            case .coldIsotherm(let c): return "tmin" + SafetyText.number(c)
            }
        }
    }

    /// The shaft: tip and a point on the way in, world [m].
    public var tip: SIMD3<Double>
    public var entry: SIMD3<Double>
    public var criterion: Criterion
    /// How the width is taken: the mean over direction pairs of the edge distances from the
    /// axis (a round lesion's diameter), or the largest caliper (Feret) diameter of the
    /// cross-section (an elongated or multi-probe lesion's longest diameter, as read on CT
    /// or a cut face, which need not pass through the axis).
    public enum WidthStatistic: String, Sendable { case mean, feret }
    public var widthStatistic = WidthStatistic.mean

    public init(tip: SIMD3<Double>, entry: SIMD3<Double>, criterion: Criterion) {
        self.tip = tip; self.entry = entry; self.criterion = criterion
    }

    /// The criterion's value at a world point and its threshold.
    private func value(_ solver: PennesSolver<Float>, _ p: SIMD3<Double>) -> Double {
        let q = solver.grid.index(p)
        switch criterion {
        case .isotherm: return solver.tMax.trilinear(at: q)
        case .omega: return solver.omega.trilinear(at: q)
        // Negated, so that inside is above the threshold for every criterion.
        case .coldIsotherm: return -solver.tMin.trilinear(at: q)
        }
    }
    private var threshold: Double {
        switch criterion { case .isotherm(let c): return c; case .omega: return 1; case .coldIsotherm(let c): return -c }
    }

    /// Unit vector from the tip back along the shaft, and two unit vectors across it.
    private var frame: (u: SIMD3<Double>, a: SIMD3<Double>, b: SIMD3<Double>) {
        let d = entry - tip
        let u = d / (d * d).sum().squareRoot()
        let helper: SIMD3<Double> = abs(u.x) < 0.9 ? SIMD3(1, 0, 0) : SIMD3(0, 1, 0)
        var a = helper - (helper * u).sum() * u
        a /= (a * a).sum().squareRoot()
        let b = SIMD3(u.y * a.z - u.z * a.y, u.z * a.x - u.x * a.z, u.x * a.y - u.y * a.x)
        return (u, a, b)
    }

    /// Distance from `origin` along `direction` to the outer edge of the lesion [m]: the
    /// last threshold crossing seen when coming in from `reach`; 0 when nothing crosses.
    private func edge(_ solver: PennesSolver<Float>, from origin: SIMD3<Double>, along direction: SIMD3<Double>, reach: Double) -> Double {
        let step = solver.grid.spacing.min() / 4
        var r = reach
        var outer = value(solver, origin + r * direction)
        if outer >= threshold { return reach }
        while r > 0 {
            let rIn = max(0, r - step)
            let inner = value(solver, origin + rIn * direction)
            if inner >= threshold {
                return rIn + (inner - threshold) / (inner - outer) * (r - rIn)
            }
            r = rIn; outer = inner
        }
        return 0
    }

    /// Directions across the shaft sampled for the width (pairs of opposite directions).
    static let directions = 16

    /// Width across the shaft at axial position `s` [m] from the tip (positive toward the
    /// entry): the mean (or largest, `widthStatistic`) over opposite direction pairs of the
    /// two edge distances.
    public func width(_ solver: PennesSolver<Float>, at s: Double, reach: Double) -> Double {
        if widthStatistic == .feret { return feretDiameter(solver, at: s, reach: reach) }
        let (u, a, b) = frame
        let centre = tip + s * u
        var total = 0.0, largest = 0.0
        for n in 0..<(Self.directions / 2) {
            let angle = Double(n) * 2 * Double.pi / Double(Self.directions)
            let d = cos(angle) * a + sin(angle) * b
            total += edge(solver, from: centre, along: d, reach: reach) + edge(solver, from: centre, along: -d, reach: reach)
        }
        return total / Double(Self.directions / 2)
    }

    /// Largest caliper diameter of the cross-section at `s` [m]: the cross-section sampled on a
    /// square lattice of half a voxel within `reach` of the axis, and for each of the
    /// `directions` the spread of the inside samples' projections, plus one lattice step (each
    /// sample stands for its cell); the largest over directions. Resolution: half a voxel.
    func feretDiameter(_ solver: PennesSolver<Float>, at s: Double, reach: Double) -> Double {
        let (u, a, b) = frame
        let centre = tip + s * u
        let step = solver.grid.spacing.min() / 2
        let n = Int((reach / step).rounded(.up))
        let angles = (0..<Self.directions).map { Double($0) * Double.pi / Double(Self.directions) }
        var lo = [Double](repeating: .infinity, count: angles.count), hi = [Double](repeating: -.infinity, count: angles.count)
        for i in -n...n {
            for j in -n...n {
                let x = Double(i) * step, y = Double(j) * step
                guard value(solver, centre + x * a + y * b) >= threshold else { continue }
                for (m, t) in angles.enumerated() {
                    let p = x * cos(t) + y * sin(t)
                    lo[m] = Swift.min(lo[m], p); hi[m] = Swift.max(hi[m], p)
                }
            }
        }
        var largest = 0.0
        for m in angles.indices where hi[m] >= lo[m] { largest = Swift.max(largest, hi[m] - lo[m] + step) }
        return largest
    }

    /// The largest width over axial positions from `from` to `to` [m] (step a quarter
    /// voxel), and where it is.
    public func largestWidth(_ solver: PennesSolver<Float>, from: Double, to: Double, reach: Double) -> (width: Double, at: Double) {
        let step = solver.grid.spacing.min() / 4
        var best = (width: 0.0, at: from)
        var s = from
        while s <= to + 1e-12 {
            let w = width(solver, at: s, reach: reach)
            if w > best.width { best = (w, s) }
            s += step
        }
        return best
    }

    /// Extent along the shaft at radius `radius` [m] off the axis (outside the probe
    /// itself), averaged over four sides: the lesion's length, and how far it reaches
    /// beyond the tip.
    public func length(_ solver: PennesSolver<Float>, radius: Double, centre s0: Double, reach: Double) -> (length: Double, beyondTip: Double) {
        let (u, a, b) = frame
        var total = 0.0, beyond = 0.0
        for d in [a, -a, b, -b] {
            let c = tip + s0 * u + radius * d
            let back = edge(solver, from: c, along: u, reach: reach)
            let forward = edge(solver, from: c, along: -u, reach: reach)
            total += back + forward
            beyond += max(0, forward - s0)
        }
        return (total / 4, beyond / 4)
    }

    /// Volume where the criterion holds [m^3] (voxel count).
    public func volume(_ solver: PennesSolver<Float>) -> Double {
        let g = solver.grid
        var n = 0
        for k in 0..<g.nz { for j in 0..<g.ny { for i in 0..<g.nx {
            let v: Double
            switch criterion {
            case .isotherm: v = Double(solver.tMax[i, j, k])
            case .omega: v = solver.omega[i, j, k]
            case .coldIsotherm: v = -Double(solver.tMin[i, j, k])
            }
            if v >= threshold { n += 1 }
        } } }
        return Double(n) * g.voxelVolume
    }
}

/// Numbers in messages and tables: whole numbers without a fraction.
enum SafetyText {
    static func number(_ x: Double) -> String { x == x.rounded() && abs(x) < 1e9 ? String(Int(x)) : "\(x)" }
}
