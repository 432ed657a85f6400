import XCTest
import AblasimSimulation
import AblasimPhysics
@testable import AblasimOutput

/// summary.json writes every parameter that applied with its registry type, and reads it
/// back with the same type (JSON itself does not tell 360 s from 360 probes).
final class TypedParametersTests: XCTestCase {
    func testEveryRegistryTypeSurvivesSummaryJSON() throws {
        var out = try makeRunOutput()
        var s = Scenario()
        try s.set("modality", to: "laser")
        try s.set("laser.energy_j", to: "none")
        try s.set("tissue.*.perfusion_ml_min_kg", to: "0")
        out.summary.parameters = s.parameterValues()
        let data = try SummaryJSON.encode(out.summary)
        let raw = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        let p = raw["parameters"] as! [String: Any]
        XCTAssertEqual(p["duration_s"] as? Double, 360)
        XCTAssertEqual(p["laser.power_w"] as? Double, 3)
        XCTAssertEqual(p["interlock.enabled"] as? Bool, true)
        XCTAssertTrue(p["laser.energy_j"] is NSNull, "none is JSON null")
        XCTAssertEqual(p["thresholds.heat_c"] as? [Double], [42, 45, 60, 80])
        XCTAssertEqual(p["tissue.*.perfusion_ml_min_kg"] as? Double, 0)
        XCTAssertNil(p["rf.power_w"])
        let back = try SummaryJSON.decode(data)
        XCTAssertEqual(back.parameters, s.parameterValues())
    }
}

/// The phantom's anatomy audit findings reach summary.json and the report.
final class AnatomyAuditOutputTests: XCTestCase {
    func testAuditFindingsAreWrittenAndShown() throws {
        var out = try makeRunOutput()
        let finding = "cord-in-sac: 12 spinal_cord voxels touch muscle; first at voxel (1, 2, 3), (0.5, -20.0, 4.0) mm"
        out.summary.anatomyAudit = [finding]
        let raw = try JSONSerialization.jsonObject(with: try SummaryJSON.encode(out.summary)) as! [String: Any]
        XCTAssertEqual(raw["anatomy_audit"] as? [String], [finding])
        XCTAssertEqual(try SummaryJSON.decode(try SummaryJSON.encode(out.summary)).anatomyAudit, [finding])
        let v = out.volumes
        let html = try HTMLReport.render(ReportInput(summary: out.summary, thermocouples: out.thermocouples, generator: out.generator,
                                                     grid: out.grid, tMax: v.tMax, zones: v.zones, labels: v.labels, labelLegend: out.labelLegend))
        XCTAssertTrue(html.contains("<ul id=\"anatomy-audit\"><li>cord-in-sac: 12 spinal_cord voxels"), "the report lists the finding")
        out.summary.anatomyAudit = nil
        XCTAssertTrue((try JSONSerialization.jsonObject(with: try SummaryJSON.encode(out.summary)) as! [String: Any])["anatomy_audit"] is NSNull)
    }
}

/// Generator events (impedance cut-out, roll-off) reach summary.json and the report.
final class GeneratorEventOutputTests: XCTestCase {
    func testEventsAreWrittenWithNullImpedanceAndShown() throws {
        var out = try makeRunOutput()
        out.summary.events = [SourceEvent(timeS: 64.5, channel: "left", kind: "roll-off", impedanceOhm: 180),
                              SourceEvent(timeS: 65, channel: "left", kind: "impedance-cutout", impedanceOhm: 251),
                              SourceEvent(timeS: 80, channel: "left", kind: "resumed", impedanceOhm: nil)]
        let raw = try JSONSerialization.jsonObject(with: try SummaryJSON.encode(out.summary)) as! [String: Any]
        let events = try XCTUnwrap(raw["events"] as? [[String: Any]])
        XCTAssertEqual(events.map { $0["kind"] as? String }, ["roll-off", "impedance-cutout", "resumed"])
        XCTAssertEqual(events[1]["time_s"] as? Double, 65)
        XCTAssertEqual(events[1]["impedance_ohm"] as? Double, 251)
        XCTAssertTrue(events[2]["impedance_ohm"] is NSNull, "no impedance is null, never the string nan")
        XCTAssertEqual(try SummaryJSON.decode(try SummaryJSON.encode(out.summary)).events, out.summary.events)
        let v = out.volumes
        let html = try HTMLReport.render(ReportInput(summary: out.summary, thermocouples: out.thermocouples, generator: out.generator,
                                                     grid: out.grid, tMax: v.tMax, zones: v.zones, labels: v.labels, labelLegend: out.labelLegend))
        XCTAssertTrue(html.contains("<tr><td>65.00</td><td>left</td><td>impedance-cutout</td><td>251 ohm</td></tr>"))
        XCTAssertTrue(html.contains("<tr><td>80.00</td><td>left</td><td>resumed</td><td>&ndash;</td></tr>"))
    }
}
