import Foundation
import AblasimCore
import AblasimPhysics
import AblasimSimulation

/// Runs the experiment catalogue and compares each simulated measure with its published
/// band (`ablasim validate --experiments`).
public enum ExperimentSuite {
    public struct Result: Sendable {
        public var experiment: Experiment
        public var simulated: Double
        public var inBand: Bool
        public var voxelMM: Double
        public var voxels: Int
        public var wallS: Double
        /// What else the run showed (peak temperature, energy, where the width was taken).
        public var detail: String
    }

    /// The experiment files of a folder, sorted by name.
    public static func catalogue(in dir: String) throws -> [Experiment] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else {
            throw SimulationError.invalidInput("cannot read the experiment folder '\(dir)'")
        }
        return try names.filter { $0.hasSuffix(".yaml") }.sorted().map { try Experiment.load(path: (dir as NSString).appendingPathComponent($0)) }
    }

    /// Runs one experiment to its measure (and its reference run, combined).
    public static func run(_ e: Experiment, quick: Bool, executor: SlabExecutor) throws -> Result {
        let start = Date()
        var r = try measure(e, quick: quick, reference: false, executor: executor)
        if let c = e.combination {
            let ref = try measure(e, quick: quick, reference: true, executor: executor)
            r.detail = String(format: "%@ %.3g, reference run %.3g (%@); ", e.quantity.rawValue, r.simulated, ref.simulated, ref.detail) + r.detail
            r.simulated = c == .ratio ? r.simulated / ref.simulated : r.simulated - ref.simulated
            r.inBand = r.simulated.isFinite && (e.low...e.high).contains(r.simulated)
        }
        r.wallS = Date().timeIntervalSince(start)
        return r
    }

    static func measure(_ e: Experiment, quick: Bool, reference: Bool, executor: SlabExecutor) throws -> Result {
        let start = Date()
        let (phantom, scenario) = try e.setup(quick: quick, reference: reference)
        let h = phantom.grid.spacing.x * 1000
        if e.quantity == .tissueProperty {
            let parts = e.target!.split(separator: ".").map(String.init)
            let table = try RunSetup.tissueTable(for: phantom, scenario: scenario)
            let t = try table.tissue(named: parts[0])
            let v = t[keyPath: TissueProperty.named(parts[1])!.field]
            return Result(experiment: e, simulated: v, inBand: (e.low...e.high).contains(v), voxelMM: h, voxels: 0,
                          wallS: Date().timeIntervalSince(start), detail: "model table value of \(e.target!)")
        }
        let run = try ScenarioRun(phantom: phantom, scenario: scenario, executor: executor)
        _ = try run.run()
        let summary = run.summary(zone: run.zone(), wallTime: 0, version: "experiment")
        let solver = run.simulation.solver
        var detail = ""
        let value: Double
        func axis() throws -> LesionMeasure {
            guard let p = summary.probes.first else { throw SimulationError.invalidInput("\(e.file): the scenario places no applicator to measure along") }
            // The first applicator's axis, or the centroid axis of all of them.
            let used = e.aboutArray ? summary.probes : [p]
            let tip = used.map { SIMD3($0.tipMm[0], $0.tipMm[1], $0.tipMm[2]) }.reduce(.zero, +) / (1000 * Double(used.count))
            let entry = used.map { SIMD3($0.entryMm[0], $0.entryMm[1], $0.entryMm[2]) }.reduce(.zero, +) / (1000 * Double(used.count))
            var m = LesionMeasure(tip: tip, entry: entry, criterion: e.criterion)
            m.widthStatistic = e.widthStatistic
            return m
        }
        let reach = 0.5 * Double(max(phantom.grid.nx, phantom.grid.ny, phantom.grid.nz)) * phantom.grid.spacing.x
        switch e.quantity {
        case .lesionWidth:
            let m = try axis()
            let w = m.largestWidth(solver, from: -0.005, to: 0.03, reach: reach)
            value = w.width * 1000
            detail = String(format: "largest cross-section %.1f mm behind the tip", w.at * 1000)
        case .lesionLength, .beyondTip:
            let m = try axis()
            let w = m.largestWidth(solver, from: -0.005, to: 0.03, reach: reach)
            let l = m.length(solver, radius: 1.5 * phantom.grid.spacing.x, centre: w.at, reach: reach)
            value = (e.quantity == .lesionLength ? l.length : l.beyondTip) * 1000
            detail = String(format: "width %.2f mm at %.1f mm behind the tip", w.width * 1000, w.at * 1000)
        case .isothermGap:
            let outer = try axis()
            var inner = outer
            inner.criterion = e.inner!
            let w = outer.largestWidth(solver, from: -0.005, to: 0.03, reach: reach)
            let wi = inner.width(solver, at: w.at, reach: reach)
            value = (w.width - wi) / 2 * 1000
            detail = String(format: "%@ width %.1f mm, %@ width %.1f mm, %.1f mm behind the tip", e.criterion.text, w.width * 1000, e.inner!.text, wi * 1000, w.at * 1000)
        case .lesionVolume:
            value = try axis().volume(solver) * 1e6
        case .siteMax:
            guard let tc = summary.thermocouples.first(where: { $0.name == e.target }) else {
                throw SimulationError.invalidInput("\(e.file): site '\(e.target ?? "")' has no thermocouple")
            }
            value = tc.tMaxC
        case .siteMin:
            guard let tc = summary.thermocouples.first(where: { $0.name == e.target }) else {
                throw SimulationError.invalidInput("\(e.file): site '\(e.target ?? "")' has no thermocouple")
            }
            value = tc.tMinC
        case .energy:
            value = summary.probes.map(\.energyJ).reduce(0, +)
        case .tissueProperty:
            fatalError("handled above")
        }
        if e.quantity != .energy { detail += (detail.isEmpty ? "" : "; ") + String(format: "energy %.0f J", summary.probes.map(\.energyJ).reduce(0, +)) }
        return Result(experiment: e, simulated: value, inBand: value.isFinite && (e.low...e.high).contains(value), voxelMM: h,
                      voxels: phantom.grid.voxelCount, wallS: Date().timeIntervalSince(start), detail: detail)
    }

    /// The console table's header and one row per result.
    public static func header() -> String {
        row("experiment", "quantity", "simulated", "published band", "result", "grid", "wall")
    }
    public static func row(_ r: Result) -> String {
        let e = r.experiment
        return row(e.name, quantityText(e),
                   String(format: "%.3g %@", r.simulated, e.unit), "\(band(e)) \(e.unit)", r.inBand ? "inside" : "OUTSIDE",
                   r.voxels == 0 ? "-" : String(format: "%.2g mm", r.voxelMM), String(format: "%.1f s", r.wallS))
    }
    /// The measured quantity, with the lesion edge criterion where there is one.
    static func quantityText(_ e: Experiment) -> String {
        let lesion: [Experiment.Quantity] = [.lesionWidth, .lesionLength, .lesionVolume, .beyondTip]
        if let inner = e.inner { return e.quantity.rawValue + " (\(inner.text) inside \(e.criterion.text))" }
        return e.quantity.rawValue + (lesion.contains(e.quantity) ? " (\(e.criterion.text))" : "")
    }
    static func band(_ e: Experiment) -> String { "[\(SafetyText.number(e.low)), \(SafetyText.number(e.high))]" }
    private static func row(_ c: String...) -> String {
        let widths = [34, 22, 14, 22, 8, 8, 8]
        return zip(c, widths).map { $0.0.padding(toLength: max($0.1, $0.0.count), withPad: " ", startingAt: 0) }.joined(separator: " ")
    }

    /// docs/validation.md: the table and, per experiment, source, setup and assumptions.
    public static func markdown(_ results: [Result], quick: Bool, command: String) -> String {
        var md = """
        # Agreement with published experiments

        Generated by `\(command)`; the catalogue is `experiments/` (one file per published
        experiment, format in experiments/README.md). One parameter set for all: tissue values
        from the tissue table (`ablasim tissues`), nothing fitted per experiment. \(quick ? "Quick grids (CI): coarse voxels and short protocols, so the figures are indicative; the full suite runs with `ablasim validate --experiments`." : "")

        | experiment | measure | simulated | published | band | result | grid |
        |---|---|---|---|---|---|---|

        """
        for r in results {
            let e = r.experiment
            let simulated = String(format: "%.3g", r.simulated) + " " + e.unit
            let published = e.publishedText.replacingOccurrences(of: "|", with: "/")
            let verdict = r.inBand ? "inside" : "**outside**"
            let grid = r.voxels == 0 ? "-" : String(format: "%.2g mm", r.voxelMM)
            md += "| \(e.name) | \(quantityText(e)) | \(simulated) | \(published) | \(band(e)) | \(verdict) | \(grid) |\n"
        }
        md += "\n"
        for r in results {
            let e = r.experiment
            md += "## \(e.name)\n\n\(e.title)\n\n- Source: \(e.source) (\(e.reliability))\n- Measured by the simulation: \(r.detail)\n"
            if !e.assumptions.isEmpty { md += "- Assumptions: \(e.assumptions.replacingOccurrences(of: "\n", with: " ").trimmingCharacters(in: .whitespaces))\n" }
            if !e.explanation.isEmpty { md += "- Explanation: \(e.explanation.replacingOccurrences(of: "\n", with: " ").trimmingCharacters(in: .whitespaces))\n" }
            md += "\n"
        }
        return md
    }
}
