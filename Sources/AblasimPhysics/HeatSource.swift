import AblasimCore

/// One generator channel's state at a sample time, for generator.csv and the summary.
public struct ChannelSample: Sendable, Equatable {
    public var channel: String
    /// Delivered power [W].
    public var power: Double
    /// Load impedance [ohm]; nil for sources without one (laser, cryo).
    public var impedance: Double?
    /// Energy delivered so far [J].
    public var energy: Double
    /// The probe's own control thermocouple [C], if it has one.
    public var probeTemperature: Double?

    public init(channel: String, power: Double, impedance: Double? = nil, energy: Double, probeTemperature: Double? = nil) {
        self.channel = channel; self.power = power; self.impedance = impedance
        self.energy = energy; self.probeTemperature = probeTemperature
    }
}

/// A source of heat in the simulation: RF, microwave, laser (cryo reports its probes'
/// channels here; the probes themselves are held surfaces, a `BoundaryCondition`).
///
/// Bound once to the solver (`bind(to:)`, after it is built and again after a checkpoint
/// restore), then each step, after every boundary condition has held its voxels and the
/// simulation has cleared `solver.source`, `addHeat` adds the source's power density Q
/// [W/m^3] to `solver.source`. Never called per voxel: all per-voxel work stays inside a
/// source's own loops over its fields. Every source saves its evolving state for a
/// checkpoint (`Checkpointable`): a source that cannot is a compile error, not a failed
/// SIGTERM.
public protocol HeatSource: Checkpointable {
    var name: String { get }
    /// Takes what the source needs from the solver (materials, codes, patterns) before the
    /// first step and after a checkpoint restore; idempotent.
    func bind(to solver: PennesSolver<Float>) throws
    /// Adds this step's power density to `solver.source`.
    func addHeat(solver: PennesSolver<Float>, time: Double) throws
    /// Power gate set by the interlock: 1 full power, 0 off, in between throttled.
    var powerFactor: Double { get set }
    /// Current state of each generator channel.
    func channelSamples() -> [ChannelSample]
    /// The longest step this source tolerates [s] (e.g. a feedback controller's period);
    /// nil when only the thermal stability limit matters.
    var maximumTimeStep: Double? { get }
    /// Work counters of the source for the run summary, dotted keys with units in the name
    /// (e.g. `rf.potential_solves`, `rf.potential_solve_wall_s`).
    var statistics: [String: Double] { get }
    /// The box of voxels (first voxel, size) this source adds Q to; nil: anywhere. The loop
    /// then clears only what the sources wrote in the previous step, not the whole grid.
    var heatedRegion: (origin: SIMD3<Int>, size: SIMD3<Int>)? { get }
    /// What the source's generators did that a run reports (cut-outs, roll-off), in order.
    var reportedEvents: [SourceEvent] { get }
}

/// A generator event for the run summary: when, on which channel, what, and the impedance
/// then [ohm] where the source has one.
public struct SourceEvent: Sendable, Equatable, Codable {
    public var timeS: Double
    public var channel: String
    public var kind: String
    public var impedanceOhm: Double?
    public init(timeS: Double, channel: String, kind: String, impedanceOhm: Double?) {
        self.timeS = timeS; self.channel = channel; self.kind = kind; self.impedanceOhm = impedanceOhm
    }
}

extension HeatSource {
    /// One step of this applicator for a caller without a `Simulation` (physics tests,
    /// benchmarks): binds it, holds its surfaces when it also holds temperatures, adds heat.
    public func update(solver: PennesSolver<Float>, time: Double) throws {
        try bind(to: solver)
        if let held = self as? BoundaryCondition { try held.hold(solver: solver, time: time) }
        try addHeat(solver: solver, time: time)
    }
    public var reportedEvents: [SourceEvent] { [] }
    public var maximumTimeStep: Double? { nil }
    public var statistics: [String: Double] { [:] }
    public var heatedRegion: (origin: SIMD3<Int>, size: SIMD3<Int>)? { nil }
}

/// A held boundary inside the domain: voxels whose temperature the condition sets at the
/// start of every step, before the sources add heat (RF and microwave coolant in the
/// shafts, cryoprobe surfaces, circulating epidural saline). Bound once to the solver like
/// a `HeatSource`; checkpointable by type.
public protocol BoundaryCondition: Checkpointable {
    var name: String { get }
    /// Takes the voxels it holds from the solver; idempotent (see `HeatSource.bind`).
    func bind(to solver: PennesSolver<Float>) throws
    /// Sets the held voxels' temperatures for the step starting at `time`.
    func hold(solver: PennesSolver<Float>, time: Double) throws
}

extension BoundaryCondition {
    /// One step of this condition for a caller without a `Simulation`: binds and holds.
    public func update(solver: PennesSolver<Float>, time: Double) throws {
        try bind(to: solver)
        try hold(solver: solver, time: time)
    }
}

extension HeatSource where Self: BoundaryCondition {
    /// One step of an applicator that both holds surfaces and adds heat: bind, hold, add.
    public func update(solver: PennesSolver<Float>, time: Double) throws {
        try bind(to: solver)
        try hold(solver: solver, time: time)
        try addHeat(solver: solver, time: time)
    }
}
