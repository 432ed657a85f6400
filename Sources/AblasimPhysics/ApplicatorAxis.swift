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
            throw PhysicsError.invalidInput("applicator direction (\(direction.x), \(direction.y), \(direction.z)) is not valid: it needs a finite, non-zero vector")
        }
        guard tip.x.isFinite, tip.y.isFinite, tip.z.isFinite else {
            throw PhysicsError.invalidInput("applicator tip \(PointText.mm(metres: tip)) is not finite")
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

    /// Linear indices (x fastest) of the shaft voxels from the tip back to `length` [m]
    /// (default: the whole inserted shaft), rasterized exactly as an RF probe's shaft
    /// (`Probe.rasterize`: voxel centres within max(radius, 0.87 h) of the axis).
    /// - Throws: `PhysicsError.invalidInput` when the tip lies outside the grid.
    public func voxels(in grid: Grid3D, length: Double? = nil, context: String = "applicator placement") throws -> [Int] {
        try probe(name: "applicator", activeLength: min(length ?? insertedLength, insertedLength))
            .rasterize(on: grid, context: context).voxels(of: .active)
    }

    /// This axis as an RF `Probe` whose first `activeLength` metres behind the tip are one
    /// segment (the geometry shared with the RF probes; the electrode role only marks the
    /// segment for rasterization).
    func probe(name: String, activeLength: Double) -> Probe {
        Probe(name: name, entry: point(behindTip: insertedLength), tip: tip, radius: radius,
              segments: [.electrode(.active, length: activeLength)])
    }

    /// The axis of a shaft from `entry` to `tip` (world, metres) with the given radius.
    public init(entry: SIMD3<Double>, tip: SIMD3<Double>, radius: Double) throws {
        let d = tip - entry
        try self.init(tip: tip, direction: d, radius: radius, insertedLength: (d * d).sum().squareRoot())
    }

    /// The axis of an RF probe (same entry, tip and radius): microwave antennas, laser
    /// fibres and cryoprobes placed along the same pedicle trajectories.
    public init(probe: Probe) throws {
        try self.init(entry: probe.entry, tip: probe.tip, radius: probe.radius)
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
        let p = VoxelIndex.decode(v, dims: SIMD3(nx, ny, nz))
        return index(p.x, p.y, p.z)
    }
}
