import Foundation
import AblasimCore
import CLapack

/// Where the potential is solved.
public enum RFDomain: Sendable, Equatable {
    /// The whole grid (monopolar default: the grounding pad is the grid surface).
    case fullGrid
    /// The bounding box of every probe's shaft voxels grown by `margin` [m], insulated or
    /// grounded at its faces like the full grid (bipolar default; the bipolar field decays
    /// like a dipole, so a margin of one or two electrode lengths changes little:
    /// RFSourceTests.testBoxSolveMatchesFullGrid).
    case box(margin: Double)
}

/// How the probe's shaft meets the tissue.
public enum ElectrodeModel: String, CaseIterable, Sendable, Equatable {
    /// The electrode's true radius sets the conductance (electric and thermal) of the first
    /// cell around the shaft through the analytic near field of a cylinder; the shaft is a
    /// steel fin with its own temperature (`ElectrodeNearField`, `ElectrodeShaft`). Default.
    case nearField = "near-field"
    /// The shaft is its rasterized voxels and nothing else (before the near-field model):
    /// electrode voxels at the potential, uncooled shafts are tissue, cooled shafts hold the
    /// coolant through a film on the voxel faces. Kept to measure what the near field changes.
    case voxel
}

/// Numerical options of the RF source.
public struct RFOptions: Sendable, Equatable {
    public var conductivity: RFConductivityModel = .standard
    public var electrodeModel: ElectrodeModel = .nearField
    /// nil: `.box(margin: 15 mm)` when every probe is bipolar, `.fullGrid` otherwise.
    /// RFSourceTests.testBoxSolveMatchesFullGrid: with a 10 mm bipolar probe at 1 mm the
    /// 15 mm box changes Q by 0.45 % (relative L2) and the impedance by 0.3 %, a 20 mm box by
    /// 0.15 % and 0.1 %.
    public var domain: RFDomain? = nil
    /// Relative residual of each unit-potential solve.
    public var tolerance: Double = 1e-5
    /// Re-solve when the heating-weighted mean |ln(sigma_now / sigma_solved)| of the
    /// temperature law below vaporization exceeds this (to first order the relative change
    /// of the electrode conductance), or when it anywhere exceeds ln `maxLocalDrift`.
    /// 5 %: on the L1 phantom's bipedicular run the ablation volume after 60 s is within
    /// 0.8 % of re-solving every step (2.2 % after 120 s, where the vaporization chatter of
    /// the electrode edges makes every setting scatter by about that much) with 12 re-solves
    /// instead of 316 (docs/rf-performance.md).
    public var driftTolerance: Double = 0.05
    public var maxLocalDrift: Double = 2
    /// Re-solve when the heating-weighted mean change of the vaporized voxels' polarization
    /// (`RFSource.polarization`, 0 to 1.5 per voxel) exceeds this. Their own heating is
    /// corrected every step; this bound catches a vaporized shell around an electrode, which
    /// raises the impedance (and may trip the cut-out). 0.25 lies well above the chatter of
    /// single voxels at the roll-off (a few hundredths on the L1 run) and well below a shell.
    public var vaporizationDrift: Double = 0.25
    /// Simulated time between drift checks [s].
    public var driftCheckInterval: Double = 1

    public init() {}

    func validate() throws {
        try conductivity.validate()
        guard tolerance > 0, tolerance < 1e-2 else { throw PhysicsError.invalidInput("RF solver tolerance \(tolerance) must be in (0, 0.01)") }
        guard driftTolerance > 0, driftTolerance.isFinite, maxLocalDrift > 1, maxLocalDrift.isFinite,
              vaporizationDrift > 0, vaporizationDrift.isFinite else {
            throw PhysicsError.invalidInput("RF drift tolerance \(driftTolerance) must be > 0 and the local drift factor \(maxLocalDrift) > 1")
        }
        guard driftCheckInterval >= 0, driftCheckInterval.isFinite else { throw PhysicsError.invalidInput("RF drift check interval \(driftCheckInterval) s must be >= 0") }
        if case .box(let m) = domain, !(m.isFinite && m >= 0) {
            throw PhysicsError.invalidInput("RF solve box margin \(m * 1000) mm must be finite and >= 0")
        }
    }
}

/// Something the generator did that the run should report.
public struct RFEvent: Sendable, Equatable {
    public enum Kind: String, Sendable {
        /// The impedance rose above the cut-out threshold (`RFCutout.riseFactor` times its
        /// minimum) and the generator switched the channel off.
        case impedanceCutout = "impedance-cutout"
        /// The channel came back after the cut-out pause.
        case resumed
        /// Roll-off: the impedance first rose above `RFEvent.rollOffFactor` times its
        /// minimum since the channel (re)started (tissue at the electrode desiccating),
        /// reported whether or not a cut-out follows.
        case rollOff = "roll-off"
    }
    /// Rise of the impedance over its minimum reported as roll-off: 1.5 (assumed; half the
    /// usual cut-out rise of 2, the onset of the impedance rise of desiccation that
    /// impedance-controlled generators react to, e.g. Ha et al. 2014 in
    /// ../shared/data/validation-set.md 1.8).
    public static let rollOffFactor = 1.5
    public var time: Double
    public var channel: String
    public var kind: Kind
    /// Impedance at the event [ohm].
    public var impedance: Double
}

/// A reading of one of the probes' own thermocouples.
public struct ProbeThermocoupleReading: Sendable, Equatable {
    public var probe: String
    public var thermocouple: String
    /// [C]
    public var temperature: Double
}

