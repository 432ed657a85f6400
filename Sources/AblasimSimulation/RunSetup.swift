import Foundation
import AblasimCore
import AblasimPhantom
import AblasimPhysics

/// A scenario made concrete on a phantom: the thermal model with its probes painted in,
/// the heat sources, the thermocouples and what the zone metrics need.
public struct RunSetup {
    public let phantom: Phantom
    public let scenario: Scenario
    public let model: ThermalModel
    /// Held temperatures (saline irrigation, the applicators' coolant and surfaces), in order.
    public let boundaries: [BoundaryCondition]
    public let sources: [HeatSource]
    /// The probes as the summary reports them (mm).
    public let probes: [RunSummary.Probe]
    /// Probe tips as continuous voxel indices (for the coalescence test).
    public let tips: [SIMD3<Double>]
    /// Each applicator's shaft voxels (linear indices), in `probes` order.
    public let probeShafts: [[Int]]
    public let thermocouples: [Thermocouple]
    /// True where the phantom has tumour, x fastest.
    public let tumorMask: [Bool]
    /// Simulated time the protocol needs [s] (sequential RF runs one channel after another).
    public let duration: Double
    /// The phantom's anatomy audit findings (and warnings stored by a forced import), for
    /// summary.json and the report.
    public let anatomyAudit: [String]

    public static func build(phantom: Phantom, scenario: Scenario, executor: SlabExecutor, budget: RunBudget = RunBudget()) throws -> RunSetup {
        try checkMemory(phantom: phantom, scenario: scenario, budget: budget)
        let table = try tissueTable(for: phantom, scenario: scenario)
        var model = try ThermalModel(grid: phantom.grid, labels: phantom.labels, legend: phantom.legend, table: table)
        var boundaries: [BoundaryCondition] = []
        let protection: Thermoprotection.Option?
        switch scenario.epiduralDissection {
        case .none: protection = nil
        case .co2: protection = .co2Dissection
        case .dextrose: protection = .dextroseDissection
        case .saline: protection = .salineIrrigation(temperature: scenario.salineTempC)
        }
        if let protection, let holder = try Thermoprotection.apply(protection, to: &model, table: table) {
            boundaries.append(holder)
        }

        guard let modality = ModalityRegistry.named(scenario.modality) else {
            throw SimulationError.invalidInput("unknown modality '\(scenario.modality)'; valid: \(ModalityRegistry.all.map(\.name.rawValue).joined(separator: ", "))")
        }
        let installed = try modality.install(into: &model, placement: ModalityPlacement(phantom: phantom, scenario: scenario, executor: executor))
        boundaries += installed.boundaries
        let (probes, tips, duration) = (installed.probes, installed.tips, installed.duration)

        var thermocouples: [Thermocouple] = phantom.landmarks.sites.sorted(by: { $0.key < $1.key }).map { name, p in
            Thermocouple(name: name, structure: RunSetup.structure(ofSite: name), position: p)
        }
        for spec in scenario.thermocouples { thermocouples.append(try Thermocouple(spec: spec)) }
        let tumorLabels = Set(phantom.legend.filter { $0.value.hasPrefix("tumor") }.keys)
        return RunSetup(phantom: phantom, scenario: scenario, model: model, boundaries: boundaries, sources: installed.sources, probes: probes, tips: tips, probeShafts: installed.shafts,
                        thermocouples: thermocouples, tumorMask: phantom.labels.map { tumorLabels.contains($0) },
                        duration: duration, anatomyAudit: auditFindings(phantom))
    }

    /// Audit findings of `phantom`: the stored warnings of a forced import, then what the
    /// audit finds now (a user's own .vox is audited too), each once.
    static func auditFindings(_ phantom: Phantom) -> [String] {
        var out = phantom.auditWarnings
        for f in AnatomyAudit.run(phantom).findings.map(\.description) where !out.contains(f) { out.append(f) }
        return out
    }

