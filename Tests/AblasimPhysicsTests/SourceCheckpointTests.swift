import XCTest
import AblasimCore
@testable import AblasimPhysics

/// Every non-RF source resumes from a checkpoint bitwise: run N steps, checkpoint the solver
/// and the sources, restore into a freshly built setup, run M more steps, and compare with
/// an uninterrupted N + M run.
final class SourceCheckpointTests: XCTestCase {
    let table = TissueTable.standard

    typealias Setup = (solver: PennesSolver<Float>, sources: [HeatSource], boundaries: [BoundaryCondition])

    /// The simulation loop in miniature: held boundaries, sources, step, then the interlock's power factor
    /// (varied here so a resumed source must have restored it).
    func advance(_ s: Setup, steps: Int, from first: Int) throws {
        for n in first..<(first + steps) {
            for b in s.boundaries { try b.update(solver: s.solver, time: s.solver.time) }
            s.solver.source.fill(0)
            for src in s.sources { try src.update(solver: s.solver, time: s.solver.time) }
            try s.solver.step()
            let factor = [1.0, 0.6, 0.0, 0.85][(n / 7) % 4]
            for src in s.sources { src.powerFactor = factor }
        }
    }

    func checkpoint(_ s: Setup) throws -> [UInt8] {
        var w = StateWriter()
        s.solver.saveState(to: &w)
        for b in s.boundaries { b.saveState(to: &w) }
        for src in s.sources { src.saveState(to: &w) }
        return w.bytes
    }

    func restore(_ s: Setup, from bytes: [UInt8]) throws {
        var r = StateReader(bytes, context: "test checkpoint")
        try s.solver.restoreState(from: &r)
        for b in s.boundaries { try b.restoreState(from: &r) }
        for src in s.sources { try src.restoreState(from: &r) }
        XCTAssertTrue(r.isAtEnd)
    }

    /// Runs the comparison; returns (uninterrupted, resumed) for source-specific checks.
    @discardableResult
    func assertResumesBitwise(_ make: () throws -> Setup, first n: Int, then m: Int,
                              file: StaticString = #filePath, line: UInt = #line) throws -> (Setup, Setup, Setup) {
        let straight = try make()
        try advance(straight, steps: n + m, from: 0)
        let before = try make()
        try advance(before, steps: n, from: 0)
        let bytes = try checkpoint(before)
        let resumed = try make()
        try restore(resumed, from: bytes)
        try advance(resumed, steps: m, from: n)

        XCTAssertEqual(resumed.solver.stepCount, n + m, file: file, line: line)
        XCTAssertEqual(resumed.solver.time, straight.solver.time, file: file, line: line)
        XCTAssertEqual(resumed.solver.temperature.interior(), straight.solver.temperature.interior(), "temperature", file: file, line: line)
        XCTAssertEqual(resumed.solver.tMax.interior(), straight.solver.tMax.interior(), "T_max", file: file, line: line)
        XCTAssertEqual(resumed.solver.tMin.interior(), straight.solver.tMin.interior(), "T_min", file: file, line: line)
        XCTAssertEqual(resumed.solver.omega.interior(), straight.solver.omega.interior(), "Omega", file: file, line: line)
        XCTAssertEqual(resumed.solver.codes.interior(), straight.solver.codes.interior(), "codes", file: file, line: line)
        for (a, b) in zip(resumed.sources, straight.sources) {
            XCTAssertEqual(a.channelSamples(), b.channelSamples(), a.name, file: file, line: line)
            XCTAssertEqual(a.powerFactor, b.powerFactor, a.name, file: file, line: line)
        }
        return (straight, before, resumed)
    }

