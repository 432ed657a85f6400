import Foundation

/// Several analytic levels (`VertebraGeometry`) stacked along a curved spine of known
/// shape: a sagittal bend (lordosis, or kyphosis when negative), a coronal bend (scoliosis)
/// and an axial rotation growing from level to level. It is the ground truth of the
/// import's round-trip tests: `labelMap` writes its vertebrae (and optionally the cord) as a
/// TotalSegmentator- or VerSe-numbered segmentation, and `truthLabel`, `canalCentre` and
/// `pedicleTrajectory` give what an import of it should find, in world RAS [mm].
///
/// The curve is the line of the posterior walls at mid-body height: from the middle level
/// (arc length 0, vertical there) its direction turns by `lordosisDegPerCm` per cm about
/// the left-right axis and by `scoliosisDegPerCm` per cm about the anteroposterior axis;
/// consecutive levels lie one body height plus the disc between them apart along it, each
/// level's local z along the curve and turned about it by `rotationDegPerLevel` times its
/// distance (in levels) from the middle one.
struct CurvedSpine {
    struct Options {
        /// Cranial to caudal, consecutive (e.g. ["L2", "L3", "L4"]).
        var levels: [String] = ["L2", "L3", "L4"]
        /// Sagittal bend [deg per cm of arc]: positive is a lordosis (the spine convex
        /// anteriorly: above the middle level the canal moves backwards going up).
        var lordosisDegPerCm = 2.0
        /// Coronal bend [deg per cm]: positive turns the spine to the patient's right going up.
        var scoliosisDegPerCm = 0.5
        /// Axial rotation [deg per level from the middle one], positive to the left (the
        /// anterior body turning towards the patient's left).
        var rotationDegPerLevel = 3.0
        var voxelMm = 1.5
        /// Muscle margin around each level's box [mm].
        var marginMm = 3.0
    }

    /// One level: its analytic anatomy and where its local frame lies in the world.
    struct Level {
        var name: String
        var geometry: VertebraGeometry
        /// World position of the local origin (posterior wall, mid-body height, midline) [mm].
        var origin: SIMD3<Double>
        /// World directions of the local x (right), y (anterior) and z (superior) axes.
        var ex: SIMD3<Double>, ey: SIMD3<Double>, ez: SIMD3<Double>

        func local(_ p: SIMD3<Double>) -> SIMD3<Double> {
            let d = p - origin
            return SIMD3((d * ex).sum(), (d * ey).sum(), (d * ez).sum())
        }
        func world(_ q: SIMD3<Double>) -> SIMD3<Double> { origin + q.x * ex + q.y * ey + q.z * ez }
    }

    let options: Options
    /// Cranial to caudal.
    let levels: [Level]

    init(_ o: Options) throws {
        guard !o.levels.isEmpty else { throw PhantomError("curved spine: no level given") }
        let morphometry = try o.levels.map { try VertebraMorphometry.level($0) }
        options = o
        // Arc length of each level's origin, the middle level at 0, increasing cranially.
        let middle = o.levels.count / 2
        var arc = [Double](repeating: 0, count: o.levels.count)
        for n in stride(from: middle - 1, through: 0, by: -1) {
            arc[n] = arc[n + 1] + morphometry[n + 1].bodyHeight / 2 + morphometry[n + 1].discAbove + morphometry[n].bodyHeight / 2
        }
        for n in (middle + 1)..<max(middle + 1, o.levels.count) {
            arc[n] = arc[n - 1] - morphometry[n - 1].bodyHeight / 2 - morphometry[n - 1].discBelow - morphometry[n].bodyHeight / 2
        }
        func frame(_ s: Double) -> (ex: SIMD3<Double>, ey: SIMD3<Double>, ez: SIMD3<Double>) {
            let theta = o.lordosisDegPerCm * s / 10 * .pi / 180, phi = o.scoliosisDegPerCm * s / 10 * .pi / 180
            // Rx(theta) then Ry(phi) applied to the world axes.
            func rotate(_ v: SIMD3<Double>) -> SIMD3<Double> {
                let a = SIMD3(v.x, cos(theta) * v.y - sin(theta) * v.z, sin(theta) * v.y + cos(theta) * v.z)
                return SIMD3(cos(phi) * a.x + sin(phi) * a.z, a.y, -sin(phi) * a.x + cos(phi) * a.z)
            }
            return (rotate(SIMD3(1, 0, 0)), rotate(SIMD3(0, 1, 0)), rotate(SIMD3(0, 0, 1)))
        }
        // Positions by integrating the direction along the arc (midpoint rule, 0.05 mm steps).
        func position(_ s: Double) -> SIMD3<Double> {
            let steps = max(1, Int((abs(s) / 0.05).rounded(.up))), ds = s / Double(steps)
            var p = SIMD3<Double>.zero
            for m in 0..<steps { p += ds * frame((Double(m) + 0.5) * ds).ez }
            return p
        }
        levels = (0..<o.levels.count).map { n in
            var f = frame(arc[n])
            let psi = o.rotationDegPerLevel * Double(middle - n) * .pi / 180
            (f.ex, f.ey) = (cos(psi) * f.ex + sin(psi) * f.ey, -sin(psi) * f.ex + cos(psi) * f.ey)
            return Level(name: morphometry[n].level, geometry: VertebraGeometry(morphometry[n], voxel: o.voxelMm),
                         origin: position(arc[n]), ex: f.ex, ey: f.ey, ez: f.ez)
        }
    }

