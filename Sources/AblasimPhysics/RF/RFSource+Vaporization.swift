import AblasimCore

/// Vaporization between re-solves: the voxels whose conductivity collapsed (or recovered)
/// since the last potential solve, and how their heating is corrected locally.
extension RFSource {
    /// Heating of a small spherical inclusion of conductivity c sigma_e in a medium sigma_e
    /// under a uniform far field E0, per sigma_e E0^2: the inner field is
    /// E_i = 3 sigma_e / (sigma_i + 2 sigma_e) E0 (Maxwell, Treatise on Electricity and
    /// Magnetism, 1873, art. 314; the conduction form of the dielectric sphere, Jackson,
    /// Classical Electrodynamics, 3rd ed., sec. 4.4), so Q_i = sigma_i E_i^2 = 9c/(2+c)^2.
    /// A voxel that vaporizes between re-solves is such an inclusion in its unvaporized
    /// neighbourhood: its Q is scaled by the ratio of this factor after and before.
    @inline(__always)
    static func inclusionHeating(_ c: Double) -> Double { 9 * c / ((2 + c) * (2 + c)) }

    /// Relative change of the conductance seen through a small inclusion of relative
    /// conductivity c (its polarizability, 3 (c - 1) / (c + 2), same sources): bounded by
    /// 1.5 however far the voxel collapses, unlike |ln c|.
    @inline(__always)
    static func polarization(_ c: Double) -> Double { 3 * (c - 1) / (c + 2) }

    /// (heated-box index, Q ratio) of every voxel whose vaporization factor differs from the
    /// last re-solve's, in index order.
    func vaporizationCorrections(_ solver: PennesSolver<Float>) -> [(Int, Float)] {
        let model = options.conductivity
        guard model.vaporizes else { return [] }
        let hs = heatSize, ho = heatOrigin, o = boxOrigin
        guard hs.x > 0, hs.y > 0, hs.z > 0 else { return [] }
        let onset = Float(model.vaporizationOnset)
        let t = solver.temperature, c0 = collapseAtSolve
        var perPlane = [[(Int, Float)]](repeating: [], count: hs.z)
        perPlane.withUnsafeMutableBufferPointer { pb in
            let planes = pb.baseAddress!
            executor.forEachSlab(planes: hs.z) { ks in
                for k in ks {
                    var list: [(Int, Float)] = []
                    for j in 0..<hs.y {
                        let tr = t.row(j + ho.y + o.y, k + ho.z + o.z) + o.x + ho.x
                        let cr = c0.row(j + ho.y, k + ho.z) + ho.x
                        for i in 0..<hs.x where tr[i] > onset || cr[i] < 1 {
                            let c1 = Float(model.collapse(at: Double(tr[i])))
                            guard c1 != cr[i] else { continue }
                            let ratio = Self.inclusionHeating(Double(c1)) / Self.inclusionHeating(Double(cr[i]))
                            list.append(((k * hs.y + j) * hs.x + i, Float(ratio)))
                        }
                    }
                    planes[k] = list
                }
            }
        }
        return perPlane.flatMap { $0 }
    }
}
