import Foundation
import AblasimCore
import AblasimPhantom
import AblasimPhysics

extension ModalityName {
    /// Radiofrequency ablation, bipolar or monopolar.
    public static let rf: ModalityName = "rf"
}

extension Scenario {
    public struct RF: Equatable, Sendable {
        public var mode: RFMode = .bipolar
        public var placement: Placement = .bipedicular
        /// Channels one after the other instead of simultaneously.
        public var sequential = false
        /// Probe preset name; nil picks the modality's default preset.
        public var probe: String?
        public var generator: GeneratorMode = .temperature
        /// Power ceiling (temperature mode) or set power [W]. 20 W: assumed, the order of
        /// the output of cooled bipolar spine generators (no chart verified,
        /// calibration-targets.md).
        public var powerW = 20.0
        /// Set temperature of the probe thermocouple in temperature-controlled mode [C].
        /// 70 C: the usual set point of cooled bipolar spine systems (calibration-targets.md).
        public var targetTempC = 70.0
        /// How the electrodes meet the tissue: the sub-voxel near field of their true radius
        /// (default) or their rasterized voxels only (docs/rf-electrodes.md).
        public var electrodeModel: ElectrodeModel = .nearField
        /// Numerical options of the potential solve (nil: `RFOptions` defaults).
        public var driftTolerance: Double?
        public var driftCheckS: Double?
        public var boxMarginMM: Double?
    }
}

extension Scenario {
    static let isRF: @Sendable (Scenario) -> Bool = { $0.modality == .rf }
    /// Pedicle placement is used when no explicit trajectories are given, by RF and by
    /// single-applicator modalities (cryo with one probe, or a pattern around one axis).
    static let usesPedicles: @Sendable (Scenario) -> Bool = { s in
        s.trajectories.isEmpty && (s.modality != .cryo || s.cryo.probes == 1 || s.cryo.pattern != .none)
    }

    static let rfParameters: [P] = [
        choice("rf.mode", \.rf.mode, doc: "Bipolar (two electrodes on one shaft) or monopolar (grounding pad at the domain boundary).",
               source: "bipolar: the usual spine RF probes (calibration-targets.md)", applies: isRF),
        choice("rf.placement", \.rf.placement, doc: "Pedicles used: both (bipedicular) or one.",
               source: "bipedicular: coalescent zones from both sides (docs/rf-coalescence.md)", applies: usesPedicles),
        flag("rf.sequential", \.rf.sequential, doc: "Run the channels one after another instead of simultaneously.",
             source: "off: simultaneous bipedicular ablation coalesces (docs/rf-coalescence.md)",
             applies: { $0.modality == .rf && ($0.trajectories.count > 1 || ($0.trajectories.isEmpty && $0.rf.placement == .bipedicular)) }),
        P("rf.probe", .text(format: "a probe preset name (docs/rf.md)"), doc: "Probe preset.",
          source: "cooled-bipolar-15 (bipolar), monopolar-17g-10mm (monopolar): RunSetup presets",
          applies: isRF, load: { s in .text(s.rf.probe ?? (s.rf.mode == .bipolar ? RFModality.defaultBipolarPreset : RFModality.defaultMonopolarPreset)) },
          store: { s, v, _ in s.rf.probe = v.string }),
        choice("rf.generator", \.rf.generator, doc: "Generator mode: temperature-controlled, constant power or a power ramp.",
               source: "temperature control: cooled bipolar spine generators (calibration-targets.md)", applies: isRF),
        number("rf.power_w", 0.1...250, "W", \.rf.powerW, doc: "Power ceiling (temperature mode) or set power (power mode, ramp ceiling).",
               source: "20 W: assumed, the order of cooled bipolar spine generators' output (no chart verified, calibration-targets.md)", applies: isRF),
        number("rf.target_temp_c", 40...105, "C", \.rf.targetTempC, doc: "Set temperature of the probe thermocouple in temperature mode.",
               source: "70 C: the usual set point of cooled bipolar spine systems (calibration-targets.md)",
               applies: { $0.modality == .rf && $0.rf.generator == .temperature }),
        choice("rf.electrode_model", \.rf.electrodeModel,
               doc: "Electrode-tissue coupling: the analytic near field of the true electrode radius with a steel shaft (near-field), or the rasterized voxels only (voxel).",
               source: "near-field: the gauge matters below the voxel size (docs/rf-electrodes.md, its convergence table); voxel: the earlier model, kept for comparison",
               applies: isRF),
        P("rf.drift_tolerance", .number(1e-4...0.5, unit: "(relative conductance drift)"), doc: "Conductance drift that triggers a potential re-solve.",
          source: "RFOptions default (docs/rf.md)", applies: isRF,
          load: { .number($0.rf.driftTolerance ?? RFOptions().driftTolerance) }, store: { s, v, _ in s.rf.driftTolerance = v.double }),
        P("rf.drift_check_s", .number(0...60, unit: "s"), doc: "Interval between conductance drift checks.",
          source: "RFOptions default (docs/rf.md)", applies: isRF,
          load: { .number($0.rf.driftCheckS ?? RFOptions().driftCheckInterval) }, store: { s, v, _ in s.rf.driftCheckS = v.double }),
        P("rf.box_margin_mm", .number(0...200, unit: "mm"), doc: "Solve the potential on a box this far around the probes instead of the whole grid.",
          source: "RFOptions default (docs/rf.md)", applies: { $0.modality == .rf && $0.rf.boxMarginMM != nil },
          load: { $0.rf.boxMarginMM.map(ScenarioValue.number) ?? .none }, store: { s, v, _ in s.rf.boxMarginMM = v.double }),
    ]
}

