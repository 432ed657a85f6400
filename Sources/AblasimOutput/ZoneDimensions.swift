import AblasimCore
import AblasimSimulation

/// Size of the ablation zone around each probe, as clinicians quote it: the length along
/// the probe axis and the two widths across it. A zone voxel (ablated or lethal ice)
/// belongs to the probe whose tip is nearest, so two coalescent zones still get one size
/// each. Each extent is the span of the voxel centres projected on the direction plus one
/// voxel's own extent along it (sum of |direction_i| * spacing_i).
struct ZoneDimensions {
    struct Probe: Equatable {
        var name: String
        /// Along the probe axis (entry to tip) [mm].
        var lengthMM: Double
        /// Across the axis: in the plane of the axis and the superior direction (or anterior
        /// for a vertical probe), and perpendicular to both [mm].
        var widthMM: Double, depthMM: Double
        var voxels: Int
    }
    let probes: [Probe]

    init(grid g: Grid3D, zones: [UInt8], probes: [RunSummary.Probe]) {
        let usable = probes.filter { $0.tipMm.count == 3 && $0.entryMm.count == 3 }
        let tips = usable.map { SIMD3($0.tipMm[0], $0.tipMm[1], $0.tipMm[2]) }
        var frames: [(SIMD3<Double>, SIMD3<Double>, SIMD3<Double>)] = []
        for p in usable {
            let d = SIMD3(p.tipMm[0] - p.entryMm[0], p.tipMm[1] - p.entryMm[1], p.tipMm[2] - p.entryMm[2])
            let n = (d * d).sum().squareRoot()
            let u = n > 0 ? d / n : SIMD3(0, 0, 1)
            let up: SIMD3<Double> = abs(u.z) > 0.9 ? SIMD3(0, 1, 0) : SIMD3(0, 0, 1)
            var v = up - (up * u).sum() * u
            v /= (v * v).sum().squareRoot()
            let w = SIMD3(u.y * v.z - u.z * v.y, u.z * v.x - u.x * v.z, u.x * v.y - u.y * v.x)
            frames.append((u, v, w))
        }
        var lo = [SIMD3<Double>](repeating: SIMD3(repeating: .infinity), count: usable.count)
        var hi = [SIMD3<Double>](repeating: SIMD3(repeating: -.infinity), count: usable.count)
        var counts = [Int](repeating: 0, count: usable.count)
        if !usable.isEmpty {
            for k in 0..<g.nz { for j in 0..<g.ny { for i in 0..<g.nx {
                let z = zones[(k * g.ny + j) * g.nx + i]
                guard z == AblationZone.Label.ablated || z == AblationZone.Label.lethalIce else { continue }
                let x = g.world(SIMD3(Double(i), Double(j), Double(k))) * 1000
                var best = 0, bestD = Double.infinity
                for (n, t) in tips.enumerated() {
                    let d = ((x - t) * (x - t)).sum()
                    if d < bestD { best = n; bestD = d }
                }
                let (u, v, w) = frames[best]
                let q = SIMD3((x * u).sum(), (x * v).sum(), (x * w).sum())
                lo[best] = pointwiseMin(lo[best], q); hi[best] = pointwiseMax(hi[best], q)
                counts[best] += 1
            } } }
        }
        // One voxel's extent along a world direction: the voxel axes (columns) times spacing.
        func voxelExtent(_ dir: SIMD3<Double>) -> Double {
            (0..<3).reduce(0.0) { acc, c in
                let col = SIMD3(g.direction[3 * c], g.direction[3 * c + 1], g.direction[3 * c + 2])
                return acc + abs((col * dir).sum()) * g.spacing[c] * 1000
            }
        }
        self.probes = usable.indices.map { n in
            let (u, v, w) = frames[n]
            guard counts[n] > 0 else { return Probe(name: usable[n].name, lengthMM: 0, widthMM: 0, depthMM: 0, voxels: 0) }
            let span = hi[n] - lo[n]
            return Probe(name: usable[n].name, lengthMM: span.x + voxelExtent(u), widthMM: span.y + voxelExtent(v),
                         depthMM: span.z + voxelExtent(w), voxels: counts[n])
        }
    }
}
