import Foundation
import AblasimCore
import AblasimPhantom
import AblasimPhysics

extension ModalityName {
    /// Interstitial microwave ablation (915 MHz or 2.45 GHz).
    public static let microwave: ModalityName = "microwave"
}

extension Scenario {
    public struct Microwave: Equatable, Sendable {
        public var powerW = 60.0
        public var frequencyMHz = 2450.0
        /// Temperature-dependent dielectric properties (water loss near 100 C, `MicrowaveWaterLoss`).
        public var waterLoss = false
        /// Water boiling at 100 C with its latent heat (`TissueVaporization`).
        public var vaporization = true
    }
}

extension Scenario {
    static let microwaveParameters: [P] = [
        number("microwave.power_w", 1...200, "W", \.microwave.powerW, doc: "Absorbed antenna power.",
               source: "60 W: a common setting of cooled 2.45 GHz antennas (docs/microwave.md)", applies: { $0.modality == .microwave }),
        P("microwave.frequency_mhz", .number(915...2450, unit: "MHz: 915 or 2450"), doc: "Frequency: the ISM bands of interstitial antennas.",
          source: "2450 MHz: most current systems (docs/microwave.md)", applies: { $0.modality == .microwave },
          load: { .number($0.microwave.frequencyMHz) },
          store: { s, v, context in
              guard v.double == 915 || v.double == 2450 else {
                  throw SimulationError.invalidInput("\(context): microwave.frequency_mhz = \(v.text) is not valid; expected 915 or 2450 (MHz): the ISM frequencies of interstitial antennas")
              }
              s.microwave.frequencyMHz = v.double!
          }),
        flag("microwave.water_loss", \.microwave.waterLoss, doc: "Temperature-dependent dielectric properties (water loss near 100 C).",
             source: "off (docs/microwave.md: its parameters are assumed, Ji & Brace 2011 form)", applies: { $0.modality == .microwave }),
        flag("microwave.vaporization", \.microwave.vaporization, doc: "Tissue water boils at 100 C: latent heat sink until the water is gone.",
             source: "on: 100 C, 2257 kJ/kg (saturated water, Incropera & DeWitt Table A.6); Abraham & Sparrow 2007 model (docs/laser.md)",
             applies: { $0.modality == .microwave }),
    ]
}

/// Microwave ablation: one cooled antenna along a pedicle axis or an explicit trajectory
/// (`MicrowaveAblation`, docs/microwave.md).
public struct MicrowaveModality: Modality {
    public var name: ModalityName { .microwave }
    public var parameters: [ScenarioParameter] { Scenario.microwaveParameters }
    public var powerKey: String? { "microwave.power_w" }
    public var flags: [ModalityFlag] { [ModalityFlag(name: "microwave", help: "Microwave ablation.", settings: [.init("modality", "microwave")])] }

    /// Antenna shaft radius: 14 G, 2.1 mm OD, a common cooled-antenna gauge
    /// (MicrowaveAntenna preset).
    public static let shaftRadius = 1.05e-3

    public init() {}

    public func install(into model: inout ThermalModel, placement: ModalityPlacement) throws -> ModalityInstallation {
        let (phantom, scenario) = (placement.phantom, placement.scenario)
        let (name, axis, shaft) = try RunSetup.applicatorAxes(phantom: phantom, scenario: scenario, count: 1, radius: Self.shaftRadius, kind: "microwave antenna")[0]
        let settings = MicrowaveSettings(absorbedPower: scenario.microwave.powerW, frequency: scenario.microwave.frequencyMHz * 1e6,
                                         waterLoss: scenario.microwave.waterLoss ? .standard : nil,
                                         vaporization: scenario.microwave.vaporization)
        let antenna = try MicrowaveAblation.install(applicator: axis, shaft: shaft, settings: settings, into: &model)
        // The summary finds each probe's energy under its source's channel name.
        let probe = RunSetup.summaryProbe(axis, name: scenario.trajectories.isEmpty ? "antenna" : name, channel: antenna.channelSamples()[0].channel)
        return ModalityInstallation(boundaries: [antenna], sources: [antenna], probes: [probe], tips: [phantom.grid.index(axis.tip)], duration: scenario.durationS,
                                    shafts: [shaft])
    }

    /// `MicrowaveAblation.install`: the path attenuation per padded voxel (Double).
    public func memoryEstimate(grid: Grid3D, phantom: Phantom?, scenario: Scenario) -> [(what: String, bytes: Double)] {
        [("microwave path attenuation (8 B/voxel)", 8 * Double(grid.nx + 2) * Double(grid.ny + 2) * Double(grid.nz + 2))]
    }
}