/// RF heating by one or more probes, each on its own generator channel.
///
/// Each re-solve computes the unit-potential solution phi_e of every electrode (1 V on e,
/// 0 V on the others), the electrode conductance matrix G_fe = current out of f for phi_e
/// (symmetric by reciprocity), and from it the channel circuit: bipolar outputs float
/// (no net current into the pair, U_a - U_b = V_c), monopolar outputs drive U_a = V_c against
/// the grounded pad, idle electrodes float (I_e = 0); an insulated domain fixes the gauge
/// by sum U = 0. LAPACK (`dgesv`) gives the electrode potentials U = M V and the channel
/// admittance Y = G-restricted (I = Y V). Every step the channel voltages follow from the
/// set powers P_c = V_c (Y V)_c (Newton, `dgesv` on the Jacobian), and
///
///   Q = sigma |grad V|^2 = sum_{c,d} V_c V_d sigma grad psi_c . grad psi_d,
///
/// psi_c = sum_e M_ec phi_e, is added face by face: each face dissipates G (dV)^2, half to
/// each tissue voxel, all of it to the tissue voxel when the other is an electrode, so the
/// integral of Q is exactly sum_c V_c I_c (energy-consistent). Impedance Z_c = V_c^2 / P_c.
public final class RFSource: HeatSource, BoundaryCondition {
    public let name: String
    public let grid: Grid3D
    public let probes: [Probe]
    public let generators: [RFGenerator]
    public let rasters: [ProbeRaster]
    /// Thermal material index of each cooled probe's shaft (nil: uncooled).
    public let coolingMaterials: [Int?]
    public let options: RFOptions
    public var powerFactor: Double = 1
    /// Box of the potential solve: first voxel and size.
    public let boxOrigin: SIMD3<Int>, boxSize: SIMD3<Int>
    public let boundary: ElectricBoundary
    public internal(set) var events: [RFEvent] = []
    /// Statistics: number of re-solves, conjugate-gradient iterations, wall time [s].
    public internal(set) var potentialSolves = 0
    public internal(set) var solveIterations = 0
    public internal(set) var solveSeconds = 0.0
    /// Process CPU time spent in re-solves [s] (all threads; independent of other load).
    public internal(set) var solveCPUSeconds = 0.0
    /// Drift checks done and their wall time [s].
    public internal(set) var driftChecks = 0
    public internal(set) var driftCheckSeconds = 0.0
    /// Power deposited in the tissue in the last update, integral of Q dV [W] (the Joule
    /// heat of the channels, before the near-field model moves part of it to the shafts).
    public internal(set) var depositedPower = 0.0
    /// Near-field model, last update: Joule heat moved from the tissue to the steel shafts
    /// [W], and the heat the shafts' near-field correction added to the tissue [W] (the
    /// solver's own conduction to the held shaft voxels not included).
    public internal(set) var shaftHeating = 0.0
    public internal(set) var shaftExchangeCorrection = 0.0

    let executor: SlabExecutor
    let potential: ElectricPotentialSolver
    /// (probe, pole) of each electrode of the potential problem.
    let electrodes: [(probe: Int, pole: ElectrodePole)]
    var unit: [Field3D<Double>]
    /// Conductance matrix G[f][e] [S].
    public internal(set) var conductance: [[Double]] = []
    var active: [Int] = []
    /// Electrode potentials per unit channel voltage, M[e][a] (a over active channels).
    private var potentials: [[Double]] = []
    /// Channel admittance over the active channels [S].
    public private(set) var admittance: [[Double]] = []
    var patterns: [[Float]] = []
    /// The heated box inside the solve box (origin relative to the solve box, size): where
    /// the patterns are stored and Q is added.
    public internal(set) var heatOrigin = SIMD3<Int>.zero, heatSize = SIMD3<Int>.zero
    /// Fraction of the heating left outside the heated box, redistributed inside it (0.1 %:
    /// far below the 1 % energy-balance requirement; the tail is spread thinly over a large
    /// volume where it would warm the tissue by hundredths of a degree).
    static let heatTail = 1e-3
    var pairs: [(Int, Int)] = []
    var weights: [Double] = []
    var states: [GeneratorState]
    var solved = false
    var circuitDirty = true
    var lastDriftCheck = -Double.infinity
    /// Vaporization factor `RFConductivityModel.collapse` of every solve-box voxel at the
    /// last re-solve (1 where the tissue was below the onset).
    let collapseAtSolve: Field3D<Float>
    let shaftVoxels: Set<Int>
    private let coolantVoxels: [(voxels: [Int], temperature: Double)]
    /// Near-field model: the steel shaft of each probe, the faces between the shafts and the
    /// tissue, the electrode faces whose heating is split with the metal (RFSource+Shaft).
    var shafts: [ElectrodeShaft] = []
    var shaftFaces: [[ElectrodeNearField.Face]] = []
    var thermal: ShaftCoupling? = nil
    /// The shafts' temperatures have been set (first step or a checkpoint).
    var shaftsStarted = false
    var splitFaces: [SplitFace] = []
    var splitHeat: [[Double]] = []
    /// Filtered reading of each probe's on-shaft thermocouples [C] (their lag).
    var thermocoupleState: [[Double]] = []
    /// Q scale of the last step relative to sum_n w_n pattern_n (vaporization renormalization).
    var lastRenormalization = 1.0
    /// Ring of tissue voxels around every shaft: included in `heatedRegion`.
    var ringBox: (lo: SIMD3<Int>, hi: SIMD3<Int>)? = nil
    /// Channels already reported as rolled off since their last (re)start.
    var rolledOff: [Bool] = []

