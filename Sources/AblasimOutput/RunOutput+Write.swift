import Foundation
import AblasimCore
#if canImport(Glibc)
import Glibc
#endif

extension RunOutput {
    /// The files `write` creates, in the order it writes them (the manifest comes after all).
    public static func fileNames(vti: Bool) -> [String] {
        OutputDirectory.runFiles.filter { vti || $0 != "volumes.vti" }
    }

    /// Writes every result file into `dir` (prepared by `OutputDirectory.prepare`), each
    /// atomically: thermocouples.csv, generator.csv, events.csv, legend.json, the volumes as NIfTI
    /// (.nii.gz, the run grid's affine in mm), the colour tables of the label maps (Slicer,
    /// ITK-SNAP), the probe and thermocouple markups, volumes.vti when `vti`, report.html and
    /// summary.json; then `manifest.json` with every file's size and SHA-256, last. Only the
    /// manifest marks the folder complete: a run killed (or out of disk) while writing leaves
    /// none, whatever else it left.
    public func write(to dir: URL, vti: Bool) throws {
        try validate()
        let names = RunOutput.fileNames(vti: vti)
        // A manifest from before would vouch for files that are about to change.
        unlink(dir.appendingPathComponent(RunManifest.fileName).path)
        try RunManifest.writePending(names, in: dir)
        func put(_ data: Data, _ name: String) throws { try OutputDirectory.atomicWrite(data, to: dir.appendingPathComponent(name)) }
        try put(Data(CSVTables.thermocouples(thermocouples).utf8), "thermocouples.csv")
        try put(Data(CSVTables.generator(generator).utf8), "generator.csv")
        try put(Data(CSVTables.events(summary).utf8), "events.csv")
        try put(try ResultLegend(labels: labelLegend, zones: zoneLegend).encoded(), "legend.json")
        let v = volumes
        let meaning = RunOutput.volumeMeanings
        for (name, data) in [("t_max", v.tMax), ("t_min", v.tMin), ("cem43", v.cem43), ("omega", v.omega)] {
            try VolumeFile.write(.float32(data), grid: grid, meaning: meaning[name]!, to: dir.appendingPathComponent(name + ".nii.gz"))
        }
        try VolumeFile.write(.uint8(v.zones), grid: grid, meaning: meaning["zones"]!, to: dir.appendingPathComponent("zones.nii.gz"))
        try VolumeFile.write(.uint8(v.labels), grid: grid, meaning: meaning["labels"]!, to: dir.appendingPathComponent("labels.nii.gz"))
        try VolumeFile.write(.uint8(v.probes), grid: grid, meaning: meaning["probes"]!, to: dir.appendingPathComponent("probes.nii.gz"))
        let tissueTable = LabelTable.tissues(labelLegend), zoneTable = LabelTable.zones(zoneLegend)
        try put(Data(tissueTable.slicerColorTable.utf8), "labels.ctbl")
        try put(Data(zoneTable.slicerColorTable.utf8), "zones.ctbl")
        try put(Data(tissueTable.itkSnapLabels.utf8), "labels-itksnap.txt")
        try put(Data(zoneTable.itkSnapLabels.utf8), "zones-itksnap.txt")
        try put(Data(LabelTable.probes(summary.probes.map(\.name)).slicerColorTable.utf8), "probes.ctbl")
        try put(try Markups.probes(summary), "probes.mrk.json")
        try put(try Markups.thermocouples(summary), "thermocouples.mrk.json")
        if vti {
            let data = try VTIWriter.encode(grid: grid, arrays: [
                .float32("t_max", v.tMax), .float32("t_min", v.tMin), .float32("cem43", v.cem43), .float32("omega", v.omega),
                .uint8("zones", v.zones), .uint8("labels", v.labels), .uint8("probes", v.probes),
            ])
            try put(data, "volumes.vti")
        }
        let report = try HTMLReport.render(ReportInput(summary: summary, thermocouples: thermocouples, generator: generator, grid: grid,
                                                       tMax: v.tMax, tMin: v.tMin, zones: v.zones, labels: v.labels, labelLegend: labelLegend))
        try put(Data(report.utf8), "report.html")
        try put(try SummaryJSON.encode(summary), "summary.json")
        try RunOutput.seal(dir, names: names)
    }

    /// Writes `manifest.json` for `names` as they are on disk now, then drops the pending list.
    static func seal(_ dir: URL, names: [String]) throws {
        let manifest = try RunManifest.measure(names, in: dir)
        try OutputDirectory.atomicWrite(manifest.encoded(), to: dir.appendingPathComponent(RunManifest.fileName))
        unlink(dir.appendingPathComponent(RunManifest.pendingFileName).path)
    }
}

