import Foundation
import AblasimCore
import AblasimPhysics

/// Scenario keys that describe the cryoprobes (model, gauge, lengths, film, capacity, thaw)
/// and their multi-probe pattern. Defaults live in `Scenario.Cryo`; ranges in `Cryoprobe`.
extension Scenario {
    static let cryoprobeParameters: [ScenarioParameter] = {
        typealias P = ScenarioParameter
        let isCryo: @Sendable (Scenario) -> Bool = { $0.modality == .cryo }
        let isHeld: @Sendable (Scenario) -> Bool = { $0.modality == .cryo && $0.cryo.probe == Cryo.heldProbe }
        let isGasFlow: @Sendable (Scenario) -> Bool = { $0.modality == .cryo && $0.cryo.probe != Cryo.heldProbe }
        func optionalNumber(_ key: String, _ range: ClosedRange<Double>, _ unit: String, _ path: WritableKeyPath<Scenario, Double?>,
                            doc: String, source: String, applies: @escaping @Sendable (Scenario) -> Bool) -> P {
            P(key, .number(range, unit: unit, optional: true), doc: doc, source: source, applies: applies,
              load: { $0[keyPath: path].map(ScenarioValue.number) ?? .none }, store: { s, v, _ in s[keyPath: path] = v.double })
        }
        return [
            P("cryo.probe", .choice([Cryo.heldProbe] + Cryoprobe.presets.keys.sorted()),
              doc: "Probe model: held (surface held at cryo.freeze_temp_c) or an argon gas-flow preset (film to the gas, capacity; docs/cryo.md).",
              source: "argon-2.4: film-limited probe, 1-4 probe gel experiments of Littrup 2009 inside their bands (docs/cryo.md)", applies: isCryo,
              load: { .text($0.cryo.probe) }, store: { s, v, _ in s.cryo.probe = v.string! }),
            P("cryo.freeze_temp_c", .number(-196 ... -40, unit: "C"), doc: "Surface temperature of a held probe during a freeze.",
              source: "-90 C: CryoSettings.calibratedFreezeTemperature (docs/cryo.md)", applies: isHeld,
              load: { .number($0.cryo.freezeTempC) }, store: { s, v, _ in s.cryo.freezeTempC = v.double! }),
            optionalNumber("cryo.gauge_mm", 0.8...5, "mm", \.cryo.gaugeMM, doc: "Probe outer diameter; none: the preset's (held: 2.4 mm).",
                           source: "the preset's (Cryoprobe.presets)", applies: isCryo),
            optionalNumber("cryo.freezing_length_mm", 1...100, "mm", \.cryo.freezingLengthMM,
                           doc: "Freezing (active) length behind the tip; none: the preset's (held: 35 mm). Must fit on the shaft.",
                           source: "the preset's (Cryoprobe.presets)", applies: isCryo),
            optionalNumber("cryo.shaft_length_mm", 10...400, "mm", \.cryo.shaftLengthMM, doc: "Probe shaft length; none: 175 mm.",
                           source: "175 mm: the usual length of percutaneous argon probes (assumed, docs/cryo.md)", applies: isCryo),
            optionalNumber("cryo.film_w_m2k", 1...100_000, "W/(m^2 K)", \.cryo.filmWM2K,
                           doc: "Film coefficient between the expanding argon and the probe wall; none: the preset's.",
                           source: "the preset's (Cryoprobe.presets)", applies: isGasFlow),
            optionalNumber("cryo.capacity_w", 0.1...500, "W", \.cryo.capacityW, doc: "Largest heat a probe's gas flow extracts; none: the preset's.",
                           source: "the preset's (Cryoprobe.presets)", applies: isGasFlow),
            optionalNumber("cryo.thaw_temp_c", 1...60, "C", \.cryo.thawTempC,
                           doc: "Thaw phases: none passive (probe insulated), else actively held at this temperature (helium or electric thaw).",
                           source: "none: passive thaw (docs/cryo.md)", applies: isCryo),
            P("cryo.pattern", .choice(CryoprobePattern.allCases.map(\.rawValue)),
              doc: "Multi-probe layout parallel to the first trajectory (or the left pedicle axis): none, line (cryo.probes probes), triangle, square.",
              source: "none: one probe per trajectory or pedicle", applies: isCryo,
              load: { .text($0.cryo.pattern.rawValue) }, store: { s, v, _ in s.cryo.pattern = CryoprobePattern(rawValue: v.string!)! }),
            P("cryo.spacing_mm", .number(3...50, unit: "mm"), doc: "Distance between neighbouring probes of a pattern (the side of a triangle or square).",
              source: "20 mm: the spacing of Littrup 2009's 1-4 probe gel experiments; 15-20 mm optimal in PMC4850244",
              applies: { $0.modality == .cryo && $0.cryo.pattern != .none },
              load: { .number($0.cryo.spacingMM) }, store: { s, v, _ in s.cryo.spacingMM = v.double! }),
        ]
    }()
}