    init(name: String, grid: Grid3D, probes: [Probe], generators: [RFGenerator], rasters: [ProbeRaster],
         coolingMaterials: [Int?], options: RFOptions, executor: SlabExecutor) throws {
        self.name = name; self.grid = grid; self.probes = probes; self.generators = generators
        self.rasters = rasters; self.coolingMaterials = coolingMaterials; self.options = options
        self.executor = executor
        let monopolar = probes.contains { !$0.isBipolar }
        boundary = monopolar ? .grounded : .insulated
        let domain = options.domain ?? (monopolar ? .fullGrid : .box(margin: 0.015))
        switch domain {
        case .fullGrid:
            boxOrigin = .zero; boxSize = grid.dims
        case .box(let margin):
            // Around the electrodes only: insulated shaft outside the box carries no current.
            var lo = grid.dims, hi = SIMD3<Int>(repeating: -1)
            for r in rasters { for (v, role) in zip(r.voxels, r.roles) where role != .insulation {
                let p = grid.voxel(v)
                lo = pointwiseMin(lo, p); hi = pointwiseMax(hi, p)
            } }
            let m = SIMD3<Int>(Int((margin / grid.spacing.x).rounded(.up)), Int((margin / grid.spacing.y).rounded(.up)),
                               Int((margin / grid.spacing.z).rounded(.up)))
            // One extra voxel so an electrode never touches a grounded box face.
            lo = pointwiseMax(lo &- m &- 1, .zero); hi = pointwiseMin(hi &+ m &+ 1, grid.dims &- 1)
            boxOrigin = lo; boxSize = hi &- lo &+ 1
        }
        var electrodes: [(Int, ElectrodePole)] = []
        var roles = [Int32](repeating: ElectricPotentialSolver.conductor, count: boxSize.x * boxSize.y * boxSize.z)
        for (pi, r) in rasters.enumerated() {
            var ids: [ElectrodePole: Int32] = [:]
            for pole in [ElectrodePole.active, .returning] where !r.voxels(of: pole).isEmpty {
                ids[pole] = Int32(electrodes.count); electrodes.append((pi, pole))
            }
            for (v, role) in zip(r.voxels, r.roles) {
                let p = grid.voxel(v) &- boxOrigin
                guard all(p .>= .zero) && all(p .< boxSize) else { continue }
                let b = (p.z * boxSize.y + p.y) * boxSize.x + p.x
                switch role {
                case .insulation: roles[b] = ElectricPotentialSolver.insulator
                case .electrode(let pole): roles[b] = ids[pole]!
                }
            }
        }
        self.electrodes = electrodes
        potential = try ElectricPotentialSolver(nx: boxSize.x, ny: boxSize.y, nz: boxSize.z, spacing: grid.spacing, roles: roles,
                                                electrodeCount: electrodes.count, boundary: boundary,
                                                tolerance: options.tolerance, executor: executor)
        let size = boxSize
        unit = electrodes.map { _ in Field3D(nx: size.x, ny: size.y, nz: size.z, repeating: 0) }
        states = generators.map { _ in GeneratorState() }
        collapseAtSolve = Field3D(nx: size.x, ny: size.y, nz: size.z, repeating: 1)
        shaftVoxels = Set(rasters.flatMap(\.voxels))
        rolledOff = probes.map { _ in false }
        if options.electrodeModel == .nearField {
            coolantVoxels = []
            setUpNearField()
        } else {
            coolantVoxels = zip(probes, rasters).compactMap { p, r in p.cooling.map { (r.voxels, $0.coolantTemperature) } }
        }
    }

    /// Temperature control samples the probe thermocouple once per step: an assumed
    /// generator control period of 0.25 s (a few samples per second, as RF generators
    /// display and regulate) keeps the PI loop from oscillating on coarse grids, where the
    /// thermal limit alone would allow steps near 1 s.
    public static let controlPeriod = 0.25

    public var maximumTimeStep: Double? {
        generators.contains { if case .temperatureControlled = $0.mode { return true } else { return false } } ? RFSource.controlPeriod : nil
    }

    public var statistics: [String: Double] {
        ["rf.potential_solves": Double(potentialSolves), "rf.cg_iterations": Double(solveIterations),
         "rf.potential_solve_wall_s": solveSeconds, "rf.potential_solve_cpu_s": solveCPUSeconds,
         "rf.drift_checks": Double(driftChecks), "rf.drift_check_wall_s": driftCheckSeconds,
         "rf.solve_box_voxels": Double(boxSize.x * boxSize.y * boxSize.z), "rf.heated_box_voxels": Double(heatSize.x * heatSize.y * heatSize.z)]
    }

    public var heatedRegion: (origin: SIMD3<Int>, size: SIMD3<Int>)? {
        guard let ring = ringBox else { return (boxOrigin &+ heatOrigin, heatSize) }
        let lo0 = boxOrigin &+ heatOrigin
        guard all(heatSize .> .zero) else { return (ring.lo, ring.hi &- ring.lo &+ 1) }
        let lo = pointwiseMin(lo0, ring.lo), hi = pointwiseMax(lo0 &+ heatSize &- 1, ring.hi)
        return (lo, hi &- lo &+ 1)
    }

    public func channelSamples() -> [ChannelSample] {
        zip(probes, states).map { p, s in
            ChannelSample(channel: p.name, power: s.power, impedance: s.impedance, energy: s.energy, probeTemperature: s.probeTemperature)
        }
    }

    /// Every probe thermocouple's current reading.
    public func thermocoupleReadings(solver: PennesSolver<Float>) -> [ProbeThermocoupleReading] {
        probes.indices.flatMap { p in
            probes[p].thermocouples.map { ProbeThermocoupleReading(probe: probes[p].name, thermocouple: $0.name, temperature: read($0, of: p, solver: solver)) }
        }
    }

