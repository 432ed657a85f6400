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

    /// Installs described cryoprobes (`Cryoprobe`: gauge, freezing length, heat extraction),
    /// each on its axis (tip and insertion direction; the radius is the probe's). Isothermal
    /// probes are painted as held surfaces at their surface temperature; gas-flow probes as
    /// cooled surfaces holding the gas temperature through their film coefficient, scaled by
    /// pi d L over the rasterized freezing zone's tissue faces so the film conducts over the
    /// probe's true surface, and capped at their capacity. `settings` gives the protocol,
    /// freezing model and super-steps; its freeze temperature and freezing length are not used.
    public static func install(cryoprobes: [(probe: Cryoprobe, tip: SIMD3<Double>, direction: SIMD3<Double>)], settings: CryoSettings,
                               into model: inout ThermalModel, name: String = "cryo") throws -> CryoSource {
        try settings.validate()
        guard (1...8).contains(cryoprobes.count) else {
            throw PhysicsError.invalidInput("cryoablation needs 1 to 8 probes, got \(cryoprobes.count)")
        }
        var axes: [ApplicatorAxis] = [], rasters: [[Int]] = []
        for (n, p) in cryoprobes.enumerated() {
            try p.probe.validate()
            let axis = try p.probe.axis(tip: p.tip, direction: p.direction)
            axes.append(axis)
            rasters.append(try axis.voxels(in: model.grid, length: p.probe.freezingLength, context: "cryoprobe \(n + 1) (\(p.probe.name))"))
        }
        let g = model.grid
        var isProbe = [Bool](repeating: false, count: g.voxelCount)
        for r in rasters { for v in r { isProbe[v] = true } }
        var owned: [(material: Int, voxels: [Int])] = [], extraction: [CryoSource.Extraction] = []
        for (n, p) in cryoprobes.enumerated() {
            let material: ThermalMaterial
            switch p.probe.extraction {
            case .isothermal(let t):
                material = .fixedTemperature(name: "\(name)_probe_\(n + 1)")
                extraction.append(.isothermal(surfaceTemperature: t))
            case .gasFlow(let gas, let hf, let cap):
                // Tissue-facing faces of the raster: the film acts over them.
                var area = 0.0
                let h = g.spacing
                for v in rasters[n] {
                    let i = v % g.nx, j = v / g.nx % g.ny, k = v / (g.nx * g.ny)
                    for (di, dj, dk, a) in [(1, 0, 0, h.y * h.z), (-1, 0, 0, h.y * h.z), (0, 1, 0, h.x * h.z), (0, -1, 0, h.x * h.z),
                                            (0, 0, 1, h.x * h.y), (0, 0, -1, h.x * h.y)] {
                        let (a2, b2, c2) = (i + di, j + dj, k + dk)
                        guard a2 >= 0, a2 < g.nx, b2 >= 0, b2 < g.ny, c2 >= 0, c2 < g.nz else { continue }
                        if !isProbe[(c2 * g.ny + b2) * g.nx + a2] { area += a }
                    }
                }
                guard area > 0 else {
                    throw PhysicsError.invalidInput("cryoprobe \(n + 1) (\(p.probe.name)) has no tissue around its freezing zone")
                }
                let film = hf * p.probe.freezingSurface / area
                material = .cooledSurface(name: "\(name)_probe_\(n + 1)", filmCoefficient: film)
                extraction.append(.gasFlow(gasTemperature: gas, film: film, maximumPower: cap))
            }
            let m = try model.addMaterial(material)
            model.paint(rasters[n], material: m)
            owned.append((m, rasters[n]))
        }
        model.freezing = settings.freezing
        model.superTimeStepping = settings.superTimeStepping
        return CryoSource(name: name, probes: axes, settings: settings, owned: owned, extraction: extraction)
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
public final class CryoSource: HeatSource, BoundaryCondition {
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
    /// How each probe extracts heat during a freeze.
    enum Extraction: Equatable {
        case isothermal(surfaceTemperature: Double)
        /// Gas temperature [C], the film coefficient of its material [W/(m^2 K)], capacity [W].
        case gasFlow(gasTemperature: Double, film: Double, maximumPower: Double)
    }
    let extraction: [Extraction]
    private var voxelIndices: [[Int]] = []
    /// Per probe: (padded index of a tissue neighbour, A/h of the shared face [m], its material).
    private var neighbours: [[(index: Int, geometry: Double, material: Int)]] = []
    private var frozenK: [Double] = [], unfrozenK: [Double] = []

    init(name: String, probes: [ApplicatorAxis], settings: CryoSettings, owned: [(material: Int, voxels: [Int])],
         extraction: [Extraction]? = nil) {
        self.name = name; self.probes = probes; self.settings = settings; self.owned = owned
        self.extraction = extraction ?? probes.map { _ in .isothermal(surfaceTemperature: settings.freezeTemperature) }
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

    /// Takes the probes' voxels and their tissue neighbours from the solver.
    public func bind(to solver: PennesSolver<Float>) throws {
        if voxelIndices.isEmpty { prepare(solver) }
    }

    /// The probes are held surfaces: they add no heat, their channels report what they exchange.
    public func addHeat(solver: PennesSolver<Float>, time: Double) throws {}

    public func hold(solver: PennesSolver<Float>, time: Double) throws {
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
            // Face conductance [W/K] to neighbour n: the half cell 2 k A / h, in series with the
            // film of a gas-flow probe (A/h / (1/(2k) + 1/(h_f h)), h = A/geometry per face).
            var film = Double.infinity
            if case .gasFlow(_, let hf, _) = extraction[p] { film = hf }
            func conductance(_ n: (index: Int, geometry: Double, material: Int)) -> Double {
                let tn = Double(t[n.index])
                let phi = min(max((f.liquidus - tn) / (f.liquidus - f.solidus), 0), 1)
                let k = unfrozenK[n.material] + phi * (frozenK[n.material] - unfrozenK[n.material])
                guard film.isFinite else { return 2 * k * n.geometry }
                let h = (solver.grid.voxelVolume / n.geometry).squareRoot()  // the face's spacing: geometry = A / h = V / h^2
                return n.geometry / (1 / (2 * k) + 1 / (film * h))
            }
            var freeze: Double
            switch extraction[p] {
            case .isothermal(let s): freeze = s
            case .gasFlow(let gas, _, let capacity):
                // The film's extraction at the gas temperature; above the capacity the probe warms
                // until it extracts exactly that (from the tissue state at the step's start).
                var g = 0.0, gt = 0.0
                for n in nb { let c = conductance(n); g += c; gt += c * Double(t[n.index]) }
                freeze = g > 0 && gt - g * gas > capacity ? (gt - capacity) / g : gas
            }
            let target: Double
            switch phase {
            case .freeze: target = passive + gate * (freeze - passive)
            case .passiveThaw: target = passive
            case .activeThaw(_, let thaw): target = thaw
            }
            let v = Float(target)
            for i in voxelIndices[p] { t[i] = v }
            probeTemperatures[p] = target
            // Heat exchanged through the probe's tissue faces, with k at the neighbour's state.
            var q = 0.0
            for n in nb { q -= conductance(n) * (Double(t[n.index]) - target) }
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
