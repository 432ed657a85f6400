import Foundation
import AblasimPhysics

/// The run's time series as CSV (comma separated, one header line, '.' decimal point).
public enum CSVTables {
    /// `thermocouples.csv`: `time_s`, then one column per thermocouple [C].
    public static func thermocouples(_ s: ThermocoupleSeries) -> String {
        var out = (["time_s"] + s.names).joined(separator: ",") + "\n"
        out.reserveCapacity(out.count + s.times.count * (10 + 10 * s.names.count))
        for (r, t) in s.times.enumerated() {
            out += format(t, 4)
            for c in 0..<s.names.count { out += "," + format(s.values[c][r], 4) }
            out += "\n"
        }
        return out
    }

    /// `generator.csv`: `time_s`, then per channel `<ch>_power_w`, `<ch>_impedance_ohm`,
    /// `<ch>_energy_j` (and `<ch>_probe_temp_c` when the channel reports one). A value the
    /// channel does not have (impedance of a laser) is an empty field.
    public static func generator(_ g: GeneratorSeries) -> String {
        let channels = g.channels
        let withTemp = Set(g.samples.flatMap { $0 }.filter { $0.probeTemperature != nil }.map(\.channel))
        var header = ["time_s"]
        for ch in channels {
            header += ["\(ch)_power_w", "\(ch)_impedance_ohm", "\(ch)_energy_j"]
            if withTemp.contains(ch) { header.append("\(ch)_probe_temp_c") }
        }
        var out = header.joined(separator: ",") + "\n"
        for (r, t) in g.times.enumerated() {
            var row = [format(t, 4)]
            for ch in channels {
                let s = g.samples[r].first { $0.channel == ch }
                row += [s.map { format($0.power, 4) } ?? "", s?.impedance.map { format($0, 3) } ?? "", s.map { format($0.energy, 3) } ?? ""]
                if withTemp.contains(ch) { row.append(s?.probeTemperature.map { format($0, 4) } ?? "") }
            }
            out += row.joined(separator: ",") + "\n"
        }
        return out
    }

    /// Reads `thermocouples.csv` back.
    public static func readThermocouples(_ text: String, path: String) throws -> ThermocoupleSeries {
        var lines = text.split(whereSeparator: \.isNewline).map(String.init)
        guard !lines.isEmpty else { throw OutputError.invalidInput("\(path) is empty; expected a header 'time_s,<thermocouple>...'") }
        let header = lines.removeFirst().split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard header.first == "time_s" else {
            throw OutputError.invalidInput("\(path): first column is '\(header.first ?? "")'; expected 'time_s'")
        }
        let names = Array(header.dropFirst())
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

    /// Reads `generator.csv` back (channels from the `<ch>_power_w` columns).
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

    /// Fixed-point text with `digits` decimals; "nan", "inf" for non-finite values.
    static func format(_ x: Double, _ digits: Int) -> String {
        guard x.isFinite else { return x.isNaN ? "nan" : (x > 0 ? "inf" : "-inf") }
        let s = String(format: "%.\(digits)f", x)
        return s == "-0." + String(repeating: "0", count: digits) ? String(s.dropFirst()) : s
    }
}
