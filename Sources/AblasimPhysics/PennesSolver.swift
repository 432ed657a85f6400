import Foundation
import AblasimCore
import AblasimKernels

/// Explicit finite-difference solver of the Pennes bioheat equation with thermal dose,
///
///   rho c dT/dt = div(k grad T) + w_b rho_b c_b (T_a - T) + Q_met + Q_src,
///
/// on a voxel grid of material codes. `S` is the state precision: Float for runs,
/// Double as the accuracy reference in tests. Dose (CEM43, Omega) is always double.
public final class PennesSolver<S: BinaryFloatingPoint & SIMDScalar> {
    public let grid: Grid3D
    public let materials: [ThermalMaterial]
    public let boundary: OuterBoundary
    public let executor: SlabExecutor
    /// Temperature [C] (current state).
    public private(set) var temperature: Field3D<S>
    private var scratch: Field3D<S>
    /// Material codes (see `MaterialCode`); the coagulated bit is set by the solver.
    public let codes: Field3D<UInt8>
    /// Volumetric heat source Q [W/m^3]: filled by the heat sources before each step.
    public let source: Field3D<S>
    public let cem43: Field3D<Double>
    public let omega: Field3D<Double>
    public let tMax: Field3D<S>
    public let tMin: Field3D<S>
    /// Step size [s].
    public private(set) var dt: Double
    public private(set) var time: Double = 0
    public private(set) var stepCount: Int = 0
    /// Set coagulated voxels' perfusion to zero once Omega >= 1.
    public var perfusionShutdown = true
    private var coefficients: PennesCoefficients<S>
    /// Freezing (cryoablation): when set at init, `step` uses the phase-change kernel
    /// (enthalpy form, k(T), frozen tissue unperfused) instead of the Pennes kernel.
    public let freezing: FreezingModel?
    private var phaseChange: PhaseChangeCoefficients<S>?
    /// Fixed-temperature materials whose faces are insulated in the phase-change kernel.
    public private(set) var insulatedMaterials: Set<Int> = []
    private let arterial: Double
    /// Super-time-stepping (phase-change solver only): when set at init, `dt` is a
    /// super-step of RKL1 stages (`SuperTimeStepping`), up to `largestStep` long.
    public let superTimeStepping: SuperTimeStepping?
    /// RKL1 stage coefficients (a_j, b_j) of the current super-step.
    private var stages: [(a: Double, b: Double)] = []
    /// Warm-row flags of the phase-change kernel's two registers.
    private let warmRows: WarmRows?

    /// Fraction of the stability limit used when no step is given.
    public static var defaultSafety: Double { 0.9 }

