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
    /// What the maximum-principle bounds need besides the state (`TemperatureBounds`).
    let maximumPrinciple: MaximumPrincipleTables<S>
    /// The state at the start of a super-step, restored when a stage leaves its bounds.
    private var superStepStart: Field3D<S>?
    /// Per plane: whether a row written in the current stage left the step's bounds.
    private var planeOutside: [UInt8]
    /// Super-steps (or halves of them) redone as two halves because a stage left the
    /// step's maximum-principle bounds, and explicit stages taken, since init.
    public private(set) var rejectedSuperSteps = 0
    public private(set) var stagesTaken = 0
    /// `--check-bounds`: after every step verify that the whole field lies within the run's
    /// maximum-principle envelope (`TemperatureBounds`); a violation throws `.runtime`
    /// naming the voxel, its temperature and the bound.
    public var checkBounds = false
    /// Off: plain RKL1 super-steps, unchecked (the scheme before 2026-12-04; tests show what
    /// it did).
    var monotoneSuperSteps = true
    /// The run's envelope so far (set by the first checked step).
    var envelope: TemperatureBounds?

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
            case .tissue(let t): try t.validate(context: "thermal model")
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
            let (i, j, k) = grid.voxel(bad).tuple
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
        planeOutside = [UInt8](repeating: 0, count: grid.nz)
        temperature = Field3D(grid: grid, repeating: S(initialTemperature))
        scratch = Field3D(grid: grid, repeating: S(initialTemperature))
        temperature.fillHalo(S(boundary.haloTemperature))
        scratch.fillHalo(S(boundary.haloTemperature))
        codes = Field3D(grid: grid, repeating: MaterialCode.halo)
        codes.setInterior(labels)
        maximumPrinciple = MaximumPrincipleTables(materials: materials, freezing: freezing, boundary: boundary, arterial: arterialTemperature, codes: codes)
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
        if checkBounds { widenEnvelope() }
        advanceTemperature()
        if checkBounds { try verifyEnvelope() }
        try accumulateDose(over: dt)
    }

    /// The first half of `step()`: the Pennes update of every voxel (advances `time` by
    /// `dt`), without dose. Public so `bench` can time the two halves apart; a
    /// simulation calls `step()`.
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    public func advanceTemperature() {
        if phaseChange != nil, warmRows != nil, !stages.isEmpty {
            superStep(length: dt, stages: stages)
        } else {
            advanceStage(dt: dt, tables: coefficients.tables)
            stagesTaken += 1
        }
        time += dt
        stepCount += 1
    }

    /// One RKL1 super-step that keeps the discrete maximum principle. RKL1 is not monotone
    /// (its stages combine Y_{j-1} and Y_{j-2} with a negative weight, and no explicit
    /// method is monotone beyond one forward-Euler step per stage), and with freezing its
    /// stage recursion, which is bounded for a fixed linear operator, meets an operator
    /// that changes within the super-step (a voxel leaving the mushy zone gets 20 times
    /// stiffer): next to a probe at -90 C stages overshot to -135 C. So every stage is
    /// checked against the step's bounds (`TemperatureBounds`); a stage outside them rejects
    /// the super-step, the start state is restored and the interval is taken as two halves,
    /// each checked the same way, down to plain explicit steps (monotone within the
    /// stability limit). Accepted super-steps are unmodified RKL1 (consistent,
    /// conservative); the result always lies within the bounds (docs/cryo.md).
    private func superStep(length: Double, stages plan: [(a: Double, b: Double)]) {
        let bounds = monotoneSuperSteps
            ? maximumPrinciple.stepBounds(temperature: temperature, codes: codes, source: source, length: length, executor: executor)
            : TemperatureBounds(lower: -.infinity, upper: .infinity)
        if superStepStart == nil { superStepStart = Field3D(grid: grid, repeating: 0) }
        superStepStart!.copy(from: temperature)
        if runStages(plan, within: bounds) { return }
        temperature.copy(from: superStepStart!)
        rejectedSuperSteps += 1
        let half = length / 2
        let s = SuperTimeStepping.stages(for: half, explicitLimit: stabilityLimit)
        for _ in 0..<2 {
            if s > 1 {
                superStep(length: half, stages: SuperTimeStepping.stageCoefficients(stages: s, superStep: half))
            } else {
                advanceStage(dt: half, tables: coefficients.tables)
                stagesTaken += 1
            }
        }
    }

    /// The stages of one super-step; false (and the remaining stages skipped) as soon as a
    /// stage writes a voxel outside `bounds`.
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    private func runStages(_ plan: [(a: Double, b: Double)], within bounds: TemperatureBounds) -> Bool {
        guard let freezingTables = phaseChange?.tables, let warm = warmRows else { return false }
        let lower = S(bounds.lower - TemperatureBounds.tolerance), upper = S(bounds.upper + TemperatureBounds.tolerance)
        let limits = (lower, upper)
        advanceStage(dt: plan[0].b, tables: coefficients.tables, within: limits)
        stagesTaken += 1
        if planeOutside.contains(where: { $0 != 0 }) { return false }
        for stage in plan.dropFirst() {
            // T holds Y_{j-1}, the scratch Y_{j-2}; the stage writes Y_j over Y_{j-2}. Fine
            // slabs: the ice ball's planes cost several times the rest.
            let t = temperature, tn = scratch, c = codes, q = source
            let a = S(stage.a), b = S(stage.b), nx = grid.nx, ny = grid.ny
            planeOutside.withUnsafeMutableBufferPointer { outside in
                executor.forEachSlab(planes: grid.nz, slabsPerThread: 8) { planes in
                    for k in planes {
                        var bad = 0
                        for j in 0..<ny {
                            let o = t.index(0, j, k)
                            let row = PennesRow(t: t.base + o, tNew: tn.base + o, label: c.base + o, q: q.base + o,
                                                strideY: t.strideY, strideZ: t.strideZ)
                            phaseChangeLegendreRowSIMD(row, count: nx, a: a, b: b, tables: freezingTables,
                                                       stencilWarm: warm.stencilWarm(j, k, andPrevious: true))
                            warm.recordWritten(j, k, warm: phaseChangeRowIsWarm(tn.base + o, count: nx, tables: freezingTables))
                            bad += rowCountOutsideSIMD(tn.base + o, count: nx, lower: lower, upper: upper)
                        }
                        outside[k] = bad > 0 ? 1 : 0
                    }
                }
            }
            swap(&temperature, &scratch)
            warm.swapRegisters()
            stagesTaken += 1
            if planeOutside.contains(where: { $0 != 0 }) { return false }
        }
        return true
    }

    /// One explicit stage of `stepSize` [s] (`tables` hold the Pennes coefficients for it).
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    private func advanceStage(dt stepSize: Double, tables: PennesTables<S>, within limits: (S, S)? = nil) {
        let t = temperature, tn = scratch, c = codes, q = source
        let freezingTables = phaseChange?.tables, step = S(stepSize), warm = warmRows
        let nx = grid.nx, ny = grid.ny
        // Sources hold probe voxels between steps: the flags of T are counted afresh.
        if let freezingTables, let warm { warm.recount(t, tables: freezingTables, executor: executor) }
        planeOutside.withUnsafeMutableBufferPointer { outside in
        executor.forEachSlab(planes: grid.nz, slabsPerThread: freezingTables == nil ? 1 : 8) { planes in
            for k in planes {
                var bad = 0
                defer { outside[k] = bad > 0 ? 1 : 0 }
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
                    if let (lower, upper) = limits { bad += rowCountOutsideSIMD(tn.base + o, count: nx, lower: lower, upper: upper) }
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
