import XCTest
import AblasimCore
import AblasimSimulation
import AblasimPhysics
@testable import AblasimOutput

final class ReportTests: XCTestCase {
    func testReportHasPlotsFlagsSlicesAndRunFacts() throws {
        let out = try makeRunOutput()
        let v = out.volumes
        let html = try HTMLReport.render(ReportInput(summary: out.summary, thermocouples: out.thermocouples, generator: out.generator,
                                                     grid: out.grid, tMax: v.tMax, zones: v.zones, labels: v.labels, labelLegend: out.labelLegend))
        XCTAssertTrue(html.hasPrefix("<!DOCTYPE html>"))
        XCTAssertFalse(html.contains("http://") && html.contains("src=\"http"), "the report must be self-contained")
        // One temperature plot per thermocouple, the generator's power, impedance and probe
        // temperature, and the temperature-volume histogram; bands and crossings.
        XCTAssertEqual(html.components(separatedBy: "class=\"plot\"").count - 1, 6)
        for q in ["power", "impedance", "probe temperature"] { XCTAssertTrue(html.contains("class=\"plot\" data-quantity=\"\(q)\""), q) }
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
        XCTAssertTrue(html.contains("stroke=\"#ffd400\" stroke-width=\"1.5\" fill=\"none\" class=\"iso\" data-celsius=\"42\"/>"))
        XCTAssertTrue(html.contains("stroke=\"#ffffff\" stroke-width=\"1.5\" fill=\"none\" class=\"iso\" data-celsius=\"60\"/>"))
        XCTAssertFalse(html.contains("<path d=\"\" stroke=\"#ffd400\""), "the 42 C isotherm crosses the slice")
        XCTAssertTrue(html.contains("id=\"colourbar\"") && html.contains("T_max [C]"))
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
        XCTAssertEqual(html.components(separatedBy: "class=\"plot\"").count - 1, 3, "two thermocouples and the histogram")
        XCTAssertTrue(html.contains("<p id=\"events\">No flags, interlock trip or generator events.</p>"))
    }

