import Foundation
import AblasimCore
import AblasimSimulation

/// What the report shows: the summary, the series and the volumes it slices.
public struct ReportInput {
    public var summary: RunSummary
    public var thermocouples: ThermocoupleSeries
    public var generator: GeneratorSeries
    public var grid: Grid3D
    public var tMax: [Float]
    /// Lowest temperature per voxel: the slices and histograms of a cryo run; nil for a
    /// folder without t_min.nii.gz (then a cryo report shows T_max).
    public var tMin: [Float]?
    public var zones: [UInt8]
    public var labels: [UInt8]
    public var labelLegend: [UInt8: String]
    public init(summary: RunSummary, thermocouples: ThermocoupleSeries, generator: GeneratorSeries, grid: Grid3D,
                tMax: [Float], tMin: [Float]? = nil, zones: [UInt8], labels: [UInt8], labelLegend: [UInt8: String]) {
        self.summary = summary; self.thermocouples = thermocouples; self.generator = generator; self.grid = grid
        self.tMax = tMax; self.tMin = tMin; self.zones = zones; self.labels = labels; self.labelLegend = labelLegend
    }

    /// The colour map of the slices and the volume they colour: T_min for cryo, T_max otherwise.
    var sliceLayer: (SliceColourMap, [Float]) {
        if summary.modality == "cryo", let tMin, tMin.count == grid.voxelCount { return (.cold, tMin) }
        return (.heat, tMax)
    }
}