    /// World position of a probe thermocouple [m]: on the axis `distanceFromTip` back from
    /// the tip, moved sideways by its radial offset (default: the shaft surface).
    public func position(of tc: ProbeThermocouple, probe p: Int) -> SIMD3<Double> {
        let probe = probes[p]
        let a = probe.backward
        // Sideways direction: the world axis least aligned with the shaft, orthogonalized.
        let e: SIMD3<Double> = abs(a.x) <= abs(a.y) && abs(a.x) <= abs(a.z) ? [1, 0, 0] : abs(a.y) <= abs(a.z) ? [0, 1, 0] : [0, 0, 1]
        var s = e - a * (e * a).sum()
        s /= (s * s).sum().squareRoot()
        return probe.point(fromTip: tc.distanceFromTip) + s * (tc.radialOffset ?? probe.radius)
    }

    /// Temperature a probe thermocouple reads [C]: trilinear over the tissue voxels around
    /// the junction (shaft voxels excluded, weights renormalized); the nearest tissue voxel
    /// within 3 voxels when all eight neighbours are shaft.
    func read(_ tc: ProbeThermocouple, of p: Int, solver: PennesSolver<Float>) -> Double {
        if options.electrodeModel == .nearField, tc.radialOffset == nil, let n = probes[p].thermocouples.firstIndex(of: tc),
           thermocoupleState.indices.contains(p), thermocoupleState[p][n].isFinite {
            return thermocoupleState[p][n]
        }
        // (Before the first update the steel has no temperature yet: the tissue at the surface.)
        let x = grid.index(position(of: tc, probe: p))
        let t = solver.temperature
        let n = grid.dims
        let c = pointwiseMin(pointwiseMax(x, .zero), SIMD3(Double(n.x - 1), Double(n.y - 1), Double(n.z - 1)))
        let i0 = SIMD3(Int(c.x.rounded(.down)), Int(c.y.rounded(.down)), Int(c.z.rounded(.down)))
        var sum = 0.0, wsum = 0.0
        TrilinearStencil.forEachCorner(at: x, dims: n) { q, w in
            guard !shaftVoxels.contains(grid.linear(q)) else { return }
            sum += w * Double(t[q.x, q.y, q.z]); wsum += w
        }
        if wsum > 1e-9 { return sum / wsum }
        var best = (Double.infinity, Double(t[i0.x, i0.y, i0.z]))
        for dz in -3...3 { for dy in -3...3 { for dx in -3...3 {
            let q = i0 &+ SIMD3(dx, dy, dz)
            guard all(q .>= .zero) && all(q .< n) else { continue }
            guard !shaftVoxels.contains(grid.linear(q)) else { continue }
            let d = SIMD3(Double(q.x), Double(q.y), Double(q.z)) - c
            let d2 = (d * d).sum()
            if d2 < best.0 { best = (d2, Double(t[q.x, q.y, q.z])) }
        } } }
        return best.1
    }

    // MARK: HeatSource

    /// Checks the grid and builds the near-field shaft coupling (again after a restore).
    public func bind(to solver: PennesSolver<Float>) throws {
        guard solver.grid.dims == grid.dims else {
            throw PhysicsError.invalidInput("RF source was built for a \(grid.nx)x\(grid.ny)x\(grid.nz) grid, the solver has \(solver.grid.nx)x\(solver.grid.ny)x\(solver.grid.nz)")
        }
        if options.electrodeModel == .nearField && thermal == nil { buildCoupling(solver) }
    }

    public func addHeat(solver: PennesSolver<Float>, time: Double) throws {
        if !solved {
            try resolve(solver)
            lastDriftCheck = time
        } else if time - lastDriftCheck >= options.driftCheckInterval {
            lastDriftCheck = time
            let clock = Date()
            let moved = drifted(solver)
            driftCheckSeconds += Date().timeIntervalSince(clock)
            driftChecks += 1
            if moved { try resolve(solver) }
        }
        let dt = solver.dt
        // Commands, then the active set (switched on and not cut out).
        var command = [Double](repeating: 0, count: probes.count)
        for c in probes.indices {
            let tcIndex = probes[c].controlThermocouple
            let reading = tcIndex.map { read(probes[c].thermocouples[$0], of: c, solver: solver) }
            states[c].probeTemperature = reading
            if let until = states[c].cutUntil, time >= until {
                states[c].cutUntil = nil
                states[c].minImpedance = .infinity
                rolledOff[c] = false
                events.append(RFEvent(time: time, channel: probes[c].name, kind: .resumed, impedance: states[c].impedance ?? .nan))
            }
            let p = states[c].command(generators[c], time: time, dt: dt, tc: reading)
            command[c] = states[c].cutUntil == nil ? p * min(max(powerFactor, 0), 1) : 0
        }
        let on = probes.indices.filter { generators[$0].isOn(at: time) && states[$0].cutUntil == nil }
        if on != active || circuitDirty { try buildCircuit(active: on) }
        var voltages = try channelVoltages(powers: active.map { command[$0] })
        // Impedance and cut-out.
        var cut = false
        for (a, c) in active.enumerated() {
            let current = zip(admittance[a], voltages).reduce(0) { $0 + $1.0 * $1.1 }
            let z = voltages[a] != 0 && current != 0 ? voltages[a] / current : 1 / admittance[a][a]
            states[c].impedance = z
            states[c].minImpedance = min(states[c].minImpedance, z)
            if !rolledOff[c], z > RFEvent.rollOffFactor * states[c].minImpedance {
                rolledOff[c] = true
                events.append(RFEvent(time: time, channel: probes[c].name, kind: .rollOff, impedance: z))
            }
            if let co = generators[c].cutout, z > co.riseFactor * states[c].minImpedance {
                states[c].cutUntil = co.pause.map { time + $0 } ?? .infinity
                events.append(RFEvent(time: time, channel: probes[c].name, kind: .impedanceCutout, impedance: z))
                cut = true
            }
        }
        if cut {
            let on2 = active.filter { states[$0].cutUntil == nil }
            let p2 = on2.map { command[$0] }
            try buildCircuit(active: on2)
            voltages = try channelVoltages(powers: p2)
        }
        for c in probes.indices {
            states[c].power = 0; states[c].voltage = 0
            if states[c].cutUntil != nil || powerFactor <= 0 { states[c].outputDisconnected() }
        }
        for (a, c) in active.enumerated() {
            let current = zip(admittance[a], voltages).reduce(0) { $0 + $1.0 * $1.1 }
            states[c].voltage = voltages[a]
            states[c].power = voltages[a] * current
            states[c].energy += states[c].power * dt
        }
        weights = pairs.map { (a, b) in a == b ? voltages[a] * voltages[a] : 2 * voltages[a] * voltages[b] }
        depositedPower = addHeating(into: solver)
        if options.electrodeModel == .nearField { try shaftStep(solver) }
    }

