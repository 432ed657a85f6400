import XCTest
import AblasimCore
import AblasimPhysics
import AblasimPhantom
@testable import AblasimSimulation

/// Bench conditions (start, bath and arterial temperatures) and tissue overrides that
/// cannot mislead: aliases resolve, '*' reaches every tissue, unused names are errors.
final class BenchConditionTests: XCTestCase {
    func testInitialAndBoundaryTemperaturesReachTheSolver() throws {
        var s = Scenario()
        try s.apply(yaml: "initial_temp_c: 20\narterial_temp_c: 36\nboundary: {condition: convective, temp_c: 21, film_coefficient_w_m2k: 300}\nduration_s: 1\n", context: "bench.yaml")
        XCTAssertEqual(s.boundary.outerBoundary, .convective(filmCoefficient: 300, ambient: 21))
        let run = try ScenarioRun(phantom: GeneratedPhantoms.twoMillimetre, scenario: s, executor: SlabExecutor(threads: 1))
        let g = run.simulation.solver.grid
        XCTAssertEqual(Double(run.simulation.solver.temperature[g.nx / 2, g.ny / 2, g.nz / 2]), 20)
        XCTAssertEqual(run.simulation.solver.boundary, .convective(filmCoefficient: 300, ambient: 21))
        XCTAssertEqual(run.summary(zone: run.zone(), wallTime: 0, version: "t").parameters["initial_temp_c"], .number(20))
    }

    func testOverridesReachAliasesWildcardAndTheMostSpecificWins() throws {
        let table = try TissueTable.standard.applying([
            "*": ["perfusion_ml_min_kg": 0, "conductivity": 0.4],
            "tumor_metastasis": ["conductivity": 0.6],
            "tumor_lytic": ["density": 1000],
        ])
        for name in table.names { XCTAssertEqual(table.tissues[name]!.perfusionMlMinKg, 0, name) }
        XCTAssertEqual(table.tissues["tumor_lytic"]!.thermalConductivity, 0.6, "the alias takes its base's override over '*'")
        XCTAssertEqual(table.tissues["tumor_lytic"]!.density, 1000)
        XCTAssertEqual(table.tissues["tumor_metastasis"]!.density, 1050, "an alias's own override stays with the alias")
        XCTAssertEqual(table.tissues["muscle"]!.thermalConductivity, 0.4)
        XCTAssertEqual(TissueTable.standard.reached(by: "fat"), ["fat", "epidural_fat", "paraspinal_fat"])
    }

    func testAnOverrideOfATissueThePhantomLacksIsAnError() throws {
        let phantom = GeneratedPhantoms.twoMillimetre
        var s = Scenario()
        try s.set("tissue.tumor_metastasis.perfusion_ml_min_kg", to: "250")
        XCTAssertNoThrow(try RunSetup.tissueTable(for: phantom, scenario: s), "tumor_metastasis reaches the phantom's tumor_lytic")
        XCTAssertEqual(try RunSetup.tissueTable(for: phantom, scenario: s).tissues["tumor_lytic"]!.perfusionMlMinKg, 250)
        try s.set("tissue.tumor_blastic.conductivity", to: "0.5")
        XCTAssertThrowsError(try RunSetup.tissueTable(for: phantom, scenario: s)) { e in
            let m = "\(e)"
            XCTAssertTrue(m.contains("tissue.tumor_blastic.*") && m.contains("has no tumor_blastic tissue") && m.contains("--allow-unused"), m)
        }
        try s.set("allow_unused_overrides", to: "true")
        XCTAssertNoThrow(try RunSetup.tissueTable(for: phantom, scenario: s))
    }

    func testEveryTissuePropertyIsOverridable() throws {
        for p in TissueProperty.all {
            let value = p.range.lowerBound + (p.range.upperBound - p.range.lowerBound) * 1e-3
            var s = Scenario()
            try s.set("tissue.muscle.\(p.key)", to: "\(value)")
            let t = try TissueTable.standard.applying(s.tissueOverrides).tissues["muscle"]!
            XCTAssertEqual(t[keyPath: p.field], value, p.key)
        }
    }

    /// The electrode model is a scenario key: `voxel` reaches the RF source, near-field is
    /// the default, anything else names the valid choices.
    func testElectrodeModelKeyReachesTheRFSource() throws {
        func model(_ yaml: String) throws -> ElectrodeModel? {
            var s = Scenario()
            try s.apply(yaml: "modality: rf\nduration_s: 1\n" + yaml, context: "rf.yaml")
            let run = try ScenarioRun(phantom: GeneratedPhantoms.twoMillimetre, scenario: s, executor: SlabExecutor(threads: 1))
            return (run.simulation.sources.first as? RFSource)?.options.electrodeModel
        }
        XCTAssertEqual(try model(""), .nearField)
        XCTAssertEqual(try model("rf: {electrode_model: voxel}\n"), .voxel)
        var s = Scenario()
        XCTAssertThrowsError(try s.set("rf.electrode_model", to: "thin")) { e in
            XCTAssertTrue("\(e)".contains("near-field") && "\(e)".contains("voxel"), "\(e)")
        }
    }
}