    /// - Parameters:
    ///   - codes: material index per voxel, `materials.count` at most 31.
    ///   - dt: requested step [s]; nil picks `safety` times the stability limit.
    public init(grid: Grid3D, materials: [ThermalMaterial], codes labels: [UInt8],
                boundary: OuterBoundary = .fixedTemperature(Blood.arterialTemperature),
                initialTemperature: Double = Blood.arterialTemperature,
                arterialTemperature: Double = Blood.arterialTemperature,
                dt requested: Double? = nil, safety: Double = PennesSolver.defaultSafety,
                executor: SlabExecutor = .allCores, freezing: FreezingModel? = nil,
                superTimeStepping: SuperTimeStepping? = nil) throws {
        guard !materials.isEmpty, materials.count <= MaterialCode.maxMaterials else {
            throw PhysicsError.invalidInput("a model needs 1 to \(MaterialCode.maxMaterials) materials, got \(materials.count)")
        }
        for m in materials {
            switch m {
            case .tissue(let t): try wrap { try t.validate(context: "thermal model") }
            case .cooledSurface(let name, let h) where !(h.isFinite && h > 0):
                throw PhysicsError.invalidInput("cooled surface '\(name)' has film coefficient \(h) W/(m^2 K); it must be finite and > 0")
            default: break
            }
        }
        try boundary.validate()
        guard labels.count == grid.voxelCount else {
            throw PhysicsError.invalidInput("material volume has \(labels.count) voxels, the grid \(grid.nx)x\(grid.ny)x\(grid.nz) needs \(grid.voxelCount)")
        }
        if let bad = labels.firstIndex(where: { Int($0) >= materials.count }) {
            let (i, j, k) = (bad % grid.nx, bad / grid.nx % grid.ny, bad / (grid.nx * grid.ny))
            throw PhysicsError.invalidInput("voxel (\(i), \(j), \(k)) has material code \(labels[bad]); valid codes are 0..<\(materials.count)")
        }
        guard initialTemperature.isFinite, arterialTemperature.isFinite else {
            throw PhysicsError.invalidInput("initial and arterial temperatures must be finite")
        }
        guard safety > 0, safety <= 1 else {
            throw PhysicsError.invalidInput("time-step safety factor \(safety) must be in (0, 1]")
        }
        self.grid = grid
        self.materials = materials
        self.boundary = boundary
        self.executor = executor
        self.arterial = arterialTemperature
        temperature = Field3D(grid: grid, repeating: S(initialTemperature))
        scratch = Field3D(grid: grid, repeating: S(initialTemperature))
        temperature.fillHalo(S(boundary.haloTemperature))
        scratch.fillHalo(S(boundary.haloTemperature))
        codes = Field3D(grid: grid, repeating: MaterialCode.halo)
        codes.setInterior(labels)
        source = Field3D(grid: grid, repeating: 0)
        cem43 = Field3D(grid: grid, repeating: 0)
        omega = Field3D(grid: grid, repeating: 0)
        tMax = Field3D(grid: grid, repeating: S(initialTemperature))
        tMin = Field3D(grid: grid, repeating: S(initialTemperature))
        let perSecond = PennesCoefficients<S>(materials: materials, spacing: grid.spacing, boundary: boundary, dt: 1, arterial: arterialTemperature)
        try freezing?.validate()
        self.freezing = freezing
        phaseChange = freezing.map { PhaseChangeCoefficients<S>(materials: materials, freezing: $0, spacing: grid.spacing,
                                                                boundary: boundary, arterial: arterialTemperature) }
        warmRows = phaseChange.map { WarmRows(grid: grid, haloTemperature: boundary.haloTemperature, floor: Double($0.tables.unfrozenFloor)) }
        let bound = PennesSolver.largestRate(codes: codes, perSecond: perSecond)
        let limit = min(bound > 0 ? 1 / bound : .infinity, phaseChange?.stabilityLimit(codes: codes) ?? .infinity)
        stabilityLimit = limit
        guard superTimeStepping == nil || freezing != nil else {
            throw PhysicsError.invalidInput("super-time-stepping is implemented for the phase-change (cryo) solver only")
        }
        self.superTimeStepping = superTimeStepping
        let largest = superTimeStepping == nil ? limit : SuperTimeStepping.largestStep(explicitLimit: limit)
        if let requested {
            guard requested.isFinite, requested > 0 else {
                throw PhysicsError.invalidInput("time step \(requested) s is not valid: it must be finite and > 0")
            }
            guard requested <= largest * (1 + 1e-12) else {
                throw PhysicsError.invalidInput(String(format: "time step %.4g s is unstable for this grid and tissue table: the %@ needs dt <= %.4g s", requested,
                                                       superTimeStepping == nil ? "explicit scheme" : "super-time-stepping scheme", largest))
            }
            dt = requested
        } else {
            guard limit.isFinite else { throw PhysicsError.invalidInput("the model conducts no heat; give an explicit time step") }
            dt = max(safety * limit, superTimeStepping?.superStep ?? 0)
        }
        coefficients = PennesCoefficients<S>(materials: materials, spacing: grid.spacing, boundary: boundary, dt: dt, arterial: arterialTemperature)
        planStages()
    }

    /// The longest step `setTimeStep` accepts [s]: the explicit limit, times the
    /// super-step's gain with super-time-stepping.
    public var largestStep: Double {
        superTimeStepping == nil ? stabilityLimit : SuperTimeStepping.largestStep(explicitLimit: stabilityLimit)
    }

    /// Explicit stages per step: 1, or the RKL1 stages of a super-step.
    public var stagesPerStep: Int { max(stages.count, 1) }

