import XCTest
@testable import AblasimCore

final class TissueTableTests: XCTestCase {
    func testStandardTableIsValidAndHasAliases() throws {
        let table = TissueTable.standard
        for name in table.names { XCTAssertNoThrow(try table.tissue(named: name).validate(context: "standard")) }
        for alias in TissueTable.aliases.keys { XCTAssertNotNil(table.tissues[alias], alias) }
        let fat = try table.tissue(named: "fat"), epidural = try table.tissue(named: "epidural_fat")
        XCTAssertEqual(fat.thermalConductivity, epidural.thermalConductivity)
        XCTAssertTrue(epidural.source.contains("as fat"))
        XCTAssertNotNil(table.tissues["tumor_blastic"])
        // Perfusion conversion: 60 ml/(min kg) at 1000 kg/m^3 is 1e-3 1/s.
        var t = fat
        t.perfusionMlMinKg = 60; t.density = 1000
        XCTAssertEqual(t.perfusionRate, 1e-3, accuracy: 1e-15)
    }

    func testUnknownTissueListsKnownNames() {
        do {
            _ = try TissueTable.standard.tissue(named: "kidney_stone", context: "label 7")
            XCTFail("expected an error")
        } catch let e as CoreError {
            XCTAssertTrue(e.message.contains("label 7") && e.message.contains("kidney_stone") && e.message.contains("spinal_cord"), e.message)
        } catch { XCTFail("\(error)") }
    }

    func testRejectsNaNAndNegativePropertiesNamingKeyValueAndRule() throws {
        var table = TissueTable.standard
        let base = try table.tissue(named: "spinal_cord")
        let cases: [(WritableKeyPath<Tissue, Double>, Double, String, String)] = [
            (\.thermalConductivity, .nan, "conductivity = nan", "finite and > 0"),
            (\.density, -1050, "density = -1050.0", "finite and > 0"),
            (\.specificHeat, 0, "specific_heat = 0.0", "finite and > 0"),
            (\.perfusionMlMinKg, -5, "perfusion_ml_min_kg = -5.0", "finite and >= 0"),
            (\.sigmaRF, .infinity, "sigma_500kHz = inf", "finite and >= 0"),
            (\.arrheniusEa, -1, "arrhenius_Ea = -1.0", "finite and > 0"),
            (\.metabolicHeat, .nan, "metabolic_heat = nan", "finite"),
        ]
        for (key, value, what, rule) in cases {
            var t = base
            t[keyPath: key] = value
            do {
                try table.set(t, context: "override file tissues.yaml")
                XCTFail("\(what) accepted")
            } catch let e as CoreError {
                XCTAssertTrue(e.message.contains(what) && e.message.contains(rule) && e.message.contains("tissues.yaml")
                              && e.message.contains("spinal_cord"), e.message)
            }
        }
        var ok = base
        ok.perfusionMlMinKg = 0
        XCTAssertNoThrow(try table.set(ok))
        XCTAssertEqual(table.tissues["spinal_cord"]?.perfusionMlMinKg, 0)
    }
}
