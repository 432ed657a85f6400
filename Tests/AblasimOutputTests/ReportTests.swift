import XCTest
import AblasimCore
import AblasimSimulation
@testable import AblasimOutput

final class ReportTests: XCTestCase {
    func testReportHasPlotsFlagsSlicesAndRunFacts() throws {
        let out = try makeRunOutput()
        let v = out.volumes
        let html = try HTMLReport.render(ReportInput(summary: out.summary, thermocouples: out.thermocouples, generator: out.generator,
                                                     grid: out.grid, tMax: v.tMax, zones: v.zones, labels: v.labels, labelLegend: out.labelLegend))
        XCTAssertTrue(html.hasPrefix("<!DOCTYPE html>"))
        XCTAssertFalse(html.contains("http://") && html.contains("src=\"http"), "the report must be self-contained")
        // One temperature plot per thermocouple plus the generator plot, with bands and crossings.
        XCTAssertEqual(html.components(separatedBy: "class=\"plot\"").count - 1, 3)
        XCTAssertTrue(html.contains(">42 C</text>") && html.contains(">45 C</text>"))
        XCTAssertTrue(html.contains("fill=\"#fff4c2\""), "the 42-45 C band")
        XCTAssertTrue(html.contains("45 C at \(String(format: "%.1f", 30.25)) s"), "crossing label missing")
        XCTAssertTrue(html.contains("42 C at 12.5 s"))
        // Flags table with every flag, highlighted.
        XCTAssertTrue(html.contains("<table id=\"flags\">"))
        for kind in ["heat-42", "heat-45", "cem43"] {
            XCTAssertTrue(html.contains("<tr class=\"flag\"><td>cord_anterior</td><td>cord</td><td>\(kind)</td>"), kind)
        }
        XCTAssertTrue(html.contains("<td>10 min</td><td>50.0</td>"))
        XCTAssertTrue(html.contains("class=\"verdict bad\""))
        // Axial and sagittal slices with isotherm and zone outlines.
        XCTAssertEqual(html.components(separatedBy: "class=\"slice\"").count - 1, 2)
        XCTAssertTrue(html.contains("axial,") && html.contains("sagittal,"))
        XCTAssertTrue(html.contains("stroke=\"\(SliceFigure.isotherm42)\" stroke-width=\"1.5\" fill=\"none\"/>"))
        XCTAssertFalse(html.contains("<path d=\"\" stroke=\"\(SliceFigure.isotherm42)\""), "the 42 C isotherm crosses the slice")
        // Run parameters, version and wall time.
        XCTAssertTrue(html.contains("<td>rf.power_w</td><td>20.0</td>"))
        XCTAssertTrue(html.contains("<td>wall time</td><td>3.5 s</td>"))
        XCTAssertTrue(html.contains("0.1.0"))
    }

    func testNoFlagsVerdict() throws {
        var out = try makeRunOutput()
        out.summary.flags = []
        for i in out.summary.thermocouples.indices { out.summary.thermocouples[i].flags = [] }
        let v = out.volumes
        let html = try HTMLReport.render(ReportInput(summary: out.summary, thermocouples: out.thermocouples, generator: GeneratorSeries(),
                                                     grid: out.grid, tMax: v.tMax, zones: v.zones, labels: v.labels, labelLegend: out.labelLegend))
        XCTAssertTrue(html.contains("class=\"verdict ok\""))
        XCTAssertTrue(html.contains("<p id=\"flags\">None.</p>"))
        XCTAssertEqual(html.components(separatedBy: "class=\"plot\"").count - 1, 2)
    }

    /// With ABLASIM_REPORT_DEMO_DIR set, the files are kept there (scripts/check-report renders them).
    func testRegenerateFromDirectoryMatchesTheOriginal() throws {
        let keep = ProcessInfo.processInfo.environment["ABLASIM_REPORT_DEMO_DIR"]
        let dir: URL
        if let keep {
            dir = try OutputDirectory.prepare(path: keep, overwrite: true)
        } else {
            dir = try makeTemporaryDirectory()
        }
        defer { if keep == nil { try? FileManager.default.removeItem(at: dir) } }
        let out = try makeRunOutput()
        try out.write(to: dir, vti: false)
        let original = try String(contentsOf: dir.appendingPathComponent("report.html"), encoding: .utf8)
        try FileManager.default.removeItem(at: dir.appendingPathComponent("report.html"))
        try ReportRegeneration.regenerate(in: dir.path)
        let again = try String(contentsOf: dir.appendingPathComponent("report.html"), encoding: .utf8)
        XCTAssertEqual(again, original)
    }

    func testRegenerateNamesTheMissingFile() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        XCTAssertThrowsError(try ReportRegeneration.regenerate(in: dir.path)) { e in
            XCTAssertTrue((e as? OutputError)?.isInputError ?? false)
            XCTAssertTrue("\(e)".contains("no summary.json"), "\(e)")
        }
    }

    func testSliceOrientationIsRadiological() throws {
        let g = try makeOutputGrid()   // voxel x runs to world -x (left), voxel y to world -y (posterior)
        let axial = SliceView(.axial, grid: g, through: SIMD3(3, 3, 2))
        XCTAssertEqual(axial.letters.left, "R")
        XCTAssertEqual(axial.letters.right, "L")
        XCTAssertEqual(axial.letters.top, "A")
        XCTAssertEqual(axial.letters.bottom, "P")
        XCTAssertEqual(axial.index, 2)
        // Patient's right (world +x) is voxel i = 0 for this grid: it must be on the left, u = 0.
        XCTAssertEqual(axial.voxel(0, 0) % g.nx, 0)
        let sag = SliceView(.sagittal, grid: g, through: SIMD3(4, 1, 1))
        XCTAssertEqual(sag.index, 4)
        XCTAssertEqual(sag.letters.top, "S")
        XCTAssertEqual(sag.letters.left, "A")
    }
}

final class ReportColdTests: XCTestCase {
    func testCryoPlotShowsColdBandsAndCrossings() throws {
        var out = try makeRunOutput()
        out.summary.modality = "cryo"
        out.summary.thermocouples[1].coldCrossingsS = ["10": 20, "0": 35, "-20": nil]
        out.summary.thermocouples[1].crossingsS = ["42": nil, "45": nil, "60": nil, "80": nil]
        out.thermocouples.values[1] = out.thermocouples.times.map { 37 - 0.9 * $0 }   // down to -17 C
        let v = out.volumes
        let html = try HTMLReport.render(ReportInput(summary: out.summary, thermocouples: out.thermocouples, generator: out.generator,
                                                     grid: out.grid, tMax: v.tMax, zones: v.zones, labels: v.labels, labelLegend: out.labelLegend))
        let plots = html.components(separatedBy: "<figure class=\"tc")
        let root = try XCTUnwrap(plots.first { $0.contains("root_left") && $0.contains("class=\"plot\"") })
        XCTAssertTrue(root.contains(">-20 C</text>") && root.contains(">0 C</text>") && root.contains(">10 C</text>"))
        XCTAssertTrue(root.contains("fill=\"#8fb8f5\""), "lethal-ice band")
        XCTAssertTrue(root.contains("0 C at 35.0 s") && root.contains("10 C at 20.0 s"))
        // The warm thermocouple's plot has no cold bands.
        let cord = try XCTUnwrap(plots.first { $0.contains("cord_anterior") && $0.contains("class=\"plot\"") })
        XCTAssertFalse(cord.contains("#8fb8f5"))
    }
}
