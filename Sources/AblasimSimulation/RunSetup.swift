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
    public let sources: [HeatSource]
    /// The probes as the summary reports them (mm).
    public let probes: [RunSummary.Probe]
    /// Probe tips as continuous voxel indices (for the coalescence test).
    public let tips: [SIMD3<Double>]
    public let thermocouples: [Thermocouple]
    /// True where the phantom has tumour, x fastest.
    public let tumorMask: [Bool]
    /// Simulated time the protocol needs [s] (sequential RF runs one channel after another).
    public let duration: Double
    /// The phantom's anatomy audit findings (and warnings stored by a forced import), for
    /// summary.json and the report.
    public let anatomyAudit: [String]

    /// Default probe presets per RF mode. Cooled bipolar 15 mm: an active length that fits a
    /// lumbar body along the transpedicular axis without reaching back into the pedicle
    /// next to the canal (body depth about 30-35 mm, Phantoms/README.md).
    public static let defaultBipolarPreset = "cooled-bipolar-15"
    /// 17 G, 10 mm tip: the osteoid-osteoma RF electrode (calibration-targets.md).
    public static let defaultMonopolarPreset = "monopolar-17g-10mm"

    public static func build(phantom: Phantom, scenario: Scenario, executor: SlabExecutor, budget: RunBudget = RunBudget()) throws -> RunSetup {
        try checkMemory(phantom: phantom, scenario: scenario, budget: budget)
        let table = try tissueTable(for: phantom, scenario: scenario)
        var model = try rethrowInput { try ThermalModel(grid: phantom.grid, labels: phantom.labels, legend: phantom.legend, table: table) }
        var sources: [HeatSource] = []
        let protection: Thermoprotection.Option?
        switch scenario.epiduralDissection {
        case .none: protection = nil
        case .co2: protection = .co2Dissection
        case .dextrose: protection = .dextroseDissection
        case .saline: protection = .salineIrrigation(temperature: scenario.salineTempC)
        }
        if let protection, let holder = try rethrowInput({ try Thermoprotection.apply(protection, to: &model, table: table) }) {
            sources.append(holder)
        }

        var probes: [RunSummary.Probe] = []
        var tips: [SIMD3<Double>] = []
        var duration = scenario.durationS
        switch scenario.modality {
        case .rf:
            let placed = try placeRFProbes(phantom: phantom, scenario: scenario)
            let power = scenario.rf.powerW
            let mode: RFGeneratorMode
            switch scenario.rf.generator {
            case .temperature: mode = .temperatureControlled(target: scenario.rf.targetTempC, maxPower: power)
            case .power: mode = .constantPower(watts: power)
            // Ramp: from 2 W up by 0.1 W/s to the ceiling (assumed, a gentle manual ramp).
            case .ramp: mode = .ramp(startWatts: min(2, power), wattsPerSecond: 0.1, ceilingWatts: power)
            }
            var generators = placed.map { _ in RFGenerator(mode: mode) }
            if scenario.rf.sequential && placed.count > 1 {
                generators = RFAblation.sequential(generators, phase: scenario.durationS)
                duration = scenario.durationS * Double(placed.count)
            }
            var options = RFOptions()
            if let d = scenario.rf.driftTolerance { options.driftTolerance = d }
            if let d = scenario.rf.driftCheckS { options.driftCheckInterval = d }
            if let m = scenario.rf.boxMarginMM { options.domain = .box(margin: m / 1000) }
            let rf = try rethrowInput {
                try RFAblation.install(probes: placed, generators: generators, into: &model, options: options, executor: executor)
            }
            sources.append(rf)
            for (c, p) in placed.enumerated() {
                probes.append(RunSummary.Probe(name: p.name, channel: "ch\(c + 1)", tipMm: mm(p.tip), entryMm: mm(p.entry), energyJ: 0))
                tips.append(phantom.grid.index(p.tip))
            }
        case .microwave:
            let (name, axis) = try applicatorAxes(phantom: phantom, scenario: scenario, count: 1, radius: microwaveShaftRadius, kind: "microwave antenna")[0]
            let settings = MicrowaveSettings(absorbedPower: scenario.microwave.powerW, frequency: scenario.microwave.frequencyMHz * 1e6,
                                             waterLoss: scenario.microwave.waterLoss ? .standard : nil,
                                             vaporization: scenario.microwave.vaporization)
            let antenna = try rethrowInput { try MicrowaveAblation.install(applicator: axis, settings: settings, into: &model) }
            sources.append(antenna)
            // The summary finds each probe's energy under its source's channel name.
            probes.append(summaryProbe(axis, name: scenario.trajectories.isEmpty ? "antenna" : name, channel: antenna.channelSamples()[0].channel))
            tips.append(phantom.grid.index(axis.tip))
        case .laser:
            let (name, axis) = try applicatorAxes(phantom: phantom, scenario: scenario, count: 1, radius: laserNeedleRadius, kind: "laser fibre")[0]
            try scenario.checkLaserDelivery()
            let settings = scenario.laser.settings
            let fibre = try rethrowInput { try LaserAblation.install(fibre: axis, settings: settings, into: &model) }
            sources.append(fibre)
            probes.append(summaryProbe(axis, name: scenario.trajectories.isEmpty ? "fibre" : name, channel: fibre.channelSamples()[0].channel))
            tips.append(phantom.grid.index(axis.tip))
        case .cryo:
            // Explicit trajectories set the number of cryoprobes; otherwise cryo.probes does.
            let count = scenario.trajectories.isEmpty ? scenario.cryo.probes : scenario.trajectories.count
            let named = try applicatorAxes(phantom: phantom, scenario: scenario, count: count, radius: cryoProbeRadius, kind: "cryoprobe")
            let axes = named.map(\.axis)
            let phases = try rethrowInput { try CryoProtocol.alternating(minutes: scenario.cryo.protocolMin) }
            let sts = try rethrowInput { scenario.cryo.superStepS > 0 ? try SuperTimeStepping(superStep: scenario.cryo.superStepS) : nil }
            let settings = CryoSettings(protocolPhases: phases, superTimeStepping: sts)
            let cryo = try rethrowInput { try Cryoablation.install(probes: axes, settings: settings, into: &model) }
            sources.append(cryo)
            let channels = cryo.channelSamples().map(\.channel)
            for (c, a) in axes.enumerated() {
                probes.append(summaryProbe(a, name: scenario.trajectories.isEmpty ? "cryo\(c + 1)" : named[c].name, channel: channels[c]))
                tips.append(phantom.grid.index(a.tip))
            }
            // The protocol sets the length of a cryo run unless duration_s is given (shorter:
            // the run stops early; longer: the probes are passive after the protocol).
            if !scenario.durationIsExplicit { duration = scenario.cryo.protocolMin.reduce(0, +) * 60 }
        }

        var thermocouples: [Thermocouple] = phantom.landmarks.sites.sorted(by: { $0.key < $1.key }).map { name, p in
            Thermocouple(name: name, structure: RunSetup.structure(ofSite: name), position: p)
        }
        for spec in scenario.thermocouples { thermocouples.append(try Thermocouple(spec: spec)) }
        let tumorLabels = Set(phantom.legend.filter { $0.value.hasPrefix("tumor") }.keys)
        return RunSetup(phantom: phantom, scenario: scenario, model: model, sources: sources, probes: probes, tips: tips,
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
        return try rethrowInput { try standard.applying(scenario.tissueOverrides) }
    }

    /// Refuses, before any field is allocated, a run whose estimated memory exceeds the
    /// budget. RF: a bipolar run solves the potential on a box around the probe tips (15 mm
    /// margin, RFSource); the estimate takes the tips' bounding box grown by that margin
    /// plus 25 mm for the electrodes, clamped to the grid; monopolar solves on the full grid.
    static func checkMemory(phantom: Phantom, scenario: Scenario, budget: RunBudget) throws {
        let g = phantom.grid
        var rfBox: Double? = nil
        var electrodes = 2
        if scenario.modality == .rf {
            let sides: [String] = scenario.rf.placement == .bipedicular ? ["left", "right"] : [scenario.rf.placement == .left ? "left" : "right"]
            let tips = ((try? plannedTrajectories(phantom: phantom, scenario: scenario, sides: sides)) ?? []).map { g.index($0.tip) }
            electrodes = max(1, tips.count) * (scenario.rf.mode == .bipolar ? 2 : 1)
            if scenario.rf.mode == .bipolar, !tips.isEmpty, tips.allSatisfy({ $0.x.isFinite && $0.y.isFinite && $0.z.isFinite }) {
                var cells = 1.0
                for c in 0..<3 {
                    let reach = 0.040 / g.spacing[c]   // 15 mm margin + 25 mm electrodes, in voxels
                    let lo = max(0, tips.map { $0[c] }.min()! - reach), hi = min(Double(g.dims[c] - 1), tips.map { $0[c] }.max()! + reach)
                    cells *= max(1, hi - lo + 1) + 2
                }
                rfBox = cells
            }
        }
        try RunMemoryEstimate.estimate(grid: g, scenario: scenario, rfBox: rfBox, electrodes: electrodes).check(against: budget, grid: g)
    }

    /// Microwave antenna shaft radius: 14 G, 2.1 mm OD, a common cooled-antenna gauge
    /// (MicrowaveAntenna preset).
    static let microwaveShaftRadius = 1.05e-3
    /// Laser: 400 um fibre through an 18 G needle, OD 1.27 mm (Gangi 1997; ISO 9626).
    static let laserNeedleRadius = 0.635e-3
    /// Cryoprobe: 2.4 mm argon probe (Littrup 2009, calibration-targets.md).
    static let cryoProbeRadius = 1.2e-3

    /// Microwave, laser and cryo applicators: along the explicit trajectories when the
    /// scenario has them (their number must be `count`), otherwise along the pedicle axes:
    /// one applicator goes through the pedicle `rf.placement` names (left when
    /// bipedicular), two use both pedicles; more than two do not fit a transpedicular
    /// approach. Each shaft is checked clear of the canal and the nerve roots.
    static func applicatorAxes(phantom: Phantom, scenario: Scenario, count: Int, radius: Double, kind: String) throws -> [(name: String, axis: ApplicatorAxis)] {
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
        var owner: [Int: String] = [:]   // shaft voxel -> applicator, to refuse overlapping shafts
        return try planned.map { p in
            let d = p.tip - p.shaftStart
            let length = (d * d).sum().squareRoot()
            let axis = try rethrowInput { try ApplicatorAxis(tip: p.tip, direction: d / length, radius: radius, insertedLength: length) }
            let shaft = try rethrowInput { try axis.voxels(in: phantom.grid, context: "\(kind) '\(p.name)' (\(p.origin))") }
            try checkClearOfNeuralStructures(shaft: shaft, applicator: "\(kind) '\(p.name)'", tip: p.tip, entry: p.shaftStart,
                                             placement: p.origin, phantom: phantom)
            for v in shaft {
                if let other = owner[v] {
                    let g = phantom.grid
                    let i = v % g.nx, j = v / g.nx % g.ny, k = v / (g.nx * g.ny)
                    let w = g.world(SIMD3(Double(i), Double(j), Double(k))) * 1000
                    throw SimulationError.invalidInput(String(format: "%@s '%@' and '%@' overlap at voxel (%d, %d, %d), %.1f, %.1f, %.1f mm; move them apart by at least one voxel (%.2f mm) plus both radii (%.2f mm each)",
                                                              kind, other, p.name, i, j, k, w.x, w.y, w.z, g.spacing.max() * 1000, radius * 1000))
                }
                owner[v] = p.name
            }
            return (p.name, axis)
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

    /// RF probes along the explicit trajectories, or the phantom's pedicle axes: tip at the
    /// axis target in the body, shaft back along the axis to just inside the domain (the
    /// real shaft continues to the skin). Each rasterized shaft (electrodes and insulation)
    /// is checked clear of the canal and the nerve roots.
    static func placeRFProbes(phantom: Phantom, scenario: Scenario) throws -> [Probe] {
        let sides: [String]
        switch scenario.rf.placement {
        case .bipedicular: sides = ["left", "right"]
        case .left: sides = ["left"]
        case .right: sides = ["right"]
        }
        let preset = scenario.rf.probe ?? (scenario.rf.mode == .bipolar ? defaultBipolarPreset : defaultMonopolarPreset)
        return try plannedTrajectories(phantom: phantom, scenario: scenario, sides: sides).map { p -> Probe in
            let probe = try rethrowInput { try ProbePreset.probe(preset, name: p.name, entry: p.shaftStart, tip: p.tip) }
            guard probe.isBipolar == (scenario.rf.mode == .bipolar) else {
                throw SimulationError.invalidInput("probe preset '\(preset)' is \(probe.isBipolar ? "bipolar" : "monopolar") but rf.mode is \(scenario.rf.mode.rawValue); choose a \(scenario.rf.mode.rawValue) preset: \(ProbePreset.names.filter { $0.contains("bipolar") == (scenario.rf.mode == .bipolar) }.joined(separator: ", "))")
            }
            let raster = try rethrowInput { try probe.rasterize(on: phantom.grid, context: "probe '\(p.name)' (\(p.origin))") }
            try checkClearOfNeuralStructures(shaft: raster.voxels, applicator: "probe '\(p.name)'", tip: p.tip, entry: p.shaftStart,
                                             placement: p.origin, phantom: phantom)
            return probe
        }
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

/// Turns a lower module's input error into this module's, keeping the message.
func rethrowInput<T>(_ body: () throws -> T) throws -> T {
    do { return try body() } catch let e as AblasimError where e.isInputError {
        throw SimulationError.invalidInput(e.description)
    }
}
