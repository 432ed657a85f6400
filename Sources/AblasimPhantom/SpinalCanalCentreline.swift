import Foundation

/// The spinal canal's centreline through every vertebra of a segmentation, world RAS [mm]:
/// the vertebral foramen of each level, found slice by slice (the region enclosed by the
/// level's bony ring after a 3 mm closing), one knot per level at the mean of its foramen
/// centres, and a piecewise cubic Hermite curve x(z), y(z) through the knots (tangents by
/// the three-point formula), so the curve follows a lordosis or the lumbosacral angle
/// however strong, where one polynomial over the whole spine cannot; it continues as a
/// straight line beyond the first and last level. The canal's cross-section (semi-axes of
/// the ellipse with the foramen's second moments) is interpolated between levels.
struct SpinalCanalCentreline {
    /// A foramen measured in one axial slice: centre [mm], semi-axes [mm] of the ellipse
    /// with the same second moments.
    struct Section { var z: Double; var centre: SIMD2<Double>; var halfWidth: Double; var halfDepth: Double }
    /// Per level: label, sections, and the mean z of its sections.
    struct Level { var label: Int; var sections: [Section]; var z: Double }
    /// A knot of the curve: height [mm], centre [mm] and slope d(x, y)/dz.
    struct Knot { var z: Double; var centre: SIMD2<Double>; var slope: SIMD2<Double> }

    /// Caudal to cranial.
    let levels: [Level]
    /// One knot per level, caudal to cranial (increasing z).
    let knots: [Knot]
    /// Per level: mean z, median semi-axes (width, depth) [mm], caudal to cranial.
    let axes: [(z: Double, width: Double, depth: Double)]
    /// The fitted range [mm] (first and last knot); outside it the line continues straight.
    var zLow: Double { knots[0].z }
    var zHigh: Double { knots[knots.count - 1].z }

    /// Voxel size of the per-level resampling [mm]: fine enough for a 12-20 mm foramen.
    static let sampling = 1.0
    /// Foramen areas accepted [mm^2]: a canal is 150-400 mm^2 (Panjabi 1991, 1992); under
    /// 30 mm^2 a hole is a trabecular gap.
    static let minArea = 30.0, maxArea = 900.0

