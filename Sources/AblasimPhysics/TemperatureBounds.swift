import AblasimCore
import AblasimKernels

/// An interval of temperatures [C] the solver's state must stay in: the discrete maximum
/// principle of the bioheat equation.
///
/// For dH/dt = div(k grad T) + w_b c_b (T_a - T) + Q with H(T) increasing, a step of
/// length dt keeps every tissue voxel within
///
///   [min(T^n, T_held, T_boundary, T_a) - dt max(Q^-/C_min),  max(T^n, T_held, T_boundary, T_a) + dt max(Q^+/C_min)]
///
/// (T^n the state at the step's start, T_held the probe/coolant/cryo voxels, T_boundary the
/// outer boundary unless insulated, T_a only where tissue is perfused, C_min the smallest
/// heat capacity of the voxel's tissue: min(C_f, C_u) with freezing, rho c without). The
/// exact solution obeys it (comparison principle), and so does the explicit step within its
/// stability limit: every update is then a convex combination of the old temperatures (in
/// enthalpy with freezing: H(T_new) <= H(M) + dt Q because H(M) - H(T) >= C_min (M - T)).
/// Applied step after step it gives the run's envelope: the coldest held temperature
/// below, the warmest of initial, held, boundary and arterial temperatures plus the heat
/// sources can add above (a derived bound, loose near strong sources, but never wrong).
public struct TemperatureBounds: Equatable, Sendable, CustomStringConvertible {
    public var lower: Double
    public var upper: Double

    public init(lower: Double, upper: Double) { self.lower = lower; self.upper = upper }

    /// Allowance for rounding [K]: float32 steps round at about 1e-5 K near 100 C
    /// (half an ulp of the temperature plus the enthalpy inversion).
    public static let tolerance = 1e-3

    public func contains(_ t: Double) -> Bool { t >= lower - Self.tolerance && t <= upper + Self.tolerance }

    /// The smallest interval holding both.
    public func union(_ o: TemperatureBounds) -> TemperatureBounds {
        TemperatureBounds(lower: Swift.min(lower, o.lower), upper: Swift.max(upper, o.upper))
    }

    public var description: String { String(format: "[%.3f, %.3f] C", lower, upper) }
}

/// What the maximum-principle bounds of a model need besides the state: each code's
/// 1 / C_min, whether any tissue is perfused, and the outer boundary's temperature.
struct MaximumPrincipleTables<S: BinaryFloatingPoint & SIMDScalar> {
    /// 1 / C_min [m^3 K/J] per material code (coagulated bit included), 0 for non-tissue.
    let inverseCapacity: [S]
    /// Temperatures that act on tissue besides the voxels: T_a where perfused, the boundary's unless insulated.
    let fixed: [Double]

    /// Padded indices of the non-tissue voxels (probe, coolant, cryo surfaces): the codes
    /// only gain the coagulated bit during a run, so the list is fixed at init.
    let heldVoxels: [Int]

    init(materials: [ThermalMaterial], freezing: FreezingModel?, boundary: OuterBoundary, arterial: Double, codes: Field3D<UInt8>) {
        var inv = [S](repeating: 0, count: MaterialCode.count)
        var perfused = false
        for (m, material) in materials.enumerated() where m < MaterialCode.maxMaterials {
            guard let t = material.tissue else { continue }
            let cMin = freezing.map { min($0.frozen(t).heatCapacity, t.heatCapacity) } ?? t.heatCapacity
            inv[m] = S(1 / cMin)
            inv[m | Int(MaterialCode.coagulated)] = S(1 / cMin)
            if t.perfusionRate > 0 { perfused = true }
        }
        inverseCapacity = inv
        var held: [Int] = []
        for k in 0..<codes.nz { for j in 0..<codes.ny {
            let r = codes.row(j, k), o = codes.index(0, j, k)
            for i in 0..<codes.nx where inv[Int(r[i])] == 0 { held.append(o + i) }
        } }
        heldVoxels = held
        var fixed: [Double] = []
        if perfused { fixed.append(arterial) }
        if boundary != .insulated { fixed.append(boundary.haloTemperature) }
        self.fixed = fixed
    }