    func testMicrowaveWithSalineIrrigationResumesBitwise() throws {
        func make() throws -> Setup {
            let grid = try Grid3D(nx: 18, ny: 18, nz: 26, isotropic: 1e-3)
            var labels = [UInt8](repeating: 0, count: grid.voxelCount)
            for v in labels.indices where v % grid.nx < 3 { labels[v] = 1 }  // an epidural slab at x < 3 mm
            var m = try ThermalModel(grid: grid, labels: labels, legend: [0: "tumor_metastasis", 1: "epidural_fat"], table: table)
            let saline = try Thermoprotection.apply(.salineIrrigation(temperature: 30), to: &m, table: table)
            let axis = try ApplicatorAxis(tip: SIMD3(9.5e-3, 9.5e-3, 18e-3), direction: SIMD3(0, 0, 1), radius: 1.05e-3)
            let mw = try MicrowaveAblation.install(applicator: axis, settings: MicrowaveSettings(absorbedPower: 40, frequency: 2450e6), into: &m)
            return (try m.makeSolver(Float.self, executor: SlabExecutor(threads: 2)), [mw], [saline!])
        }
        let (straight, before, _) = try assertResumesBitwise(make, first: 16, then: 19)
        XCTAssertGreaterThan((before.sources[0] as! MicrowaveSource).energy, 0)
        XCTAssertGreaterThan(Double(straight.solver.tMax.interior().max()!), 60, "the test heats enough to coagulate")
    }

    func testMicrowaveWithWaterLossResumesBitwise() throws {
        func make() throws -> Setup {
            let grid = try Grid3D(nx: 16, ny: 16, nz: 24, isotropic: 1e-3)
            var m = ThermalModel(grid: grid, uniform: try table.tissue(named: "tumor_metastasis"))
            let axis = try ApplicatorAxis(tip: SIMD3(7.5e-3, 7.5e-3, 17e-3), direction: SIMD3(0, 0, 1), radius: 1.05e-3)
            let settings = MicrowaveSettings(absorbedPower: 80, frequency: 2450e6, waterLoss: .standard)
            let mw = try MicrowaveAblation.install(applicator: axis, settings: settings, into: &m)
            return (try m.makeSolver(Float.self, executor: SlabExecutor(threads: 2)), [mw], [])
        }
        let (straight, before, _) = try assertResumesBitwise(make, first: 14, then: 16)
        XCTAssertGreaterThan((before.sources[0] as! MicrowaveSource).desiccatedVoxelCount, 0, "water loss acts before the checkpoint")
        XCTAssertGreaterThan((straight.sources[0] as! MicrowaveSource).desiccatedVoxelCount,
                             (before.sources[0] as! MicrowaveSource).desiccatedVoxelCount, "and grows after it")
    }

    func testLaserWithCharringResumesBitwise() throws {
        func make() throws -> Setup {
            let grid = try Grid3D(nx: 16, ny: 16, nz: 20, isotropic: 1e-3)
            var m = ThermalModel(grid: grid, uniform: try table.tissue(named: "tumor_metastasis"))
            let fibre = try ApplicatorAxis(tip: SIMD3(7.5e-3, 7.5e-3, 10e-3), direction: SIMD3(0, 0, 1), radius: 0.635e-3)
            // Char just above boiling (vaporization off): the test is about the checkpoint, not the onset.
            let settings = LaserSettings(power: 12, wavelength: 980, energyLimit: 400, diffusingLength: 4e-3, charring: true, charTemperature: 101)
            let laser = try LaserAblation.install(fibre: fibre, settings: settings, into: &m)
            return (try m.makeSolver(Float.self, executor: SlabExecutor(threads: 2)), [laser], [])
        }
        let (straight, before, _) = try assertResumesBitwise(make, first: 24, then: 26)
        let charAtCheckpoint = (before.sources[0] as! LaserSource).charredCount
        let charAtEnd = (straight.sources[0] as! LaserSource).charredCount
        XCTAssertGreaterThan(charAtCheckpoint, 0, "char exists when the checkpoint is written")
        XCTAssertGreaterThan(charAtEnd, charAtCheckpoint, "the char grows after the checkpoint")
    }

