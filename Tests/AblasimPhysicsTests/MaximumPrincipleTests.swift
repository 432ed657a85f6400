import XCTest
import AblasimCore
import AblasimKernels
@testable import AblasimPhysics

/// The discrete maximum principle: no voxel colder than the coldest held or boundary
/// temperature, none warmer than the warmest initial, held, boundary or arterial
/// temperature (no heat source on), with super-steps and with plain steps.
final class MaximumPrincipleTests: XCTestCase {
    let table = TissueTable.standard

    /// A 2.4 mm probe held at -90 C in a water-like gel block (CSF properties, w = 0.99) and
    /// in cancellous bone, 1 mm grid, 10 s super-steps, freeze - passive thaw - freeze: plain
    /// RKL1 sent tissue next to the probe below -90 C (in the re-freeze in gel, in the first
    /// super-step in bone; the issue saw -135 C); the bound-checked super-steps keep every
    /// voxel at or above it and stay close to explicit steps.
    func testProbeNeighboursNeverColderThanTheProbe() throws {
        func run(_ tissue: String, _ sts: SuperTimeStepping?, monotone: Bool = true) throws -> (solver: PennesSolver<Float>, coldest: Double) {
            var m = ThermalModel(grid: try Grid3D(nx: 13, ny: 13, nz: 11, isotropic: 1e-3), uniform: try table.tissue(named: tissue))
            let axis = try ApplicatorAxis(tip: SIMD3(6.5e-3, 6.5e-3, 8e-3), direction: SIMD3(0, 0, -1), radius: 1.2e-3)
            let phases: [CryoProtocol.Phase] = [.freeze(duration: 40), .passiveThaw(duration: 20), .freeze(duration: 40)]
            let settings = CryoSettings(protocolPhases: try CryoProtocol(phases: phases), freezeTemperature: -90,
                                        freezingLength: 5e-3, superTimeStepping: sts)
            let src = try Cryoablation.install(probes: [axis], settings: settings, into: &m)
            let s = try m.makeSolver(Float.self, boundary: .heldBeyondGrid(37), executor: SlabExecutor(threads: 2))
            s.monotoneSuperSteps = monotone
            let steps = Int((100 / s.dt).rounded(.up))
            try s.setTimeStep(100 / Double(steps))
            var coldest = Double.infinity
            let tissueVoxels = (0..<s.grid.voxelCount).filter { s.materials[Int(m.codes[$0])].tissue != nil }
                .map { (i: $0 % 13, j: $0 / 13 % 13, k: $0 / 169) }
            for _ in 0..<steps {
                s.source.fill(0)
                try src.update(solver: s, time: s.time)
                try s.step()
                for v in tissueVoxels { coldest = min(coldest, Double(s.temperature[v.i, v.j, v.k])) }
            }
            return (s, coldest)
        }
        let sts = try SuperTimeStepping(superStep: 10)
        for tissue in ["csf", "cancellous_bone"] {
            let plain = try run(tissue, sts, monotone: false)
            let checked = try run(tissue, sts)
            let explicit = try run(tissue, nil)
            var worstT = 0.0, worstMin = 0.0, iceA = 0, iceB = 0, nowA = 0, nowB = 0
            for k in 0..<11 { for j in 0..<13 { for i in 0..<13 {
                worstT = max(worstT, abs(Double(checked.solver.temperature[i, j, k] - explicit.solver.temperature[i, j, k])))
                worstMin = max(worstMin, abs(Double(checked.solver.tMin[i, j, k] - explicit.solver.tMin[i, j, k])))
                if checked.solver.tMin[i, j, k] < 0 { iceA += 1 }
                if explicit.solver.tMin[i, j, k] < 0 { iceB += 1 }
                if checked.solver.temperature[i, j, k] < 0 { nowA += 1 }
                if explicit.solver.temperature[i, j, k] < 0 { nowB += 1 }
            } } }
            print("\(tissue), probe at -90 C, 1 mm, 10 s super-steps: coldest tissue plain RKL1 \(plain.coldest) C; checked \(checked.coldest) C " +
                  "(\(checked.solver.rejectedSuperSteps) halvings, \(checked.solver.stagesTaken) stages); explicit \(explicit.coldest) C " +
                  "(\(explicit.solver.stagesTaken) steps); checked vs explicit: max |T| \(worstT) K, max |t_min| \(worstMin) K, t_min < 0 \(iceA) vs \(iceB) voxels, T < 0 at the end \(nowA) vs \(nowB)")
            if tissue == "cancellous_bone" {
                XCTAssertLessThan(plain.coldest, -100, "\(tissue): plain RKL1 broke the maximum principle (the scheme before the fix)")
            }
            XCTAssertGreaterThanOrEqual(checked.coldest, -90 - TemperatureBounds.tolerance, tissue)
            XCTAssertGreaterThanOrEqual(explicit.coldest, -90 - TemperatureBounds.tolerance, tissue)
            XCTAssertLessThan(checked.solver.stagesTaken * 3, explicit.solver.stagesTaken, "\(tissue): still far fewer stages than explicit steps")
            XCTAssertLessThan(worstT, 25, "\(tissue): the final state within the first-order super-step error near the probe")
            XCTAssertEqual(Double(nowA), Double(nowB), accuracy: 0.05 * Double(nowB), tissue)
        }
    }

