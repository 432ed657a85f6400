import XCTest
import AblasimSimulation
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
        XCTAssertEqual(json["schema"] as? String, "ablasim.summary/1")
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
        XCTAssertEqual(back.timing["thermal_steps"], 2.5)
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
            XCTAssertTrue("\(e)".contains("ablasim.summary/1"))
        }
    }
}
