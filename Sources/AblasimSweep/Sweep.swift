import Foundation
import AblasimSimulation
import AblasimCore

/// A parameter sweep: a base scenario, a phantom, and axes that expand to `count`
/// numbered cases. Case `i` is a pure function of the sweep file, so a Slurm array task
/// given only `i` always runs the same case.
public struct Sweep: Sendable {
    /// Default ceiling on the number of cases (`max_cases:` in the sweep file overrides it).
    public static let defaultMaxCases = 1000
    /// The largest `max_cases` a sweep file may ask for: every case is a folder, a line of
    /// sweep.json and a Slurm array task (Slurm's MaxArraySize default is 1001), so more
    /// than 100,000 is a mistake; 10^9 cases once allocated 32 GB before any check.
    public static let maxCasesCeiling = 100_000

    /// Name shown in job names and tables (`name:`; default: the sweep file's base name).
    public let name: String
    /// The sweep file, absolute.
    public let file: String
    /// SHA-256 of the sweep file's bytes.
    public let fileSHA256: String
    /// Phantom every case uses unless an axis sets `phantom`, absolute.
    public let phantom: String
    /// The base scenario as dotted-key settings, in file order.
    public let base: [ParameterValue]
    /// The axis blocks, in file order.
    public let axes: [SweepAxis]
    /// Parameter names the axes set, in order, each once.
    public let parameterNames: [String]
    /// Number of cases.
    public let count: Int
    /// The ceiling the sweep was checked against.
    public let maxCases: Int

    init(name: String, file: String, fileSHA256: String, phantom: String, base: [ParameterValue],
         axes: [SweepAxis], maxCases: Int) throws {
        self.name = name; self.file = file; self.fileSHA256 = fileSHA256; self.phantom = phantom
        self.base = base; self.axes = axes; self.maxCases = maxCases
        guard maxCases <= Sweep.maxCasesCeiling else {
            throw SweepError.invalidInput("\(file): max_cases = \(maxCases) is above the ceiling of \(Sweep.maxCasesCeiling) cases a sweep may have; split the study into several sweeps")
        }
        var names: [String] = []
        for key in axes.flatMap(\.keys) where !names.contains(key) { names.append(key) }
        parameterNames = names
        var n = 1
        for axis in axes {
            let (m, overflow) = n.multipliedReportingOverflow(by: axis.count)
            n = overflow ? Int.max : m
        }
        count = n
        guard count <= maxCases else {
            let sizes = axes.map { String($0.count) }.joined(separator: " x ")
            throw SweepError.invalidInput("\(file): the axes give \(count == Int.max ? "more than \(Int.max)" : String(count)) cases (\(sizes)), more than max_cases = \(maxCases); shrink the axes or raise max_cases")
        }
    }

    /// Case `index` (0 <= index < count): axis blocks as mixed-radix digits, last fastest.
    public func `case`(_ index: Int) -> SweepCase {
        precondition(index >= 0 && index < count, "case index \(index) outside 0..<\(count)")
        var rest = index
        var blockValues = [[ParameterValue]](repeating: [], count: axes.count)
        for b in stride(from: axes.count - 1, through: 0, by: -1) {
            let n = axes[b].count
            blockValues[b] = axes[b].values(at: rest % n)
            rest /= n
        }
        let values = blockValues.flatMap { $0 }
        var phantom = self.phantom
        if let p = values.last(where: { $0.key == "phantom" })?.value {
            phantom = Sweep.resolve(p, against: (file as NSString).deletingLastPathComponent)
        }
        return SweepCase(index: index, parameters: values, phantom: phantom)
    }

    /// All cases in order.
    public var cases: [SweepCase] { (0..<count).map { self.case($0) } }

    /// The dotted-key settings of one case: base, then phantom, then the axis values.
    public func settings(for c: SweepCase) -> [ParameterValue] {
        var out: [ParameterValue] = []
        func put(_ p: ParameterValue) {
            if let i = out.firstIndex(where: { $0.key == p.key }) { out[i] = p } else { out.append(p) }
        }
        base.forEach(put)
        c.parameters.forEach(put)
        put(ParameterValue("phantom", c.phantom))
        return out
    }

    /// The case's scenario: the settings applied through `Scenario.set`, the one setter
    /// the run command uses too, then the checks between keys that need no phantom (a laser
    /// duration that cannot deliver its energy). Unknown names, invalid values and
    /// inconsistent cases throw input errors.
    public func scenario(for c: SweepCase) throws -> Scenario {
        var s = Scenario()
        for p in settings(for: c) {
            do { try s.set(p.key, to: p.value, context: "\(file): case \(c.index)") } catch let e as SimulationError {
                throw SweepError.invalidInput(e.description)
            }
        }
        do { try s.checkLaserDelivery() } catch let e as SimulationError {
            throw SweepError.invalidInput("\(file): case \(c.index): \(e.message)")
        }
        return s
    }

    /// The case's scenario file: one `key: "value"` line per dotted-key setting, read back
    /// by `ablasim run --scenario` through `Scenario.apply(yaml:)`.
    public func scenarioYAML(for c: SweepCase) -> String {
        var text = "# ablasim sweep '\(name)', case \(c.index) of \(count) (0-based); written by `ablasim sweep`.\n"
        text += "# Sweep file: \(file)\n"
        for p in settings(for: c) {
            text += "\(p.key): \(Sweep.yamlQuoted(p.value))\n"
        }
        return text
    }

    /// Checks every case through `Scenario.set`: wrong names or values fail before any run.
    public func validate() throws {
        for i in 0..<count { _ = try scenario(for: self.case(i)) }
    }

    /// SHA-256 of what the sweep computes (base, phantom and every case's settings), the
    /// identity an output folder is tied to: editing comments or layout keeps it, changing
    /// any value, axis or the base scenario changes it.
    public var identity: String {
        // Streamed case by case: the same digest as of the whole text, without holding it.
        var hasher = SHA256()
        hasher.update(Array("ablasim.sweep/1\n".utf8))
        for i in 0..<count {
            let c = self.case(i)
            var text = "case \(c.index)\n"
            for p in settings(for: c) { text += "\(p.key)=\(p.value)\n" }
            hasher.update(Array(text.utf8))
        }
        return hasher.finalize()
    }

    static func yamlQuoted(_ s: String) -> String {
        var out = "\""
        for ch in s.unicodeScalars {
            switch ch {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default:
                if ch.value < 0x20 { out += String(format: "\\x%02X", ch.value) } else { out.unicodeScalars.append(ch) }
            }
        }
        return out + "\""
    }

    static func resolve(_ path: String, against dir: String) -> String {
        let expanded = (path as NSString).expandingTildeInPath
        let full = expanded.hasPrefix("/") ? expanded : (dir as NSString).appendingPathComponent(expanded)
        return (full as NSString).standardizingPath
    }
}
