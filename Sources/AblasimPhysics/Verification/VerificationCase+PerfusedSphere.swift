import AblasimCore
import AnalyticSolutions

/// Steady-state set-up shared by the sphere and point-source cases: one octant of an
/// infinite perfused medium (the three low walls are symmetry planes, the three high walls
/// are far enough to be insulated), voxel centres at ((i + 1/2) h, ...).
struct PerfusedOctant {
    static let screening = 1000.0           // m [1/m]: 1/m = 1 mm
    static let extent = 10e-3               // octant side [m]
    let h: Double
    let n: Int
    let grid: Grid3D
    let tissue: Tissue

    init(h: Double) throws {
        self.h = h
        n = Int((PerfusedOctant.extent / h).rounded())
        grid = try Grid3D(nx: n, ny: n, nz: n, isotropic: h, origin: SIMD3(repeating: h / 2))
        tissue = VerificationSetup.tissue(screening: PerfusedOctant.screening)
    }

    func radius(_ i: Int, _ j: Int, _ k: Int) -> Double {
        let p = (SIMD3(Double(i), Double(j), Double(k)) + 0.5) * h
        return (p * p).sum().squareRoot()
    }

    /// Runs to steady state: from the exact solution sampled at the voxel centres, for 10
    /// perfusion time constants 1/w. The scheme contracts the difference to its own steady
    /// state by at least (1 - w dt) per step (max norm), so what remains of the start is
    /// below e^-10 = 5e-5 of the discretization error itself.
    func runToSteadyState(_ solver: PennesSolver<Double>, start: (Double) -> Double) throws {
        let t = solver.temperature
        for k in 0..<n { for j in 0..<n { for i in 0..<n where Int(solver.codes[i, j, k]) == 0 {
            t[i, j, k] = 37 + start(radius(i, j, k))
        } } }
        let duration = 10 / VerificationSetup.perfusionConstant(tissue)
        let steps = VerificationSetup.steps(duration: duration, limit: solver.stabilityLimit)
        try solver.setTimeStep(duration / Double(steps))
        try solver.run(steps: steps)
    }

    static func spacings(_ level: VerificationLevel) -> [Double] {
        switch level {
        case .quick: return [0.5e-3]
        case .standard: return [0.5e-3, 0.25e-3]
        case .long: return [0.5e-3, 0.25e-3, 0.125e-3]
        }
    }
}

extension VerificationCase {
    /// Steady state around a fixed-temperature sphere in a perfused medium vs
    /// theta0 (a/r) exp(-m (r - a)) (analytic-oracles.md item 2).
    ///
    /// Set-up: sphere radius a = 2 mm held at 37 + 20 C as the probes do it (the voxels whose
    /// centre lies within a are fixed-temperature voxels), 1/m = 1 mm, octant of side 10 mm.
    /// Error over the tissue voxels with a + 0.5 mm <= r <= a + 5 mm.
    public static let perfusedSphere = VerificationCase(
        name: "perfused-sphere-steady",
        summary: "steady fixed-temperature sphere in perfused medium vs theta0 (a/r) exp(-m(r-a))"
    ) { level, executor in
        let a = 2e-3, theta0 = 20.0
        var spacings: [Double] = [], errors: [Double] = []
        for h in PerfusedOctant.spacings(level) {
            let octant = try PerfusedOctant(h: h)
            let exact = PerfusedSphere(radius: a, surfaceExcess: theta0, conductivity: VerificationSetup.conductivity,
                                       screening: PerfusedOctant.screening)
            let n = octant.n
            var codes = [UInt8](repeating: 0, count: octant.grid.voxelCount)
            for k in 0..<n { for j in 0..<n { for i in 0..<n where octant.radius(i, j, k) <= a {
                codes[(k * n + j) * n + i] = 1
            } } }
            let solver = try PennesSolver<Double>(grid: octant.grid,
                                                  materials: [.tissue(octant.tissue), .fixedTemperature(name: "sphere")],
                                                  codes: codes, boundary: .insulated, executor: executor)
            solver.perfusionShutdown = false  // the exact solution has constant perfusion
            solver.holdTemperature(material: 1, at: 37 + theta0)
            try octant.runToSteadyState(solver) { exact.excess(at: $0) }
            var norm = VerificationSetup.RelativeL2()
            for k in 0..<n { for j in 0..<n { for i in 0..<n {
                let r = octant.radius(i, j, k)
                guard r >= a + 0.5e-3, r <= a + 5e-3 else { continue }
                norm.add(solver.temperature[i, j, k] - 37, exact.excess(at: r))
            } } }
            spacings.append(h * 1000); errors.append(norm.value)
        }
        // The voxelized sphere is a staircase: first order at best, irregular. Tolerances
        // 1.2-1.5x the measured errors (h = 0.5, 0.25, 0.125 mm: 4.86e-2, 3.12e-2, 1.60e-2).
        let tolerance = level == .quick ? 0.06 : level == .standard ? 0.045 : 0.025
        return VerificationResult(name: "perfused-sphere-steady", summary: "steady fixed-temperature sphere vs theta0 (a/r) exp(-m(r-a))",
                                  norm: "relative L2", error: errors.last!, tolerance: tolerance,
                                  observedOrder: observedOrder(spacings: spacings, errors: errors), minimumOrder: nil,
                                  spacingsMillimetres: spacings, errors: errors)
    }

