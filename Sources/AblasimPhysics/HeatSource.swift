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

/// A source of heat (or cold) in the simulation: RF, microwave, laser, cryo.
///
/// The simulation clears `solver.source` and then calls `update` on every source once per
/// step, before the Pennes update. A source adds its power density Q [W/m^3] to
/// `solver.source` and sets the temperature of the boundary voxels it owns (cooled shafts,
/// cryo surfaces). Never called per voxel: all per-voxel work stays inside a source's own
/// loops over its fields. Every source saves its evolving state for a checkpoint
/// (`Checkpointable`): a source that cannot is a compile error, not a failed SIGTERM.
public protocol HeatSource: Checkpointable {
    var name: String { get }
    func update(solver: PennesSolver<Float>, time: Double) throws
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
    public var reportedEvents: [SourceEvent] { [] }
    public var maximumTimeStep: Double? { nil }
    public var statistics: [String: Double] { [:] }
    public var heatedRegion: (origin: SIMD3<Int>, size: SIMD3<Int>)? { nil }
}
