import Foundation
import AblasimCore

/// Settings of a cryoablation (SI, temperatures in C).
public struct CryoSettings: Equatable, Sendable {
    public var protocolPhases: CryoProtocol
    /// Surface temperature of the probe's freezing zone during a freeze [C]. Argon
    /// Joule-Thomson probes run at about -150 C or below at the tip in tissue (Erinjeri & Clark
    /// 2010, J. Vasc. Interv. Radiol. 21:S187, reviewing argon systems); calibrated against
    /// Littrup 2009 (docs/cryo.md).
    public var freezeTemperature: Double
    /// Length of the freezing zone behind the tip [m]; the shaft behind it is vacuum insulated.
    /// 35 mm: assumed, typical of 2.4 mm argon probes (the ice ball is about 4 cm long).
    public var freezingLength: Double
    public var freezing: FreezingModel
    /// Super-time-stepping of the solver (nil: plain explicit steps). Ice sets an explicit
    /// step of about 0.035 s at 0.5 mm, 48,000 steps for a 10-8-10 min protocol.
    public var superTimeStepping: SuperTimeStepping?

    public init(protocolPhases: CryoProtocol, freezeTemperature: Double = CryoSettings.calibratedFreezeTemperature,
                freezingLength: Double = 35e-3, freezing: FreezingModel = .standard,
                superTimeStepping: SuperTimeStepping? = CryoSettings.defaultSuperTimeStepping) {
        self.protocolPhases = protocolPhases; self.freezeTemperature = freezeTemperature
        self.freezingLength = freezingLength; self.freezing = freezing
        self.superTimeStepping = superTimeStepping
    }

    /// Default super-time-stepping: RKL1 super-steps of 10 s (24 stages at the L1 phantom's
    /// explicit limit of 0.039 s: 12 times fewer stages than explicit steps). On the full L1
    /// protocol 10, 5 and 1 s super-steps agree within 0.3 % in every zone volume and 0.01 K
    /// at the cord thermocouples, and the first 10 min freeze matches explicit steps
    /// (docs/cryo.md); probe energy is sampled once per step (6 % high at 10 s).
    public static let defaultSuperTimeStepping = try! SuperTimeStepping(superStep: 10)

    /// Default freeze temperature [C]: the effective surface temperature that reproduces
    /// Littrup 2009's single-probe lethal ice (< -30 C) diameter of 12 mm after a 15 min
    /// freeze in 39 C gel (ModalityCalibrationTests.testCryoLittrupSingleProbe3D: 20 / 16 /
    /// 12 mm at -150 / -120 / -90 C). Warmer than the gas's nominal -150 C: a real probe in a
    /// high heat load warms above it, which a held voxel surface does not (docs/cryo.md).
    public static let calibratedFreezeTemperature = -90.0

    func validate() throws {
        guard freezeTemperature.isFinite, freezeTemperature >= -196, freezeTemperature <= -40 else {
            throw PhysicsError.invalidInput("cryo freeze temperature \(freezeTemperature) C is out of range; valid: [-196, -40] C")
        }
        guard freezingLength.isFinite, freezingLength > 0, freezingLength <= 0.1 else {
            throw PhysicsError.invalidInput(String(format: "cryo freezing length %g mm is out of range; valid: (0, 100] mm", freezingLength * 1000))
        }
        try freezing.validate()
    }
}

/// Installs cryoprobes into a thermal model.
public enum Cryoablation {
    /// Paints each probe's freezing zone as its own fixed-temperature material
    /// ("<name>_probe_<n>"), switches the model to the phase-change solver (`model.freezing`)
    /// and returns one source driving all probes with the same protocol (their ice balls
    /// merge through the shared tissue).
    public static func install(probes: [ApplicatorAxis], settings: CryoSettings,
                               into model: inout ThermalModel, name: String = "cryo") throws -> CryoSource {
        try settings.validate()
        guard (1...8).contains(probes.count) else {
            throw PhysicsError.invalidInput("cryoablation needs 1 to 8 probes, got \(probes.count)")
        }
        var owned: [(material: Int, voxels: [Int])] = []
        for (n, p) in probes.enumerated() {
            let voxels = try p.voxels(in: model.grid, length: settings.freezingLength, context: "cryoprobe \(n + 1)")
            let m = try model.addMaterial(.fixedTemperature(name: "\(name)_probe_\(n + 1)"))
            model.paint(voxels, material: m)
            owned.append((m, voxels))
        }
        model.freezing = settings.freezing
        model.superTimeStepping = settings.superTimeStepping
        return CryoSource(name: name, probes: probes, settings: settings, owned: owned)
    }
}

