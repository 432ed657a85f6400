import XCTest
import AblasimCore
import AblasimPhysics
import AblasimPhantom
@testable import AblasimSimulation

/// The cryo.* probe keys: what probe they describe, that the held model through them is
/// the engine's previous probe bit for bit, and that a pattern of film-limited probes shares
/// the heat load.
final class CryoprobeScenarioTests: XCTestCase {
    static func gel(size: Double = 40, voxel: Double = 2) throws -> Phantom {
        var recipe = BlockPhantom()
        try recipe.set("tissue", to: "water_gel", context: "t")
        try recipe.set("size_mm", to: "\(size),\(size),\(size)", context: "t")
        try recipe.set("voxel_mm", to: "\(voxel)", context: "t")
        return try recipe.build()
    }
    static func cryo(_ keys: [(String, String)]) throws -> Scenario {
        var s = Scenario()
        for (k, v) in [("modality", "cryo"), ("interlock.enabled", "false"), ("trajectories", "c@0,0,19->0,0,-8")] + keys { try s.set(k, to: v, context: "t") }
        return s
    }

    /// The gel of the bench experiments freezes like water: ice conductivity and latent heat
    /// within a few per cent of pure ice's (2 % agar), usable in a block without canal checks.
    func testWaterGelFreezesLikeWater() throws {
        let gel = try TissueTable.standard.tissue(named: "water_gel")
        let f = FreezingModel.standard.frozen(gel)
        XCTAssertEqual(f.conductivity / FreezingModel.standard.iceConductivity, 1, accuracy: 0.05)
        XCTAssertEqual(f.latentHeat / (1000 * FreezingModel.standard.latentHeatOfWater), 0.98, accuracy: 1e-9)
        XCTAssertEqual(f.heatCapacity / (1000 * FreezingModel.standard.iceSpecificHeat), 1, accuracy: 0.05)
        XCTAssertEqual(gel.perfusionMlMinKg, 0)
        XCTAssertNoThrow(try RunSetup.build(phantom: Self.gel(), scenario: Self.cryo([]), executor: SlabExecutor(threads: 1)))
    }

    func testKeysDescribeTheProbe() throws {
        let held = try RunSetup.cryoprobe(for: Self.cryo([("cryo.probe", "held"), ("cryo.freeze_temp_c", "-120")]))
        XCTAssertEqual(held.outerDiameter, 2.4e-3); XCTAssertEqual(held.freezingLength, 35e-3)
        XCTAssertEqual(held.extraction, .isothermal(surfaceTemperature: -120))
        let p = try RunSetup.cryoprobe(for: Self.cryo([("cryo.probe", "argon-1.7"), ("cryo.gauge_mm", "1.5"), ("cryo.freezing_length_mm", "20"),
                                                       ("cryo.film_w_m2k", "500"), ("cryo.capacity_w", "12")]))
        XCTAssertEqual(p.outerDiameter, 1.5e-3, accuracy: 1e-15); XCTAssertEqual(p.freezingLength, 20e-3, accuracy: 1e-15)
        XCTAssertEqual(p.extraction, .gasFlow(gasTemperature: Cryoprobe.argonBoilingPoint, filmCoefficient: 500, maximumPower: 12))
        let preset = try RunSetup.cryoprobe(for: Self.cryo([("cryo.probe", "argon-2.4")]))
        XCTAssertEqual(preset, Cryoprobe.presets["argon-2.4"])
        func message(_ keys: [(String, String)]) -> String {
            do { _ = try RunSetup.cryoprobe(for: Self.cryo(keys)); return "" } catch { return "\(error)" }
        }
        XCTAssertTrue(message([("cryo.probe", "argon-2.4"), ("cryo.shaft_length_mm", "30")])
            .contains("the freezing length of cryo.probe = argon-2.4 (35 mm) is longer than cryo.shaft_length_mm (30 mm)"))
        XCTAssertTrue(message([("cryo.probe", "held"), ("cryo.capacity_w", "5")]).contains("cryo.capacity_w is set but cryo.probe = held"))
        XCTAssertEqual(try RunSetup.cryoprobe(for: Self.cryo([])), Cryoprobe.presets[Scenario.Cryo.defaultProbe], "the default probe")
    }

