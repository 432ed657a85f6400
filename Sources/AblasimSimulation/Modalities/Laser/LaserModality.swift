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
        public var powerW = 3.0
        public var wavelengthNm = 980.0
        /// Stop when this much energy is delivered [J]; nil runs for `duration`.
        public var energyJ: Double? = 1000
    }
}

extension Scenario {
    static let laserParameters: [P] = [
        number("laser.power_w", 0.1...30, "W", \.laser.powerW, doc: "Laser power at the fibre tip.",
               source: "3 W: the 2-4 W of osteoid-osteoma photocoagulation (Gangi 1997)", applies: { $0.modality == .laser }),
        number("laser.wavelength_nm", 805...1064, "nm", \.laser.wavelengthNm, doc: "Wavelength.",
               source: "980 nm diode (docs/laser.md)", applies: { $0.modality == .laser }),
        P("laser.energy_j", .number(1...100_000, unit: "J", optional: true), doc: "Stop the laser when this energy is delivered; none: run for duration_s.",
          source: "1000 J: top of the 400-1000 J of Gangi 1997", applies: { $0.modality == .laser },
          load: { $0.laser.energyJ.map(ScenarioValue.number) ?? .none }, store: { s, v, _ in s.laser.energyJ = v.double }),
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
        let (name, axis, _) = try RunSetup.applicatorAxes(phantom: phantom, scenario: scenario, count: 1, radius: Self.needleRadius, kind: "laser fibre")[0]
        let settings = LaserSettings(power: scenario.laser.powerW, wavelength: scenario.laser.wavelengthNm,
                                     energyLimit: scenario.laser.energyJ)
        let fibre = try LaserAblation.install(fibre: axis, settings: settings, into: &model)
        let probe = RunSetup.summaryProbe(axis, name: scenario.trajectories.isEmpty ? "fibre" : name, channel: fibre.channelSamples()[0].channel)
        return ModalityInstallation(sources: [fibre], probes: [probe], tips: [phantom.grid.index(axis.tip)], duration: scenario.durationS)
    }
}
