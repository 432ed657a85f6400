import Foundation
import AblasimCore
import AblasimPhantom
import AblasimPhysics

extension ModalityName {
    /// Argon cryoablation.
    public static let cryo: ModalityName = "cryo"
}

extension Scenario {
    public struct Cryo: Equatable, Sendable {
        public var probes = 2
        /// Freeze, thaw, freeze [min].
        public var protocolMin: [Double] = [10, 8, 10]
        /// RKL1 super-step of the phase-change solver [s]; 0: plain explicit steps (docs/cryo.md).
        public var superStepS: Double = CryoSettings.defaultSuperTimeStepping.superStep
    }
}

extension Scenario {
    static let cryoParameters: [P] = [
        P("cryo.probes", .integer(1...4), doc: "Number of cryoprobes along the pedicle axes (explicit trajectories set it otherwise).",
          source: "2: one per pedicle", applies: { $0.modality == .cryo && $0.trajectories.isEmpty },
          load: { .integer($0.cryo.probes) }, store: { s, v, _ in s.cryo.probes = v.int! }),
        P("cryo.protocol_min", .numbers(0...120, unit: "min"), doc: "Alternating freeze, thaw, freeze, ... phase lengths; at least one > 0.",
          source: "10-8-10 min: a double-freeze protocol (docs/cryo.md)", applies: { $0.modality == .cryo },
          load: { .numbers($0.cryo.protocolMin) },
          store: { s, v, context in
              let phases = v.list!
              guard phases.contains(where: { $0 > 0 }) else {
                  throw SimulationError.invalidInput("\(context): cryo.protocol_min = '\(v.text)' has no phase longer than 0 min; e.g. 10,8,10")
              }
              let total = phases.reduce(0, +)
              guard total <= 24 * 60 else {
                  throw SimulationError.invalidInput("\(context): cryo.protocol_min = '\(v.text)' lasts \(total) min; a protocol may last at most 1440 min (24 h, the duration_s limit)")
              }
              s.cryo.protocolMin = phases
          }),
        number("cryo.super_step_s", 0...600, "s (0: plain explicit steps)", \.cryo.superStepS,
               doc: "RKL1 super-step of the phase-change solver.", source: "10 s: converged within 0.3 % of 5 and 1 s (docs/cryo.md)",
               applies: { $0.modality == .cryo }),
    ]
}

/// Cryoablation: argon probes along the pedicle axes or explicit trajectories, one
/// freeze / thaw protocol (`Cryoablation`, docs/cryo.md). Its tables are per label or per
/// row: no memory beyond the thermal state.
public struct CryoModality: Modality {
    public var name: ModalityName { .cryo }
    public var parameters: [ScenarioParameter] { Scenario.cryoParameters }
    public var flags: [ModalityFlag] { [ModalityFlag(name: "cryo", help: "Cryoablation.", settings: [.init("modality", "cryo")])] }

    /// 2.4 mm argon probe (Littrup 2009, calibration-targets.md).
    public static let probeRadius = 1.2e-3

    public init() {}

    public func install(into model: inout ThermalModel, placement: ModalityPlacement) throws -> ModalityInstallation {
        let (phantom, scenario) = (placement.phantom, placement.scenario)
        // Explicit trajectories set the number of cryoprobes; otherwise cryo.probes does.
        let count = scenario.trajectories.isEmpty ? scenario.cryo.probes : scenario.trajectories.count
        let named = try RunSetup.applicatorAxes(phantom: phantom, scenario: scenario, count: count, radius: Self.probeRadius, kind: "cryoprobe")
        // The freezing zones Cryoablation paints are the first freezing length of these
        // checked shafts, rasterized by the same rule (ApplicatorAxis.voxels).
        let axes = named.map(\.axis)
        let phases = try CryoProtocol.alternating(minutes: scenario.cryo.protocolMin)
        let sts = scenario.cryo.superStepS > 0 ? try SuperTimeStepping(superStep: scenario.cryo.superStepS) : nil
        let settings = CryoSettings(protocolPhases: phases, superTimeStepping: sts)
        let cryo = try Cryoablation.install(probes: axes, settings: settings, into: &model)
        let channels = cryo.channelSamples().map(\.channel)
        var probes: [RunSummary.Probe] = [], tips: [SIMD3<Double>] = []
        for (c, a) in axes.enumerated() {
            probes.append(RunSetup.summaryProbe(a, name: scenario.trajectories.isEmpty ? "cryo\(c + 1)" : named[c].name, channel: channels[c]))
            tips.append(phantom.grid.index(a.tip))
        }
        // The protocol sets the length of a cryo run unless duration_s is given (shorter:
        // the run stops early; longer: the probes are passive after the protocol).
        let duration = scenario.durationIsExplicit ? scenario.durationS : scenario.cryo.protocolMin.reduce(0, +) * 60
        return ModalityInstallation(boundaries: [cryo], sources: [cryo], probes: probes, tips: tips, duration: duration)
    }
}
