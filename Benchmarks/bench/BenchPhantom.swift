import Foundation
import AblasimCore
import AblasimPhysics

/// A heterogeneous lumbar-like label volume for benchmarking: paraspinal muscle around a
/// vertebral body (cortical shell, cancellous core with marrow islands, discs every third
/// of the height), a metastasis in the body, the spinal canal (dura, CSF, cord), nerve
/// roots, posterior elements, a subcutaneous fat layer and two large vessels. Geometry
/// scales with the grid, so every size has the same tissue fractions.
struct BenchPhantom {
    let grid: Grid3D
    let materials: [ThermalMaterial]
    let codes: [UInt8]

    static let tissueNames = ["muscle", "fat", "cortical_bone", "cancellous_bone", "intervertebral_disc",
                              "tumor_metastasis", "dura", "csf", "spinal_cord", "nerve_root", "blood",
                              "ligament", "red_marrow"]

    init(n: Int, spacing: Double = 0.5e-3) throws {
        grid = try Grid3D(nx: n, ny: n, nz: n, isotropic: spacing)
        let table = TissueTable.standard
        materials = try Self.tissueNames.map { .tissue(try table.tissue(named: $0)) }
        func code(_ name: String) -> UInt8 { UInt8(Self.tissueNames.firstIndex(of: name)!) }
        let muscle = code("muscle"), fat = code("fat"), cortical = code("cortical_bone")
        let cancellous = code("cancellous_bone"), disc = code("intervertebral_disc")
        let tumour = code("tumor_metastasis"), dura = code("dura"), csf = code("csf")
        let cord = code("spinal_cord"), root = code("nerve_root"), blood = code("blood")
        let ligament = code("ligament"), marrow = code("red_marrow")
        // Marrow islands: fixed pseudo-random centres inside the body (unit coordinates).
        var rng = SplitMix64(seed: 2024)
        var islands: [SIMD3<Double>] = []
        while islands.count < 24 {
            let p = SIMD3(0.28 + 0.44 * rng.nextUnit(), 0.18 + 0.44 * rng.nextUnit(), rng.nextUnit())
            let dx = p.x - 0.5, dy = p.y - 0.4
            if dx * dx + dy * dy < 0.17 * 0.17 { islands.append(p) }
        }
        var out = [UInt8](repeating: muscle, count: n * n * n)
        let inv = 1.0 / Double(n)
        out.withUnsafeMutableBufferPointer { buf in
            DispatchQueue.concurrentPerform(iterations: n) { k in
                let z = (Double(k) + 0.5) * inv
                let inDiscSlab = (z * 3).truncatingRemainder(dividingBy: 1) < 0.15
                let rootLevel = abs((z * 3).truncatingRemainder(dividingBy: 1) - 0.5) < 0.04
                for j in 0..<n {
                    let y = (Double(j) + 0.5) * inv
                    for i in 0..<n {
                        let x = (Double(i) + 0.5) * inv
                        var l = muscle
                        // Subcutaneous fat, thickness varying along x.
                        if y > 0.88 - 0.03 * sin(6 * x) { l = fat }
                        // Vessels anterior to the body.
                        for cx in [0.36, 0.64] {
                            let dx = x - cx, dy = y - 0.1
                            if dx * dx + dy * dy < 0.035 * 0.035 { l = blood }
                        }
                        // Vertebral body / disc.
                        let bx = x - 0.5, by = y - 0.4
                        let rb = (bx * bx + by * by).squareRoot()
                        if rb < 0.22 {
                            if inDiscSlab { l = disc }
                            else if rb > 0.19 { l = cortical }
                            else {
                                l = cancellous
                                for p in islands {
                                    let d = SIMD3(x, y, z) - p
                                    if (d * d).sum() < 0.025 * 0.025 { l = marrow; break }
                                }
                            }
                        }
                        // Metastasis in the body.
                        let t = SIMD3(x - 0.55, y - 0.42, z - 0.5)
                        if (t * t).sum() < 0.09 * 0.09 { l = tumour }
                        // Spinal canal with posterior arch and ligament.
                        let cx = x - 0.5, cy = y - 0.72
                        let rc = (cx * cx + cy * cy).squareRoot()
                        if rc < 0.14 && cy > -0.02 && !inDiscSlab { l = cortical }
                        if rc < 0.155 && rc >= 0.14 && cy > 0 { l = ligament }
                        if rc < 0.1 { l = dura }
                        if rc < 0.085 { l = csf }
                        if rc < 0.045 { l = cord }
                        // Nerve roots leaving the canal laterally at each level.
                        if rootLevel && abs(cy + 0.01) < 0.02 && rc >= 0.045 && abs(cx) < 0.3 { l = root }
                        buf[(k * n + j) * n + i] = l
                    }
                }
            }
        }
        codes = out
    }

    /// Fraction of aligned 8-voxel x-blocks whose labels and all six neighbours' labels
    /// are one tissue (where a row kernel can broadcast instead of gather).
    func uniformBlockFraction() -> Double {
        let n = grid.nx
        guard n >= 8 else { return 0 }
        var uniform = 0, total = 0
        for k in 0..<n { for j in 0..<n { for i0 in stride(from: 0, to: n - 7, by: 8) {
            total += 1
            let l = codes[(k * n + j) * n + i0]
            var same = true
            outer: for i in i0..<(i0 + 8) {
                for (di, dj, dk) in [(0, 0, 0), (-1, 0, 0), (1, 0, 0), (0, -1, 0), (0, 1, 0), (0, 0, -1), (0, 0, 1)] {
                    let a = i + di, b = j + dj, c = k + dk
                    if a < 0 || b < 0 || c < 0 || a >= n || b >= n || c >= n { same = false; break outer }
                    if codes[(c * n + b) * n + a] != l { same = false; break outer }
                }
            }
            if same { uniform += 1 }
        } } }
        return Double(uniform) / Double(max(total, 1))
    }

    /// Tissue counts, for the report.
    func distinctMaterials() -> Int { Set(codes).count }
}

