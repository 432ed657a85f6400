import AblasimCore
import AnalyticSolutions

extension VerificationCase {
    /// 1D transient conduction with perfusion vs the erfc solution (analytic-oracles.md
    /// item 3), with a refinement study of the spatial order.
    ///
    /// Set-up: a row of voxels (ny = nz = 1, insulated outer walls, so heat flows along x
    /// only); voxel 0 is a fixed-temperature voxel stepped to 37 + 20 C at t = 0; it holds
    /// its face x = h/2, so depth is x = (i - 1/2) h. Perfusion gives 1/m = 5 mm (w = 5e-3 1/s); run 120 s;
    /// the far end at 30 mm sees an excess below 1e-10 of theta0. Steps shrink 4x per halving.
    public static let perfusedHalfSpace = VerificationCase(
        name: "perfused-half-space-1d",
        summary: "1D transient with perfusion vs erfc solution"
    ) { level, executor in
        let theta0 = 20.0, duration = 120.0, length = 30e-3
        let tissue = VerificationSetup.tissue(screening: 200)
        let exact = PerfusedHalfSpace(surfaceExcess: theta0, diffusivity: VerificationSetup.diffusivity,
                                      perfusionRate: VerificationSetup.perfusionConstant(tissue))
        let levels: Int
        switch level {
        case .quick: levels = 2
        case .standard: levels = 3
        case .long: levels = 4
        }
        var spacings: [Double] = [], errors: [Double] = []
        var baseSteps = 0
        for (n, h) in VerificationSetup.halvings(0.4e-3, levels: levels).enumerated() {
            let nx = Int((length / h).rounded()) + 1  // far end at x = 30 mm
            let grid = try Grid3D(nx: nx, ny: 1, nz: 1, isotropic: h)
            var codes = [UInt8](repeating: 0, count: nx)
            codes[0] = 1
            let solver = try PennesSolver<Double>(grid: grid, materials: [.tissue(tissue), .fixedTemperature(name: "surface")],
                                                  codes: codes, boundary: .insulated, executor: executor)
            solver.perfusionShutdown = false  // the exact solution has constant perfusion
            if n == 0 { baseSteps = VerificationSetup.steps(duration: duration, limit: solver.stabilityLimit) }
            let steps = baseSteps << (2 * n)
            try solver.setTimeStep(duration / Double(steps))
            solver.holdTemperature(material: 1, at: 37 + theta0)
            try solver.run(steps: steps)
            var norm = VerificationSetup.RelativeL2()
            for i in 1..<nx {
                norm.add(solver.temperature[i, 0, 0] - 37, exact.excess(depth: (Double(i) - 0.5) * h, time: duration))
            }
            spacings.append(h * 1000); errors.append(norm.value)
        }
        let tolerance: Double
        switch level {
        // 1.5x the measured errors (h = 0.2 mm: 1.94e-4), second order beyond.
        case .quick: tolerance = 3e-4
        case .standard: tolerance = 7.5e-5
        case .long: tolerance = 2e-5
        }
        return VerificationResult(name: "perfused-half-space-1d", summary: "1D transient with perfusion vs erfc solution",
                                  norm: "relative L2", error: errors.last!, tolerance: tolerance,
                                  observedOrder: observedOrder(spacings: spacings, errors: errors), minimumOrder: 1.8,
                                  spacingsMillimetres: spacings, errors: errors)
    }
}