    /// The super-step's stage coefficients for the current `dt`.
    private func planStages() {
        guard superTimeStepping != nil else { stages = []; return }
        let s = SuperTimeStepping.stages(for: dt, explicitLimit: stabilityLimit)
        stages = s > 1 ? SuperTimeStepping.stageCoefficients(stages: s, superStep: dt) : []
    }

    /// The largest stable step for this model [s]: 1 / max over voxels of (sum of the
    /// voxel's six face rates + its perfusion rate). With dt at or below it every update is
    /// a convex combination of the old values (monotone, maximum principle). Coagulation
    /// only removes perfusion, so the limit holds for the whole run.
    public let stabilityLimit: Double

    /// The largest per-second rate of any voxel, from its actual neighbours: exact where a
    /// table-wide bound would assume the worst neighbour on every face.
    static func largestRate(codes c: Field3D<UInt8>, perSecond t: PennesCoefficients<S>) -> Double {
        largestRateVoxel(codes: c, perSecond: t).rate
    }

    /// The largest per-second rate and the material code of the first voxel that has it.
    static func largestRateVoxel(codes c: Field3D<UInt8>, perSecond t: PennesCoefficients<S>) -> (rate: Double, material: Int) {
        let bits = PennesTables<S>.labelBits
        var worst = 0.0, material = 0
        for k in 0..<c.nz { for j in 0..<c.ny {
            let r = c.row(j, k)
            for i in 0..<c.nx {
                let row = Int(r[i]) << bits
                var sum = Double(t.perfusion[Int(r[i])])
                sum += Double(t.gx[row | Int(r[i - 1])]) + Double(t.gx[row | Int(r[i + 1])])
                sum += Double(t.gy[row | Int(r[i - c.strideY])]) + Double(t.gy[row | Int(r[i + c.strideY])])
                sum += Double(t.gz[row | Int(r[i - c.strideZ])]) + Double(t.gz[row | Int(r[i + c.strideZ])])
                if sum > worst || !(sum == sum) { worst = sum; material = Int(r[i]) }
            }
        } }
        return (worst, material)
    }

    /// The material whose voxels set the explicit stability limit (the largest rate of face
    /// conduction plus perfusion), for messages that say why the time step is small.
    public func stabilityLimitingMaterial() -> ThermalMaterial? {
        let perSecond = PennesCoefficients<S>(materials: materials, spacing: grid.spacing, boundary: boundary, dt: 1, arterial: arterial)
        let m = PennesSolver.largestRateVoxel(codes: codes, perSecond: perSecond).material
        return m < materials.count ? materials[m] : nil
    }

    /// Changes the step size (e.g. to land exactly on an output time); must stay stable.
    public func setTimeStep(_ newDt: Double) throws {
        guard newDt.isFinite, newDt > 0, newDt <= largestStep * (1 + 1e-12) else {
            throw PhysicsError.invalidInput(String(format: "time step %.4g s is outside (0, %.4g] s, the stable range", newDt, largestStep))
        }
        dt = newDt
        coefficients = PennesCoefficients<S>(materials: materials, spacing: grid.spacing, boundary: boundary, dt: dt, arterial: arterial)
        planStages()
    }

    /// Restores time, step count and step size from a checkpoint.
    func restoreClock(time t: Double, steps n: Int, dt step: Double) throws {
        if step != dt { try setTimeStep(step) }
        time = t
        stepCount = n
    }

    /// Makes the faces of these fixed-temperature materials insulated (the others hold their
    /// temperature on the shared face) in the phase-change kernel: a passive cryoprobe
    /// exchanges no heat with the tissue. Holding it at its neighbours' mean temperature
    /// instead, refreshed once per step, lagged by a step: with 5 s super-steps the lag
    /// cooled the L1 cord by about 2 K over the passive thaw (docs/cryo.md). Only the faces
    /// change, so the stability limit (computed with held faces) still holds. No effect
    /// without `freezing`.
    public func insulate(materials: Set<Int>) {
        guard let freezing, materials != insulatedMaterials else { return }
        insulatedMaterials = materials
        phaseChange = PhaseChangeCoefficients<S>(materials: self.materials, freezing: freezing, spacing: grid.spacing,
                                                 boundary: boundary, arterial: arterial, insulated: materials)
    }