    /// The level whose body is nearest to `p` along its own axis, and `p` in its frame.
    func nearestLevel(_ p: SIMD3<Double>) -> (index: Int, local: SIMD3<Double>) {
        var best = (index: 0, local: levels[0].local(p))
        for n in 1..<levels.count {
            let q = levels[n].local(p)
            if abs(q.z) / levels[n].geometry.halfHeight < abs(best.local.z) / levels[best.index].geometry.halfHeight { best = (n, q) }
        }
        return best
    }

    /// The tissue at world point `p` [mm] (PhantomLabels): the nearest level's anatomy.
    func truthLabel(atWorld p: SIMD3<Double>) -> UInt8 {
        let (n, q) = nearestLevel(p)
        return levels[n].geometry.label(q.x, q.y, q.z)
    }

    /// The vertebra (index into `levels`) owning the bone at `p`, if any: the nearest level
    /// whose anatomy puts bone there, counting its body only between its own endplates (the
    /// analytic anatomy also draws the neighbours' bodies beyond the discs).
    func vertebra(atWorld p: SIMD3<Double>) -> Int? {
        var best: (index: Int, distance: Double)?
        for (n, level) in levels.enumerated() {
            let q = level.local(p)
            let g = level.geometry
            guard q.z >= g.zLow, q.z <= g.zHigh else { continue }
            let l = g.label(q.x, q.y, q.z)
            guard l == PhantomLabels.corticalBone || l == PhantomLabels.cancellousBone else { continue }
            if q.y >= 0 && abs(q.z) > g.halfHeight + 0.5 { continue }
            let d = abs(q.z) / g.halfHeight
            if best == nil || d < best!.distance { best = (n, d) }
        }
        return best?.index
    }

    /// The canal's centre at level `n`, mid-body height [mm].
    func canalCentre(_ n: Int) -> SIMD3<Double> { levels[n].world(SIMD3(0, -levels[n].geometry.canalDepth / 2, 0)) }

    /// The generator's transpedicular trajectory of level `n`, side -1 left / +1 right [mm].
    func pedicleTrajectory(_ n: Int, side: Double) -> (entry: SIMD3<Double>, target: SIMD3<Double>) {
        let t = levels[n].geometry.pedicleTrajectory(side: side)
        return (levels[n].world(t.entry), levels[n].world(t.target))
    }

    /// The vertebrae as a label map in `scheme` numbering (and the spinal cord label when
    /// `cord` and the scheme has one), nearest-sample at `options.voxelMm`, stored with the
    /// voxel axes along `orientation` (three unit columns, world RAS, e.g. LPS =
    /// [-1, 0, 0, 0, -1, 0, 0, 0, 1]).
    func labelMap(scheme: SegmentationLabelScheme, cord: Bool, orientation d: [Double]) throws -> NIfTIImage {
        var lo = SIMD3(repeating: Double.infinity), hi = SIMD3(repeating: -Double.infinity)
        for level in levels {
            let b = level.geometry.bounds(margin: options.marginMm)
            for c in 0..<8 {
                let q = SIMD3(c & 1 == 0 ? b.low.x : b.high.x, c & 2 == 0 ? b.low.y : b.high.y, c & 4 == 0 ? b.low.z : b.high.z)
                let w = level.world(q)
                lo = pointwiseMin(lo, w); hi = pointwiseMax(hi, w)
            }
        }
        let h = options.voxelMm
        // Voxel axis c runs along world axis r(c) with sign d; index 0 at that axis' low end if positive.
        var dims = SIMD3<Int>(1, 1, 1)
        var affine = [Double](repeating: 0, count: 16)
        var start = SIMD3<Double>.zero
        for c in 0..<3 {
            let col = SIMD3(d[3 * c], d[3 * c + 1], d[3 * c + 2])
            let r = (0..<3).max { abs(col[$0]) < abs(col[$1]) }!
            dims[c] = Int(((hi[r] - lo[r]) / h).rounded(.up)) + 1
            start[r] = col[r] > 0 ? lo[r] : hi[r]
            for row in 0..<3 { affine[4 * row + c] = col[row] * h }
        }
        for row in 0..<3 { affine[4 * row + 3] = start[row] }
        affine[15] = 1
        let vertebraLabels = try levels.map { try scheme.label(ofLevel: $0.name) }
        let cordLabel = cord ? scheme.cordLabel : nil
        let empty = try NIfTIImage(dims: dims, pixdim: SIMD3(repeating: h), affine: affine, voxels: .uint8([UInt8](repeating: 0, count: dims.x * dims.y * dims.z)))
        var values = [UInt8](repeating: 0, count: dims.x * dims.y * dims.z)
        for k in 0..<dims.z { for j in 0..<dims.y { for i in 0..<dims.x {
            let p = empty.world(SIMD3(Double(i), Double(j), Double(k)))
            let idx = (k * dims.y + j) * dims.x + i
            if let n = vertebra(atWorld: p) { values[idx] = UInt8(vertebraLabels[n]) }
            else if let cordLabel, truthLabel(atWorld: p) == PhantomLabels.spinalCord { values[idx] = UInt8(cordLabel) }
        } } }
        return try NIfTIImage(dims: dims, pixdim: SIMD3(repeating: h), affine: affine, voxels: .uint8(values))
    }
}