    /// Voxel electrode model: the cooled shafts held at the coolant temperature (the near-
    /// field model holds its steel shafts itself, from the heat they receive: `shaftStep`).
    public func hold(solver: PennesSolver<Float>, time: Double) throws {
        let t = solver.temperature
        for (voxels, temperature) in coolantVoxels {
            let v = Float(temperature)
            for l in voxels { let p = grid.voxel(l); t[p.x, p.y, p.z] = v }
        }
    }

    // MARK: conductivity and re-solves

    /// sigma [S/m] per material code (tissues), 0 for non-tissue materials.
    private func sigmaTable(_ solver: PennesSolver<Float>) -> [Double] {
        var table = [Double](repeating: 0, count: 256)
        for (m, material) in solver.materials.enumerated() {
            guard let t = material.tissue else { continue }
            table[m] = t.sigmaRF
            table[m | Int(MaterialCode.coagulated)] = t.sigmaRF
        }
        return table
    }

    /// Calls body(k, rowOffsetInBox, gridRowPointers...) for every box row.
    /// sigma [S/m] of box row (j, k), voxels i0 ..< i0 + count, into out[0 ..< count].
    private func conductivityRow(_ solver: PennesSolver<Float>, _ table: [Double], j: Int, k: Int,
                                 from i0: Int = 0, count: Int? = nil, into out: UnsafeMutablePointer<Double>) {
        let o = boxOrigin
        let tr = solver.temperature.row(j + o.y, k + o.z) + o.x + i0
        let cr = solver.codes.row(j + o.y, k + o.z) + o.x + i0
        let model = options.conductivity
        for i in 0..<(count ?? boxSize.x) { out[i] = table[Int(cr[i])] * model.factor(at: Double(tr[i])) }
    }

    /// Drift of sigma since the last solve, over the heated box (see `RFOptions`).
    private func drifted(_ solver: PennesSolver<Float>) -> Bool {
        let table = sigmaTable(solver)
        let (ho, hs) = (heatOrigin, heatSize)
        guard hs.x > 0, hs.y > 0, hs.z > 0 else { return false }
        let logMax = log(options.maxLocalDrift)
        let sigma = potential.conductivity, role = potential.role
        let model = options.conductivity, o = boxOrigin, c0 = collapseAtSolve
        let scratch = UnsafeMutablePointer<Double>.allocate(capacity: hs.x * hs.z)
        defer { scratch.deallocate() }
        let maxFlag = UnsafeMutablePointer<Bool>.allocate(capacity: hs.z)
        maxFlag.initialize(repeating: false, count: hs.z)
        defer { maxFlag.deallocate() }
        // Heating weight: each active channel's own unit-voltage pattern (independent of
        // the momentary power, which a temperature controller may have at 0).
        let pat = zip(patterns, pairs).filter { $0.1.0 == $0.1.1 }.map(\.0)
        // Heating-weighted |ln(sigma_now / sigma_solved)| and the heating weight, per plane.
        var weighted = [Double](repeating: 0, count: hs.z), total = [Double](repeating: 0, count: hs.z)
        var vaporized = [Double](repeating: 0, count: hs.z)
        weighted.withUnsafeMutableBufferPointer { wb in total.withUnsafeMutableBufferPointer { tb in vaporized.withUnsafeMutableBufferPointer { vb in
            let wp = wb.baseAddress!, tp = tb.baseAddress!, vp = vb.baseAddress!
            executor.forEachSlab(planes: hs.z) { ks in
                for k in ks {
                    let row = scratch + k * hs.x
                    var a = 0.0, b = 0.0, v = 0.0
                    for j in 0..<hs.y {
                        conductivityRow(solver, table, j: j + ho.y, k: k + ho.z, from: ho.x, count: hs.x, into: row)
                        let s0 = sigma.row(j + ho.y, k + ho.z) + ho.x, r = role.row(j + ho.y, k + ho.z) + ho.x
                        let base = (k * hs.y + j) * hs.x
                        let tr = solver.temperature.row(j + ho.y + o.y, k + ho.z + o.z) + o.x + ho.x
                        let cr = c0.row(j + ho.y, k + ho.z) + ho.x
                        for i in 0..<hs.x where r[i] == ElectricPotentialSolver.conductor && s0[i] > 0 && row[i] > 0 {
                            // Vaporization is corrected locally between re-solves (see
                            // addHeating); what it leaves is the inclusion's polarization change.
                            let c1 = model.collapse(at: Double(tr[i])), cs = Double(cr[i])
                            let linear = abs(log(row[i] / s0[i]) - log(c1 / cs))
                            if linear > logMax { maxFlag[k] = true }
                            var q = 0.0
                            for pt in pat { q += Double(pt[base + i]) }
                            a += q * linear; b += q
                            if c1 != cs { v += q * abs(Self.polarization(c1) - Self.polarization(cs)) }
                        }
                    }
                    wp[k] = a; tp[k] = b; vp[k] = v
                }
            }
        } } }
        let tw = total.reduce(0, +)
        if (0..<hs.z).contains(where: { maxFlag[$0] }) { return true }
        guard tw > 0 else { return false }
        return weighted.reduce(0, +) / tw > options.driftTolerance || vaporized.reduce(0, +) / tw > options.vaporizationDrift
    }

