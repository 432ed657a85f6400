import XCTest
import AblasimSimulation
import AblasimPhysics
@testable import AblasimOutput

final class SummaryJSONTests: XCTestCase {
    func testSnakeCaseKeysAndExplicitNulls() throws {
        let out = try makeRunOutput()
        let data = try SummaryJSON.encode(out.summary)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        for key in ["schema", "phantom", "modality", "probes", "simulated_s", "wall_s", "voxels", "steps", "dt_s", "zones",
                    "thermocouples", "flags", "interlock", "timing", "parameters", "version"] {
            XCTAssertNotNil(json[key], "summary.json lacks '\(key)'")
        }
        XCTAssertEqual(json["schema"] as? String, "ablasim.summary/2")
        XCTAssertEqual(json["non_finite"] as? [String: String], [:], "a normal run lists no non-finite values")
        let zones = try XCTUnwrap(json["zones"] as? [String: Any])
        XCTAssertTrue(zones["tumor_coverage"] is NSNull, "tumor_coverage must be null, got \(String(describing: zones["tumor_coverage"]))")
        XCTAssertNotNil(zones["lethal_ice20_ml"])
        let tc = try XCTUnwrap((json["thermocouples"] as? [[String: Any]])?.first)
        XCTAssertEqual(Set(tc.keys), ["name", "structure", "position_mm", "t_max_c", "t_min_c", "cem43_min", "omega", "crossings_s", "cold_crossings_s", "flags"])
        let crossings = try XCTUnwrap(tc["crossings_s"] as? [String: Any])
        XCTAssertEqual(Set(crossings.keys), ["42", "45", "60", "80"])
        XCTAssertEqual(crossings["42"] as? Double, 12.5)
        XCTAssertTrue(crossings["60"] is NSNull)
        XCTAssertTrue(crossings["80"] is NSNull)
        let cold = try XCTUnwrap(tc["cold_crossings_s"] as? [String: Any])
        XCTAssertEqual(Set(cold.keys), ["10", "0", "-20"])
        XCTAssertTrue(cold["-20"] is NSNull)
        let interlock = try XCTUnwrap(json["interlock"] as? [String: Any])
        XCTAssertTrue(interlock["tripped_s"] is NSNull)
        XCTAssertTrue(interlock["overshoot_c"] is NSNull)
        XCTAssertEqual(interlock["threshold_c"] as? Double, 45)
        let flag = try XCTUnwrap((json["flags"] as? [[String: Any]])?.first)
        XCTAssertEqual(Set(flag.keys), ["thermocouple", "kind", "threshold", "time_s"])
        XCTAssertEqual((json["parameters"] as? [String: Any])?["rf.power_w"] as? Double, 20, "typed: a number, not a string")
        // Sorted keys and pretty printing; each map written once (no duplicate keys).
        let text = String(decoding: data, as: UTF8.self)
        XCTAssertEqual(text.components(separatedBy: "\"crossings_s\"").count - 1, 2)
        XCTAssertEqual(text.components(separatedBy: "\"tumor_coverage\"").count - 1, 1)
        XCTAssertEqual(text.components(separatedBy: "\"tripped_s\"").count - 1, 1)
        XCTAssertTrue(text.contains("\n  \"dt_s\""))
        XCTAssertLessThan(try XCTUnwrap(text.range(of: "\"dt_s\"")).lowerBound, try XCTUnwrap(text.range(of: "\"flags\"")).lowerBound)
    }

    func testRoundTripKeepsMapKeysAndNulls() throws {
        let out = try makeRunOutput()
        let back = try SummaryJSON.decode(try SummaryJSON.encode(out.summary))
        XCTAssertEqual(back, out.summary)
        XCTAssertEqual(back.parameters["tissue.spinal_cord.conductivity"], .number(0.5))
        XCTAssertEqual(back.parameters["duration_s"], .number(60), "a whole number of seconds stays a number")
        XCTAssertEqual(back.parameters["cryo.probes"], .integer(2))
        XCTAssertEqual(back.parameters["laser.energy_j"], ScenarioValue.none)
        XCTAssertEqual(back.timing["thermal"], 2.5)
    }