    /// Measures the foramen of every vertebra label present and fits the centreline.
    static func fit(labels map: SegmentationLabelMap, vertebraLabels: ClosedRange<Int>, context: String) throws -> SpinalCanalCentreline {
        let seg = map.image
        let n = seg.dims
        let inverse = try seg.inverseAffine(context: context)
        // Index boxes per vertebra label.
        var boxes: [Int: (lo: SIMD3<Int>, hi: SIMD3<Int>, count: Int)] = [:]
        for idx in 0..<seg.voxelCount {
            let v = map.label(idx)
            guard vertebraLabels.contains(v) else { continue }
            let q = SIMD3(idx % n.x, (idx / n.x) % n.y, idx / (n.x * n.y))
            if let b = boxes[v] { boxes[v] = (pointwiseMin(b.lo, q), pointwiseMax(b.hi, q), b.count + 1) } else { boxes[v] = (q, q, 1) }
        }
        let h = sampling
        var levels: [Level] = []
        for (label, box) in boxes.sorted(by: { $0.key < $1.key }) where box.count >= 50 {
            var (lo, hi) = seg.worldBounds(lo: box.lo, hi: box.hi)
            lo -= SIMD3(repeating: 4); hi += SIMD3(repeating: 4)
            let d = ((hi - lo) / h).rounded(.up)
            guard d.x * d.y * d.z <= 4e6 else { continue }   // not one vertebra (a label spread over the image)
            let nx = Int(d.x), ny = Int(d.y), nz = Int(d.z)
            var sections: [Section] = []
            for k in 0..<nz {
                var ring = [Bool](repeating: false, count: nx * ny)
                for j in 0..<ny { for i in 0..<nx {
                    let p = lo + SIMD3(Double(i) + 0.5, Double(j) + 0.5, Double(k) + 0.5) * h
                    ring[j * nx + i] = indicator(map, label: label, at: NIfTIImage.index(of: p, inverse: inverse)) >= 0.5
                } }
                guard ring.contains(true) else { continue }
                let r = max(1, Int((3.0 / h).rounded()))
                let closed = SegmentationImporter.erode2D(SegmentationImporter.dilate2D(ring, nx, ny, r), nx, ny, r)
                let hole = SegmentationImporter.largestEnclosedRegion(closed, original: ring, nx, ny)
                let area = Double(hole.count) * h * h
                guard area >= minArea, area <= maxArea else { continue }
                var sx = 0.0, sy = 0.0, sxx = 0.0, syy = 0.0
                for p in hole {
                    let x = lo.x + (Double(p % nx) + 0.5) * h, y = lo.y + (Double(p / nx) + 0.5) * h
                    sx += x; sy += y; sxx += x * x; syy += y * y
                }
                let m = Double(hole.count)
                let mx = sx / m, my = sy / m
                // Semi-axis of a uniform ellipse: a = 2 sqrt(variance).
                let a = 2 * max(0, sxx / m - mx * mx).squareRoot(), b = 2 * max(0, syy / m - my * my).squareRoot()
                sections.append(Section(z: lo.z + (Double(k) + 0.5) * h, centre: SIMD2(mx, my), halfWidth: a, halfDepth: b))
            }
            guard !sections.isEmpty else { continue }
            // One odd slice (a hole between lamina and a process) must not pull the line:
            // keep sections within 4 mm of the level's median centre.
            let medX = median(sections.map(\.centre.x)), medY = median(sections.map(\.centre.y))
            sections = sections.filter { abs($0.centre.x - medX) <= 4 && abs($0.centre.y - medY) <= 4 }
            // One closed slice is enough to place a knot: the sacrum's canal is enclosed by
            // bone only near the S1 arch (elsewhere it is open behind or filled by the
            // fused segments), and without it the line misses the lumbosacral angle.
            guard !sections.isEmpty else { continue }
            levels.append(Level(label: label, sections: sections, z: sections.map(\.z).reduce(0, +) / Double(sections.count)))
        }
        guard !levels.isEmpty else {
            throw PhantomError("\(context): no vertebra of the segmentation has a closed vertebral foramen (a ring of bone enclosing 30-900 mm^2 in an axial slice); the canal cannot be located: is this a vertebra label map at 3 mm or finer?")
        }
        // Two labels whose foramina lie within 5 mm of height (a vertebra is at least 15 mm
        // tall) are one canal segment split in two: their sections make one level.
        var sorted: [Level] = []
        for l in levels.sorted(by: { $0.z < $1.z }) {
            if let last = sorted.last, l.z - last.z < 5 {
                let merged = last.sections + l.sections
                sorted[sorted.count - 1] = Level(label: last.label, sections: merged, z: merged.map(\.z).reduce(0, +) / Double(merged.count))
            } else { sorted.append(l) }
        }
        let knots = knots(of: sorted)
        // The sections are axial: a canal tilted by the slope s is cut 1 / cos = sqrt(1 + s^2)
        // wider along the tilt than its perpendicular cross-section.
        let axes = zip(sorted, knots).map { l, k in
            (l.z, median(l.sections.map(\.halfWidth)) / (1 + k.slope.x * k.slope.x).squareRoot(),
             median(l.sections.map(\.halfDepth)) / (1 + k.slope.y * k.slope.y).squareRoot())
        }
        return SpinalCanalCentreline(levels: sorted, knots: knots, axes: axes)
    }

    /// One knot per level at the mean of its foramen centres. Tangents: at an inner knot
    /// the slope of the parabola through it and its two neighbours (the three-point formula
    /// for unequal spacing); at an end knot the secant to its neighbour; with a single
    /// level, the least-squares slope of its own sections (vertical when they span under 2 mm).
    static func knots(of levels: [Level]) -> [Knot] {
        var knots = levels.map { l -> Knot in
            let c = l.sections.reduce(SIMD2<Double>.zero) { $0 + $1.centre } / Double(l.sections.count)
            return Knot(z: l.z, centre: c, slope: .zero)
        }
        guard knots.count > 1 else {
            let l = levels[0]
            var szz = 0.0, szc = SIMD2<Double>.zero
            for s in l.sections { szz += (s.z - l.z) * (s.z - l.z); szc += (s.z - l.z) * (s.centre - knots[0].centre) }
            let zs = l.sections.map(\.z)
            if zs.max()! - zs.min()! >= 2, szz > 0 { knots[0].slope = szc / szz }
            return knots
        }
        let secants = (1..<knots.count).map { (knots[$0].centre - knots[$0 - 1].centre) / (knots[$0].z - knots[$0 - 1].z) }
        knots[0].slope = secants[0]
        knots[knots.count - 1].slope = secants[secants.count - 1]
        for i in 1..<(knots.count - 1) {
            let below = knots[i].z - knots[i - 1].z, above = knots[i + 1].z - knots[i].z
            knots[i].slope = (above * secants[i - 1] + below * secants[i]) / (below + above)
        }
        return knots
    }

