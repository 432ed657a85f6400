import AblasimCore

/// The straight axis of an interstitial applicator (microwave antenna, laser fibre, cryoprobe):
/// where its tip is, which way it points and how thick it is.
///
/// Minimal segment description the microwave, laser and cryo sources are built on. World
/// coordinates in metres (RAS, as `Grid3D.world`). `direction` is the unit vector of
/// insertion, from the skin entry towards the tip, so the shaft lies behind the tip at
/// `tip - s * direction` for 0 <= s <= `insertedLength`.
public struct ApplicatorAxis: Equatable, Sendable {
    /// Tip position [m].
    public var tip: SIMD3<Double>
    /// Unit vector of insertion (entry -> tip).
    public var direction: SIMD3<Double>
    /// Outer radius of the shaft [m].
    public var radius: Double
    /// Length of the shaft behind the tip that lies in the domain [m].
    public var insertedLength: Double

    /// - Throws: `PhysicsError.invalidInput` for a zero direction, a non-positive radius or length.
    public init(tip: SIMD3<Double>, direction: SIMD3<Double>, radius: Double, insertedLength: Double = 0.2) throws {
        let n = (direction * direction).sum().squareRoot()
        guard n.isFinite, n > 1e-12 else {
            throw PhysicsError.invalidInput("applicator direction \(direction) is not valid: it needs a finite, non-zero vector")
        }
        guard tip.x.isFinite, tip.y.isFinite, tip.z.isFinite else {
            throw PhysicsError.invalidInput("applicator tip \(tip) m is not finite")
        }
        guard radius.isFinite, radius > 0, radius < 0.01 else {
            throw PhysicsError.invalidInput(String(format: "applicator radius %.3g mm is not valid; expected (0, 10) mm", radius * 1000))
        }
        guard insertedLength.isFinite, insertedLength > 0 else {
            throw PhysicsError.invalidInput(String(format: "applicator inserted length %.3g mm is not valid; it must be > 0", insertedLength * 1000))
        }
        self.tip = tip
        self.direction = direction / n
        self.radius = radius
        self.insertedLength = insertedLength
    }

    /// Position along the axis [m]: 0 at the tip, positive towards the hub (back along the shaft).
    @inline(__always)
    public func axialDistanceBehindTip(_ p: SIMD3<Double>) -> Double {
        -((p - tip) * direction).sum()
    }

    /// Perpendicular distance of `p` from the (infinite) axis line [m].
    @inline(__always)
    public func radialDistance(_ p: SIMD3<Double>) -> Double {
        let d = p - tip
        let along = (d * direction).sum()
        let perp = d - along * direction
        return (perp * perp).sum().squareRoot()
    }

    /// Point on the axis `s` metres behind the tip.
    @inline(__always)
    public func point(behindTip s: Double) -> SIMD3<Double> { tip - s * direction }

    /// Linear indices (x fastest) of the voxels whose centres lie inside the shaft cylinder
    /// between `from` and `to` metres behind the tip. On grids coarser than the shaft the
    /// radius is widened to `0.75 * h_min` so the axis is always covered by a connected
    /// line of voxels.
    public func voxels(in grid: Grid3D, from s0: Double = 0, to s1: Double? = nil) -> [Int] {
        let end = min(s1 ?? insertedLength, insertedLength)
        let hMin = min(grid.spacing.x, grid.spacing.y, grid.spacing.z)
        let r = max(radius, 0.75 * hMin)
        // Bounding box of the segment in index space.
        let a = grid.index(point(behindTip: s0)), b = grid.index(point(behindTip: end))
        let pad = SIMD3(r / grid.spacing.x, r / grid.spacing.y, r / grid.spacing.z) + 1
        let lo = SIMD3<Double>.zero.replacing(with: (pointwiseMin(a, b) - pad).rounded(.down), where: (pointwiseMin(a, b) - pad) .> 0)
        let hiRaw = pointwiseMax(a, b) + pad
        let dims = SIMD3(Double(grid.nx - 1), Double(grid.ny - 1), Double(grid.nz - 1))
        let hi = pointwiseMin(hiRaw.rounded(.up), dims)
        guard hi.x >= lo.x, hi.y >= lo.y, hi.z >= lo.z else { return [] }
        var out: [Int] = []
        for k in Int(lo.z)...Int(hi.z) {
            for j in Int(lo.y)...Int(hi.y) {
                for i in Int(lo.x)...Int(hi.x) {
                    let p = grid.world(SIMD3(Double(i), Double(j), Double(k)))
                    let s = axialDistanceBehindTip(p)
                    guard s >= s0 - 1e-12, s <= end + 1e-12, radialDistance(p) <= r else { continue }
                    out.append((k * grid.ny + j) * grid.nx + i)
                }
            }
        }
        return out
    }
}

extension Grid3D {
    /// Integer voxel box (inclusive, clamped to the grid) containing every voxel centre
    /// within `radius` [m] of the given world points' bounding box; nil if it misses the grid.
    func voxelBox(around points: [SIMD3<Double>], radius: Double) -> (lo: SIMD3<Int>, hi: SIMD3<Int>)? {
        guard let first = points.first else { return nil }
        var lo = index(first), hi = lo
        for p in points.dropFirst() { let q = index(p); lo = pointwiseMin(lo, q); hi = pointwiseMax(hi, q) }
        // The direction matrix is orthonormal: a world radius r spans at most r / h voxels per axis.
        let pad = SIMD3(radius / spacing.x, radius / spacing.y, radius / spacing.z)
        lo = (lo - pad).rounded(.down); hi = (hi + pad).rounded(.up)
        let l = SIMD3(max(0, Int(max(lo.x, -1))), max(0, Int(max(lo.y, -1))), max(0, Int(max(lo.z, -1))))
        let h = SIMD3(min(nx - 1, Int(min(hi.x, Double(nx)))), min(ny - 1, Int(min(hi.y, Double(ny)))), min(nz - 1, Int(min(hi.z, Double(nz)))))
        guard h.x >= l.x, h.y >= l.y, h.z >= l.z else { return nil }
        return (l, h)
    }
}

/// A fixed spatial pattern of per-voxel values on a solver's padded fields: the power
/// density of a source per watt, or the voxels a probe surface owns.
struct VoxelPattern {
    /// Padded field indices (`Field3D.index`).
    var indices: [Int] = []
    var values: [Double] = []

    /// Adds `scale * value` into `field` at every pattern voxel.
    func add<S: BinaryFloatingPoint>(scale: Double, into field: Field3D<S>) {
        let b = field.base
        for n in indices.indices { b[indices[n]] += S(scale * values[n]) }
    }
}

extension Field3D {
    /// Padded index of linear voxel `v` (x fastest) of an nx x ny x nz grid.
    @inline(__always)
    func paddedIndex(linear v: Int) -> Int {
        index(v % nx, v / nx % ny, v / (nx * ny))
    }
}