    /// The extremes a step starts from: of every voxel (tissue and held; with `includeTissue`
    /// false the held voxels only, from `heldVoxels`) and the fixed temperatures, and the sources' largest heating
    /// and cooling rates Q/C_min [K/s] (cooling <= 0 <= heating). Per plane, combined in
    /// plane order (min and max are exact: the same for every thread count).
    func extremes(temperature t: Field3D<S>, codes c: Field3D<UInt8>, source q: Field3D<S>,
                  includeTissue: Bool = true, executor: SlabExecutor) -> (bounds: TemperatureBounds, heating: Double, cooling: Double) {
        let nz = t.nz, ny = t.ny, nx = t.nx
        var lo = [Double](repeating: .infinity, count: nz), hi = [Double](repeating: -.infinity, count: nz)
        var heat = [Double](repeating: 0, count: nz), cool = [Double](repeating: 0, count: nz)
        inverseCapacity.withUnsafeBufferPointer { invC in
            lo.withUnsafeMutableBufferPointer { lo in hi.withUnsafeMutableBufferPointer { hi in
                heat.withUnsafeMutableBufferPointer { heat in cool.withUnsafeMutableBufferPointer { cool in
                    executor.forEachSlab(planes: nz) { planes in
                        for k in planes {
                            var l = S.infinity, h = -S.infinity, up: S = 0, down: S = 0
                            for j in 0..<ny {
                                if includeTissue {
                                    let e = rowExtremesSIMD(t.row(j, k), count: nx)
                                    l = Swift.min(l, e.min); h = Swift.max(h, e.max)
                                }
                                let qe = rowExtremesSIMD(q.row(j, k), count: nx)
                                guard qe.min != 0 || qe.max != 0 else { continue }
                                // A source somewhere in the row: its rate over the tissue's capacity.
                                let qr = q.row(j, k), cr = c.row(j, k)
                                for i in 0..<nx {
                                    let r = qr[i] * invC[Int(cr[i])]
                                    up = Swift.max(up, r); down = Swift.min(down, r)
                                }
                            }
                            lo[k] = Double(l); hi[k] = Double(h); heat[k] = Double(up); cool[k] = Double(down)
                        }
                    }
                } }
            } }
        }
        var b = TemperatureBounds(lower: lo.min() ?? .infinity, upper: hi.max() ?? -.infinity)
        if !includeTissue {
            for v in heldVoxels { b = b.union(TemperatureBounds(lower: Double(t.base[v]), upper: Double(t.base[v]))) }
        }
        for f in fixed { b = b.union(TemperatureBounds(lower: f, upper: f)) }
        return (b, heat.max() ?? 0, cool.min() ?? 0)
    }

    /// The bounds of a step of `length` [s] from state `t` with source `q` (see `TemperatureBounds`).
    func stepBounds(temperature t: Field3D<S>, codes c: Field3D<UInt8>, source q: Field3D<S>, length: Double,
                    executor: SlabExecutor) -> TemperatureBounds {
        let e = extremes(temperature: t, codes: c, source: q, executor: executor)
        return TemperatureBounds(lower: e.bounds.lower + length * e.cooling, upper: e.bounds.upper + length * e.heating)
    }

    /// The first voxel of plane k outside `bounds` (with the tolerance), if any.
    static func firstOutside(_ t: Field3D<S>, plane k: Int, bounds: TemperatureBounds) -> (i: Int, j: Int, value: Double)? {
        for j in 0..<t.ny {
            let r = t.row(j, k)
            for i in 0..<t.nx where !bounds.contains(Double(r[i])) { return (i, j, Double(r[i])) }
        }
        return nil
    }
}