/// RF ablation: cooled bipolar or monopolar probes along the pedicle axes or explicit
/// trajectories, one generator channel each (`RFAblation`, docs/rf.md).
public struct RFModality: Modality {
    public var name: ModalityName { .rf }
    public var parameters: [ScenarioParameter] { Scenario.rfParameters }
    public var powerKey: String? { "rf.power_w" }
    public var flags: [ModalityFlag] {
        [ModalityFlag(name: "bipolar", help: "Bipolar RF (the default modality).", settings: [.init("modality", "rf"), .init("rf.mode", "bipolar")]),
         ModalityFlag(name: "monopolar", help: "Monopolar RF with a grounding pad.", settings: [.init("modality", "rf"), .init("rf.mode", "monopolar")])]
    }

    /// Default probe presets per RF mode. Cooled bipolar 15 mm: an active length that fits a
    /// lumbar body along the transpedicular axis without reaching back into the pedicle
    /// next to the canal (body depth about 30-35 mm, Phantoms/README.md).
    public static let defaultBipolarPreset = "cooled-bipolar-15"
    /// 17 G, 10 mm tip: the osteoid-osteoma RF electrode (calibration-targets.md).
    public static let defaultMonopolarPreset = "monopolar-17g-10mm"

    public init() {}

    public func install(into model: inout ThermalModel, placement: ModalityPlacement) throws -> ModalityInstallation {
        let (phantom, scenario) = (placement.phantom, placement.scenario)
        let (placed, rasters) = try RFModality.placeProbes(phantom: phantom, scenario: scenario)
        let power = scenario.rf.powerW
        let mode: RFGeneratorMode
        switch scenario.rf.generator {
        case .temperature: mode = .temperatureControlled(target: scenario.rf.targetTempC, maxPower: power)
        case .power: mode = .constantPower(watts: power)
        // Ramp: from 2 W up by 0.1 W/s to the ceiling (assumed, a gentle manual ramp).
        case .ramp: mode = .ramp(startWatts: min(2, power), wattsPerSecond: 0.1, ceilingWatts: power)
        }
        var generators = placed.map { _ in RFGenerator(mode: mode) }
        var duration = scenario.durationS
        if scenario.rf.sequential && placed.count > 1 {
            generators = RFAblation.sequential(generators, phase: scenario.durationS)
            duration = scenario.durationS * Double(placed.count)
        }
        var options = RFOptions()
        options.electrodeModel = scenario.rf.electrodeModel
        if let d = scenario.rf.driftTolerance { options.driftTolerance = d }
        if let d = scenario.rf.driftCheckS { options.driftCheckInterval = d }
        if let m = scenario.rf.boxMarginMM { options.domain = .box(margin: m / 1000) }
        let rf = try RFAblation.install(probes: placed, rasters: rasters, generators: generators, into: &model, options: options,
                                        executor: placement.executor)
        var probes: [RunSummary.Probe] = [], tips: [SIMD3<Double>] = []
        for (c, p) in placed.enumerated() {
            probes.append(RunSummary.Probe(name: p.name, channel: "ch\(c + 1)", tipMm: mm(p.tip), entryMm: mm(p.entry), energyJ: 0))
            tips.append(phantom.grid.index(p.tip))
        }
        return ModalityInstallation(boundaries: [rf], sources: [rf], probes: probes, tips: tips, duration: duration, shafts: rasters.map(\.voxels))
    }

