import Foundation

/// The spinal canal's centreline through every vertebra of a segmentation, world RAS [mm]:
/// the vertebral foramen of each level, found slice by slice (the region enclosed by the
/// level's bony ring after a 3 mm closing), then a least-squares polynomial x(z), y(z)
/// through the foramen centres (up to cubic, each level weighted equally), continued as a
/// straight line beyond the first and last level. The canal's cross-section (semi-axes
/// of the ellipse with the foramen's second moments) is interpolated between levels.
struct SpinalCanalCentreline {
    /// A foramen measured in one axial slice: centre [mm], semi-axes [mm] of the ellipse
    /// with the same second moments.
    struct Section { var z: Double; var centre: SIMD2<Double>; var halfWidth: Double; var halfDepth: Double }
    /// Per level: label, sections, and the mean z of its sections.
    struct Level { var label: Int; var sections: [Section]; var z: Double }

    let levels: [Level]
    /// Polynomial coefficients of x(t), y(t), t = (z - zMid) / zHalf.
    let cx: [Double], cy: [Double]
    let zMid: Double, zHalf: Double
    /// The fitted range [mm]; outside it the line continues straight.
    let zLow: Double, zHigh: Double
    /// Per level: mean z, median semi-axes (width, depth) [mm], caudal to cranial.
    let axes: [(z: Double, width: Double, depth: Double)]

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
            guard sections.count >= 2 else { continue }
            levels.append(Level(label: label, sections: sections, z: sections.map(\.z).reduce(0, +) / Double(sections.count)))
        }
        guard !levels.isEmpty else {
            throw PhantomError("\(context): no vertebra of the segmentation has a closed vertebral foramen (a ring of bone enclosing 30-900 mm^2 in an axial slice); the canal cannot be located: is this a vertebra label map at 3 mm or finer?")
        }
        let all = levels.flatMap { level in level.sections.map { ($0, 1.0 / Double(level.sections.count)) } }
        let zLow = all.map(\.0.z).min()!, zHigh = all.map(\.0.z).max()!
        let zMid = (zLow + zHigh) / 2, zHalf = max(1, (zHigh - zLow) / 2)
        let degree = min(3, max(1, levels.count - 1))
        let t = all.map { ($0.0.z - zMid) / zHalf }
        let w = all.map(\.1)
        let cx = leastSquares(t, all.map(\.0.centre.x), w, degree: degree)
        let cy = leastSquares(t, all.map(\.0.centre.y), w, degree: degree)
        let sorted = levels.sorted { $0.z < $1.z }
        let axes = sorted.map { l in (l.z, median(l.sections.map(\.halfWidth)), median(l.sections.map(\.halfDepth))) }
        return SpinalCanalCentreline(levels: sorted, cx: cx, cy: cy, zMid: zMid, zHalf: zHalf, zLow: zLow, zHigh: zHigh, axes: axes)
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

    /// Weighted least-squares polynomial (coefficients, constant first) by the normal equations.
    static func leastSquares(_ t: [Double], _ y: [Double], _ w: [Double], degree: Int) -> [Double] {
        let m = degree + 1
        var a = [Double](repeating: 0, count: m * m), b = [Double](repeating: 0, count: m)
        for (n, tn) in t.enumerated() {
            var powers = [Double](repeating: 1, count: m)
            for d in 1..<m { powers[d] = powers[d - 1] * tn }
            for r in 0..<m {
                b[r] += w[n] * powers[r] * y[n]
                for c in 0..<m { a[r * m + c] += w[n] * powers[r] * powers[c] }
            }
        }
        // Gaussian elimination with partial pivoting; a singular system (all samples at
        // one z) falls back on a lower degree.
        for col in 0..<m {
            let pivot = (col..<m).max { abs(a[$0 * m + col]) < abs(a[$1 * m + col]) }!
            guard abs(a[pivot * m + col]) > 1e-12 else {
                return degree > 0 ? leastSquares(t, y, w, degree: degree - 1) + [0] : [y.reduce(0, +) / Double(max(1, y.count))]
            }
            if pivot != col { for c in 0..<m { a.swapAt(col * m + c, pivot * m + c) }; b.swapAt(col, pivot) }
            for r in (col + 1)..<m {
                let f = a[r * m + col] / a[col * m + col]
                for c in col..<m { a[r * m + c] -= f * a[col * m + c] }
                b[r] -= f * b[col]
            }
        }
        var x = [Double](repeating: 0, count: m)
        for r in stride(from: m - 1, through: 0, by: -1) {
            var s = b[r]
            for c in (r + 1)..<m { s -= a[r * m + c] * x[c] }
            x[r] = s / a[r * m + r]
        }
        return x
    }

    private func poly(_ c: [Double], _ t: Double) -> (value: Double, slope: Double) {
        var v = 0.0, s = 0.0, p = 1.0
        for (d, coefficient) in c.enumerated() {
            v += coefficient * p
            if d + 1 < c.count { s += Double(d + 1) * c[d + 1] * p }
            p *= t
        }
        return (v, s / zHalf)
    }

    /// Centre of the canal at height `z` [mm] and the unit tangent (pointing superior).
    func point(atZ z: Double) -> (centre: SIMD3<Double>, tangent: SIMD3<Double>) {
        let zc = min(max(z, zLow), zHigh)
        let (x, dx) = poly(cx, (zc - zMid) / zHalf), (y, dy) = poly(cy, (zc - zMid) / zHalf)
        let tangent = SIMD3(dx, dy, 1) / (dx * dx + dy * dy + 1).squareRoot()
        return (SIMD3(x + dx * (z - zc), y + dy * (z - zc), z), tangent)
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
