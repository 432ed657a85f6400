import AblasimCore
import AnalyticSolutions

/// A heterogeneous test model: two standard tissues in a deterministic pattern, a
/// pseudo-random initial temperature and a heat source in a few voxels.
struct HeterogeneousBlock {
    let grid: Grid3D
    let materials: [ThermalMaterial]
    let codes: [UInt8]
    let initial: [Double]
    let source: [Double]

    /// - Parameter perfused: keep the tissues' perfusion (false: set it to zero).
    init(nx: Int = 12, ny: Int = 10, nz: Int = 8, perfused: Bool) throws {
        grid = try Grid3D(nx: nx, ny: ny, nz: nz, spacing: SIMD3(1e-3, 0.8e-3, 1.2e-3))
        let table = TissueTable.standard
        var bone = try table.tissue(named: "cortical_bone"), tumour = try table.tissue(named: "tumor_metastasis")
        if !perfused { bone.perfusionMlMinKg = 0; tumour.perfusionMlMinKg = 0 }
        materials = [.tissue(bone), .tissue(tumour)]
        var codes = [UInt8](), initial = [Double](), source = [Double]()
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func uniform() -> Double {  // 64-bit LCG (Knuth MMIX constants), top 53 bits
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
        for k in 0..<nz { for j in 0..<ny { for i in 0..<nx {
            codes.append((i + 2 * j + 3 * k) % 5 < 2 ? 0 : 1)
            initial.append(30 + 30 * uniform())
            let hot = abs(i - nx / 2) <= 1 && abs(j - ny / 2) <= 1 && abs(k - nz / 2) <= 1
            source.append(hot ? 2e6 * uniform() : 0)
        } } }
        self.codes = codes; self.initial = initial; self.source = source
    }

    func makeSolver<S>(_: S.Type, boundary: OuterBoundary, executor: SlabExecutor, dt: Double? = nil) throws -> PennesSolver<S> {
        let solver = try PennesSolver<S>(grid: grid, materials: materials, codes: codes, boundary: boundary,
                                         dt: dt, executor: executor)
        solver.temperature.setInterior(initial.map { S($0) })
        solver.source.setInterior(source.map { S($0) })
        return solver
    }
}

extension VerificationCase {
    /// Energy conservation with insulated walls: with no perfusion, the heat content
    /// sum(rho c T V) changes by exactly the injected energy sum(Q V) * t, to round-off.
    ///
    /// Set-up: two tissues (cortical bone, tumour: conductivity ratio 1.6, heat-capacity
    /// ratio 0.67, so harmonic-mean faces are exercised), anisotropic voxels, random initial
    /// temperature 30-60 C, source up to 2 MW/m^3 in 27 voxels, 400 steps in double.
    /// Error: |delta H - E_injected| / E_injected.
    public static let energyConservation = VerificationCase(
        name: "energy-conservation",
        summary: "insulated walls: heat content change equals injected energy (double)"
    ) { _, executor in
        let block = try HeterogeneousBlock(perfused: false)
        let solver = try block.makeSolver(Double.self, boundary: .insulated, executor: executor)
        let before = solver.heatContent()
        let steps = 400
        try solver.run(steps: steps)
        let injected = block.source.reduce(0, +) * block.grid.voxelVolume * solver.dt * Double(steps)
        let error = abs(solver.heatContent() - before - injected) / injected
        return VerificationResult(name: "energy-conservation", summary: "insulated walls: heat content change = injected energy",
                                  norm: "relative energy defect", error: error, tolerance: 1e-11)
    }
}
