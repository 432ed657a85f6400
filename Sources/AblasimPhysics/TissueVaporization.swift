import AblasimCore
import AblasimKernels

/// Boiling of tissue water near a laser fibre or a microwave antenna: the latent heat sink
/// that holds tissue at the boiling point until its water is gone, and the water loss that
/// follows. Owned by the source, on the box of its heating pattern.
///
/// Enthalpy method, applied once per step to the temperatures the last step produced
/// (`vaporizationRowSIMD`): heat above the boiling point in a voxel that still holds water
/// boils water at L_v per kilogram instead of heating the voxel. Each tissue voxel starts
/// with the latent heat of its water, L = rho W L_v [J/m^3] (W the tissue table's water
/// fraction, read as a mass fraction); once L is spent the voxel is desiccated and heats
/// freely (and may char, `LaserSettings.charTemperature`). This is the liquid-to-vapour
/// model of Abraham & Sparrow 2007 (Int. J. Heat Mass Transfer 50:2537, "A thermal-ablation
/// bioheat model including liquid-to-vapor phase change...") in its simplest form: the
/// vapour leaves the tissue (no recondensation in cooler tissue, no pressure rise), and the
/// thermal conductivity and heat capacity of desiccated tissue stay those of the wet
/// tissue (the solver holds them per material; see docs/laser.md).
///
/// Constants: boiling point 100 C and L_v = 2257 kJ/kg, saturated water at 1 atm
/// (Incropera & DeWitt, Fundamentals of Heat and Mass Transfer, Table A.6).
///
/// The correction lags the step by one update: the step may overshoot the boiling point by
/// its own heating, which the next update returns to the water. The recorded peak of a
/// boiling voxel is corrected with it (`solver.tMax`), so reported peaks are not the
/// transient overshoot; the dose accumulated during that one step at > 100 C is kept (at
/// 100 C tissue is coagulated already).
final class TissueVaporization {
    /// Boiling point of tissue water [C] (saturated water at 1 atm, Incropera & DeWitt Table A.6).
    static let boilingPoint: Float = 100
    /// Latent heat of vaporization of water at 100 C [J/kg] (Incropera & DeWitt Table A.6).
    static let latentHeatOfWater = 2257e3

    /// The box of voxels handled (the laser pattern's box): first voxel and size.
    let origin: SIMD3<Int>
    let size: SIMD3<Int>
    /// Per box voxel, x fastest: rho c [J/(m^3 K)] (1 for voxels without water) and the
    /// latent heat still held [J/m^3].
    private(set) var heatCapacity: [Float]
    var latent: [Float]
    /// Latent heat held at the start [J/m^3], summed over the box (for the statistics).
    let initialLatent: Double
    let voxelVolume: Double

    init(grid: Grid3D, materials: [ThermalMaterial], codes: Field3D<UInt8>, box: (lo: SIMD3<Int>, hi: SIMD3<Int>)) {
        origin = box.lo
        size = box.hi &- box.lo &+ 1
        voxelVolume = grid.voxelVolume
        let n = size.x * size.y * size.z
        var c = [Float](repeating: 1, count: n), l = [Float](repeating: 0, count: n)
        let mask = Int(MaterialCode.coagulated)
        var total = 0.0
        var v = 0
        for k in 0..<size.z {
            for j in 0..<size.y {
                for i in 0..<size.x {
                    let code = Int(codes[origin.x + i, origin.y + j, origin.z + k]) & ~mask
                    if code < materials.count, let t = materials[code].tissue, t.waterFraction > 0 {
                        c[v] = Float(t.heatCapacity)
                        let latentHeat = t.density * t.waterFraction * TissueVaporization.latentHeatOfWater
                        l[v] = Float(latentHeat)
                        total += Double(l[v])
                    }
                    v += 1
                }
            }
        }
        heatCapacity = c; latent = l; initialLatent = total
    }

