import ArgumentParser
import Foundation
import AblasimSweep

struct SweepPlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan", abstract: "Expand a sweep file and print its numbered cases.")

    @Argument(help: "The sweep file (YAML).", completion: .file(extensions: ["yaml", "yml"])) var sweepFile: String
    @Option(name: .customLong("set"), help: "Set a base scenario key for every case, KEY=VALUE (repeatable; not a key the axes vary).") var settings: [String] = []
    @Flag(help: "Print the cases as JSON instead of a table.") var json = false

    func run() throws {
        let sweep = try Sweep.load(path: sweepFile).overriding(settings)
        // The same checks as `sweep run` before any case: a plan that cannot run is exit 2.
        try SweepCommand.checkPhantoms(sweep)
        let cases = sweep.cases
        let phantomVaries = Set(cases.map(\.phantom)).count > 1 && !sweep.parameterNames.contains("phantom")
        if json {
            let object: [String: Any] = [
                "name": sweep.name, "sweep_file": sweep.file, "sweep_file_sha256": sweep.fileSHA256,
                "identity": sweep.identity, "count": sweep.count, "max_cases": sweep.maxCases,
                "phantom": sweep.phantom, "parameters": sweep.parameterNames,
                "base": Dictionary(sweep.base.map { ($0.key, $0.value) }, uniquingKeysWith: { $1 }),
                "cases": cases.map { c -> [String: Any] in
                    ["index": c.index, "phantom": c.phantom,
                     "parameters": Dictionary(c.parameters.map { ($0.key, $0.value) }, uniquingKeysWith: { $1 })]
                },
            ]
            let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
            print(String(decoding: data, as: UTF8.self))
            return
        }
        print("sweep '\(sweep.name)': \(sweep.count) cases (max_cases \(sweep.maxCases)), phantom \(sweep.phantom)")
        if !sweep.base.isEmpty {
            print("base: " + sweep.base.map { "\($0.key)=\($0.value)" }.joined(separator: ", "))
        }
        var header = ["case"] + sweep.parameterNames
        if phantomVaries { header.append("phantom") }
        var rows = cases.map { c -> [String] in
            var row = [SweepCase.folderName(c.index)] + sweep.parameterNames.map { c.value(of: $0) ?? "" }
            if phantomVaries { row.append(c.phantom) }
            return row
        }
        rows.insert(header, at: 0)
        let widths = header.indices.map { col in rows.map { $0[col].count }.max() ?? 0 }
        for row in rows {
            print(row.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces))
        }
    }
}