    /// Steady state of a point power source in a perfused medium vs P exp(-m r)/(4 pi k r)
    /// (analytic-oracles.md item 1), far from the source.
    ///
    /// Set-up: P = 0.1 W deposited uniformly in the 2x2x2 voxels around the origin (one voxel
    /// of the octant gets P/8), 1/m = 1 mm. The cube's far field differs from a point's by
    /// O((m h)^2). Error over 2 mm <= r <= 6 mm.
    public static let pointSource = VerificationCase(
        name: "point-source-steady",
        summary: "steady point power source in perfused medium vs P exp(-m r)/(4 pi k r)"
    ) { level, executor in
        let power = 0.1
        var spacings: [Double] = [], errors: [Double] = []
        for h in PerfusedOctant.spacings(level) {
            let octant = try PerfusedOctant(h: h)
            let exact = PerfusedPointSource(power: power, conductivity: VerificationSetup.conductivity,
                                            screening: PerfusedOctant.screening)
            let n = octant.n
            let solver = try PennesSolver<Double>(grid: octant.grid, materials: [.tissue(octant.tissue)],
                                                  codes: [UInt8](repeating: 0, count: octant.grid.voxelCount),
                                                  boundary: .insulated, executor: executor)
            solver.perfusionShutdown = false  // the exact solution has constant perfusion
            solver.source[0, 0, 0] = power / (8 * h * h * h)
            try octant.runToSteadyState(solver) { exact.excess(at: $0) }
            var norm = VerificationSetup.RelativeL2()
            for k in 0..<n { for j in 0..<n { for i in 0..<n {
                let r = octant.radius(i, j, k)
                guard r >= 2e-3, r <= 6e-3 else { continue }
                norm.add(solver.temperature[i, j, k] - 37, exact.excess(at: r))
            } } }
            spacings.append(h * 1000); errors.append(norm.value)
        }
        // 1.5x the measured errors (h = 0.5, 0.25, 0.125 mm: 3.42e-2, 9.31e-3, 2.38e-3).
        let tolerance = level == .quick ? 0.05 : level == .standard ? 0.014 : 0.0036
        return VerificationResult(name: "point-source-steady", summary: "steady point source vs P exp(-m r)/(4 pi k r)",
                                  norm: "relative L2", error: errors.last!, tolerance: tolerance,
                                  observedOrder: observedOrder(spacings: spacings, errors: errors),
                                  minimumOrder: spacings.count >= 2 ? 1.5 : nil,
                                  spacingsMillimetres: spacings, errors: errors)
    }
}