    /// The reference tissue table with the scenario's overrides. An override must change a
    /// tissue of this phantom (directly, through an alias such as tumor_metastasis for
    /// tumor_lytic, or as `*`) unless `allow_unused_overrides` is set: an override that
    /// changes nothing is almost always a misspelt or misremembered name.
    public static func tissueTable(for phantom: Phantom, scenario: Scenario) throws -> TissueTable {
        let standard = TissueTable.standard
        let present = Set(phantom.tissueVolumes().keys)
        for name in scenario.tissueOverrides.keys.sorted() where !scenario.allowUnusedOverrides {
            let reached = standard.reached(by: name)
            guard reached.contains(where: present.contains) else {
                throw SimulationError.invalidInput("tissue override tissue.\(name).*: phantom '\(phantom.name)' has no \(name) tissue (nor an alias of it); its tissues: \(present.sorted().joined(separator: ", ")). Set allow_unused_overrides=true (--allow-unused) to keep it anyway")
            }
        }
        return try standard.applying(scenario.tissueOverrides)
    }

    /// Refuses, before any field is allocated, a run whose estimated memory exceeds the
    /// budget (the modality's applicators estimated by the modality).
    static func checkMemory(phantom: Phantom, scenario: Scenario, budget: RunBudget) throws {
        try RunMemoryEstimate.estimate(grid: phantom.grid, scenario: scenario, phantom: phantom).check(against: budget, grid: phantom.grid)
    }

    /// Microwave, laser and cryo applicators: along the explicit trajectories when the
    /// scenario has them (their number must be `count`), otherwise along the pedicle axes:
    /// one applicator goes through the pedicle `rf.placement` names (left when
    /// bipedicular), two use both pedicles; more than two do not fit a transpedicular
    /// approach. Each shaft is checked clear of the canal and the nerve roots.
    /// Returns each applicator's name, axis and shaft voxels (`ApplicatorAxis.voxels`, the
    /// whole inserted shaft): the raster checked is the one a painted shaft installs.
    static func applicatorAxes(phantom: Phantom, scenario: Scenario, count: Int, radius: Double, kind: String) throws -> [(name: String, axis: ApplicatorAxis, shaft: [Int])] {
        let planned: [PlannedTrajectory]
        if !scenario.trajectories.isEmpty {
            guard scenario.trajectories.count == count else {
                throw SimulationError.invalidInput("the trajectories key gives \(scenario.trajectories.count) trajectories (\(scenario.trajectories.map(\.name).joined(separator: ", "))) but a \(kind) run places \(count); give exactly \(count)")
            }
            planned = try plannedTrajectories(phantom: phantom, scenario: scenario, sides: [])
        } else {
            switch (count, scenario.rf.placement) {
            case (1, .right): planned = try plannedTrajectories(phantom: phantom, scenario: scenario, sides: ["right"])
            case (1, _): planned = try plannedTrajectories(phantom: phantom, scenario: scenario, sides: ["left"])
            case (2, _): planned = try plannedTrajectories(phantom: phantom, scenario: scenario, sides: ["left", "right"])
            default:
                throw SimulationError.invalidInput("\(count) applicators cannot be placed along the pedicles: transpedicular placement takes 1 or 2 (one per pedicle); give more with the trajectories key")
            }
        }
        return try axes(along: planned, phantom: phantom, radius: radius, kind: kind)
    }

    /// The applicators' axes along planned paths, each shaft checked clear of the canal and
    /// the nerve roots and of the other shafts; with the shaft voxels checked.
    static func axes(along planned: [PlannedTrajectory], phantom: Phantom, radius: Double, kind: String) throws -> [(name: String, axis: ApplicatorAxis, shaft: [Int])] {
        var overlap = ShaftOverlap()
        return try planned.map { p in
            let d = p.tip - p.shaftStart
            let length = (d * d).sum().squareRoot()
            let axis = try ApplicatorAxis(tip: p.tip, direction: d / length, radius: radius, insertedLength: length)
            let shaft = try axis.voxels(in: phantom.grid, context: "\(kind) '\(p.name)' (\(p.origin))")
            try checkClearOfNeuralStructures(shaft: shaft, applicator: "\(kind) '\(p.name)'", tip: p.tip, entry: p.shaftStart,
                                             placement: p.origin, phantom: phantom)
            if let (v, other) = overlap.add(shaft) {
                let g = phantom.grid
                let (i, j, k) = g.voxel(v).tuple
                let w = g.world(SIMD3(Double(i), Double(j), Double(k))) * 1000
                throw SimulationError.invalidInput(String(format: "%@s '%@' and '%@' overlap at voxel (%d, %d, %d), %.1f, %.1f, %.1f mm; move them apart by at least one voxel (%.2f mm) plus both radii (%.2f mm each)",
                                                          kind, planned[other].name, p.name, i, j, k, w.x, w.y, w.z, g.spacing.max() * 1000, radius * 1000),
                                                   context: .init(voxel: SIMD3(i, j, k)))
            }
            return (p.name, axis, shaft)
        }
    }