    /// ElectricPotentialSolver on the potential box: conductivity (Double), role (Int32),
    /// the CG vectors r, z, p, q (Double), the multigrid levels (gx, gy, gz, sink, diag,
    /// invDiag, v, f, res: 9 Doubles on the fine level, 8/7 of it over all levels);
    /// RFSource: a unit-potential field per electrode and the collapse field (Double), per
    /// electrode pair an accumulator (Double) and a heat field (Float), the combined heat
    /// field (Float). A bipolar run solves on a box around the probe tips (15 mm margin,
    /// RFSource); with the phantom known the box is the tips' bounding box grown by that
    /// margin plus 25 mm for the electrodes, clamped to the grid; otherwise (and for
    /// monopolar, which solves on the full grid) the whole padded grid.
    public func memoryEstimate(grid g: Grid3D, phantom: Phantom?, scenario: Scenario) -> [(what: String, bytes: Double)] {
        var cells = Double(g.nx + 2) * Double(g.ny + 2) * Double(g.nz + 2)
        var electrodes = 2
        if let phantom {
            let sides: [String] = scenario.rf.placement == .bipedicular ? ["left", "right"] : [scenario.rf.placement == .left ? "left" : "right"]
            let tips = ((try? RunSetup.plannedTrajectories(phantom: phantom, scenario: scenario, sides: sides)) ?? []).map { g.index($0.tip) }
            electrodes = max(1, tips.count) * (scenario.rf.mode == .bipolar ? 2 : 1)
            if scenario.rf.mode == .bipolar, !tips.isEmpty, tips.allSatisfy({ $0.x.isFinite && $0.y.isFinite && $0.z.isFinite }) {
                var box = 1.0
                for c in 0..<3 {
                    let reach = 0.040 / g.spacing[c]   // 15 mm margin + 25 mm electrodes, in voxels
                    let lo = max(0, tips.map { $0[c] }.min()! - reach), hi = min(Double(g.dims[c] - 1), tips.map { $0[c] }.max()! + reach)
                    box *= max(1, hi - lo + 1) + 2
                }
                cells = box
            }
        }
        let pairs = Double(max(1, electrodes / 2))
        let perCell = 8 + 4 + 32 + 72 * 8 / 7 + 8 * Double(electrodes) + 8 + 12 * pairs + 4
        return [(String(format: "RF potential solve (%.0f B per box cell, %.3g cells)", perCell, cells), perCell * cells)]
    }

    /// RF probes along the explicit trajectories, or the phantom's pedicle axes: tip at the
    /// axis target in the body, shaft back along the axis to just inside the domain (the
    /// real shaft continues to the skin). Each rasterized shaft (electrodes and insulation)
    /// is checked clear of the canal and the nerve roots; the rasters checked are returned
    /// to be the ones installed.
    static func placeProbes(phantom: Phantom, scenario: Scenario) throws -> (probes: [Probe], rasters: [ProbeRaster]) {
        let sides: [String]
        switch scenario.rf.placement {
        case .bipedicular: sides = ["left", "right"]
        case .left: sides = ["left"]
        case .right: sides = ["right"]
        }
        let preset = scenario.rf.probe ?? (scenario.rf.mode == .bipolar ? defaultBipolarPreset : defaultMonopolarPreset)
        let placed = try RunSetup.plannedTrajectories(phantom: phantom, scenario: scenario, sides: sides).map { p -> (Probe, ProbeRaster) in
            let probe = try ProbePreset.probe(preset, name: p.name, entry: p.shaftStart, tip: p.tip)
            guard probe.isBipolar == (scenario.rf.mode == .bipolar) else {
                throw SimulationError.invalidInput("probe preset '\(preset)' is \(probe.isBipolar ? "bipolar" : "monopolar") but rf.mode is \(scenario.rf.mode.rawValue); choose a \(scenario.rf.mode.rawValue) preset: \(ProbePreset.names.filter { $0.contains("bipolar") == (scenario.rf.mode == .bipolar) }.joined(separator: ", "))")
            }
            let raster = try probe.rasterize(on: phantom.grid, context: "probe '\(p.name)' (\(p.origin))")
            try RunSetup.checkClearOfNeuralStructures(shaft: raster.voxels, applicator: "probe '\(p.name)'", tip: p.tip, entry: p.shaftStart,
                                                      placement: p.origin, phantom: phantom)
            return (probe, raster)
        }
        return (placed.map(\.0), placed.map(\.1))
    }
}
