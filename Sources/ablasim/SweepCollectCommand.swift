import ArgumentParser
import Foundation
import AblasimSweep

struct SweepCollectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "collect",
        abstract: "Gather every case's summary into DIR/results.csv and list the failed and missing cases.")

    @Argument(help: "Output folder of the sweep.") var dir: String

    func run() throws {
        let output = try SweepOutput.existing(dir)
        let table = ResultsTable(output: output)
        try AtomicFile.write(table.csv, to: output.resultsPath)
        let done = table.rows.filter { $0[1] == "done" }.count
        print("wrote \(output.resultsPath): \(table.rows.count) cases, \(done) done, \(table.header.count) columns")
        for f in table.failed { print("failed  \(SweepCase.folderName(f.index)): \(f.reason)") }
        if !table.running.isEmpty { print("running: " + table.running.map(String.init).joined(separator: ", ")) }
        if !table.missing.isEmpty { print("missing: " + table.missing.map(String.init).joined(separator: ", ")) }
        if !table.failed.isEmpty || !table.missing.isEmpty {
            print("`ablasim sweep run` again, or `ablasim sweep submit ... --only-missing`, runs the cases that are not done")
        }
    }
}
