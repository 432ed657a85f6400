import AblasimCore

/// A probe's shaft on the voxel grid.
public struct ProbeRaster: Sendable {
    /// What a shaft voxel is to the potential solve.
    public enum Role: Sendable, Equatable {
        case electrode(ElectrodePole)
        case insulation
    }
    /// Linear voxel indices (x fastest) of the shaft inside the grid.
    public let voxels: [Int]
    /// Role of each voxel in `voxels`.
    public let roles: [Role]

    /// Voxels of one electrode.
    public func voxels(of pole: ElectrodePole) -> [Int] {
        zip(voxels, roles).compactMap { $0.1 == .electrode(pole) ? $0.0 : nil }
    }
}

extension Probe {
    /// Radius used for rasterization [m]: the shaft radius, but at least 0.87 of the largest
    /// voxel size so a shaft in any direction stays face-connected (sqrt(3)/2 ~ 0.87 is the
    /// distance of a voxel corner from its centre along the body diagonal).
    public func rasterRadius(on grid: Grid3D) -> Double {
        max(radius, 0.87 * grid.spacing.max())
    }

    /// Voxels whose centre lies within the raster radius of the shaft axis, between the tip
    /// and the entry; each classified by the segment (from the tip backwards) it lies in.
    /// Throws when the tip or an electrode lies outside the grid.
    public func rasterize(on grid: Grid3D, context: String = "probe placement") throws -> ProbeRaster {
        try validate(context: context)
        let ti = grid.index(tip)
        let half = SIMD3<Double>(repeating: 0.5)
        let lo = SIMD3<Double>(repeating: 0) - half, hi = SIMD3<Double>(Double(grid.nx), Double(grid.ny), Double(grid.nz)) - half
        guard all(ti .>= lo) && all(ti .<= hi) else {
            throw PhysicsError.invalidInput(String(format: "%@: probe '%@' tip at (%.1f, %.1f, %.1f) mm lies outside the grid (voxel index (%.1f, %.1f, %.1f), grid %dx%dx%d)",
                                                   context, name, tip.x * 1000, tip.y * 1000, tip.z * 1000, ti.x, ti.y, ti.z, grid.nx, grid.ny, grid.nz))
        }
        let r = rasterRadius(on: grid)
        let ei = grid.index(entry)
        let pad = SIMD3<Double>(r / grid.spacing.x, r / grid.spacing.y, r / grid.spacing.z) + 1
        let bmin = pointwiseMax(pointwiseMin(ti, ei) - pad, .zero)
        let bmax = pointwiseMin(pointwiseMax(ti, ei) + pad, SIMD3(Double(grid.nx - 1), Double(grid.ny - 1), Double(grid.nz - 1)))
        var voxels: [Int] = [], roles: [ProbeRaster.Role] = []
        let axis = backward, len = length
        // Segment boundaries from the tip backwards [m].
        var bounds: [(Double, Double, ShaftSegment.Kind)] = []
        var s = 0.0
        for seg in segments { bounds.append((s, s + seg.length, seg.kind)); s += seg.length }
        if bmin.x <= bmax.x && bmin.y <= bmax.y && bmin.z <= bmax.z {
            for k in Int(bmin.z.rounded(.down))...Int(bmax.z.rounded(.up)) {
                for j in Int(bmin.y.rounded(.down))...Int(bmax.y.rounded(.up)) {
                    for i in Int(bmin.x.rounded(.down))...Int(bmax.x.rounded(.up)) {
                        let w = grid.world(SIMD3(Double(i), Double(j), Double(k)))
                        let d = w - tip
                        let t = (d * axis).sum()
                        guard t >= 0, t <= len else { continue }
                        let radial = d - axis * t
                        guard (radial * radial).sum() <= r * r else { continue }
                        var role = ProbeRaster.Role.insulation
                        for (a, b, kind) in bounds where t >= a && t < b {
                            if case .electrode(let pole) = kind { role = .electrode(pole) }
                        }
                        voxels.append((k * grid.ny + j) * grid.nx + i)
                        roles.append(role)
                    }
                }
            }
        }
        let raster = ProbeRaster(voxels: voxels, roles: roles)
        for pole in [ElectrodePole.active, .returning] where segments.contains(where: { $0.kind == .electrode(pole) }) {
            if raster.voxels(of: pole).isEmpty {
                throw PhysicsError.invalidInput("\(context): probe '\(name)': its \(pole.rawValue) electrode covers no voxel of the grid (outside the grid or shorter than a voxel at \(grid.spacing.max() * 1000) mm spacing)")
            }
        }
        return raster
    }
}