    /// Property: random small models (tissues from the table, held cold and hot voxels,
    /// random outer boundary, initial temperature and super-step, freezing on or off) stay
    /// within [min(held, boundary, initial, arterial), max(...)] after every step, no source on.
    func testRandomModelsStayWithinTheirBounds() throws {
        var rng = SplitMix64(seed: 20261204)
        let names = ["tumor_metastasis", "csf", "cortical_bone", "muscle", "spinal_cord", "fat", "cancellous_bone"]
        let tissues = try names.map { try table.tissue(named: $0) }
        var rejected = 0, cases = 0
        for trial in 0..<24 {
            let dims = [rng.int(3...9), rng.int(3...9), rng.int(1...7)]
            let h = [0.5e-3, 1e-3, 2e-3][rng.int(0...2)]
            let grid = try Grid3D(nx: dims[0], ny: dims[1], nz: dims[2], isotropic: h)
            var m = ThermalModel(grid: grid, uniform: tissues[rng.int(0...tissues.count - 1)])
            for _ in 0..<rng.int(0...2) {
                let t = try m.addMaterial(.tissue(tissues[rng.int(0...tissues.count - 1)]))
                m.paint((0..<grid.voxelCount).filter { _ in rng.nextUnit() < 0.3 }, material: t)
            }
            let cold = try m.addMaterial(.fixedTemperature(name: "cold"))
            let hot = try m.addMaterial(.fixedTemperature(name: "hot"))
            m.paint((0..<grid.voxelCount).filter { _ in rng.nextUnit() < 0.08 }, material: cold)
            m.paint((0..<grid.voxelCount).filter { _ in rng.nextUnit() < 0.04 }, material: hot)
            let coldT = -40 - 150 * rng.nextUnit(), hotT = 40 + 30 * rng.nextUnit(), initial = 10 + 30 * rng.nextUnit()
            let boundary: OuterBoundary = [.insulated, .heldBeyondGrid(37), .fixedTemperature(20 + 17 * rng.nextUnit())][rng.int(0...2)]
            let freezing = trial % 4 != 3
            if freezing {
                m.freezing = .standard
                m.superTimeStepping = try SuperTimeStepping(superStep: [1, 3, 10, 30, 60][rng.int(0...4)])
            }
            let s = try m.makeSolver(Float.self, boundary: boundary, initialTemperature: initial, executor: SlabExecutor(threads: 1 + trial % 2))
            s.holdTemperature(material: cold, at: coldT)
            s.holdTemperature(material: hot, at: hotT)
            let hasCold = s.codes.interior().contains(UInt8(cold)), hasHot = s.codes.interior().contains(UInt8(hot))
            var lower = initial, upper = initial
            if hasCold { lower = min(lower, coldT); upper = max(upper, coldT) }
            if hasHot { lower = min(lower, hotT); upper = max(upper, hotT) }
            lower = min(lower, Blood.arterialTemperature); upper = max(upper, Blood.arterialTemperature)
            if boundary != .insulated { lower = min(lower, boundary.haloTemperature); upper = max(upper, boundary.haloTemperature) }
            s.checkBounds = true
            for step in 0..<6 {
                try s.step()
                let t = s.temperature.interior().map(Double.init)
                XCTAssertGreaterThanOrEqual(t.min()!, lower - TemperatureBounds.tolerance, "trial \(trial) step \(step): \(dims), h \(h), \(boundary), dt \(s.dt)")
                XCTAssertLessThanOrEqual(t.max()!, upper + TemperatureBounds.tolerance, "trial \(trial) step \(step): \(dims), h \(h), \(boundary), dt \(s.dt)")
                if let e = s.runEnvelope {
                    XCTAssertGreaterThanOrEqual(e.lower, lower - 1e-4, "the run envelope is no wider than the true bounds")
                    XCTAssertLessThanOrEqual(e.upper, upper + 1e-4)
                }
            }
            rejected += s.rejectedSuperSteps
            cases += 1
        }
        print("\(cases) random models: \(rejected) super-steps halved to keep the bounds")
        XCTAssertGreaterThan(rejected, 0, "the random models exercise the fallback")
    }