    func testLaserWithVaporizationResumesBitwise() throws {
        func make() throws -> Setup {
            let grid = try Grid3D(nx: 16, ny: 16, nz: 20, isotropic: 1e-3)
            var m = ThermalModel(grid: grid, uniform: try table.tissue(named: "liver"))
            let fibre = try ApplicatorAxis(tip: SIMD3(7.5e-3, 7.5e-3, 8e-3), direction: SIMD3(0, 0, 1), radius: 0.2e-3)
            let settings = LaserSettings(power: 12, wavelength: 980, energyLimit: 400, vaporization: true)
            let laser = try LaserAblation.install(fibre: fibre, settings: settings, into: &m)
            return (try m.makeSolver(Float.self, executor: SlabExecutor(threads: 2)), [laser], [])
        }
        let (straight, before, _) = try assertResumesBitwise(make, first: 24, then: 26)
        let atCheckpoint = try XCTUnwrap((before.sources[0] as! LaserSource).vaporizer).absorbedEnergy
        let atEnd = try XCTUnwrap((straight.sources[0] as! LaserSource).vaporizer).absorbedEnergy
        XCTAssertGreaterThan(atCheckpoint, 0, "water boils before the checkpoint")
        XCTAssertGreaterThan(atEnd, atCheckpoint, "and after it")
    }

    func testCryoAcrossFreezeAndPassiveThawResumesBitwise() throws {
        func make() throws -> Setup {
            let grid = try Grid3D(nx: 16, ny: 16, nz: 1, isotropic: 1e-3)
            var m = ThermalModel(grid: grid, uniform: try table.tissue(named: "tumor_metastasis"))
            let axes = try [5e-3, 10e-3].map { try ApplicatorAxis(tip: SIMD3($0, 7.5e-3, 0), direction: SIMD3(0, 0, 1), radius: 1.2e-3) }
            let phases = try CryoProtocol(phases: [.freeze(duration: 12), .passiveThaw(duration: 6), .activeThaw(duration: 4, temperature: 20)])
            let cryo = try Cryoablation.install(probes: axes, settings: CryoSettings(protocolPhases: phases, freezingLength: 1e-3), into: &m)
            return (try m.makeSolver(Float.self, boundary: .insulated, executor: SlabExecutor(threads: 2)), [cryo], [])
        }
        let dt = try make().solver.dt
        // Checkpoint in the freeze; the resumed part crosses the passive and the active thaw.
        let n = Int(10 / dt), m = Int(14 / dt)
        let (straight, _, _) = try assertResumesBitwise(make, first: n, then: m)
        XCTAssertLessThan(Double(straight.solver.tMin.interior().min()!), -20, "the test freezes")
        XCTAssertLessThan((straight.sources[0] as! CryoSource).energy, 0)
    }

    func testCheckpointOfAnotherSetupIsAClearError() throws {
        let grid = try Grid3D(nx: 16, ny: 16, nz: 1, isotropic: 1e-3)
        func cryo(probes: [Double]) throws -> Setup {
            var m = ThermalModel(grid: grid, uniform: try table.tissue(named: "tumor_metastasis"))
            let axes = try probes.map { try ApplicatorAxis(tip: SIMD3($0, 7.5e-3, 0), direction: SIMD3(0, 0, 1), radius: 1.2e-3) }
            let src = try Cryoablation.install(probes: axes, settings: CryoSettings(protocolPhases: try CryoProtocol.alternating(minutes: [1]), freezingLength: 1e-3), into: &m)
            return (try m.makeSolver(Float.self, boundary: .insulated, executor: SlabExecutor(threads: 1)), [src], [])
        }
        let two = try cryo(probes: [5e-3, 10e-3])
        try advance(two, steps: 3, from: 0)
        let bytes = try checkpoint(two)
        XCTAssertThrowsError(try restore(try cryo(probes: [8e-3]), from: bytes)) { e in
            XCTAssertTrue("\(e)".contains("2 cryoprobes where 1 were expected"), "\(e)")
            XCTAssertTrue("\(e)".contains("test checkpoint"), "\(e)")
        }
    }
}
