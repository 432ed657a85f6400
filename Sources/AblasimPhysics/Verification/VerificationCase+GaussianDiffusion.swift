import AblasimCore
import AnalyticSolutions

extension VerificationCase {
    /// 3D pure diffusion of a Gaussian excess vs the exact Green's-function solution,
    /// variance s0^2 + 2 alpha t (analytic-oracles.md item 4), with a refinement study.
    ///
    /// Set-up: cube of side 12 final standard deviations (the excess at the walls is
    /// below 1e-7 of the peak), walls held at 37 C, no perfusion, s0 = 1.5 mm, run until
    /// the variance has doubled (9 s). The step shrinks with h^2 (4x per halving), so
    /// space and time errors both scale with h^2: the observed order must be ~2.
    public static let gaussianDiffusion = VerificationCase(
        name: "gaussian-diffusion-3d",
        summary: "3D Gaussian diffusion vs exact Green's function (s^2 = s0^2 + 2 alpha t)"
    ) { level, executor in
        let s0 = 1.5e-3, amplitude = 10.0
        let tissue = VerificationSetup.tissue(screening: 0)
        let exact = GaussianDiffusion(amplitude: amplitude, initialSigma: s0, diffusivity: VerificationSetup.diffusivity)
        let duration = exact.time(varianceFactor: 2)
        let side = 12 * exact.variance(at: duration).squareRoot()
        let cells: [Int]
        switch level {
        case .quick: cells = [20, 40]
        case .standard: cells = [32, 64]
        case .long: cells = [32, 64, 128]
        }
        var spacings: [Double] = [], errors: [Double] = []
        var baseSteps = 0
        for (n, cellsPerSide) in cells.enumerated() {
            let h = side / Double(cellsPerSide)
            let c = Double(cellsPerSide - 1) / 2
            let grid = try Grid3D(nx: cellsPerSide, ny: cellsPerSide, nz: cellsPerSide, isotropic: h,
                                  origin: SIMD3(repeating: -c * h))
            let solver = try PennesSolver<Double>(grid: grid, materials: [.tissue(tissue)],
                                                  codes: [UInt8](repeating: 0, count: grid.voxelCount),
                                                  boundary: .fixedTemperature(37), executor: executor)
            if n == 0 { baseSteps = VerificationSetup.steps(duration: duration, limit: solver.stabilityLimit) }
            let steps = baseSteps << (2 * n)
            try solver.setTimeStep(duration / Double(steps))
            func r2(_ i: Int, _ j: Int, _ k: Int) -> Double {
                let d = SIMD3(Double(i) - c, Double(j) - c, Double(k) - c) * h
                return (d * d).sum()
            }
            let t = solver.temperature
            for k in 0..<cellsPerSide { for j in 0..<cellsPerSide { for i in 0..<cellsPerSide {
                t[i, j, k] = 37 + exact.excess(squaredDistance: r2(i, j, k), time: 0)
            } } }
            try solver.run(steps: steps)
            var norm = VerificationSetup.RelativeL2()
            let tEnd = solver.temperature
            for k in 0..<cellsPerSide { for j in 0..<cellsPerSide { for i in 0..<cellsPerSide {
                norm.add(tEnd[i, j, k] - 37, exact.excess(squaredDistance: r2(i, j, k), time: duration))
            } } }
            spacings.append(h * 1000); errors.append(norm.value)
        }
        // Tolerances: 1.5x the errors measured on these grids (quick 3.76e-3, standard
        // 1.33e-3); the long level continues the second-order line.
        let tolerance: Double
        switch level {
        case .quick: tolerance = 6e-3
        case .standard: tolerance = 2e-3
        case .long: tolerance = 5e-4
        }
        return VerificationResult(name: "gaussian-diffusion-3d", summary: "3D Gaussian diffusion vs exact Green's function",
                                  norm: "relative L2", error: errors.last!, tolerance: tolerance,
                                  observedOrder: observedOrder(spacings: spacings, errors: errors), minimumOrder: 1.8,
                                  spacingsMillimetres: spacings, errors: errors)
    }
}
