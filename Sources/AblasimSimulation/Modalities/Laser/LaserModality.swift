import Foundation
import AblasimCore
import AblasimPhantom
import AblasimPhysics

extension ModalityName {
    /// Laser interstitial thermal therapy (LITT).
    public static let laser: ModalityName = "laser"
}

extension Scenario {
    public struct Laser: Equatable, Sendable {
        /// Fibre tip: bare (flat-cleaved), precharred (carbonized tip) or a cylindrical diffuser.
        public enum Fibre: String, CaseIterable, Sendable { case bare, precharred, diffuser }
        public var powerW = 3.0
        public var wavelengthNm = 980.0
        /// Stop when this much energy is delivered [J]; nil runs for `duration`. A duration
        /// too short to deliver it is an input error (`checkLaserDelivery`).
        public var energyJ: Double? = 1000
        public var fibre: Fibre = .bare
        /// Emitting length of a diffuser [mm]: the 2 cm diffusers of validation-set.md 5.3, 5.4.
        public var diffuserLengthMM = 20.0
        /// Carbonization above 150 C (Niemz, Laser-Tissue Interactions, Table 3.5).
        public var charring = true
        /// Water boiling at 100 C with its latent heat (`TissueVaporization`).
        public var vaporization = true
    }
}

extension Scenario {
    static let laserParameters: [P] = [
        number("laser.power_w", 0.1...30, "W", \.laser.powerW, doc: "Laser power at the fibre tip.",
               source: "3 W: the 2-4 W of osteoid-osteoma photocoagulation (Gangi 1997)", applies: { $0.modality == .laser }),
        number("laser.wavelength_nm", 805...1064, "nm", \.laser.wavelengthNm, doc: "Wavelength.",
               source: "980 nm diode (docs/laser.md)", applies: { $0.modality == .laser }),
        P("laser.energy_j", .number(1...100_000, unit: "J", optional: true), doc: "Stop the laser when this energy is delivered (reported as an event); none: emit for duration_s. A duration_s too short to deliver it at laser.power_w is an input error.",
          source: "1000 J: top of the 400-1000 J of Gangi 1997", applies: { $0.modality == .laser },
          load: { $0.laser.energyJ.map(ScenarioValue.number) ?? .none }, store: { s, v, _ in s.laser.energyJ = v.double }),
        choice("laser.fibre", \.laser.fibre, doc: "Fibre tip: bare (flat-cleaved), precharred (carbonized before use: char at the tip from the start) or a cylindrical diffuser.",
               source: "bare: the 400 um bare fibre of Gangi 1997 (docs/laser.md)", applies: { $0.modality == .laser }),
        number("laser.diffuser_length_mm", 1...50, "mm", \.laser.diffuserLengthMM, doc: "Emitting length of a diffuser, back from the tip.",
               source: "20 mm: the 2 cm diffusers of validation-set.md 5.3 and 5.4", applies: { $0.modality == .laser && $0.laser.fibre == .diffuser }),
        flag("laser.charring", \.laser.charring, doc: "Tissue above 150 C carbonizes and absorbs 10x more (irreversible); always on for a precharred fibre.",
             source: "on: carbonization above 150 C (Niemz, Laser-Tissue Interactions, Table 3.5); factor 10 an estimate (docs/laser.md)",
             applies: { $0.modality == .laser }),
        flag("laser.vaporization", \.laser.vaporization, doc: "Tissue water boils at 100 C: latent heat sink until the water is gone.",
             source: "on: 100 C, 2257 kJ/kg (saturated water, Incropera & DeWitt Table A.6); Abraham & Sparrow 2007 model (docs/laser.md)",
             applies: { $0.modality == .laser }),
    ]
}

/// Laser ablation: one fibre along a pedicle axis or an explicit trajectory
/// (`LaserAblation`, docs/laser.md). Its tables are per label, not per voxel: no memory
/// beyond the thermal state.
public struct LaserModality: Modality {
    public var name: ModalityName { .laser }
    public var parameters: [ScenarioParameter] { Scenario.laserParameters }
    public var powerKey: String? { "laser.power_w" }
    public var flags: [ModalityFlag] { [ModalityFlag(name: "laser", help: "Laser ablation (LITT).", settings: [.init("modality", "laser")])] }

    /// 400 um fibre through an 18 G needle, OD 1.27 mm (Gangi 1997; ISO 9626).
    public static let needleRadius = 0.635e-3

    public init() {}

    public func install(into model: inout ThermalModel, placement: ModalityPlacement) throws -> ModalityInstallation {
        let (phantom, scenario) = (placement.phantom, placement.scenario)
        // The fibre is sub-voxel and paints nothing: its shaft raster serves the check only.
        let (name, axis, shaft) = try RunSetup.applicatorAxes(phantom: phantom, scenario: scenario, count: 1, radius: Self.needleRadius, kind: "laser fibre")[0]
        try scenario.checkLaserDelivery()
        let settings = scenario.laser.settings
        let fibre = try LaserAblation.install(fibre: axis, settings: settings, into: &model)
        let probe = RunSetup.summaryProbe(axis, name: scenario.trajectories.isEmpty ? "fibre" : name, channel: fibre.channelSamples()[0].channel)
        return ModalityInstallation(sources: [fibre], probes: [probe], tips: [phantom.grid.index(axis.tip)], duration: scenario.durationS,
                                    shafts: [shaft])
    }
}