    private func resolve(_ solver: PennesSolver<Float>) throws {
        let clock = Date(), cpu0 = processCPUTime()
        let table = sigmaTable(solver)
        let sigma = potential.conductivity
        let ny = boxSize.y
        let model = options.conductivity, o = boxOrigin, nx = boxSize.x
        let c0 = collapseAtSolve
        executor.forEachSlab(planes: boxSize.z) { ks in
            for k in ks { for j in 0..<ny {
                conductivityRow(solver, table, j: j, k: k, into: sigma.row(j, k))
                let tr = solver.temperature.row(j + o.y, k + o.z) + o.x, cr = c0.row(j, k)
                for i in 0..<nx { cr[i] = Float(model.collapse(at: Double(tr[i]))) }
            } }
        }
        try potential.assemble()
        let n = electrodes.count
        // With an insulated boundary the unit solutions sum to 1: solve all but the last.
        let solveCount = boundary == .insulated && n > 1 ? n - 1 : n
        for e in 0..<solveCount {
            solveIterations += try potential.solveUnitPotential(electrode: e, into: unit[e])
        }
        if solveCount < n {
            let last = unit[n - 1], inv = potential.levels[0].invDiag
            let others = Array(unit[0..<solveCount])
            for p in 0..<last.count {
                var s = 0.0
                for u in others { s += u.base[p] }
                last.base[p] = inv.base[p] > 0 ? 1 - s : 0
            }
        }
        conductance = (0..<n).map { _ in [Double](repeating: 0, count: n) }
        for e in 0..<n {
            let currents = potential.electrodeCurrents(unitSolution: unit[e], electrode: e)
            for f in 0..<n { conductance[f][e] = currents[f] }
        }
        potentialSolves += 1
        solved = true
        circuitDirty = true
        solveSeconds += Date().timeIntervalSince(clock)
        solveCPUSeconds += processCPUTime() - cpu0
    }

    // MARK: circuit

    /// Electrode potentials per unit channel voltage and the channel admittance for the
    /// channels in `on`, then the heating patterns.
    func buildCircuit(active on: [Int]) throws {
        active = on
        circuitDirty = false
        let n = electrodes.count, m = on.count
        potentials = (0..<n).map { _ in [Double](repeating: 0, count: m) }
        admittance = (0..<m).map { _ in [Double](repeating: 0, count: m) }
        pairs = []; patterns = []; weights = []; combined = []; combinedWeights = []
        guard m > 0 else { return }
        func electrode(_ probe: Int, _ pole: ElectrodePole) -> Int? { electrodes.firstIndex { $0.probe == probe && $0.pole == pole } }
        // Rows of A U = B V (row-major here, transposed for LAPACK below).
        var a = [[Double]](), b = [[Double]]()
        var currentRows: [Int] = []
        var used = Set<Int>()
        for (ch, c) in on.enumerated() {
            let ea = electrode(c, .active)!
            used.insert(ea)
            var row = [Double](repeating: 0, count: n); row[ea] = 1
            var rhs = [Double](repeating: 0, count: m); rhs[ch] = 1
            if let eb = electrode(c, .returning) {
                used.insert(eb)
                row[eb] = -1
                a.append(row); b.append(rhs)
                // Floating output: I_a + I_b = 0.
                currentRows.append(a.count)
                a.append((0..<n).map { conductance[ea][$0] + conductance[eb][$0] }); b.append([Double](repeating: 0, count: m))
            } else {
                a.append(row); b.append(rhs)
            }
        }
        for e in 0..<n where !used.contains(e) {
            currentRows.append(a.count)
            a.append(conductance[e]); b.append([Double](repeating: 0, count: m))
        }
        if boundary == .insulated {
            guard let g = currentRows.first else {
                throw PhysicsError.invalidInput("monopolar channels need a grounded boundary (grounding pad)")
            }
            a[g] = [Double](repeating: 1, count: n)
        }
        // Column-major for LAPACK.
        var am = [Double](repeating: 0, count: n * n), bm = [Double](repeating: 0, count: n * m)
        for r in 0..<n { for c in 0..<n { am[r + c * n] = a[r][c] } }
        for r in 0..<n { for c in 0..<m { bm[r + c * n] = b[r][c] } }
        var ipiv = [Int32](repeating: 0, count: n)
        let info = LAPACKE_dgesv(LAPACK_COL_MAJOR, Int32(n), Int32(m), &am, Int32(n), &ipiv, &bm, Int32(n))
        guard info == 0 else {
            throw PhysicsError.runtime("RF channel circuit is singular (LAPACK dgesv info \(info)): an electrode is isolated from the tissue")
        }
        for e in 0..<n { for c in 0..<m { potentials[e][c] = bm[e + c * n] } }
        for (ch, c) in on.enumerated() {
            let ea = electrode(c, .active)!
            for d in 0..<m { admittance[ch][d] = (0..<n).reduce(0) { $0 + conductance[ea][$1] * potentials[$1][d] } }
        }
        for c in 0..<m { for d in c..<m { pairs.append((c, d)) } }
        buildPatterns()
    }