    /// The held probe placed through the described-probe path paints the same voxels and
    /// gives the same temperatures as the engine's former install (the default run).
    func testHeldProbeMatchesThePreviousInstallBitwise() throws {
        let phantom = try Self.gel(size: 24)
        let s = try Self.cryo([("cryo.probe", "held"), ("cryo.protocol_min", "1,0.5,1")])
        let run = try ScenarioRun(phantom: phantom, scenario: s, executor: SlabExecutor(threads: 1))
        var model = try ThermalModel(grid: phantom.grid, labels: phantom.labels, legend: phantom.legend, table: RunSetup.tissueTable(for: phantom, scenario: s))
        let axis = try ApplicatorAxis(tip: SIMD3(0, 0, -0.008), direction: SIMD3(0, 0, -1), radius: 1.2e-3)
        let settings = CryoSettings(protocolPhases: try CryoProtocol.alternating(minutes: [1, 0.5, 1]))
        let old = try Cryoablation.install(probes: [axis], settings: settings, into: &model)
        let solver = try model.makeSolver(Float.self, boundary: s.boundary.outerBoundary, initialTemperature: 37, executor: SlabExecutor(threads: 1))
        let new = run.simulation.solver
        XCTAssertEqual(solver.codes.interior(), new.codes.interior(), "same probe voxels and materials")
        for _ in 0..<8 {
            try old.update(solver: solver, time: solver.time)
            try solver.step()
            try run.simulation.step()
        }
        XCTAssertEqual(solver.time, new.time, accuracy: 1e-9)
        XCTAssertEqual(solver.temperature.interior(), new.temperature.interior())
    }

    /// Four film-limited probes on a square share the heat load: each extracts less than a
    /// lone probe, the array is four-fold symmetric, and the centre freezes deeper than a
    /// point that far from a lone probe.
    func testASquareOfGasFlowProbesSharesTheLoad() throws {
        let phantom = try Self.gel()
        func run(_ pattern: String) throws -> ScenarioRun {
            let s = try Self.cryo([("cryo.probe", "argon-2.4"), ("cryo.pattern", pattern), ("cryo.spacing_mm", "12"), ("cryo.protocol_min", "2"),
                                   ("initial_temp_c", "39"), ("boundary.temp_c", "39")])
            let r = try ScenarioRun(phantom: phantom, scenario: s, executor: SlabExecutor(threads: 2))
            XCTAssertTrue(try r.run())
            return r
        }
        let single = try run("none"), square = try run("square")
        let lone = single.summary(zone: single.zone(), wallTime: 0, version: "t").probes[0].energyJ
        let shared = square.summary(zone: square.zone(), wallTime: 0, version: "t").probes.map(\.energyJ)
        XCTAssertEqual(shared.count, 4)
        for e in shared {
            XCTAssertLessThan(e, 0)
            XCTAssertLessThan(abs(e), abs(lone), "a probe of the square extracts less than a lone probe")
            XCTAssertEqual(e, shared[0], accuracy: 1e-3 * abs(shared[0]), "four-fold symmetric")
        }
        let g = phantom.grid
        let centre = g.index(SIMD3(0, 0, 0))
        let off = g.index(SIMD3(0.006 * 2.0.squareRoot(), 0, 0))
        let tCentre = square.simulation.solver.tMin.trilinear(at: centre)
        let tLone = single.simulation.solver.tMin.trilinear(at: off)
        XCTAssertLessThan(tCentre, tLone - 10, "the array's centre is colder than the same distance from one probe")
    }
}
