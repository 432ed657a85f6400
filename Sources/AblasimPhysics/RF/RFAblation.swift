import AblasimCore

/// Entry point for RF ablation: places probes in a thermal model and returns the source.
public enum RFAblation {
    /// Rasterizes the probes, paints each probe's shaft into `model` (near-field model: a
    /// `.fixedTemperature` material held at the steel shaft's temperature every step;
    /// voxel model: cooled shafts as a `.cooledSurface` at the coolant temperature with the
    /// film coefficient to the tissue), and returns the `RFSource` bound to those materials. Probe `c` runs on
    /// generator channel `c`.
    ///
    /// Throws `PhysicsError.invalidInput` for a probe outside the grid, probes whose shafts
    /// share voxels, electrodes that touch, bad powers or gains, or count mismatches.
    /// `rasters`: the probes' rasters when the caller has them already (placement checks
    /// them against the anatomy first; `Probe.rasterize` on this grid), so the voxels
    /// checked are the voxels installed; nil rasterizes here.
    public static func install(probes: [Probe], rasters given: [ProbeRaster]? = nil, generators: [RFGenerator], into model: inout ThermalModel,
                               options: RFOptions = RFOptions(), executor: SlabExecutor = .allCores,
                               name: String = "rf") throws -> RFSource {
        guard !probes.isEmpty else { throw PhysicsError.invalidInput("RF ablation needs at least one probe") }
        guard probes.count == generators.count else {
            throw PhysicsError.invalidInput("RF ablation has \(probes.count) probes but \(generators.count) generator channels; give one channel per probe")
        }
        try options.validate()
        var seen = Set<String>()
        for p in probes where !seen.insert(p.name).inserted {
            throw PhysicsError.invalidInput("two probes are called '\(p.name)'; probe names must be unique")
        }
        for (p, g) in zip(probes, generators) { try g.validate(context: "generator channel of probe '\(p.name)'") }
        let grid = model.grid
        if let given, given.count != probes.count {
            throw PhysicsError.invalidInput("RF ablation has \(probes.count) probes but \(given.count) rasters; give one raster per probe")
        }
        let rasters = try given ?? probes.map { try $0.rasterize(on: grid) }
        var overlap = ShaftOverlap()
        for (pi, r) in rasters.enumerated() {
            if let (v, other) = overlap.add(r.voxels) {
                let (i, j, k) = grid.voxel(v).tuple
                throw PhysicsError.invalidInput("probes '\(probes[other].name)' and '\(probes[pi].name)' overlap at voxel (\(i), \(j), \(k)); move them apart by at least one voxel plus both radii")
            }
        }
        if probes.contains(where: { !$0.isBipolar }), case .box = options.domain {
            // Allowed, but the pad is then the box surface; nothing to check.
        }
        var materials: [Int?] = []
        for (p, r) in zip(probes, rasters) {
            if options.electrodeModel == .nearField {
                // The steel shaft holds its own temperature (`ElectrodeShaft`); coolant and
                // film act inside it.
                let index = try model.addMaterial(.fixedTemperature(name: "probe:\(p.name)"))
                model.paint(r.voxels, material: index)
                materials.append(p.cooling == nil ? nil : index)
            } else if let c = p.cooling {
                let index = try model.addMaterial(.cooledSurface(name: "probe:\(p.name)", filmCoefficient: c.filmCoefficient))
                model.paint(r.voxels, material: index)
                materials.append(index)
            } else {
                materials.append(nil)
            }
        }
        return try RFSource(name: name, grid: grid, probes: probes, generators: generators, rasters: rasters,
                            coolingMaterials: materials, options: options, executor: executor)
    }

    /// The same generators switched on one after another for `phase` seconds each
    /// (sequential mode): channel c runs from c * phase to (c + 1) * phase.
    public static func sequential(_ generators: [RFGenerator], phase: Double) -> [RFGenerator] {
        generators.enumerated().map { c, g in
            var s = g
            s.start = Double(c) * phase
            s.stop = Double(c + 1) * phase
            return s
        }
    }
}