/// Argon cryoprobes as cold surfaces following a freeze / thaw protocol.
///
/// Freeze: the freezing zone is held at `freezeTemperature`. Passive thaw: the probe's faces
/// are insulated, so it neither extracts nor adds heat (a thin metal shaft has little heat
/// capacity); its reported temperature is the mean of the tissue around it. Active thaw: held at the thaw temperature.
/// The interlock's power factor f in [0, 1] blends freeze and passive: T = T_passive + f (T_freeze - T_passive).
/// Channel power is the heat exchanged with the tissue, negative while freezing:
///   P = - sum over tissue faces of 2 k(T_n) A_f / h_f (T_n - T_probe)   [W]
/// (the held temperature acts on the shared face, as in `ThermalMaterial.fixedTemperature`).
public final class CryoSource: HeatSource {
    public let name: String
    public let probes: [ApplicatorAxis]
    public let settings: CryoSettings
    public var powerFactor: Double = 1
    /// Heat exchanged so far [J] (negative: extracted).
    public internal(set) var energy: Double = 0
    /// Held temperature of each probe in the last update [C].
    public internal(set) var probeTemperatures: [Double]
    /// Heat exchanged by each probe in the last update [W] (negative: extracted).
    public internal(set) var probePowers: [Double]
    let owned: [(material: Int, voxels: [Int])]
    private var voxelIndices: [[Int]] = []
    /// Per probe: (padded index of a tissue neighbour, A/h of the shared face [m], its material).
    private var neighbours: [[(index: Int, geometry: Double, material: Int)]] = []
    private var frozenK: [Double] = [], unfrozenK: [Double] = []

    init(name: String, probes: [ApplicatorAxis], settings: CryoSettings, owned: [(material: Int, voxels: [Int])]) {
        self.name = name; self.probes = probes; self.settings = settings; self.owned = owned
        probeTemperatures = [Double](repeating: Blood.arterialTemperature, count: probes.count)
        probePowers = [Double](repeating: 0, count: probes.count)
    }

    private func prepare(_ solver: PennesSolver<Float>) {
        let g = solver.grid, c = solver.codes
        frozenK = solver.materials.map { m in m.tissue.map { settings.freezing.frozen($0).conductivity } ?? 0 }
        unfrozenK = solver.materials.map { $0.tissue?.thermalConductivity ?? 0 }
        let h = g.spacing
        let faces: [(Int, Double)] = [(1, h.y * h.z / h.x), (-1, h.y * h.z / h.x), (c.strideY, h.x * h.z / h.y), (-c.strideY, h.x * h.z / h.y),
                                      (c.strideZ, h.x * h.y / h.z), (-c.strideZ, h.x * h.y / h.z)]
        voxelIndices = owned.map { $0.voxels.map { c.paddedIndex(linear: $0) } }
        neighbours = voxelIndices.map { list in
            var out: [(Int, Double, Int)] = []
            for v in list {
                for (off, geo) in faces {
                    let m = Int(c.base[v + off] & ~MaterialCode.coagulated)
                    if m < solver.materials.count, solver.materials[m].tissue != nil { out.append((v + off, geo, m)) }
                }
            }
            return out
        }
    }

    public func update(solver: PennesSolver<Float>, time: Double) throws {
        if voxelIndices.isEmpty { prepare(solver) }
        let t = solver.temperature.base
        let f = solver.freezing ?? settings.freezing
        let phase = settings.protocolPhases.phase(at: time)
        let gate = min(max(powerFactor, 0), 1)
        // Passive thaw: the probes' faces are insulated (no heat exchange); otherwise held.
        let passivePhase: Bool
        if case .passiveThaw = phase { passivePhase = true } else { passivePhase = false }
        solver.insulate(materials: passivePhase ? Set(owned.map(\.material)) : [])
        var total = 0.0
        for p in probes.indices {
            let nb = neighbours[p]
            var passive = probeTemperatures[p]
            if !nb.isEmpty {
                var s = 0.0
                for n in nb { s += Double(t[n.index]) }
                passive = s / Double(nb.count)
            }
            let target: Double
            switch phase {
            case .freeze: target = passive + gate * (settings.freezeTemperature - passive)
            case .passiveThaw: target = passive
            case .activeThaw(_, let thaw): target = thaw
            }
            let v = Float(target)
            for i in voxelIndices[p] { t[i] = v }
            probeTemperatures[p] = target
            // Heat exchanged through the probe's tissue faces, with k at the neighbour's state.
            var q = 0.0
            for n in nb {
                let tn = Double(t[n.index])
                let phi = min(max((f.liquidus - tn) / (f.liquidus - f.solidus), 0), 1)
                let k = unfrozenK[n.material] + phi * (frozenK[n.material] - unfrozenK[n.material])
                q -= 2 * k * n.geometry * (tn - target)  // held face: the neighbour's half cell conducts
            }
            probePowers[p] = passivePhase ? 0 : q
            total += probePowers[p]
        }
        energy += total * solver.dt
    }

    public func channelSamples() -> [ChannelSample] {
        probes.indices.map { p in
            ChannelSample(channel: probes.count == 1 ? name : "\(name)_\(p + 1)", power: probePowers[p],
                          energy: energy * (probePowers.reduce(0, +) == 0 ? 1 / Double(probes.count) : probePowers[p] / probePowers.reduce(0, +)),
                          probeTemperature: probeTemperatures[p])
        }
    }
}
