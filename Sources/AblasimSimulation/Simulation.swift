import AblasimCore
import AblasimPhysics

/// The time loop. `step()` reads like the physics (DESIGN.md section 4): held boundaries,
/// sources, the thermal step with dose and its stability check, thermocouples, interlock.
public final class Simulation {
    public let solver: PennesSolver<Float>
    /// Held temperatures inside the domain (coolant, cryoprobe surfaces, saline), in order.
    public let boundaries: [BoundaryCondition]
    public let sources: [HeatSource]
    public let monitor: ThermocoupleMonitor
    /// Generator channels sampled every `recordInterval` seconds of simulated time.
    public private(set) var generatorSeries: [(time: Double, samples: [ChannelSample])] = []
    public let recordInterval: Double
    /// Wall time spent per part of the step [s]: "sources" (with the held boundaries),
    /// "thermal", "monitor".
    public private(set) var timing: [String: Double] = ["sources": 0, "thermal": 0, "monitor": 0]
    private var nextRecord = 0.0
    /// Voxels of `solver.source` the sources may have written in the last step (inclusive
    /// corners); nil: the whole grid.
    private var written: (lo: SIMD3<Int>, hi: SIMD3<Int>)? = nil
    private let clock = ContinuousClock()

    /// Binds every boundary condition and source to `solver`, once, before the first step.
    public init(solver: PennesSolver<Float>, boundaries: [BoundaryCondition] = [], sources: [HeatSource],
                monitor: ThermocoupleMonitor, recordInterval: Double) throws {
        self.solver = solver
        self.boundaries = boundaries
        self.sources = sources
        self.monitor = monitor
        self.recordInterval = recordInterval
        try bind()
        recordGenerators()
    }

    /// Binds (again, after a checkpoint restore) every boundary condition and source.
    func bind() throws {
        for b in boundaries { try b.bind(to: solver) }
        for s in sources { try s.bind(to: solver) }
    }

    public var time: Double { solver.time }

    /// Advances one time step.
    public func step() throws {
        try timed("sources") {
            for b in boundaries { try b.hold(solver: solver, time: solver.time) }
            clearSourceField()
            for s in sources { try s.addHeat(solver: solver, time: solver.time) }
            recordWrittenRegion()
        }
        // The Pennes step, fused with the dose accumulation (CEM43, Omega, T_max/T_min) and,
        // with `checkBounds`, the maximum-principle check of the new state.
        try timed("thermal") { try solver.step() }
        let allowed = timed("monitor") { monitor.observe(solver: solver, time: solver.time) }
        interlock(powerFactor: allowed)
        if solver.time + 1e-9 >= nextRecord { recordGenerators() }
    }

    /// The interlock: every source's power gated by what the monitor allows.
    private func interlock(powerFactor allowed: Double) {
        for s in sources { s.powerFactor = allowed }
    }

    /// Runs to `duration` seconds of simulated time, with the step shortened (never
    /// lengthened) so that the last step lands on it exactly. `progress` is called after
    /// every step; return false from `shouldStop` to end early (e.g. on SIGTERM).
    public func run(until duration: Double, progress: (Simulation) -> Void = { _ in },
                    shouldStop: () -> Bool = { false }) throws {
        let remaining = duration - solver.time
        guard remaining > 1e-12 else { return }
        let cap = sources.compactMap(\.maximumTimeStep).min() ?? .infinity
        let count = (remaining / min(solver.dt, cap)).rounded(.up)
        // ScenarioRun refuses step counts beyond its budget; this guards the Int conversion.
        guard count.isFinite, count < 1e15 else {
            throw SimulationError.invalidInput(String(format: "%.3g s simulated at steps of %.3g s would take %.3g steps; the step is implausibly small", remaining, min(solver.dt, cap), count))
        }
        let steps = Int(count)
        try solver.setTimeStep(remaining / Double(steps))
        for _ in 0..<steps {
            if shouldStop() { return }
            try step()
            progress(self)
        }
    }

    func saveLoopState(to w: inout StateWriter) {
        w.tag("loop")
        w.write(nextRecord)
        w.write(UInt64(generatorSeries.count))
        for (t, samples) in generatorSeries {
            w.write(t)
            w.write(UInt32(samples.count))
            for s in samples {
                w.write(s.channel); w.write(s.power); w.write(s.impedance ?? .nan); w.write(s.energy); w.write(s.probeTemperature ?? .nan)
            }
        }
    }

    func restoreLoopState(from r: inout StateReader) throws {
        try r.expect(tag: "loop")
        nextRecord = try r.readDouble()
        let n = Int(try r.read(UInt64.self))
        var series: [(time: Double, samples: [ChannelSample])] = []
        for _ in 0..<n {
            let t = try r.readDouble()
            let m = Int(try r.read(UInt32.self))
            var samples: [ChannelSample] = []
            for _ in 0..<m {
                let ch = try r.readString(), p = try r.readDouble(), z = try r.readDouble(), e = try r.readDouble(), pt = try r.readDouble()
                samples.append(ChannelSample(channel: ch, power: p, impedance: z.isNaN ? nil : z, energy: e, probeTemperature: pt.isNaN ? nil : pt))
            }
            series.append((t, samples))
        }
        generatorSeries = series
    }

    /// Zeroes what the sources wrote last step (the whole field when unknown): on the L1
    /// run the RF heated box is a quarter of the grid, and a full clear cost about as much
    /// as the RF update itself.
    private func clearSourceField() {
        guard let box = written else { solver.source.fill(0); return }
        guard all(box.hi .>= box.lo) else { return }
        let q = solver.source, count = box.hi.x - box.lo.x + 1
        for k in box.lo.z...box.hi.z { for j in box.lo.y...box.hi.y {
            (q.row(j, k) + box.lo.x).update(repeating: 0, count: count)
        } }
    }

    private func recordWrittenRegion() {
        var lo = solver.grid.dims, hi = SIMD3<Int>(repeating: -1)
        for s in sources {
            guard let r = s.heatedRegion else { written = nil; return }
            guard all(r.size .> .zero) else { continue }
            lo = pointwiseMin(lo, r.origin); hi = pointwiseMax(hi, r.origin &+ r.size &- 1)
        }
        written = (lo, hi)
    }

    private func recordGenerators() {
        generatorSeries.append((solver.time, sources.flatMap { $0.channelSamples() }))
        nextRecord = solver.time + recordInterval
    }

    private func timed<T>(_ part: String, _ body: () throws -> T) rethrows -> T {
        let start = clock.now
        defer {
            let d = clock.now - start
            timing[part, default: 0] += Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
        }
        return try body()
    }
}