    /// Heating per unit voltage products: pattern (c, d) holds, per box voxel, the power
    /// density [W/m^3/V^2] of sum over its faces of G dpsi_c dpsi_d (see type comment).
    private func buildPatterns() {
        let nx = boxSize.x, ny = boxSize.y, nz = boxSize.z
        let m = active.count
        let fine = potential.levels[0]
        let inv = fine.invDiag
        // Channel fields psi_c on the box (padded), electrode voxels at their potentials.
        let psi: [Field3D<Double>] = (0..<m).map { c in
            let f = Field3D<Double>(nx: nx, ny: ny, nz: nz, repeating: 0)
            for (e, u) in unit.enumerated() {
                let w = potentials[e][c]
                for p in 0..<f.count where inv.base[p] > 0 { f.base[p] += w * u.base[p] }
            }
            return f
        }
        var electrodeValue = [[Double]]()
        for e in electrodes.indices { electrodeValue.append((0..<m).map { potentials[e][$0] }) }
        let volume = grid.voxelVolume
        var acc = pairs.map { _ in [Double](repeating: 0, count: (nx + 2) * (ny + 2) * (nz + 2)) }
        let sy = fine.sy, sz = fine.sz
        for (n, (c, d)) in pairs.enumerated() {
            let pc = psi[c].base, pd = psi[d].base
            acc[n].withUnsafeMutableBufferPointer { buf in
                let q = buf.baseAddress!
                // Tissue-tissue faces: half to each side.
                for (g, stride) in [(fine.gx.base, 1), (fine.gy.base, sy), (fine.gz.base, sz)] {
                    for k in 0..<nz { for j in 0..<ny {
                        let o = (k + 1) * sz + (j + 1) * sy + 1
                        for p in o..<(o + nx) where g[p] > 0 {
                            let e = 0.5 * g[p] * (pc[p + stride] - pc[p]) * (pd[p + stride] - pd[p])
                            q[p] += e; q[p + stride] += e
                        }
                    } }
                }
                // Tissue-electrode faces: all to the tissue voxel (the near-field model later
                // moves half of it to the shaft, `splitHeat`).
                for (e, faces) in potential.electrodeFaces.enumerated() {
                    let uc = electrodeValue[e][c], ud = electrodeValue[e][d]
                    for (p, g) in faces { q[p] += g * (uc - pc[p]) * (ud - pd[p]) }
                }
                // Grounded outer faces (0 V).
                for (p, g) in potential.groundFaces { q[p] += g * pc[p] * pd[p] }
            }
        }
        // Heated box: the electrodes' bounding box grown until the heating outside it (own
        // channel patterns) is below `heatTail` of the total; Q there is dropped and the
        // kept Q scaled up by the same tiny fraction, so the deposited power stays exact.
        var elo = SIMD3<Int>(nx, ny, nz), ehi = SIMD3<Int>(repeating: -1)
        for k in 0..<nz { for j in 0..<ny { for i in 0..<nx where potential.role[i, j, k] >= 0 {
            elo = pointwiseMin(elo, SIMD3(i, j, k)); ehi = pointwiseMax(ehi, SIMD3(i, j, k))
        } } }
        let reach = max(nx, ny, nz)
        var histogram = [Double](repeating: 0, count: reach + 1)
        let diagonal = pairs.indices.filter { pairs[$0].0 == pairs[$0].1 }
        for k in 0..<nz { for j in 0..<ny { for i in 0..<nx {
            let p = (k + 1) * sz + (j + 1) * sy + i + 1
            var e = 0.0
            for n in diagonal { e += abs(acc[n][p]) }
            let c = SIMD3(i, j, k)
            let d = pointwiseMax(pointwiseMax(elo &- c, c &- ehi), .zero).max()
            histogram[d] += e
        } } }
        let totalEnergy = histogram.reduce(0, +)
        var grow = reach, tail = 0.0
        while grow > 0 && tail + histogram[grow] <= Self.heatTail * totalEnergy { tail += histogram[grow]; grow -= 1 }
        let hlo = pointwiseMax(elo &- grow, .zero), hhi = pointwiseMin(ehi &+ grow, SIMD3(nx, ny, nz) &- 1)
        heatOrigin = hlo; heatSize = hhi &- hlo &+ 1
        let hs = heatSize
        var out = pairs.map { _ in [Float](repeating: 0, count: hs.x * hs.y * hs.z) }
        for n in pairs.indices {
            var kept = 0.0, everything = 0.0
            for k in 0..<nz { for j in 0..<ny { for i in 0..<nx {
                let v = acc[n][(k + 1) * sz + (j + 1) * sy + i + 1]
                everything += v
                let c = SIMD3(i, j, k) &- hlo
                guard all(c .>= .zero) && all(c .< hs) else { continue }
                kept += v
            } } }
            let scale = kept != 0 ? everything / kept : 1
            for k in 0..<hs.z { for j in 0..<hs.y { for i in 0..<hs.x {
                out[n][(k * hs.y + j) * hs.x + i] = Float(acc[n][(k + hlo.z + 1) * sz + (j + hlo.y + 1) * sy + i + hlo.x + 1] * scale / volume)
            } } }
        }
        acc.removeAll()
        patterns = out
        if options.electrodeModel == .nearField { buildSplitFaces(psi: psi, electrodeValue: electrodeValue) }
        combined = []; combinedWeights = []
    }

    /// P_c = V_c (Y V)_c for every active channel: Newton with LAPACK on the Jacobian.
    private func channelVoltages(powers: [Double]) throws -> [Double] {
        let m = powers.count
        var v = [Double](repeating: 0, count: m)
        let driven = (0..<m).filter { powers[$0] > 0 }
        guard !driven.isEmpty else { return v }
        for c in driven { v[c] = (powers[c] / admittance[c][c]).squareRoot() }
        let k = driven.count
        let scale = powers.max()!
        for _ in 0..<60 {
            let i = (0..<m).map { c in (0..<m).reduce(0) { $0 + admittance[c][$1] * v[$1] } }
            var f = driven.map { v[$0] * i[$0] - powers[$0] }
            if f.allSatisfy({ abs($0) <= 1e-12 * scale }) { return v }
            var j = [Double](repeating: 0, count: k * k)
            for (r, c) in driven.enumerated() {
                for (s, d) in driven.enumerated() {
                    j[r + s * k] = (c == d ? i[c] : 0) + v[c] * admittance[c][d]
                }
            }
            var ipiv = [Int32](repeating: 0, count: k)
            let info = LAPACKE_dgesv(LAPACK_COL_MAJOR, Int32(k), 1, &j, Int32(k), &ipiv, &f, Int32(k))
            guard info == 0 else { break }
            for (r, c) in driven.enumerated() { v[c] -= f[r] }
        }
        let achieved = (0..<m).map { c in v[c] * (0..<m).reduce(0) { $0 + admittance[c][$1] * v[$1] } }
        throw PhysicsError.runtime("RF channels cannot deliver their set powers \(powers) W together (reached \(achieved) W): the probes are too strongly coupled")
    }