/// `legend.json`: what each label of `labels.nii.gz` and `zones.nii.gz` means.
public struct ResultLegend: Codable, Equatable {
    public var labels: [String: String]
    public var zones: [String: String]
    public init(labels: [UInt8: String], zones: [UInt8: String]) {
        self.labels = Dictionary(uniqueKeysWithValues: labels.map { (String($0.key), $0.value) })
        self.zones = Dictionary(uniqueKeysWithValues: zones.map { (String($0.key), $0.value) })
    }
    public func encoded() throws -> Data {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .prettyPrinted]
        return try e.encode(self) + Data("\n".utf8)
    }
    public var labelMap: [UInt8: String] {
        Dictionary(uniqueKeysWithValues: labels.compactMap { k, v in UInt8(k).map { ($0, v) } })
    }
}

/// Regenerates `report.html` from the files of a results directory (`ablasim report DIR`).
public enum ReportRegeneration {
    /// Reads summary.json, thermocouples.csv, generator.csv (optional), legend.json and the
    /// t_max, t_min (optional), zones and labels volumes from `dir`, and writes report.html there atomically.
    /// - Returns: the report's URL.
    @discardableResult
    public static func regenerate(in path: String) throws -> URL {
        let dir = URL(fileURLWithPath: path).standardizedFileURL
        let input = try load(from: dir)
        let html = try HTMLReport.render(input)
        let url = dir.appendingPathComponent("report.html")
        // A complete folder stays complete: its manifest is renewed for the new report.
        let complete = try? RunManifest.verify(in: dir.path).get()
        if complete != nil { unlink(dir.appendingPathComponent(RunManifest.fileName).path) }
        try OutputDirectory.atomicWrite(Data(html.utf8), to: url)
        if let complete { try RunOutput.seal(dir, names: complete.files.map(\.name)) }
        return url
    }

    public static func load(from dir: URL) throws -> ReportInput {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: dir.path, isDirectory: &isDir), isDir.boolValue else {
            throw OutputError.invalidInput("'\(dir.path)' is not a directory; give the --out directory of a run")
        }
        func need(_ name: String) throws -> URL {
            let u = dir.appendingPathComponent(name)
            guard fm.fileExists(atPath: u.path) else {
                throw OutputError.invalidInput("'\(dir.path)' has no \(name); a run's --out directory holds summary.json, thermocouples.csv, legend.json, t_max.nii.gz, zones.nii.gz and labels.nii.gz")
            }
            return u
        }
        func text(_ u: URL) throws -> String {
            guard let s = try? String(contentsOf: u, encoding: .utf8) else { throw OutputError.invalidInput("cannot read \(u.path) as UTF-8 text") }
            return s
        }
        let summaryURL = try need("summary.json")
        guard let summaryData = fm.contents(atPath: summaryURL.path) else { throw OutputError.invalidInput("cannot read \(summaryURL.path)") }
        let summary = try SummaryJSON.decode(summaryData, path: summaryURL.path)
        let tcURL = try need("thermocouples.csv")
        let series = try CSVTables.readThermocouples(try text(tcURL), path: tcURL.path)
        let genURL = dir.appendingPathComponent("generator.csv")
        let generator = fm.fileExists(atPath: genURL.path) ? try CSVTables.readGenerator(try text(genURL), path: genURL.path) : GeneratorSeries()
        let legendURL = try need("legend.json")
        let legend: ResultLegend
        do { legend = try JSONDecoder().decode(ResultLegend.self, from: Data(contentsOf: legendURL)) } catch {
            throw OutputError.invalidInput("\(legendURL.path) is not a label legend: \(error)")
        }
        let (grid, tMax) = try VolumeFile.readFloat32(try need("t_max.nii.gz"))
        let (zGrid, zones) = try VolumeFile.readUInt8(try need("zones.nii.gz"))
        let (lGrid, labels) = try VolumeFile.readUInt8(try need("labels.nii.gz"))
        guard zGrid.dims == grid.dims, lGrid.dims == grid.dims else {
            throw OutputError.invalidInput("volumes in '\(dir.path)' differ in size: t_max \(grid.dims), zones \(zGrid.dims), labels \(lGrid.dims)")
        }
        // t_min is optional (folders from before the cryo slices needed it).
        let tMinURL = dir.appendingPathComponent("t_min.nii.gz")
        var tMin: [Float]? = nil
        if fm.fileExists(atPath: tMinURL.path) {
            let (g, v) = try VolumeFile.readFloat32(tMinURL)
            guard g.dims == grid.dims else { throw OutputError.invalidInput("volumes in '\(dir.path)' differ in size: t_max \(grid.dims), t_min \(g.dims)") }
            tMin = v
        }
        return ReportInput(summary: summary, thermocouples: series, generator: generator, grid: grid,
                           tMax: tMax, tMin: tMin, zones: zones, labels: labels, labelLegend: legend.labelMap)
    }
}