    /// One applicator's straight path, world [m]: tip, and where its shaft starts (one voxel
    /// inside the edge of the grid, back along the line from the tip through the entry).
    struct PlannedTrajectory {
        var name: String
        var tip: SIMD3<Double>
        var shaftStart: SIMD3<Double>
        /// Where the path came from, for messages.
        var origin: String
    }

    /// The explicit trajectories of the scenario if it has any, otherwise the phantom's
    /// pedicle axes of `sides` ("left", "right").
    static func plannedTrajectories(phantom: Phantom, scenario: Scenario, sides: [String]) throws -> [PlannedTrajectory] {
        if !scenario.trajectories.isEmpty {
            return scenario.trajectories.map { t in
                let tip = t.tipMM / 1000
                return PlannedTrajectory(name: t.name, tip: tip, shaftStart: shaftStart(grid: phantom.grid, tip: tip, through: t.entryMM / 1000),
                                         origin: String(format: "trajectory '%@' of the trajectories key: entry %.1f, %.1f, %.1f mm, tip %.1f, %.1f, %.1f mm",
                                                        t.name, t.entryMM.x, t.entryMM.y, t.entryMM.z, t.tipMM.x, t.tipMM.y, t.tipMM.z))
            }
        }
        let lm = phantom.landmarks
        return try sides.map { side in
            guard let axis = side == "left" ? lm.pedicleLeft : lm.pedicleRight else {
                throw SimulationError.invalidInput("phantom '\(phantom.name)' has no pedicle_\(side) landmark; add it to the phantom, choose another placement (rf.placement: bipedicular, left, right) or give the path with the trajectories key (NAME@ex,ey,ez->tx,ty,tz, mm)")
            }
            return PlannedTrajectory(name: side, tip: axis.target, shaftStart: shaftStart(grid: phantom.grid, tip: axis.target, through: axis.entry),
                                     origin: "along the phantom's pedicle_\(side) landmark; or give the path with the trajectories key")
        }
    }

    static func summaryProbe(_ a: ApplicatorAxis, name: String, channel: String) -> RunSummary.Probe {
        RunSummary.Probe(name: name, channel: channel, tipMm: mm(a.tip), entryMm: mm(a.tip - a.direction * a.insertedLength), energyJ: 0)
    }

    /// The protected structure a phantom thermocouple site watches, from its name.
    public static func structure(ofSite name: String) -> NeuralStructure {
        if name.hasPrefix("cord") { return .cord }
        if name.hasPrefix("root") { return .root }
        return .other
    }

    /// The point where a line from `tip` through `through` leaves the grid, one voxel inside.
    static func shaftStart(grid: Grid3D, tip: SIMD3<Double>, through: SIMD3<Double>) -> SIMD3<Double> {
        let a = grid.index(tip), b = grid.index(through)
        let d = b - a
        var tMax = Double.infinity
        let upper = SIMD3<Double>(Double(grid.nx - 2), Double(grid.ny - 2), Double(grid.nz - 2))
        for c in 0..<3 where d[c] != 0 {
            let limit = d[c] > 0 ? (upper[c] - a[c]) / d[c] : (1 - a[c]) / d[c]
            tMax = min(tMax, limit)
        }
        let t = max(1, tMax.isFinite ? tMax : 1)
        return grid.world(a + d * t)
    }
}

func mm(_ p: SIMD3<Double>) -> [Double] { [p.x * 1000, p.y * 1000, p.z * 1000] }
