import Foundation
import AblasimSimulation

/// `ablasim compare DIR...`: several run folders side by side (the companion of a sweep):
/// a table of the zones, interlock, flags, energies and per-thermocouple peaks and doses,
/// as `compare.csv` (numbers by `NumberText`, columns `<name>_<unit>` as in the run's own
/// CSVs, per thermocouple `<thermocouple>.<key>`) and `compare.html` (the table and the
/// thermocouple temperatures and total generator power of every run overlaid).
public struct RunComparison {
    public struct Run {
        public var name: String
        public var summary: RunSummary
        public var thermocouples: ThermocoupleSeries
        public var generator: GeneratorSeries
    }
    public let runs: [Run]

    /// Reads summary.json, thermocouples.csv and generator.csv of each folder; the run's
    /// name is the folder's name (the path as given when two folders share a name).
    public static func load(_ paths: [String]) throws -> RunComparison {
        guard !paths.isEmpty else { throw OutputError.invalidInput("give at least one run folder (a run's --out directory) to compare") }
        let base = paths.map { URL(fileURLWithPath: $0).standardizedFileURL.lastPathComponent }
        var runs: [Run] = []
        for (n, path) in paths.enumerated() {
            let dir = URL(fileURLWithPath: path).standardizedFileURL
            func read(_ name: String, required: Bool) throws -> Data? {
                let u = dir.appendingPathComponent(name)
                guard let d = FileManager.default.contents(atPath: u.path) else {
                    if !required { return nil }
                    throw OutputError.invalidInput("'\(path)' has no readable \(name); give the --out directory of a finished run (it holds summary.json and thermocouples.csv)")
                }
                return d
            }
            let summary = try SummaryJSON.decode(try read("summary.json", required: true)!, path: dir.appendingPathComponent("summary.json").path)
            let tc = try CSVTables.readThermocouples(String(decoding: try read("thermocouples.csv", required: true)!, as: UTF8.self), path: dir.appendingPathComponent("thermocouples.csv").path)
            let gen = try read("generator.csv", required: false).map { try CSVTables.readGenerator(String(decoding: $0, as: UTF8.self), path: dir.appendingPathComponent("generator.csv").path) } ?? GeneratorSeries()
            let name = base.filter { $0 == base[n] }.count > 1 ? path : base[n]
            runs.append(Run(name: name, summary: summary, thermocouples: tc, generator: gen))
        }
        return RunComparison(runs: runs)
    }

    /// Run columns: name and the value of a run (nil = empty cell).
    static let columns: [(String, (RunSummary) -> Double?)] = [
        ("simulated_s", { $0.simulatedS }), ("ablation_ml", { $0.zones.ablationMl }), ("t42_ml", { $0.zones.t42Ml }),
        ("t60_ml", { $0.zones.t60Ml }), ("ice_ml", { $0.zones.iceMl }), ("lethal_ice20_ml", { $0.zones.lethalIce20Ml }),
        ("tumor_ml", { $0.zones.tumorMl }), ("tumor_coverage", { $0.zones.tumorCoverage }),
        ("components", { Double($0.zones.components) }), ("flags", { Double($0.flags.count) }),
        ("interlock_tripped_s", { $0.interlock.trippedS }), ("energy_j", { $0.probes.map(\.energyJ).reduce(0, +) }),
    ]
    static let thermocoupleColumns: [(String, (RunSummary.ThermocoupleResult) -> Double)] = [
        ("t_max_c", { $0.tMaxC }), ("t_min_c", { $0.tMinC }), ("cem43_min", { $0.cem43Min }), ("omega", { $0.omega }),
    ]

    /// Thermocouple names in order of first appearance over the runs.
    var thermocoupleNames: [String] {
        var names: [String] = []
        for r in runs { for t in r.summary.thermocouples where !names.contains(t.name) { names.append(t.name) } }
        return names
    }

