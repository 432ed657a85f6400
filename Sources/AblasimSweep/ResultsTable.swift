import Foundation
import AblasimOutput

/// `DIR/results.csv`: one row per case — index, status, the case's parameters, then the
/// zone figures, interlock and flags, and per thermocouple its peak temperature [C],
/// CEM43 [min], Arrhenius Omega and flags — read from each case's `run/summary.json`
/// (schema ablasim.summary/1 or /2). Cases that are not done keep their parameters and leave
/// the result cells empty.
public struct ResultsTable {
    public let header: [String]
    public let rows: [[String]]
    /// Cases that failed, with the reason.
    public let failed: [(index: Int, reason: String)]
    /// Cases that never ran or are still running.
    public let missing: [Int]
    public let running: [Int]

    /// Zone and run figures, in column order: column name, path in summary.json.
    static let caseColumns: [(String, [String])] = [
        ("ablation_ml", ["zones", "ablation_ml"]), ("tumor_ml", ["zones", "tumor_ml"]),
        ("tumor_coverage", ["zones", "tumor_coverage"]), ("components", ["zones", "components"]),
        ("coalescent", ["zones", "coalescent"]), ("interlock_tripped_s", ["interlock", "tripped_s"]),
        ("simulated_s", ["simulated_s"]), ("wall_s", ["wall_s"]),
    ]
    /// Per-thermocouple figures: column suffix, key in the thermocouple object.
    static let thermocoupleColumns: [(String, String)] = [
        ("t_max_c", "t_max_c"), ("cem43_min", "cem43_min"), ("omega", "omega"),
    ]

    public init(output: SweepOutput) {
        let m = output.manifest
        var summaries: [Int: [String: Any]] = [:]
        var failed: [(Int, String)] = [], missing: [Int] = [], running: [Int] = []
        var statuses: [String] = []
        for i in 0..<m.count {
            let folder = output.caseFolder(i)
            let status = folder.status()
            statuses.append(status.label)
            switch status {
            case .done: summaries[i] = folder.summary()
            case .running: running.append(i)
            case .failed(let why): failed.append((i, why))
            case .missing: missing.append(i)
            }
        }
        // Thermocouples in order of first appearance over the cases.
        var thermocouples: [String] = []
        for i in summaries.keys.sorted() {
            for tc in summaries[i]?["thermocouples"] as? [[String: Any]] ?? [] {
                if let name = tc["name"] as? String, !thermocouples.contains(name) { thermocouples.append(name) }
            }
        }
        var header = ["case", "status"] + m.parameterNames
        let phantomVaries = Set(m.casePhantoms).count > 1 && !m.parameterNames.contains("phantom")
        if phantomVaries { header.append("phantom") }
        header += ResultsTable.caseColumns.map(\.0) + ["flags"]
        for tc in thermocouples {
            header += ResultsTable.thermocoupleColumns.map { "\(tc).\($0.0)" } + ["\(tc).flags"]
        }
        var rows: [[String]] = []
        for i in 0..<m.count {
            var row = [String(i), statuses[i]] + (m.caseValues[i].count == m.parameterNames.count ? m.caseValues[i] : m.parameterNames.map { _ in "" })
            if phantomVaries { row.append(m.casePhantoms[i]) }
            guard let s = summaries[i] else {
                row += Array(repeating: "", count: header.count - row.count)
                rows.append(row)
                continue
            }
            for (_, path) in ResultsTable.caseColumns { row.append(ResultsTable.cell(ResultsTable.value(s, path))) }
            let flags = s["flags"] as? [[String: Any]] ?? []
            row.append(String(flags.count))
            let byName = Dictionary((s["thermocouples"] as? [[String: Any]] ?? []).compactMap { tc in
                (tc["name"] as? String).map { ($0, tc) }
            }, uniquingKeysWith: { a, _ in a })
            for name in thermocouples {
                guard let tc = byName[name] else {
                    row += Array(repeating: "", count: ResultsTable.thermocoupleColumns.count + 1)
                    continue
                }
                for (_, key) in ResultsTable.thermocoupleColumns { row.append(ResultsTable.cell(tc[key])) }
                row.append(ResultsTable.flagText(tc["flags"]))
            }
            rows.append(row)
        }
        self.header = header
        self.rows = rows
        self.failed = failed.map { (index: $0.0, reason: $0.1) }
        self.missing = missing
        self.running = running
    }

    static func value(_ o: [String: Any], _ path: [String]) -> Any? {
        var cur: Any? = o
        for key in path { cur = (cur as? [String: Any])?[key] }
        return cur
    }

    /// Text of a JSON value for a CSV cell; null and absent are empty; numbers in the
    /// shortest round-trip form (`NumberText`), as in the run's own CSV files.
    static func cell(_ v: Any?) -> String {
        switch v {
        case nil, is NSNull: return ""
        case let b as Bool: return b ? "true" : "false"
        case let x as Double: return NumberText.shortest(x)
        case let n as NSNumber:
            if String(describing: type(of: n)).contains("Boolean") { return n.boolValue ? "true" : "false" }
            return NumberText.shortest(n.doubleValue)
        case let s as String: return s
        default: return "\(v!)"
        }
    }

    /// Flags of a thermocouple as `kind@time_s` joined by `;` (kinds alone when plain strings).
    static func flagText(_ v: Any?) -> String {
        guard let list = v as? [Any] else { return "" }
        return list.map { item -> String in
            if let o = item as? [String: Any] {
                let kind = o["kind"].map { cell($0) } ?? "flag"
                if let t = o["time_s"], !(t is NSNull) { return "\(kind)@\(cell(t))" }
                return kind
            }
            return cell(item)
        }.joined(separator: ";")
    }

    public var csv: String {
        ([header] + rows).map { $0.map(ResultsTable.csvField).joined(separator: ",") }.joined(separator: "\n") + "\n"
    }

    static func csvField(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
