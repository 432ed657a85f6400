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
        /// The probe model: `held` (a surface held at `freezeTempC`) or a `Cryoprobe` preset.
        /// argon-2.4: a gas-flow probe whose wall follows its heat load, so that several probes
        /// interact (docs/cryo.md, "Multi-probe interaction"); Littrup 2009's 2.4 mm gauge.
        public var probe = Cryo.defaultProbe
        /// Held surface temperature of the `held` probe [C].
        public var freezeTempC = CryoSettings.calibratedFreezeTemperature
        /// Outer diameter, freezing length and shaft length [mm]; nil: the preset's (held: 2.4 / 35 / 175 mm).
        public var gaugeMM: Double?
        public var freezingLengthMM: Double?
        public var shaftLengthMM: Double?
        /// Gas-flow presets: film coefficient [W/(m^2 K)] and capacity [W] instead of the preset's.
        public var filmWM2K: Double?
        public var capacityW: Double?
        /// Thaw phases: nil passive (insulated probe), else actively held at this temperature [C].
        public var thawTempC: Double?
        /// Multi-probe layout around the first trajectory (or pedicle axis), and its spacing [mm].
        public var pattern: CryoprobePattern = .none
        public var spacingMM = 20.0
        public static let heldProbe = "held"
        public static let defaultProbe = "argon-2.4"
    }
}

extension Scenario {
    static let cryoParameters: [P] = [
        P("cryo.probes", .integer(1...4), doc: "Number of cryoprobes along the pedicle axes, or on a line pattern (explicit trajectories set it otherwise).",
          source: "2: one per pedicle", applies: { $0.modality == .cryo && ($0.trajectories.isEmpty || $0.cryo.pattern == .line) },
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
    public var parameters: [ScenarioParameter] { Scenario.cryoParameters + Scenario.cryoprobeParameters }
    public var flags: [ModalityFlag] { [ModalityFlag(name: "cryo", help: "Cryoablation.", settings: [.init("modality", "cryo")])] }

    public init() {}

    public func install(into model: inout ThermalModel, placement: ModalityPlacement) throws -> ModalityInstallation {
        let (phantom, scenario) = (placement.phantom, placement.scenario)
        let cryo = try RunSetup.installCryo(phantom: phantom, scenario: scenario, into: &model)
        // The protocol sets the length of a cryo run unless duration_s is given (shorter:
        // the run stops early; longer: the probes are passive after the protocol).
        let duration = scenario.durationIsExplicit ? scenario.durationS : scenario.cryo.protocolMin.reduce(0, +) * 60
        return ModalityInstallation(boundaries: [cryo.source], sources: [cryo.source], probes: cryo.probes, tips: cryo.tips, duration: duration,
                                    shafts: cryo.shafts)
    }
}