    /// Sets the temperature of every voxel of material `index` (probe surfaces).
    public func holdTemperature(material index: Int, at celsius: Double) {
        let v = S(celsius)
        let t = temperature
        for k in 0..<grid.nz { for j in 0..<grid.ny {
            let c = codes.row(j, k), r = t.row(j, k)
            for i in 0..<grid.nx where Int(c[i] & ~MaterialCode.coagulated) == index { r[i] = v }
        } }
    }

    /// One step: the Pennes update into the scratch field (all stages of a super-step with
    /// super-time-stepping), then dose, T_max/T_min and coagulation on the new state. Throws `.runtime` naming the voxel when the new
    /// state is not finite.
    public func step() throws {
        advanceTemperature()
        try accumulateDose(over: dt)
    }

    /// The first half of `step()`: the Pennes update of every voxel (advances `time` by
    /// `dt`), without dose. Public so `bench` can time the two halves apart; a
    /// simulation calls `step()`.
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    public func advanceTemperature() {
        if let freezingTables = phaseChange?.tables, let warm = warmRows, !stages.isEmpty {
            advanceStage(dt: stages[0].b, tables: coefficients.tables)
            for stage in stages.dropFirst() {
                // T holds Y_{j-1}, the scratch Y_{j-2}; the stage writes Y_j over Y_{j-2}. Fine
                // slabs: the ice ball's planes cost several times the rest.
                let t = temperature, tn = scratch, c = codes, q = source
                let a = S(stage.a), b = S(stage.b), nx = grid.nx, ny = grid.ny
                executor.forEachSlab(planes: grid.nz, slabsPerThread: 8) { planes in
                    for k in planes {
                        for j in 0..<ny {
                            let o = t.index(0, j, k)
                            let row = PennesRow(t: t.base + o, tNew: tn.base + o, label: c.base + o, q: q.base + o,
                                                strideY: t.strideY, strideZ: t.strideZ)
                            phaseChangeLegendreRowSIMD(row, count: nx, a: a, b: b, tables: freezingTables,
                                                       stencilWarm: warm.stencilWarm(j, k, andPrevious: true))
                            warm.recordWritten(j, k, warm: phaseChangeRowIsWarm(tn.base + o, count: nx, tables: freezingTables))
                        }
                    }
                }
                swap(&temperature, &scratch)
                warm.swapRegisters()
            }
        } else {
            advanceStage(dt: dt, tables: coefficients.tables)
        }
        time += dt
        stepCount += 1
    }

    /// One explicit stage of `stepSize` [s] (`tables` hold the Pennes coefficients for it).
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    private func advanceStage(dt stepSize: Double, tables: PennesTables<S>) {
        let t = temperature, tn = scratch, c = codes, q = source
        let freezingTables = phaseChange?.tables, step = S(stepSize), warm = warmRows
        let nx = grid.nx, ny = grid.ny
        // Sources hold probe voxels between steps: the flags of T are counted afresh.
        if let freezingTables, let warm { warm.recount(t, tables: freezingTables, executor: executor) }
        executor.forEachSlab(planes: grid.nz, slabsPerThread: freezingTables == nil ? 1 : 8) { planes in
            for k in planes {
                for j in 0..<ny {
                    let o = t.index(0, j, k)
                    let row = PennesRow(t: t.base + o, tNew: tn.base + o, label: c.base + o, q: q.base + o,
                                        strideY: t.strideY, strideZ: t.strideZ)
                    if let freezingTables, let warm {
                        phaseChangeRowSIMD(row, count: nx, dt: step, tables: freezingTables, stencilWarm: warm.stencilWarm(j, k, andPrevious: false))
                        warm.recordWritten(j, k, warm: phaseChangeRowIsWarm(tn.base + o, count: nx, tables: freezingTables))
                    } else {
                        pennesRowSIMD(row, count: nx, tables: tables)
                    }
                }
            }
        }
        swap(&temperature, &scratch)
        warm?.swapRegisters()
    }