    /// `checkBounds`: a clean freeze passes; a tissue voxel pushed outside the envelope (as a
    /// broken source would) stops the run naming the voxel, its temperature and the bound.
    func testCheckBoundsStopsAViolationNamingTheVoxel() throws {
        let grid = try Grid3D(nx: 8, ny: 7, nz: 6, isotropic: 1e-3)
        var m = ThermalModel(grid: grid, uniform: try table.tissue(named: "tumor_metastasis"))
        let probe = try m.addMaterial(.fixedTemperature(name: "probe"))
        m.paint([m.linear(4, 3, 3)], material: probe)
        m.freezing = .standard
        m.superTimeStepping = try SuperTimeStepping(superStep: 5)
        let s = try m.makeSolver(Float.self, boundary: .heldBeyondGrid(37))
        s.checkBounds = true
        for _ in 0..<4 {
            s.holdTemperature(material: probe, at: -120)
            try s.step()
        }
        XCTAssertEqual(s.runEnvelope?.lower ?? 0, -120, accuracy: 1e-4)
        XCTAssertEqual(s.runEnvelope?.upper ?? 0, 37, accuracy: 1e-4)
        // A broken source writing tissue: short explicit steps so the write survives one step.
        m.superTimeStepping = nil
        let e = try m.makeSolver(Float.self, boundary: .heldBeyondGrid(37), dt: 0.01)
        e.checkBounds = true
        e.holdTemperature(material: probe, at: -120)
        try e.step()
        e.temperature[1, 2, 5] = -300
        XCTAssertThrowsError(try e.step()) { err in
            guard let e = err as? PhysicsError, e.kind == .runtime else { return XCTFail("\(err)") }
            let msg = e.message
            XCTAssertTrue(msg.contains("voxel (1, 2, 5)") && msg.contains("tumor_metastasis") && msg.contains("lower bound -120.000 C"), msg)
        }
        // Heating: the upper bound grows by dt Q / (rho c) per step, so a heated run passes.
        let w = ThermalModel(grid: grid, uniform: try table.tissue(named: "muscle"))
        let hs = try w.makeSolver(Float.self)
        hs.checkBounds = true
        for _ in 0..<20 {
            hs.source.fill(0)
            hs.source[4, 3, 3] = 5e7
            try hs.step()
        }
        XCTAssertGreaterThan(Double(hs.temperature[4, 3, 3]), 38)
        XCTAssertGreaterThan(hs.runEnvelope!.upper, Double(hs.temperature[4, 3, 3]))
    }

    /// Rejections depend only on exact per-plane minima and maxima: the checked super-steps
    /// give the same bits for 1, 2 and 3 threads, halvings included.
    func testCheckedSuperStepsAreDeterministic() throws {
        func run(threads: Int) throws -> PennesSolver<Float> {
            var m = ThermalModel(grid: try Grid3D(nx: 9, ny: 9, nz: 9, isotropic: 1e-3), uniform: try table.tissue(named: "cancellous_bone"))
            let probe = try m.addMaterial(.fixedTemperature(name: "probe"))
            m.paint((2..<7).map { m.linear(4, 4, $0) }, material: probe)
            m.freezing = .standard
            m.superTimeStepping = try SuperTimeStepping(superStep: 10)
            let s = try m.makeSolver(Float.self, boundary: .heldBeyondGrid(37), executor: SlabExecutor(threads: threads))
            for _ in 0..<4 {
                s.holdTemperature(material: probe, at: -90)
                try s.step()
            }
            return s
        }
        let one = try run(threads: 1)
        XCTAssertGreaterThan(one.rejectedSuperSteps, 0, "the case exercises the fallback")
        for n in [2, 3] {
            let other = try run(threads: n)
            XCTAssertEqual(other.rejectedSuperSteps, one.rejectedSuperSteps)
            XCTAssertEqual(other.temperature.interior(), one.temperature.interior(), "\(n) threads")
        }
    }

    /// The row kernels: SIMD equals the scalar reference on random rows with NaN and bounds.
    func testBoundsKernelsMatchScalar() {
        var rng = SplitMix64(seed: 7)
        for n in [1, 5, 8, 15, 16, 17, 40, 63] {
            var row = (0..<n).map { _ in Float(200 * rng.nextUnit() - 100) }
            let e0 = row.withUnsafeBufferPointer { rowExtremesScalar($0.baseAddress!, count: n) }
            let e1 = row.withUnsafeBufferPointer { rowExtremesSIMD($0.baseAddress!, count: n) }
            XCTAssertEqual(e0.min, e1.min); XCTAssertEqual(e0.max, e1.max)
            XCTAssertEqual(e0.min, row.min()); XCTAssertEqual(e0.max, row.max())
            if n > 3 { row[n / 2] = .nan }
            let c0 = row.withUnsafeBufferPointer { rowCountOutsideScalar($0.baseAddress!, count: n, lower: -50, upper: 60) }
            let c1 = row.withUnsafeBufferPointer { rowCountOutsideSIMD($0.baseAddress!, count: n, lower: -50, upper: 60) }
            XCTAssertEqual(c0, c1)
            XCTAssertEqual(c0, row.filter { !($0 >= -50 && $0 <= 60) }.count)
        }
    }
}


private extension SplitMix64 {
    /// A whole number in `r` (modulo bias is immaterial for test models).
    mutating func int(_ r: ClosedRange<Int>) -> Int { r.lowerBound + Int(next() % UInt64(r.count)) }
}
