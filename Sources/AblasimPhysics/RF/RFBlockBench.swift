import Foundation
import AblasimCore

/// A bench experiment for electrode resolution studies: one monopolar probe in an
/// unperfused homogeneous block (ex vivo muscle- or liver-like), temperature-controlled,
/// the grounding pad idealised as the block surface, the block surface held at the start
/// temperature. Measures the lesion width perpendicular to the shaft at mid-tip (extent of
/// the T_max >= `edge` contour) and a thermocouple a given distance from the axis at mid-tip.
///
/// Used by `rfbench electrode` (docs/rf-electrodes.md, grid-convergence table) and by the
/// RF electrode tests on coarse grids. Not a scenario: the experiment suite of the CLI
/// builds its phantoms its own way.
public struct RFBlockBench: Sendable {
    public var tissue: Tissue
    /// Block size [m] (x, y across the shaft, z along it).
    public var size = SIMD3<Double>(0.036, 0.036, 0.040)
    /// Voxel size [m].
    public var spacing = 0.5e-3
    public var preset = "monopolar-18g-10mm"
    /// Distance of the tip from the block's bottom face [m]; the shaft leaves through the top.
    public var tipDepth = 0.014
    public var target = 90.0
    /// Generator ceiling [W].
    public var maxPower = 50.0
    public var duration = 180.0
    public var electrodeModel = ElectrodeModel.nearField
    /// Lesion edge: T_max contour [C].
    public var edge = 50.0
    /// Thermocouple distance from the axis at mid-tip [m].
    public var thermocoupleDistance = 5e-3
    public var threads = 2

    public init(tissue: Tissue) {
        var t = tissue
        t.perfusionMlMinKg = 0  // ex vivo
        self.tissue = t
    }

    public struct Result: Sendable {
        public var voxels: Int
        public var dt: Double
        /// Lesion width at mid-tip [m] (twice the mean of the two crossing radii).
        public var width: Double
        /// Thermocouple temperature at the end [C] and its maximum [C].
        public var thermocouple: Double, thermocoupleMax: Double
        /// Energy delivered [J], power at the end [W], impedance at the start and end [ohm].
        public var energy: Double, finalPower: Double, initialImpedance: Double, finalImpedance: Double
        public var controlTemperature: Double
        public var events: [RFEvent]
        public var potentialSolves: Int
        public var wallSeconds: Double
    }

    public func run(progress: ((Double) -> Void)? = nil) throws -> Result {
        let n = SIMD3(Int((size.x / spacing).rounded()), Int((size.y / spacing).rounded()), Int((size.z / spacing).rounded()))
        let grid = try Grid3D(nx: n.x, ny: n.y, nz: n.z, isotropic: spacing)
        var model = ThermalModel(grid: grid, uniform: tissue)
        let axis = SIMD2(size.x / 2, size.y / 2)
        let tip = SIMD3(axis.x, axis.y, tipDepth)
        let probe = try ProbePreset.probe(preset, name: "probe", entry: SIMD3(axis.x, axis.y, size.z + 0.02), tip: tip)
        var options = RFOptions()
        options.electrodeModel = electrodeModel
        let executor = SlabExecutor(threads: threads)
        let clock = Date()
        let rf = try RFAblation.install(probes: [probe], generators: [RFGenerator(mode: .temperatureControlled(target: target, maxPower: maxPower))],
                                        into: &model, options: options, executor: executor)
        let solver = try model.makeSolver(boundary: .heldBeyondGrid(Blood.arterialTemperature), executor: executor)
        if let m = rf.maximumTimeStep { try solver.setTimeStep(min(solver.dt, m)) }
        let active = probe.segments.first { if case .electrode(.active) = $0.kind { return true }; return false }!.length
        let mid = SIMD3(axis.x, axis.y, tipDepth + active / 2)
        var z0: Double? = nil, tcMax = -Double.infinity
        var nextReport = 0.0
        while solver.time < duration - 1e-9 {
            solver.source.fill(0)
            try rf.update(solver: solver, time: solver.time)
            if z0 == nil { z0 = rf.channelSamples()[0].impedance }
            try solver.step()
            tcMax = max(tcMax, solver.temperature(atWorld: mid + SIMD3(thermocoupleDistance, 0, 0)))
            if let progress, solver.time >= nextReport { progress(solver.time); nextReport += 30 }
        }
        // Crossing of the T_max contour on both sides along x, from the shaft outwards.
        func crossing(_ sign: Double) -> Double {
            let dr = spacing / 20
            var r = probe.radius + spacing
            var last = Double(solver.tMax.trilinear(at: grid.index(mid + SIMD3(sign * r, 0, 0))))
            guard last >= edge else { return 0 }
            while r < size.x / 2 - spacing {
                let next = Double(solver.tMax.trilinear(at: grid.index(mid + SIMD3(sign * (r + dr), 0, 0))))
                if next < edge { return r + dr * (last - edge) / (last - next) }
                last = next; r += dr
            }
            return r
        }
        let s = rf.channelSamples()[0]
        return Result(voxels: grid.voxelCount, dt: solver.dt, width: crossing(1) + crossing(-1),
                      thermocouple: solver.temperature(atWorld: mid + SIMD3(thermocoupleDistance, 0, 0)), thermocoupleMax: tcMax,
                      energy: s.energy, finalPower: s.power, initialImpedance: z0 ?? .nan, finalImpedance: s.impedance ?? .nan,
                      controlTemperature: s.probeTemperature ?? .nan, events: rf.events, potentialSolves: rf.potentialSolves,
                      wallSeconds: Date().timeIntervalSince(clock))
    }
}
