import AblasimCore
import AblasimPhysics

/// The ablation zone and its metrics, from a finished solver's dose and extreme fields.
///
/// A tissue voxel is ablated (coagulated) when any accepted necrosis criterion holds
/// (../shared/data/damage-and-thresholds.md): Arrhenius Omega >= 1, T_max >= 60 C
/// (instant coagulation), or CEM43 >= 240 min. For cryo, tissue at or below the lethal
/// isotherm (-20 C, Hsu 2014 / Popken 2003) is ablated.
public struct AblationZone {
    /// Per-voxel zone label, x fastest: 0 untreated, 1 ablated (heat), 2 lethal ice (<= -20 C),
    /// 3 ice (<= 0 C) not lethal, 4 heated above 42 C but not ablated.
    public let zoneLabels: [UInt8]
    public let summary: RunSummary.Zones

    public enum Label {
        public static let none: UInt8 = 0, ablated: UInt8 = 1, lethalIce: UInt8 = 2, ice: UInt8 = 3, heated42: UInt8 = 4
        public static let legend: [UInt8: String] = [0: "untreated", 1: "ablated", 2: "lethal_ice", 3: "ice", 4: "above_42C"]
    }

    /// Necrosis criteria, defaults from damage-and-thresholds.md.
    public struct Criteria: Sendable {
        public var omega = 1.0
        public var tMaxC = 60.0
        public var cem43Min = 240.0
        public var lethalIceC = -20.0
        public var certainIceC = -40.0
        public init() {}
    }

    /// - Parameters:
    ///   - tumor: true per voxel (x fastest) where the phantom has tumour.
    ///   - tips: probe tip positions (continuous voxel indices) for the coalescence test.
    public init(solver: PennesSolver<Float>, tumor: [Bool], tips: [SIMD3<Double>], criteria: Criteria = Criteria()) {
        let g = solver.grid
        let nx = g.nx, ny = g.ny, nz = g.nz
        var zone = [UInt8](repeating: 0, count: g.voxelCount)
        var ablated = [Bool](repeating: false, count: g.voxelCount)
        var counts = (ablated: 0, tumor: 0, tumorAblated: 0, t42: 0, t60: 0, ice: 0, ice20: 0, ice40: 0)
        let isTissue = solver.materials.map { $0.tissue != nil }
        for k in 0..<nz { for j in 0..<ny { for i in 0..<nx {
            let v = (k * ny + j) * nx + i
            let m = Int(solver.codes[i, j, k] & ~MaterialCode.coagulated)
            let tumorVoxel = tumor.isEmpty ? false : tumor[v]
            if tumorVoxel { counts.tumor += 1 }
            guard isTissue[m] else { continue }
            let tmax = Double(solver.tMax[i, j, k]), tmin = Double(solver.tMin[i, j, k])
            let heat = solver.omega[i, j, k] >= criteria.omega || tmax >= criteria.tMaxC || solver.cem43[i, j, k] >= criteria.cem43Min
            let lethalCold = tmin <= criteria.lethalIceC
            if tmax >= 42 { counts.t42 += 1 }
            if tmax >= 60 { counts.t60 += 1 }
            if tmin <= 0 { counts.ice += 1 }
            if lethalCold { counts.ice20 += 1 }
            if tmin <= criteria.certainIceC { counts.ice40 += 1 }
            if heat || lethalCold {
                ablated[v] = true
                counts.ablated += 1
                if tumorVoxel { counts.tumorAblated += 1 }
                zone[v] = heat ? Label.ablated : Label.lethalIce
            } else if tmin <= 0 {
                zone[v] = Label.ice
            } else if tmax >= 42 {
                zone[v] = Label.heated42
            }
        } } }
        let (componentOf, components) = AblationZone.connectedComponents(ablated, nx: nx, ny: ny, nz: nz)
        // A tip sits in the probe, not in tissue: it belongs to the components of the
        // ablated voxels within 2 voxels of it.
        var tipComponents = Set<Int32>()
        var everyTipTouches = !tips.isEmpty
        for tip in tips {
            var found = false
            let c = SIMD3<Int>(Int(tip.x.rounded()), Int(tip.y.rounded()), Int(tip.z.rounded()))
            for dk in -2...2 { for dj in -2...2 { for di in -2...2 {
                let i = c.x + di, j = c.y + dj, k = c.z + dk
                guard i >= 0, j >= 0, k >= 0, i < nx, j < ny, k < nz else { continue }
                let id = componentOf[(k * ny + j) * nx + i]
                if id >= 0 { tipComponents.insert(id); found = true }
            } } }
            if !found { everyTipTouches = false }
        }
        let v = g.voxelVolume * 1e6  // m^3 -> ml
        zoneLabels = zone
        summary = RunSummary.Zones(
            ablationMl: Double(counts.ablated) * v,
            tumorMl: Double(counts.tumor) * v,
            tumorCoverage: counts.tumor > 0 ? Double(counts.tumorAblated) / Double(counts.tumor) : nil,
            components: components,
            coalescent: everyTipTouches && tipComponents.count == 1,
            t42Ml: Double(counts.t42) * v, t60Ml: Double(counts.t60) * v,
            iceMl: Double(counts.ice) * v, lethalIce20Ml: Double(counts.ice20) * v, lethalIce40Ml: Double(counts.ice40) * v)
    }

    /// 26-connected components of a mask (x fastest): component id per voxel (-1 outside)
    /// and the number of components. Iterative flood fill: no recursion depth limit.
    public static func connectedComponents(_ mask: [Bool], nx: Int, ny: Int, nz: Int) -> ([Int32], Int) {
        var id = [Int32](repeating: -1, count: mask.count)
        var next: Int32 = 0
        var stack: [Int] = []
        for seed in 0..<mask.count where mask[seed] && id[seed] < 0 {
            id[seed] = next
            stack.append(seed)
            while let v = stack.popLast() {
                let (i, j, k) = VoxelIndex.decode(v, dims: SIMD3(nx, ny, nz)).tuple
                for dk in -1...1 { for dj in -1...1 { for di in -1...1 {
                    let a = i + di, b = j + dj, c = k + dk
                    guard a >= 0, b >= 0, c >= 0, a < nx, b < ny, c < nz else { continue }
                    let w = (c * ny + b) * nx + a
                    if mask[w] && id[w] < 0 { id[w] = next; stack.append(w) }
                } } }
            }
            next += 1
        }
        return (id, Int(next))
    }
}
