import AblasimCore
import AnalyticSolutions

extension VerificationCase {
    /// float32 state vs the float64 reference over a 10-minute heating run.
    ///
    /// Set-up: 16^3 voxels of 1.5 mm, tumour tissue (standard table, perfused, perfusion
    /// shut-down on), walls at 37 C, 0.4 W in the central 2x2x2 voxels,
    /// 600 s with the same step in both precisions.
    /// Error: max |T_float - T_double| over the grid [K].
    public static let floatVersusDouble = VerificationCase(
        name: "float32-vs-float64",
        summary: "float32 vs float64 state over a 10-minute heating run"
    ) { _, executor in
        let n = 16
        let grid = try Grid3D(nx: n, ny: n, nz: n, isotropic: 1.5e-3)
        let tumour = try TissueTable.standard.tissue(named: "tumor_metastasis")
        let codes = [UInt8](repeating: 0, count: grid.voxelCount)
        let single = try PennesSolver<Float>(grid: grid, materials: [.tissue(tumour)], codes: codes, executor: executor)
        let duration = 600.0
        let steps = VerificationSetup.steps(duration: duration, limit: single.stabilityLimit)
        try single.setTimeStep(duration / Double(steps))
        let double = try PennesSolver<Double>(grid: grid, materials: [.tissue(tumour)], codes: codes,
                                              dt: single.dt, executor: executor)
        let q = 0.4 / (8 * grid.voxelVolume)
        for k in n / 2 - 1...n / 2 { for j in n / 2 - 1...n / 2 { for i in n / 2 - 1...n / 2 {
            single.source[i, j, k] = Float(q)
            double.source[i, j, k] = q
        } } }
        try single.run(steps: steps)
        try double.run(steps: steps)
        var worst = 0.0
        for (a, b) in zip(single.temperature.interior(), double.temperature.interior()) {
            worst = max(worst, abs(Double(a) - b))
        }
        return VerificationResult(name: "float32-vs-float64", summary: "float32 vs float64 over a 10-minute heating run",
                                  norm: "max |dT| [K]", error: worst, tolerance: 1e-3)
    }

    /// The same run with 1, 2 and 4 threads gives bitwise the same temperature, dose and
    /// heat content (DESIGN.md section 3: deterministic for any thread count).
    public static let threadDeterminism = VerificationCase(
        name: "thread-determinism",
        summary: "bitwise identical results for 1, 2 and 4 threads"
    ) { _, _ in
        let block = try HeterogeneousBlock(nx: 21, ny: 9, nz: 13, perfused: true)
        var reference: ([Float], [Double], [Double], Double)?
        var differences = 0.0
        for threads in [1, 2, 4] {
            let solver = try block.makeSolver(Float.self, boundary: .convective(filmCoefficient: 20, ambient: 25),
                                              executor: SlabExecutor(threads: threads))
            try solver.run(steps: 50)
            let result = (solver.temperature.interior(), solver.cem43.interior(), solver.omega.interior(), solver.heatContent())
            if let ref = reference {
                let same = zip(ref.0, result.0).allSatisfy { $0.bitPattern == $1.bitPattern }
                    && zip(ref.1, result.1).allSatisfy { $0.bitPattern == $1.bitPattern }
                    && zip(ref.2, result.2).allSatisfy { $0.bitPattern == $1.bitPattern }
                    && ref.3.bitPattern == result.3.bitPattern
                if !same { differences += 1 }
            } else {
                reference = result
            }
        }
        return VerificationResult(name: "thread-determinism", summary: "bitwise identical results for 1, 2 and 4 threads",
                                  norm: "thread counts differing", error: differences, tolerance: 0)
    }
}