    /// The table as rows of text cells, the header first.
    public var table: [[String]] {
        let tcs = thermocoupleNames
        var header = ["run", "modality", "phantom"] + RunComparison.columns.map(\.0) + ["coalescent"]
        for t in tcs { header += RunComparison.thermocoupleColumns.map { "\(t).\($0.0)" } }
        var rows = [header]
        for r in runs {
            let s = r.summary
            var row = [r.name, s.modality, s.phantom] + RunComparison.columns.map { $0.1(s).map(NumberText.shortest) ?? "" }
            row.append(s.zones.coalescent ? "true" : "false")
            for name in tcs {
                let t = s.thermocouples.first { $0.name == name }
                row += RunComparison.thermocoupleColumns.map { c in t.map { NumberText.shortest(c.1($0)) } ?? "" }
            }
            rows.append(row)
        }
        return rows
    }

    public var csv: String {
        table.map { $0.map(CSVTables.field).joined(separator: ",") }.joined(separator: "\n") + "\n"
    }

    public var html: String {
        let t = table
        let duration = runs.map(\.summary.simulatedS).max() ?? 0
        var h = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8">
        <title>ablasim comparison of \(runs.count) runs</title>
        <style>\(HTMLReport.css)</style></head><body>
        <h1>ablasim comparison <span class="sub">\(runs.count) runs</span></h1>
        <h2>Runs</h2>
        <table id="comparison">
        """
        h += "<tr>" + t[0].map { "<th>\(HTML.escape($0))</th>" }.joined() + "</tr>\n"
        for row in t.dropFirst() {
            let flagged = (Double(row[3 + RunComparison.columns.firstIndex { $0.0 == "flags" }!]) ?? 0) > 0
            h += "<tr\(flagged ? " class=\"flag\"" : "")>" + row.map { "<td>\(HTML.escape($0))</td>" }.joined() + "</tr>\n"
        }
        h += "</table>\n<h2>Thermocouples</h2>\n<div class=\"plots\">\n"
        for name in thermocoupleNames {
            let curves = runs.compactMap { r -> (name: String, times: [Double], values: [Double])? in
                guard let c = r.thermocouples.names.firstIndex(of: name) else { return nil }
                return (r.name, r.thermocouples.times, r.thermocouples.values[c])
            }
            if let plot = TemperaturePlot.overlay(curves, duration: duration, yTitle: "temperature [C]", includeZero: false, id: "tc-\(HTML.escape(name))") {
                h += "<figure class=\"tc\"><figcaption>\(HTML.escape(name))</figcaption>\(plot)</figure>\n"
            }
        }
        h += "</div>\n<h2>Generator</h2>\n"
        let power = runs.map { r in (name: r.name, times: r.generator.times, values: r.generator.samples.map { $0.map(\.power).reduce(0, +) }) }
        if let plot = TemperaturePlot.overlay(power, duration: duration, yTitle: "total power [W]", includeZero: true, id: "power") {
            h += "<figure class=\"tc\"><figcaption>total generator power of each run <span class=\"sub\">(negative: heat extracted, cryo)</span></figcaption>\(plot)</figure>\n"
        } else {
            h += "<p>No generator series.</p>\n"
        }
        h += "<p class=\"foot\">Generated by ablasim from " + runs.map { HTML.escape($0.name) }.joined(separator: ", ") + ".</p>\n</body></html>\n"
        return h
    }

    /// Writes compare.csv and compare.html into `dir` (created when missing), atomically.
    /// - Returns: the two files' URLs.
    @discardableResult
    public func write(to dir: String) throws -> [URL] {
        let url = URL(fileURLWithPath: dir).standardizedFileURL
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir) {
            guard isDir.boolValue else { throw OutputError.invalidInput("--out '\(dir)' is a file; give a directory for compare.csv and compare.html") }
        } else {
            do { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) } catch {
                throw OutputError.invalidInput("cannot create --out '\(dir)': \(error.localizedDescription); choose a writable location")
            }
        }
        let csvURL = url.appendingPathComponent("compare.csv"), htmlURL = url.appendingPathComponent("compare.html")
        try OutputDirectory.atomicWrite(Data(csv.utf8), to: csvURL)
        try OutputDirectory.atomicWrite(Data(html.utf8), to: htmlURL)
        return [csvURL, htmlURL]
    }
}
