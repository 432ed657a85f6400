import XCTest
import AblasimCore
@testable import AblasimSimulation

/// The parameter registry is the one statement of every scenario key: these tests hold
/// the parsers, the typed summary values and the generated docs to it.
final class ParameterRegistryTests: XCTestCase {
    /// A valid value other than the default, in text form, for every registry entry.
    static func sample(_ p: ScenarioParameter) -> String {
        let explicit: [String: String] = [
            "phantom": "Phantoms/x.vox", "thermocouples": "tc1@1.5,-2.0,3.0:cord", "trajectories": "p1@1.0,2.0,3.0->4.0,5.0,6.0",
            "rf.probe": "monopolar-17g-10mm", "thresholds.heat_c": "41.0,46.0,61.0,81.0", "thresholds.cold_c": "9.0,-1.0,-21.0",
            "cryo.protocol_min": "5.0,3.0,5.0", "microwave.frequency_mhz": "915.0",
        ]
        if let s = explicit[p.key] { return s }
        let d = p.defaultValue
        switch p.kind {
        case let .number(range, _, _): return "\(range.lowerBound == d.double ? range.upperBound : range.lowerBound)"
        case .integer(let range): return "\(range.lowerBound == d.int ? range.upperBound : range.lowerBound)"
        case .flag: return "\(!(d.bool ?? false))"
        case .choice(let options): return options.first { $0 != d.string }!
        case .numbers, .text: XCTFail("no sample for \(p.key)"); return ""
        }
    }

    /// Settings that make `key` apply (its modality, its switch).
    static func prerequisites(_ key: String) -> [(String, String)] {
        var pre: [(String, String)] = []
        for m in ["microwave", "laser", "cryo"] where key.hasPrefix(m + ".") { pre.append(("modality", m)) }
        let extra: [String: [(String, String)]] = [
            "thermoprotection.saline_temp_c": [("thermoprotection.epidural", "saline")],
            "boundary.film_coefficient_w_m2k": [("boundary.condition", "convective")],
            "allow_unused_overrides": [("tissue.fat.conductivity", "0.3")],
            "cryo.freeze_temp_c": [("cryo.probe", "held")],
            "cryo.spacing_mm": [("cryo.pattern", "square")],
            "laser.diffuser_length_mm": [("laser.fibre", "diffuser")],
            "interlock.forecast_horizon_s": [("interlock.mode", "predictive")],
            "interlock.forecast_margin_c": [("interlock.mode", "predictive")],
        ]
        return pre + (extra[key] ?? [])
    }

    /// Every entry: the same value through YAML and through `set` gives the same scenario,
    /// and the typed value in `parameterValues` reads back through `set` to it again.
    func testEveryParameterRoundTripsYAMLSetAndTypedValue() throws {
        XCTAssertEqual(Set(Scenario.registry.map(\.key)).count, Scenario.registry.count, "a key is declared twice")
        for p in Scenario.registry {
            let value = Self.sample(p)
            var viaSet = Scenario()
            for (k, v) in Self.prerequisites(p.key) { try viaSet.set(k, to: v) }
            try viaSet.set(p.key, to: value, context: "test")
            var viaYAML = Scenario()
            let yaml = (Self.prerequisites(p.key) + [(p.key, value)]).map { "\($0.0): '\($0.1)'" }.joined(separator: "\n")
            try viaYAML.apply(yaml: yaml, context: "t.yaml")
            XCTAssertEqual(viaSet, viaYAML, p.key)
            XCTAssertNotEqual(p.load(viaSet), p.defaultValue, "\(p.key): the sample did not change the scenario")
            let typed = try XCTUnwrap(viaSet.parameterValues()[p.key], "\(p.key) applies but is not listed")
            var back = Scenario()
            for (k, v) in Self.prerequisites(p.key) { try back.set(k, to: v) }
            try back.set(p.key, to: typed.text, context: "summary")
            XCTAssertEqual(back, viaSet, "\(p.key): '\(typed.text)' does not read back")
            if case .number = p.kind, typed != .none { XCTAssertNotNil(typed.double, p.key) }
            if case .flag = p.kind { XCTAssertNotNil(typed.bool, p.key) }
        }
    }

    /// Only what applied: no cryo key in an RF run, no pedicle placement for explicit
    /// trajectories, no probe count for a cryo run with trajectories.
    func testTypedParametersListOnlyWhatApplied() throws {
        let rf = Scenario().parameterValues()
        XCTAssertEqual(rf["rf.power_w"], .number(20))
        XCTAssertEqual(rf["rf.sequential"], .flag(false))
        XCTAssertEqual(rf["duration_s"], .number(360))
        XCTAssertNil(rf["cryo.probes"]); XCTAssertNil(rf["microwave.power_w"]); XCTAssertNil(rf["boundary.film_coefficient_w_m2k"])
        var cryo = Scenario()
        try cryo.set("modality", to: "cryo")
        try cryo.set("trajectories", to: "c1@-30,-45,0->-6,-2,0")
        let c = cryo.parameterValues()
        XCTAssertNil(c["cryo.probes"], "explicit trajectories set the probe count")
        XCTAssertNil(c["rf.placement"]); XCTAssertNil(c["rf.power_w"])
        XCTAssertEqual(c["cryo.protocol_min"], .numbers([10, 8, 10]))
        var one = Scenario()
        try one.set("trajectories", to: "p1@-30,-45,0->-6,-2,0")
        XCTAssertNil(one.parameterValues()["rf.placement"], "one explicit trajectory: no bipedicular placement")
        XCTAssertNil(one.parameterValues()["rf.sequential"], "one channel cannot run sequentially")
    }

    func testRangesComeFromTheRegistry() {
        var s = Scenario()
        for (k, v) in [("initial_temp_c", "-300"), ("initial_temp_c", "nan"), ("boundary.condition", "water"), ("arterial_temp_c", "60"),
                       ("cryo.protocol_min", "1000000000"), ("cryo.protocol_min", "0,0"), ("tissue.tumor_lytic.perfusion_ml_min_kg", "1e12"),
                       ("tissue.muscle.conductivity", "1e30"), ("tissue.nonsense.conductivity", "0.5"), ("tissue.*.colour", "1"),
                       ("microwave.frequency_mhz", "1000")] {
            XCTAssertThrowsError(try s.set(k, to: v, context: "test"), "\(k)=\(v)") { e in
                let m = "\(e)"
                XCTAssertTrue(m.contains("test") && (m.contains(k) || m.contains(k.split(separator: ".").dropFirst().first.map(String.init) ?? k)), m)
            }
        }
        XCTAssertEqual(s, Scenario(), "a refused value leaves the scenario unchanged")
    }

    func testHelpListsEveryKeyWithItsRangeAndDefault() {
        let help = Scenario.helpText
        for p in Scenario.registry { XCTAssertTrue(help.contains("  \(p.key): \(p.valid); default "), p.key) }
        XCTAssertTrue(help.contains("tissue.<name|*>.<property>"))
    }

    /// docs/parameters.md is generated; a change of the registry must regenerate it.
    func testCommittedParameterDocIsCurrent() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let committed = try String(contentsOf: root.appendingPathComponent("docs/parameters.md"), encoding: .utf8)
        XCTAssertEqual(committed, Scenario.parametersMarkdown,
                       "docs/parameters.md is stale: run `swift run ablasim parameters --markdown > docs/parameters.md`")
    }
}