    /// The generator key: each channel's name in its own line colour, set inline (a class
    /// rule with a fill overrode it before: both probes were one colour), and wide enough.
    func testGeneratorKeyColoursAndNoClipping() throws {
        var out = try makeRunOutput()
        var g = GeneratorSeries()
        for t in stride(from: 0.0, through: 60, by: 10) {
            g.append(time: t, channels: [ChannelSample(channel: "left_long_probe_name", power: 20, energy: 20 * t),
                                         ChannelSample(channel: "right", power: 18, energy: 18 * t)])
        }
        out.generator = g
        let plot = try XCTUnwrap(TemperaturePlot.channels(g, duration: 60, quantity: "power", unit: "W", includeZero: true, value: { $0.power }))
        XCTAssertTrue(plot.contains("class=\"key\" style=\"fill:\(TemperaturePlot.channelColours[0])\">left_long_probe_name</text>"))
        XCTAssertTrue(plot.contains("class=\"key\" style=\"fill:\(TemperaturePlot.channelColours[1])\">right</text>"))
        XCTAssertFalse(HTMLReport.css.contains(".key{") && HTMLReport.css.range(of: #"\.key\{[^}]*fill"#, options: .regularExpression) != nil)
        // The key fits: the svg is wider than the key's x plus the text width.
        let width = try XCTUnwrap(Double(try XCTUnwrap(plot.firstMatch(of: #/width="([0-9.]+)"/#)?.1)))
        let x = try XCTUnwrap(Double(try XCTUnwrap(plot.firstMatch(of: #/x="([0-9.]+)" y="[0-9.]+" class="key"/#)?.1)))
        XCTAssertGreaterThanOrEqual(width, x + 6.5 * 20, "the longest name fits in the key")
        XCTAssertNil(TemperaturePlot.channels(g, duration: 60, quantity: "impedance", unit: "ohm", includeZero: false, value: { $0.impedance }),
                     "no impedance plot for a source without impedance")
    }

    /// Slice labels stay inside the figure, whatever the marker position.
    func testSliceLabelsNeverClip() throws {
        var out = try makeRunOutput()
        let corner = out.grid.world(SIMD3(6, 0, 2)) * 1000
        out.summary.thermocouples[1].name = "a_rather_long_thermocouple_name"
        out.summary.thermocouples[1].positionMm = [corner.x, corner.y, corner.z]
        let v = out.volumes
        let html = try HTMLReport.render(ReportInput(summary: out.summary, thermocouples: out.thermocouples, generator: out.generator,
                                                     grid: out.grid, tMax: v.tMax, zones: v.zones, labels: v.labels, labelLegend: out.labelLegend))
        for svg in html.components(separatedBy: "<svg").dropFirst() where svg.contains("class=\"slice\"") {
            let box = try XCTUnwrap(svg.firstMatch(of: #/viewBox="([-0-9.]+) ([-0-9.]+) ([0-9.]+) ([0-9.]+)"/#))
            let x0 = Double(box.1)!, w = Double(box.3)!
            for m in svg.matches(of: #/<text x="([-0-9.]+)" y="([-0-9.]+)" class="lbl">([^<]*)<\/text>/#) {
                let x = Double(m.1)!, width = 6.2 * Double(m.3.count)
                XCTAssertGreaterThanOrEqual(x, x0, "\(m.3) starts left of the figure")
                XCTAssertLessThanOrEqual(x + width, x0 + w + 0.5, "\(m.3) runs past the right edge")
            }
        }
    }

    func testEventLogAndZoneDimensions() throws {
        var out = try makeRunOutput()
        out.summary.interlock.trippedS = 30.25
        out.summary.events = [SourceEvent(timeS: 20.125, channel: "left", kind: "roll-off", impedanceOhm: 150.5)]
        let v = out.volumes
        let html = try HTMLReport.render(ReportInput(summary: out.summary, thermocouples: out.thermocouples, generator: out.generator,
                                                     grid: out.grid, tMax: v.tMax, zones: v.zones, labels: v.labels, labelLegend: out.labelLegend))
        XCTAssertTrue(html.contains("<table id=\"events\">"))
        XCTAssertTrue(html.contains("<tr><td>20.12</td><td>left</td><td>roll-off</td><td>150.5 ohm</td></tr>"))
        XCTAssertTrue(html.contains("<tr><td>30.25</td><td>interlock</td><td>interlock-cut</td><td>45 C</td></tr>"))
        XCTAssertTrue(html.contains("<table id=\"zone-dimensions\">"))
        XCTAssertTrue(html.contains("<table id=\"dvh-table\">"))
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

    /// A cryo report shows T_min with the 0, -20 and -40 C ice edges, and the power below zero.
    func testCryoSlicesShowIceEdgesAndNegativePower() throws {
        var out = try makeRunOutput()
        out.summary.modality = "cryo"
        let n = out.grid.voxelCount
        let tMin = (0..<n).map { Float(37 - Double($0 % 97)) }   // from 37 down to -59 C
        var g = GeneratorSeries()
        for t in stride(from: 0.0, through: 60, by: 10) {
            g.append(time: t, channels: [ChannelSample(channel: "cryo1", power: -60, energy: -60 * t, probeTemperature: -90)])
        }
        let v = out.volumes
        let html = try HTMLReport.render(ReportInput(summary: out.summary, thermocouples: out.thermocouples, generator: g, grid: out.grid,
                                                     tMax: v.tMax, tMin: tMin, zones: v.zones, labels: v.labels, labelLegend: out.labelLegend))
        XCTAssertTrue(html.contains("T<sub>min</sub> colour map"))
        XCTAssertFalse(html.contains("T<sub>max</sub> colour map"))
        for c in ["0", "-20", "-40"] { XCTAssertTrue(html.contains("class=\"iso\" data-celsius=\"\(c)\""), c) }
        XCTAssertFalse(html.contains("data-celsius=\"42\""))
        XCTAssertTrue(html.contains("T_min [C]"))
        let power = try XCTUnwrap(html.components(separatedBy: "<svg").first { $0.contains("data-quantity=\"power\"") })
        XCTAssertTrue(power.contains(">-60</text>") || power.contains(">-50</text>"), "the y axis reaches the negative power")
        XCTAssertTrue(html.contains("negative: heat extracted"))
    }
}