    /// Whether the last `apply` boiled nothing and found the whole box below boiling.
    /// Without a source no voxel rises above the hottest one (maximum principle), so a
    /// source that emits nothing may skip the pass once it is idle (`applyUnlessIdle`).
    private(set) var idle = false

    /// Whether the source emitted during the step that followed the last call.
    private var emittedBefore = true

    /// Applies the correction unless the last pass boiled nothing and no power was emitted
    /// since (`emitting`: the source emits during the step that follows this call): then
    /// nothing can boil any more until power returns.
    func applyUnlessIdle(solver: PennesSolver<Float>, emitting: Bool) {
        defer { emittedBefore = emitting }
        if !emitting && !emittedBefore && idle { return }
        apply(solver: solver)
    }

    /// Applies the correction to the solver's temperatures and recorded peaks.
    func apply(solver: PennesSolver<Float>) {
        var boiled = 0
        let t = solver.temperature, peak = solver.tMax
        let tb = TissueVaporization.boilingPoint
        heatCapacity.withUnsafeBufferPointer { c in
            latent.withUnsafeMutableBufferPointer { l in
                var row = 0
                for k in 0..<size.z {
                    for j in 0..<size.y {
                        let p = t.index(origin.x, origin.y + j, origin.z + k)
                        boiled += vaporizationRowSIMD(t: t.base + p, latent: l.baseAddress! + row, peak: peak.base + p,
                                            heatCapacity: c.baseAddress! + row, count: size.x, boiling: tb)
                        row += size.x
                    }
                }
            }
        }
        idle = boiled == 0 && hottest(in: t) < tb
    }

    /// Highest temperature in the box: dry tissue above boiling can still heat a wet
    /// neighbour past it by conduction, so the pass is idle only below boiling everywhere.
    private func hottest(in t: Field3D<Float>) -> Float {
        var hi = -Float.infinity
        for k in 0..<size.z {
            for j in 0..<size.y {
                hi = max(hi, rowExtremesSIMD(t.base + t.index(origin.x, origin.y + j, origin.z + k), count: size.x).max)
            }
        }
        return hi
    }

    /// Latent heat absorbed so far [J].
    var absorbedEnergy: Double {
        var left = 0.0
        for x in latent { left += Double(x) }
        return (initialLatent - left) * voxelVolume
    }

    /// Checkpoint: the latent heat left per box voxel (nil: no vaporizer yet).
    static func save(_ v: TissueVaporization?, to w: inout StateWriter) {
        w.write(v != nil)
        if let v {
            w.write(UInt64(v.latent.count))
            v.latent.withUnsafeBufferPointer { w.write(raw: $0) }
        }
    }

    /// Reads what `save` wrote; the latent heat is installed when the source rebuilds its
    /// vaporizer (`install(restored:)`).
    static func restoredLatent(from r: inout StateReader) throws -> [Float]? {
        guard try r.readBool() else { return nil }
        let n = try r.read(UInt64.self)
        guard n <= 1 << 32 else { throw CoreError("\(r.context): checkpoint vaporization box of \(n) voxels is corrupt") }
        var l = [Float](repeating: 0, count: Int(n))
        try l.withUnsafeMutableBufferPointer { try r.read(into: $0) }
        return l
    }

    /// Takes the latent heat of a restored checkpoint (same box).
    func install(restored l: [Float]?) {
        if let l, l.count == latent.count { latent = l }
    }

    /// Summary statistics under `prefix` (e.g. "laser").
    func statistics(prefix: String) -> [String: Double] {
        ["\(prefix).vaporization_energy_j": absorbedEnergy, "\(prefix).desiccated_voxels": Double(desiccatedCount)]
    }

    /// Voxels whose water is gone.
    var desiccatedCount: Int {
        var n = 0
        for (x, c) in zip(latent, heatCapacity) where x <= 0 && c != 1 { n += 1 }
        return n
    }
}