    /// Adds Q into the solver's source over the box; returns the integral of Q dV [W].
    /// Q per unit scale for `combinedWeights` over the heated box [W/m^3].
    var combined: [Float] = []
    var combinedWeights: [Double] = []
    /// Largest relative difference between the step's weights and a multiple of the cached
    /// ones before the combined Q is rebuilt (0.1 %: the local Q error it allows stays far
    /// below the 1 % energy-balance bound; one channel never rebuilds, since its single
    /// weight V^2 only scales).
    static let combineTolerance = 1e-3

    /// Adds Q = sum_n w_n pattern_n into the solver's source over the heated box; returns
    /// the integral of Q dV [W]. The sum is cached: while the weights stay a multiple s of
    /// the cached ones, Q = s * combined (one read per voxel instead of one per pattern).
    private func addHeating(into solver: PennesSolver<Float>) -> Double {
        let hs = heatSize
        let o = boxOrigin &+ heatOrigin
        guard !weights.isEmpty, hs.z > 0, weights.contains(where: { $0 != 0 }) else { return 0 }
        let w = weights
        var scale = 0.0
        if combinedWeights.count == w.count {
            let cc = combinedWeights.reduce(0) { $0 + $1 * $1 }
            if cc > 0 {
                scale = zip(w, combinedWeights).reduce(0) { $0 + $1.0 * $1.1 } / cc
                let r = zip(w, combinedWeights).reduce(0) { $0 + ($1.0 - scale * $1.1) * ($1.0 - scale * $1.1) }
                let ww = w.reduce(0) { $0 + $1 * $1 }
                if (r / ww).squareRoot() > Self.combineTolerance { scale = 0 }
            }
        }
        let count = hs.x * hs.y * hs.z
        if scale == 0 {
            if combined.count != count { combined = [Float](repeating: 0, count: count) }
            let wf = w.map { Float($0) }
            let pats = patterns
            combined.withUnsafeMutableBufferPointer { cb in
                let c = cb.baseAddress!
                let plane = hs.x * hs.y
                executor.forEachSlab(planes: hs.z) { ks in
                    for n in 0..<wf.count {
                        pats[n].withUnsafeBufferPointer { p in
                            for l in (ks.lowerBound * plane)..<(ks.upperBound * plane) {
                                c[l] = (n == 0 ? 0 : c[l]) + wf[n] * p[l]
                            }
                        }
                    }
                }
            }
            combinedWeights = w
            combinedSum = combined.reduce(0) { $0 + Double($1) }
            scale = 1
        }
        let src = solver.source
        let volume = grid.voxelVolume
        // Voxels that vaporized (or recovered) since the re-solve get their local heating
        // corrected; everything is scaled so the total stays the channels' power.
        let corrections = vaporizationCorrections(solver)
        var sf = Float(scale)
        lastCorrections = corrections
        if !corrections.isEmpty {
            var delta = 0.0
            for (l, ratio) in corrections { delta += Double(combined[l]) * Double(ratio - 1) }
            if combinedSum > 0, combinedSum + delta > 0 { sf = Float(scale * combinedSum / (combinedSum + delta)) }
        }
        let deposited = combined.withUnsafeBufferPointer { cb in
            let c = cb.baseAddress!
            return executor.sumPlanes(planes: hs.z) { k in
                var s = 0.0
                for j in 0..<hs.y {
                    let row = src.row(j + o.y, k + o.z) + o.x
                    let base = (k * hs.y + j) * hs.x
                    var rs: Float = 0
                    for i in 0..<hs.x {
                        let q = sf * c[base + i]
                        row[i] += q
                        rs += q
                    }
                    s += Double(rs)
                }
                return s * volume
            }
        }
        lastRenormalization = Double(sf) / scale
        var extra = 0.0
        for (l, ratio) in corrections {
            let (i, j, k) = (l % hs.x, l / hs.x % hs.y, l / (hs.x * hs.y))
            let dq = sf * combined[l] * (ratio - 1)
            src[i + o.x, j + o.y, k + o.z] += dq
            extra += Double(dq)
        }
        return deposited + extra * volume
    }

    /// Sum of `combined` over the heated box (kept with it).
    var combinedSum = 0.0
    /// Vaporization corrections of the last step (heated-box index, Q ratio).
    var lastCorrections: [(Int, Float)] = []
}

/// User + system CPU time of this process [s].
func processCPUTime() -> Double {
    var u = rusage()
    #if canImport(Glibc)
    getrusage(RUSAGE_SELF.rawValue, &u)
    #else
    getrusage(RUSAGE_SELF, &u)
    #endif
    return Double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + Double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) * 1e-6
}

extension RFSource {
    /// Impedance cut-outs, roll-off and resumptions for summary.json and the report.
    public var reportedEvents: [SourceEvent] {
        events.map { SourceEvent(timeS: $0.time, channel: $0.channel, kind: $0.kind.rawValue, impedanceOhm: $0.impedance.isFinite ? $0.impedance : nil) }
    }
}