/// `report.html`: one self-contained page a person reads at a glance: the verdict for the
/// cord and roots, the flags, a temperature-time plot per thermocouple with the 42/45/60/80 C
/// bands and crossings, axial and sagittal slices through the probe tips (T_max, or T_min
/// with the ice edges for cryo) with a colour bar, the zones and their dimensions per probe,
/// temperature-volume histograms of tumour, cord and roots, the generator's power,
/// impedance and probe temperature, the event log, and the run's parameters, versions and
/// wall time. No external resources.
public enum HTMLReport {
    public static func render(_ r: ReportInput) throws -> String {
        let s = r.summary
        guard r.tMax.count == r.grid.voxelCount, r.zones.count == r.grid.voxelCount, r.labels.count == r.grid.voxelCount else {
            throw OutputError.io("report: volumes (\(r.tMax.count), \(r.zones.count), \(r.labels.count) voxels) do not match the grid (\(r.grid.voxelCount))")
        }
        let protectedNames = Set(s.thermocouples.filter { $0.structure != "other" }.map(\.name))
        var h = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8">
        <title>ablasim report: \(HTML.escape(s.phantom))</title>
        <style>\(css)</style></head><body>
        <h1>ablasim report <span class="sub">\(HTML.escape(s.phantom)) &middot; \(HTML.escape(s.modality)) &middot; \(String(format: "%.1f", s.simulatedS)) s simulated</span></h1>

        """
        // Verdict.
        if s.flags.isEmpty {
            h += "<div class=\"verdict ok\" id=\"verdict\">No flags: every cord and root thermocouple stayed below its heat, cold and dose thresholds.</div>\n"
        } else {
            let sites = Array(Set(s.flags.map(\.thermocouple))).sorted().joined(separator: ", ")
            let first = s.flags.min { $0.timeS < $1.timeS }!
            h += "<div class=\"verdict bad\" id=\"verdict\">\(s.flags.count) flag\(s.flags.count == 1 ? "" : "s") at \(HTML.escape(sites)); first: \(HTML.escape(first.kind)) at \(HTML.escape(first.thermocouple)) after \(String(format: "%.1f", first.timeS)) s.</div>\n"
        }
        let il = s.interlock
        h += "<p class=\"interlock\">Interlock" + HTML.escape(InterlockText.line(il)) + "</p>\n"

        // Flags table.
        h += "<h2>Flags</h2>\n"
        if s.flags.isEmpty {
            h += "<p id=\"flags\">None.</p>\n"
        } else {
            h += "<table id=\"flags\"><tr><th>thermocouple</th><th>structure</th><th>flag</th><th>threshold</th><th>time [s]</th></tr>\n"
            for f in s.flags {
                let structure = s.thermocouples.first { $0.name == f.thermocouple }?.structure ?? ""
                let unit = f.kind == "cem43" ? " min" : (f.kind == "omega" ? "" : " C")
                h += "<tr class=\"flag\"><td>\(HTML.escape(f.thermocouple))</td><td>\(HTML.escape(structure))</td><td>\(HTML.escape(f.kind))</td><td>\(TemperaturePlot.fmt(f.threshold))\(unit)</td><td>\(String(format: "%.1f", f.timeS))</td></tr>\n"
            }
            h += "</table>\n"
        }

        // Thermocouple table and plots.
        h += "<h2>Thermocouples</h2>\n<table id=\"thermocouples\"><tr><th>name</th><th>structure</th><th>position [mm]</th><th>T max [C]</th><th>T min [C]</th><th>CEM43 [min]</th><th>Omega</th>"
        let heatKeys = (s.thermocouples.first?.crossingsS.keys.compactMap(Double.init) ?? []).sorted()
        for k in heatKeys { h += "<th>&ge; \(TemperaturePlot.fmt(k)) C at [s]</th>" }
        h += "</tr>\n"
        for t in s.thermocouples {
            let cls = t.flags.isEmpty ? "" : " class=\"flag\""
            h += "<tr\(cls)><td>\(HTML.escape(t.name))</td><td>\(HTML.escape(t.structure))</td><td>\(t.positionMm.map { String(format: "%.1f", $0) }.joined(separator: ", "))</td>"
            h += String(format: "<td>%.2f</td><td>%.2f</td><td>%.3g</td><td>%.3g</td>", t.tMaxC, t.tMinC, t.cem43Min, t.omega)
            for k in heatKeys { h += "<td>" + ((t.crossingsS[SafetyThresholds.key(k)] ?? nil).map { String(format: "%.1f", $0) } ?? "&ndash;") + "</td>" }
            h += "</tr>\n"
        }
        h += "</table>\n<div class=\"plots\">\n"
        for (c, name) in r.thermocouples.names.enumerated() {
            let result = s.thermocouples.first { $0.name == name }
            let tag = protectedNames.contains(name) ? (result?.structure ?? "") : "other"
            let flagged = !(result?.flags.isEmpty ?? true)
            h += "<figure class=\"tc\(flagged ? " flagged" : "")\"><figcaption>\(HTML.escape(name)) <span class=\"sub\">\(HTML.escape(tag))\(flagged ? " &middot; flagged: " + HTML.escape(result!.flags.joined(separator: ", ")) : "")</span></figcaption>"
            h += TemperaturePlot.thermocouple(times: r.thermocouples.times, values: r.thermocouples.values[c], result: result,
                                              interlock: protectedNames.contains(name) ? s.interlock : nil, duration: s.simulatedS)
            h += "</figure>\n"
        }
        h += "</div>\n"

        // Slices.
        let (map, layer) = r.sliceLayer
        let sub = map.quantity == "T_min" ? "min" : "max"
        h += "<h2>Slices through the probe tips</h2>\n<p class=\"legend\" id=\"slice-legend\">Anatomy under the T<sub>\(sub)</sub> colour map (\(TemperaturePlot.fmt(map.low))&ndash;\(TemperaturePlot.fmt(map.high)) C, see the colour bar); "
        h += map.isotherms.map { "<span class=\"swatch dark\" style=\"color:\($0.colour)\">&#9644;</span> \(TemperaturePlot.fmt($0.celsius)) C isotherm (\($0.name))" }.joined(separator: ", ")
        h += ", <span class=\"swatch\" style=\"color:\(SliceFigure.ablationOutline)\">&#9644;</span> ablation zone (wide green line"
        h += map.heating ? ")" : ": lethal ice, T<sub>min</sub> &le; -20 C)"
        h += "; cord blue, roots cyan, tumour purple; thermocouples &#9670; (filled: in the plane; red: flagged); probes grey with the tip as a white dot.</p>\n"
        h += map.colourBar() + "\n<div class=\"slices\" id=\"slices\">\n"
        for (view, caption) in sliceViews(r) {
            let fig = SliceFigure(view: view, temperature: layer, map: map, zones: r.zones, labels: r.labels, legend: r.labelLegend,
                                  probes: s.probes, thermocouples: s.thermocouples)
            h += "<figure class=\"slicefig\"><figcaption>\(HTML.escape(caption))</figcaption>\(fig.svg())</figure>\n"
        }
        h += "</div>\n"

        // Zones.
        let z = s.zones
        h += "<h2>Zones</h2>\n<table id=\"zones\">"
        h += String(format: "<tr><td>ablation zone</td><td>%.2f ml</td></tr><tr><td>tumour</td><td>%.2f ml</td></tr>", z.ablationMl, z.tumorMl)
        h += "<tr><td>tumour coverage</td><td>" + (z.tumorCoverage.map { String(format: "%.3g (%.1f %%)", $0, 100 * $0) } ?? "&ndash; (no tumour)") + "</td></tr>"
        h += "<tr><td>components</td><td>\(z.components)</td></tr><tr><td>coalescent</td><td>\(z.coalescent ? "yes" : "no")</td></tr>"
        h += String(format: "<tr><td>T<sub>max</sub> &ge; 42 C</td><td>%.2f ml</td></tr><tr><td>T<sub>max</sub> &ge; 60 C</td><td>%.2f ml</td></tr>", z.t42Ml, z.t60Ml)
        if z.iceMl > 0 || s.modality == "cryo" {
            h += String(format: "<tr><td>ice (&le; 0 C)</td><td>%.2f ml</td></tr><tr><td>lethal ice &le; -20 C / -40 C</td><td>%.2f / %.2f ml</td></tr>", z.iceMl, z.lethalIce20Ml, z.lethalIce40Ml)
        }
        h += "</table>\n"
        let dims = ZoneDimensions(grid: r.grid, zones: r.zones, probes: s.probes)
        if !dims.probes.isEmpty {
            h += "<h3>Zone dimensions per probe</h3>\n<p class=\"legend\">Ablation zone voxels nearest to each tip; length along the probe axis, widths across it (in the plane of the axis and the superior direction, and perpendicular to both).</p>\n"
            h += "<table id=\"zone-dimensions\"><tr><th>probe</th><th>length [mm]</th><th>width [mm]</th><th>depth [mm]</th><th>voxels</th></tr>"
            for p in dims.probes {
                h += String(format: "<tr><td>%@</td><td>%.1f</td><td>%.1f</td><td>%.1f</td><td>%d</td></tr>", HTML.escape(p.name), p.lengthMM, p.widthMM, p.depthMM, p.voxels)
            }
            h += "</table>\n"
        }
        let dvh = DoseVolumeHistogram(temperature: layer, labels: r.labels, legend: r.labelLegend, heating: map.heating)
        if let plot = dvh.svg() {
            let sign = map.heating ? "&ge;" : "&le;"
            h += "<h3>Temperature-volume histograms</h3>\n<figure class=\"tc\"><figcaption>fraction of each structure with T<sub>\(sub)</sub> \(sign) T</figcaption>\(plot)</figure>\n"
            h += "<table id=\"dvh-table\"><tr><th>structure</th><th>voxels</th>" + dvh.references.map { "<th>T<sub>\(sub)</sub> \(sign) \(TemperaturePlot.fmt($0)) C</th>" }.joined() + "</tr>"
            for c in dvh.curves {
                h += "<tr><td>\(HTML.escape(c.structure))</td><td>\(c.voxels)</td>" + dvh.references.map { String(format: "<td>%.1f %%</td>", 100 * (c.at[$0] ?? 0)) }.joined() + "</tr>"
            }
            h += "</table>\n"
        }

        // Probes and generator.
        if !s.probes.isEmpty {
            h += "<h2>Probes and generator</h2>\n<table id=\"probes\"><tr><th>probe</th><th>channel</th><th>tip [mm]</th><th>entry [mm]</th><th>energy [J]</th></tr>\n"
            for p in s.probes {
                h += "<tr><td>\(HTML.escape(p.name))</td><td>\(HTML.escape(p.channel))</td><td>\(p.tipMm.map { String(format: "%.1f", $0) }.joined(separator: ", "))</td><td>\(p.entryMm.map { String(format: "%.1f", $0) }.joined(separator: ", "))</td><td>\(String(format: "%.0f", p.energyJ))</td></tr>\n"
            }
            h += "</table>\n"
        }
        if !r.generator.times.isEmpty {
            let cold = s.modality == "cryo"
            h += "<div class=\"plots\" id=\"generator\">\n"
            if let plot = TemperaturePlot.channels(r.generator, duration: s.simulatedS, quantity: "power", unit: "W", includeZero: true, value: { $0.power }) {
                h += "<figure class=\"tc\"><figcaption>generator power" + (cold ? " <span class=\"sub\">(negative: heat extracted by the cryoprobe)</span>" : "") + "</figcaption>\(plot)</figure>\n"
            }
            if let plot = TemperaturePlot.channels(r.generator, duration: s.simulatedS, quantity: "impedance", unit: "ohm", includeZero: false, value: { $0.impedance }) {
                h += "<figure class=\"tc\"><figcaption>impedance</figcaption>\(plot)</figure>\n"
            }
            if let plot = TemperaturePlot.channels(r.generator, duration: s.simulatedS, quantity: "probe temperature", unit: "C", includeZero: false, value: { $0.probeTemperature }) {
                h += "<figure class=\"tc\"><figcaption>probe temperature <span class=\"sub\">(" + (cold ? "cryoprobe surface" : "the electrode's control thermocouple") + ")</span></figcaption>\(plot)</figure>\n"
            }
            h += "</div>\n"
        }

        // Event log.
        let log = EventLog(s).entries
        h += "<h2>Event log</h2>\n"
        if log.isEmpty {
            h += "<p id=\"events\">No flags, interlock trip or generator events.</p>\n"
        } else {
            h += "<table id=\"events\"><tr><th>time [s]</th><th>source</th><th>event</th><th>value</th></tr>"
            for e in log {
                let value = e.value.map { NumberText.shortest($0) + (e.unit == "1" ? "" : " " + e.unit) } ?? "&ndash;"
                h += "<tr><td>\(String(format: "%.2f", e.timeS))</td><td>\(HTML.escape(e.source))</td><td>\(HTML.escape(e.event))</td><td>\(value)</td></tr>"
            }
            h += "</table>\n"
        }

        // Run.
        h += "<h2>Run</h2>\n<table id=\"run\">"
        h += "<tr><td>version</td><td>\(HTML.escape(s.version))</td></tr>"
        h += String(format: "<tr><td>wall time</td><td>%.1f s</td></tr><tr><td>simulated</td><td>%.1f s in %d steps of %.4g s</td></tr><tr><td>voxels</td><td>%d</td></tr>",
                    s.wallS, s.simulatedS, s.steps, s.dtS, s.voxels)
        for (k, v) in s.timing.sorted(by: { $0.key < $1.key }) { h += String(format: "<tr><td>time: %@</td><td>%.2f s</td></tr>", HTML.escape(k), v) }
        h += "</table>\n"
        if let audit = s.anatomyAudit, !audit.isEmpty {
            h += "<h3>Anatomy audit</h3>\n<ul id=\"anatomy-audit\">" + audit.map { "<li>\(HTML.escape($0))</li>" }.joined() + "</ul>\n"
        }
        h += "<h3>Parameters</h3>\n<table id=\"parameters\">"
        for (k, v) in s.parameters.sorted(by: { $0.key < $1.key }) { h += "<tr><td>\(HTML.escape(k))</td><td>\(HTML.escape(v.text))</td></tr>" }
        h += "</table>\n<p class=\"foot\">Generated by ablasim \(HTML.escape(s.version)); schema \(HTML.escape(s.schema)).</p>\n</body></html>\n"
        return h
    }

    /// The axial slice through the mean probe tip and a sagittal slice through each tip
    /// (deduplicated); without probes, both through the hottest voxel.
    static func sliceViews(_ r: ReportInput) -> [(SliceView, String)] {
        let g = r.grid
        let tips = r.summary.probes.filter { $0.tipMm.count == 3 }.map { g.index(SIMD3($0.tipMm[0], $0.tipMm[1], $0.tipMm[2]) / 1000) }
        var centre: SIMD3<Double>
        var sagittalPoints: [(SIMD3<Double>, String)]
        if tips.isEmpty {
            let hot = r.tMax.indices.max { r.tMax[$0] < r.tMax[$1] } ?? 0
            centre = SIMD3(Double(hot % g.nx), Double(hot / g.nx % g.ny), Double(hot / (g.nx * g.ny)))
            sagittalPoints = [(centre, "hottest voxel")]
        } else {
            centre = tips.reduce(SIMD3<Double>.zero, +) / Double(tips.count)
            sagittalPoints = zip(tips, r.summary.probes.map(\.name)).map { ($0, "tip of \($1)") }
        }
        var out: [(SliceView, String)] = []
        let axial = SliceView(.axial, grid: g, through: centre)
        out.append((axial, "axial, \(axial.planeText), through the " + (tips.isEmpty ? "hottest voxel" : "probe tips")))
        var used = Set<Int>()
        for (p, what) in sagittalPoints {
            let v = SliceView(.sagittal, grid: g, through: p)
            if used.insert(v.index).inserted { out.append((v, "sagittal, \(v.planeText), through the \(what)")) }
        }
        return out
    }

    static let css = """
    body{font-family:"DejaVu Sans",Helvetica,Arial,sans-serif;margin:20px 28px;color:#1d1d1d;max-width:1400px}
    h1{font-size:22px;margin:0 0 10px}h2{font-size:17px;margin:22px 0 8px;border-bottom:1px solid #ccc}h3{font-size:14px}
    .sub{font-weight:normal;color:#666;font-size:14px}
    .verdict{padding:10px 14px;font-size:16px;font-weight:bold;border-radius:4px}
    .verdict.ok{background:#dff3df;color:#145214;border:1px solid #7bc47b}
    .verdict.bad{background:#fde0de;color:#8b0000;border:1px solid #e0605a}
    table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}
    th{background:#f0f0f0}tr.flag td{background:#fde0de;color:#8b0000;font-weight:bold}
    .plots,.slices{display:flex;flex-wrap:wrap;gap:12px}figure{margin:0}figcaption{font-weight:bold;font-size:13px;margin:4px 0}
    figure.flagged figcaption{color:#b00000}
    .plot .grid{stroke:#e3e3e3;stroke-width:1}.plot .frame{fill:none;stroke:#444}.plot .tick{font-size:10px;fill:#444}
    .plot .axis{font-size:11px;fill:#222}.plot .thr{stroke:#a05a00;stroke-dasharray:4 3;stroke-width:1}.plot .thrl{font-size:11px;fill:#6a3b00}
    .plot .cross{stroke:#b00000;stroke-dasharray:2 2}.plot .crossdot{fill:#b00000}.plot .crossl{font-size:10px;fill:#b00000;font-weight:bold}
    .plot .trip{stroke:#000;stroke-width:1.5}.plot .tripl{font-size:10px;fill:#000}.plot .zero{stroke:#555;stroke-width:1}
    .plot .key{font-size:11px}.colourbar .cbt{font-size:10px;fill:#333}.swatch{font-weight:bold}.swatch.dark{background:#333;padding:0 2px}
    .slice .lbl{font-size:10px;fill:#fff;paint-order:stroke;stroke:#000;stroke-width:2px}.slice .dir{font-size:12px;fill:#ddd;font-weight:bold}
    .legend{font-size:12px;color:#333}.foot{color:#888;font-size:11px;margin-top:24px}
    """
}