    func testMonitorResultsEncodeWithNulls() throws {
        var out = try makeRunOutput()
        out.summary.interlock.trippedS = 31.5
        out.summary.interlock.overshootC = 1.25
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: try SummaryJSON.encode(out.summary)) as? [String: Any])
        let interlock = try XCTUnwrap(json["interlock"] as? [String: Any])
        XCTAssertEqual(interlock["tripped_s"] as? Double, 31.5)
        XCTAssertEqual(interlock["overshoot_c"] as? Double, 1.25)
    }

    func testWrongSchemaIsRefused() throws {
        var s = try makeRunOutput().summary
        s.schema = "ablasim.summary/9"
        XCTAssertThrowsError(try SummaryJSON.decode(try SummaryJSON.encode(s))) { e in
            XCTAssertTrue("\(e)".contains("ablasim.summary/2"), "\(e)")
        }
    }

    func testNonFiniteValuesAreNullWithAReasonAndComeBack() throws {
        var s = try makeRunOutput().summary
        s.thermocouples[1].omega = .nan
        s.zones.t42Ml = .infinity
        s.timing["sources"] = -.infinity
        let data = try SummaryJSON.encode(s)
        let text = String(decoding: data, as: UTF8.self)
        XCTAssertFalse(text.contains("ablasim:non-finite"), "no stand-in may remain in the file")
        XCTAssertFalse(text.contains("\"nan\""))
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        let tcs = try XCTUnwrap(json["thermocouples"] as? [[String: Any]])
        XCTAssertTrue(tcs[1]["omega"] is NSNull)
        XCTAssertTrue((json["zones"] as? [String: Any])?["t42_ml"] is NSNull)
        let nonFinite = try XCTUnwrap(json["non_finite"] as? [String: String])
        XCTAssertEqual(Set(nonFinite.keys), ["/thermocouples/1/omega", "/zones/t42_ml", "/timing/sources"])
        XCTAssertTrue(nonFinite["/thermocouples/1/omega"]!.hasPrefix("NaN"))
        XCTAssertTrue(nonFinite["/zones/t42_ml"]!.hasPrefix("+infinity"))
        XCTAssertTrue(nonFinite["/timing/sources"]!.hasPrefix("-infinity"))
        let back = try SummaryJSON.decode(data)
        XCTAssertTrue(back.thermocouples[1].omega.isNaN)
        XCTAssertEqual(back.zones.t42Ml, .infinity)
        XCTAssertEqual(back.timing["sources"], -.infinity)
        XCTAssertEqual(back.thermocouples[0], s.thermocouples[0])
    }

    func testVersion1SummariesStillRead() throws {
        var s = try makeRunOutput().summary
        s.schema = "ablasim.summary/1"
        XCTAssertEqual(try SummaryJSON.decode(try SummaryJSON.encode(s)).schema, "ablasim.summary/1")
    }

    /// The schema is checked by an independent validator (Python jsonschema): the summary
    /// validates, and documents with a wrong type, an undocumented key or a missing key do not.
    func testSchemaValidatesSummaryAndRejectsBrokenOnes() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var s = try makeRunOutput().summary
        s.events = [SourceEvent(timeS: 31.25, channel: "left", kind: "impedance-cutout", impedanceOhm: 240),
                    SourceEvent(timeS: 40, channel: "cryo_1", kind: "resumed", impedanceOhm: nil)]
        s.statistics = ["rf.potential_solves": 3]
        s.anatomyAudit = ["a finding"]
        let good = dir.appendingPathComponent("good.json")
        try SummaryJSON.encode(s).write(to: good)
        s.zones.lethalIce40Ml = .nan
        let nonFinite = dir.appendingPathComponent("nonfinite.json")
        try SummaryJSON.encode(s).write(to: nonFinite)
        func broken(_ name: String, _ edit: (inout [String: Any]) -> Void) throws -> String {
            var o = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: good)) as? [String: Any])
            edit(&o)
            let u = dir.appendingPathComponent(name)
            try JSONSerialization.data(withJSONObject: o).write(to: u)
            return u.path
        }
        let wrongType = try broken("wrongtype.json") { o in
            var z = o["zones"] as! [String: Any]; z["t42_ml"] = "8.4"; o["zones"] = z
        }
        let extraKey = try broken("extra.json") { o in o["undocumented_ml"] = 1 }
        let missing = try broken("missing.json") { o in o.removeValue(forKey: "dt_s") }
        let oldSchema = try broken("old.json") { o in o["schema"] = "ablasim.summary/1" }
        guard let r = try validateWithSchema([good.path, nonFinite.path, wrongType, extraKey, missing, oldSchema]) else {
            throw XCTSkip("python3 module jsonschema is missing (scripts/setup installs it); the schema check did not run")
        }
        let lines = r.output.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 6, r.output)
        XCTAssertTrue(lines[0].hasSuffix(" ok"), r.output)
        XCTAssertTrue(lines[1].hasSuffix(" ok"), r.output)
        for l in lines.dropFirst(2) { XCTAssertTrue(l.contains("INVALID"), "the schema must reject: \(l)") }
    }

    /// docs/outputs.md documents every key the schema has.
    func testOutputsDocumentNamesEverySchemaKey() throws {
        let root = repositoryRoot()
        let schema = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: root.appendingPathComponent("docs/summary.schema.json"))) as? [String: Any])
        let doc = try String(contentsOf: root.appendingPathComponent("docs/outputs.md"), encoding: .utf8)
        var keys = Set<String>()
        func collect(_ o: Any) {
            if let d = o as? [String: Any] {
                if let p = d["properties"] as? [String: Any] { keys.formUnion(p.keys) }
                d.values.forEach(collect)
            } else if let a = o as? [Any] { a.forEach(collect) }
        }
        collect(schema)
        XCTAssertGreaterThan(keys.count, 40)
        for k in keys.sorted() { XCTAssertTrue(doc.contains("`\(k)`"), "docs/outputs.md does not document summary key `\(k)`") }
    }
}
