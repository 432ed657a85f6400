import Foundation
import AblasimCore
import AblasimPhantom
import AblasimPhysics

/// The cryo part of a run's setup: the probe the `cryo.*` keys describe, where the probes
/// go (trajectories, pedicle axes or a pattern around one of them) and the protocol.
extension RunSetup {
    /// The cryoprobe of the scenario: the `held` model or a preset, with the keys' overrides.
    /// Every error names the key and what would be valid.
    public static func cryoprobe(for scenario: Scenario) throws -> Cryoprobe {
        let c = scenario.cryo
        var probe: Cryoprobe
        if c.probe == Scenario.Cryo.heldProbe {
            for (key, value) in [("cryo.film_w_m2k", c.filmWM2K), ("cryo.capacity_w", c.capacityW)] where value != nil {
                throw SimulationError.invalidInput("\(key) is set but cryo.probe = held has a held surface, no gas film or capacity; choose a gas-flow probe (cryo.probe: \(Cryoprobe.presets.keys.sorted().joined(separator: ", "))) or drop \(key)")
            }
            probe = try Cryoprobe(name: Scenario.Cryo.heldProbe, outerDiameter: Cryoprobe.heldDefault.outerDiameter, freezingLength: Cryoprobe.heldDefault.freezingLength,
                              extraction: .isothermal(surfaceTemperature: c.freezeTempC))
        } else {
            probe = try Cryoprobe.preset(named: c.probe)
            if case .gasFlow(let gas, let film, let capacity) = probe.extraction {
                probe.extraction = .gasFlow(gasTemperature: gas, filmCoefficient: c.filmWM2K ?? film, maximumPower: c.capacityW ?? capacity)
            }
        }
        if let d = c.gaugeMM { probe.outerDiameter = d / 1000 }
        if let l = c.freezingLengthMM { probe.freezingLength = l / 1000 }
        if let l = c.shaftLengthMM { probe.shaftLength = l / 1000 }
        guard probe.freezingLength <= probe.shaftLength else {
            let f = c.freezingLengthMM != nil ? "cryo.freezing_length_mm" : "the freezing length of cryo.probe = \(c.probe)"
            let sh = c.shaftLengthMM != nil ? "cryo.shaft_length_mm" : "the shaft of cryo.probe = \(c.probe)"
            throw SimulationError.invalidInput(String(format: "%@ (%g mm) is longer than %@ (%g mm); the freezing zone must fit on the shaft: at most %g mm, or a longer shaft",
                                                      f, probe.freezingLength * 1000, sh, probe.shaftLength * 1000, probe.shaftLength * 1000))
        }
        try probe.validate()
        return probe
    }

    /// Installs the scenario's cryoprobes into `model`: one per trajectory (or pedicle axis),
    /// or `cryo.pattern` around the first one.
    static func installCryo(phantom: Phantom, scenario: Scenario, into model: inout ThermalModel)
        throws -> (source: CryoSource, probes: [RunSummary.Probe], tips: [SIMD3<Double>], shafts: [[Int]]) {
        let c = scenario.cryo
        let probe = try cryoprobe(for: scenario)
        let named: [(name: String, axis: ApplicatorAxis, shaft: [Int])]
        if c.pattern == .none {
            // Explicit trajectories set the number of cryoprobes; otherwise cryo.probes does.
            let count = scenario.trajectories.isEmpty ? c.probes : scenario.trajectories.count
            named = try applicatorAxes(phantom: phantom, scenario: scenario, count: count, radius: probe.radius, kind: "cryoprobe")
        } else {
            guard scenario.trajectories.count <= 1 else {
                throw SimulationError.invalidInput("cryo.pattern = \(c.pattern.rawValue) lays the probes out around one centre trajectory, but the trajectories key gives \(scenario.trajectories.count); give one (the centre) or set cryo.pattern: none to place one probe per trajectory")
            }
            let lineCount = c.pattern == .line ? c.probes : 0
            guard c.pattern != .line || (2...4).contains(c.probes) else {
                throw SimulationError.invalidInput("cryo.pattern = line needs cryo.probes from 2 to 4, got \(c.probes)")
            }
            let centre = try plannedTrajectories(phantom: phantom, scenario: scenario, sides: ["left"])[0]
            let spots = c.pattern.place(tip: centre.tip, entry: centre.shaftStart, spacing: c.spacingMM / 1000, lineCount: lineCount)
            let planned = spots.enumerated().map { n, s in
                PlannedTrajectory(name: "\(centre.name)-\(n + 1)", tip: s.tip, shaftStart: shaftStart(grid: phantom.grid, tip: s.tip, through: s.entry),
                                  origin: String(format: "probe %d of cryo.pattern = %@ (spacing %g mm) around %@", n + 1, c.pattern.rawValue, c.spacingMM, centre.origin))
            }
            named = try axes(along: planned, phantom: phantom, radius: probe.radius, kind: "cryoprobe")
        }
        let phases = try CryoProtocol.alternating(minutes: c.protocolMin, activeThawTemperature: c.thawTempC)
        let sts = c.superStepS > 0 ? try SuperTimeStepping(superStep: c.superStepS) : nil
        let settings = CryoSettings(protocolPhases: phases, superTimeStepping: sts)
        let placed = named.map { (probe: probe, tip: $0.axis.tip, direction: $0.axis.direction) }
        let source = try Cryoablation.install(cryoprobes: placed, settings: settings, into: &model)
        let channels = source.channelSamples().map(\.channel)
        var probes: [RunSummary.Probe] = [], tips: [SIMD3<Double>] = []
        let namedByUser = !scenario.trajectories.isEmpty || c.pattern != .none
        for (n, a) in named.map(\.axis).enumerated() {
            probes.append(summaryProbe(a, name: namedByUser ? named[n].name : "cryo\(n + 1)", channel: channels[n]))
            tips.append(phantom.grid.index(a.tip))
        }
        return (source, probes, tips, named.map(\.shaft))
    }
}