    /// Trilinear indicator of `label` at a continuous source index (0 outside the image).
    static func indicator(_ map: SegmentationLabelMap, label: Int, at q: SIMD3<Double>) -> Double {
        let n = map.image.dims
        guard q.x > -1, q.y > -1, q.z > -1, q.x < Double(n.x), q.y < Double(n.y), q.z < Double(n.z) else { return 0 }
        let f = q.rounded(.down)
        let i0 = Int(f.x), j0 = Int(f.y), k0 = Int(f.z)
        var sum = 0.0
        for c in 0..<8 {
            let ii = i0 + (c & 1), jj = j0 + ((c >> 1) & 1), kk = k0 + ((c >> 2) & 1)
            guard ii >= 0, jj >= 0, kk >= 0, ii < n.x, jj < n.y, kk < n.z, map.label((kk * n.y + jj) * n.x + ii) == label else { continue }
            sum += (c & 1 == 1 ? q.x - f.x : 1 - (q.x - f.x)) * ((c >> 1) & 1 == 1 ? q.y - f.y : 1 - (q.y - f.y))
                * ((c >> 2) & 1 == 1 ? q.z - f.z : 1 - (q.z - f.z))
        }
        return sum
    }

    static func median(_ v: [Double]) -> Double {
        let s = v.sorted()
        return s.isEmpty ? 0 : s.count % 2 == 1 ? s[s.count / 2] : 0.5 * (s[s.count / 2 - 1] + s[s.count / 2])
    }

    /// Centre of the canal at height `z` [mm] and the unit tangent (pointing superior):
    /// the cubic Hermite segment between the knots around `z`, the end knots' tangent
    /// lines beyond them.
    func point(atZ z: Double) -> (centre: SIMD3<Double>, tangent: SIMD3<Double>) {
        var c: SIMD2<Double>, d: SIMD2<Double>
        if z <= zLow || z >= zHigh {
            let end = z <= zLow ? knots[0] : knots[knots.count - 1]
            d = end.slope
            c = end.centre + (z - end.z) * d
        } else {
            let n = knots.firstIndex { $0.z >= z }!
            let k0 = knots[n - 1], k1 = knots[n]
            let w = k1.z - k0.z, t = (z - k0.z) / w
            let t2 = t * t, t3 = t2 * t
            // Hermite basis functions and their derivatives in t.
            let h00 = 2 * t3 - 3 * t2 + 1, h10 = t3 - 2 * t2 + t, h01 = -2 * t3 + 3 * t2, h11 = t3 - t2
            let d00 = 6 * t2 - 6 * t, d10 = 3 * t2 - 4 * t + 1, d01 = -6 * t2 + 6 * t, d11 = 3 * t2 - 2 * t
            c = h00 * k0.centre + h10 * w * k0.slope + h01 * k1.centre + h11 * w * k1.slope
            d = (d00 * k0.centre + d10 * w * k0.slope + d01 * k1.centre + d11 * w * k1.slope) / w
        }
        let tangent = SIMD3(d.x, d.y, 1) / (d.x * d.x + d.y * d.y + 1).squareRoot()
        return (SIMD3(c.x, c.y, z), tangent)
    }

    /// The foramen's semi-axes at height `z`, interpolated linearly between the levels'
    /// medians and held beyond the first and last.
    func halfAxes(atZ z: Double) -> (width: Double, depth: Double) {
        let per = axes
        guard let first = per.first, let last = per.last else { return (8, 8) }
        if z <= first.0 { return (first.1, first.2) }
        if z >= last.0 { return (last.1, last.2) }
        for n in 1..<per.count where z <= per[n].0 {
            let f = (z - per[n - 1].0) / max(1e-9, per[n].0 - per[n - 1].0)
            return (per[n - 1].1 + f * (per[n].1 - per[n - 1].1), per[n - 1].2 + f * (per[n].2 - per[n - 1].2))
        }
        return (last.1, last.2)
    }

    /// Cross-section coordinates of world point `p` [mm]: `u` along the patient's right and
    /// `v` anterior, both in the plane perpendicular to the centreline through the nearest
    /// centreline point; `s` the residual distance along the tangent (near 0).
    func section(of p: SIMD3<Double>) -> (u: Double, v: Double, centre: SIMD3<Double>, tangent: SIMD3<Double>) {
        var z = p.z
        var c = point(atZ: z)
        for _ in 0..<3 {
            let s = ((p - c.centre) * c.tangent).sum()
            z += s * c.tangent.z
            c = point(atZ: z)
        }
        let t = c.tangent
        var ex = SIMD3<Double>(1, 0, 0) - t.x * t
        ex /= (ex * ex).sum().squareRoot()
        let ey = SIMD3(t.y * ex.z - t.z * ex.y, t.z * ex.x - t.x * ex.z, t.x * ex.y - t.y * ex.x)
        let d = p - c.centre
        return ((d * ex).sum(), (d * ey).sum(), c.centre, t)
    }
}