    /// The second half of `step()`: CEM43, Omega, T_max/T_min and coagulation on the
    /// current state over the last `dt`, plus the NaN check. Public for `bench`.
    public func accumulateDose() throws {
        try accumulateDose(over: dt)
    }

    /// The kernel's label-indexed coefficient tables for the current `dt` (valid while
    /// the solver lives): for benchmarks and reference kernels that must see the same
    /// coefficients.
    public var kernelTables: PennesTables<S> { coefficients.tables }

    /// The dose kernel's label-indexed Arrhenius tables (valid while the solver lives).
    public var doseKernelTables: DoseTables { coefficients.doseTables }

    /// Runs `count` steps.
    public func run(steps count: Int) throws {
        for _ in 0..<count { try step() }
    }

    @_specialize(where S == Float)
    @_specialize(where S == Double)
    private func accumulateDose(over interval: Double) throws {
        let t = temperature, c = codes
        let dose = coefficients.doseTables
        let nx = grid.nx, ny = grid.ny
        let shutdown = perfusionShutdown
        let cem = cem43, om = omega, hi = tMax, lo = tMin
        let badPlane = UnsafeMutablePointer<Int>.allocate(capacity: grid.nz)
        badPlane.initialize(repeating: -1, count: grid.nz)
        defer { badPlane.deallocate() }
        executor.forEachSlab(planes: grid.nz) { planes in
            for k in planes {
                for j in 0..<ny {
                    let o = t.index(0, j, k)
                    let row = DoseRow(t: t.base + o, label: c.base + o, cem43: cem.base + o, omega: om.base + o,
                                      tMax: hi.base + o, tMin: lo.base + o)
                    let finite = accumulateDoseRowSIMD(row, count: nx, dt: interval, tables: dose)
                    if !finite && badPlane[k] < 0 { badPlane[k] = j }
                    if shutdown { markCoagulated(codes: c.base + o, omega: om.base + o, count: nx) }
                }
            }
        }
        for k in 0..<grid.nz where badPlane[k] >= 0 {
            let j = badPlane[k]
            let i = (0..<nx).first { !t[$0, j, k].isFinite } ?? 0
            throw PhysicsError.runtime(String(format: "temperature became %@ at voxel (%d, %d, %d) in step %d (t = %.3f s); check sources and time step",
                                              "\(t[i, j, k])", i, j, k, stepCount, time))
        }
    }

    /// Sets the coagulated bit of every voxel of a row whose Omega has reached 1; tests 8
    /// voxels at a time, since most blocks have none.
    @inline(__always)
    private func markCoagulated(codes: UnsafeMutablePointer<UInt8>, omega: UnsafePointer<Double>, count n: Int) {
        var i = 0
        while i + 8 <= n {
            if any(UnsafeRawPointer(omega + i).loadUnaligned(as: SIMD8<Double>.self) .>= 1) {
                for m in i..<(i + 8) where omega[m] >= 1 { codes[m] |= MaterialCode.coagulated }
            }
            i += 8
        }
        for m in i..<n where omega[m] >= 1 { codes[m] |= MaterialCode.coagulated }
    }

    /// Total heat content sum(rho c T V) over tissue voxels [J], relative to 0 C; summed
    /// per plane and combined in plane order (deterministic for every thread count).
    public func heatContent() -> Double {
        let cap = materials.map { $0.tissue?.heatCapacity ?? 0 }
        let v = grid.voxelVolume
        let t = temperature, c = codes, nx = grid.nx, ny = grid.ny
        return executor.sumPlanes(planes: grid.nz) { k in
            var s = 0.0
            for j in 0..<ny {
                let tr = t.row(j, k), cr = c.row(j, k)
                for i in 0..<nx { s += cap[Int(cr[i] & ~MaterialCode.coagulated)] * Double(tr[i]) }
            }
            return s * v
        }
    }

    /// Temperature at a world point [m], trilinear between voxel centres.
    public func temperature(atWorld p: SIMD3<Double>) -> Double {
        temperature.trilinear(at: grid.index(p))
    }
}

@inline(__always)
func wrap<T>(_ body: () throws -> T) throws -> T {
    do { return try body() } catch let e as CoreError { throw PhysicsError.invalidInput(e.message) }
}
