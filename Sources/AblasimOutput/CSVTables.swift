import Foundation
import AblasimPhysics
import AblasimSimulation

/// The run's time series as CSV (comma separated, one header line, '.' decimal point,
/// numbers by `NumberText.shortest`). One time base: every series is on the record grid
/// (`record_interval_s`), the exact times of discrete events are in `events.csv`. Column
/// names follow one rule: `<name>_<quantity>_<unit>`, where name is the thermocouple or the
/// probe (as in summary.json), and every quantity column ends in its unit.
public enum CSVTables {
    /// Unit suffix of a thermocouple column: `cord_anterior_c`.
    static let thermocoupleSuffix = "_c"

    /// `thermocouples.csv`: `time_s`, then `<thermocouple>_c` per thermocouple [C].
    public static func thermocouples(_ s: ThermocoupleSeries) -> String {
        var out = (["time_s"] + s.names.map { $0 + thermocoupleSuffix }).joined(separator: ",") + "\n"
        out.reserveCapacity(out.count + s.times.count * (20 + 20 * s.names.count))
        for (r, t) in s.times.enumerated() {
            out += NumberText.shortest(t)
            for c in 0..<s.names.count { out += "," + NumberText.shortest(s.values[c][r]) }
            out += "\n"
        }
        return out
    }

    /// `generator.csv`: `time_s`, then per probe `<probe>_power_w`, `<probe>_energy_j`, and
    /// `<probe>_impedance_ohm` / `<probe>_probe_temp_c` when the probe's source reports them
    /// (RF impedance, a control thermocouple); a column the source never has is left out.
    /// Power is negative for cryo (heat extracted).
    public static func generator(_ g: GeneratorSeries) -> String {
        let channels = g.channels
        let all = g.samples.flatMap { $0 }
        let withImpedance = Set(all.filter { $0.impedance != nil }.map(\.channel))
        let withTemp = Set(all.filter { $0.probeTemperature != nil }.map(\.channel))
        var header = ["time_s"]
        for ch in channels {
            header += ["\(ch)_power_w", "\(ch)_energy_j"]
            if withImpedance.contains(ch) { header.append("\(ch)_impedance_ohm") }
            if withTemp.contains(ch) { header.append("\(ch)_probe_temp_c") }
        }
        func text(_ x: Double?) -> String { x.map(NumberText.shortest) ?? "" }
        var out = header.joined(separator: ",") + "\n"
        for (r, t) in g.times.enumerated() {
            var row = [NumberText.shortest(t)]
            for ch in channels {
                let s = g.samples[r].first { $0.channel == ch }
                row += [text(s?.power), text(s?.energy)]
                if withImpedance.contains(ch) { row.append(text(s?.impedance)) }
                if withTemp.contains(ch) { row.append(text(s?.probeTemperature)) }
            }
            out += row.joined(separator: ",") + "\n"
        }
        return out
    }

    /// `events.csv`: `EventLog` as `time_s,source,event,value,value_unit`.
    public static func events(_ s: RunSummary) -> String {
        var out = "time_s,source,event,value,value_unit\n"
        for e in EventLog(s).entries {
            out += [NumberText.shortest(e.timeS), field(e.source), field(e.event), e.value.map(NumberText.shortest) ?? "", e.unit].joined(separator: ",") + "\n"
        }
        return out
    }

    /// A text field, quoted when it holds a separator or a quote (RFC 4180).
    static func field(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// Reads `thermocouples.csv` back (also the unsuffixed columns of earlier versions).
    public static func readThermocouples(_ text: String, path: String) throws -> ThermocoupleSeries {
        var lines = text.split(whereSeparator: \.isNewline).map(String.init)
        guard !lines.isEmpty else { throw OutputError.invalidInput("\(path) is empty; expected a header 'time_s,<thermocouple>_c...'") }
        let header = lines.removeFirst().split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard header.first == "time_s" else {
            throw OutputError.invalidInput("\(path): first column is '\(header.first ?? "")'; expected 'time_s'")
        }
        var names = Array(header.dropFirst())
        if !names.isEmpty, names.allSatisfy({ $0.hasSuffix(thermocoupleSuffix) }) { names = names.map { String($0.dropLast(thermocoupleSuffix.count)) } }
        var times: [Double] = [], values = [[Double]](repeating: [], count: names.count)
        for (n, line) in lines.enumerated() {
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map { Double($0) }
            guard f.count == header.count, let t = f[0] else {
                throw OutputError.invalidInput("\(path) line \(n + 2): expected \(header.count) numbers, got '\(line)'")
            }
            times.append(t)
            for c in 0..<names.count { values[c].append(f[c + 1] ?? .nan) }
        }
        return ThermocoupleSeries(names: names, times: times, values: values)
    }

    /// Reads `generator.csv` back (probes from the `<probe>_power_w` columns).
    public static func readGenerator(_ text: String, path: String) throws -> GeneratorSeries {
        var lines = text.split(whereSeparator: \.isNewline).map(String.init)
        guard !lines.isEmpty else { return GeneratorSeries() }
        let header = lines.removeFirst().split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard header.first == "time_s" else {
            throw OutputError.invalidInput("\(path): first column is '\(header.first ?? "")'; expected 'time_s'")
        }
        let channels = header.compactMap { $0.hasSuffix("_power_w") ? String($0.dropLast(8)) : nil }
        func column(_ name: String) -> Int? { header.firstIndex(of: name) }
        var g = GeneratorSeries()
        for (n, line) in lines.enumerated() {
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map { Double($0) }
            guard f.count == header.count, let t = f[0] else {
                throw OutputError.invalidInput("\(path) line \(n + 2): expected \(header.count) fields, got '\(line)'")
            }
            let samples = channels.map { ch in
                ChannelSample(channel: ch, power: column(ch + "_power_w").flatMap { f[$0] } ?? .nan,
                              impedance: column(ch + "_impedance_ohm").flatMap { f[$0] },
                              energy: column(ch + "_energy_j").flatMap { f[$0] } ?? .nan,
                              probeTemperature: column(ch + "_probe_temp_c").flatMap { f[$0] })
            }
            g.append(time: t, channels: samples)
        }
        return g
    }
}
