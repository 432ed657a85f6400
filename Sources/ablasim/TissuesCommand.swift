import ArgumentParser
import Foundation
import AblasimCore

/// `ablasim tissues`: every tissue of the reference table with its properties, units,
/// valid ranges and sources.
struct TissuesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tissues",
        abstract: "List every tissue and property: value, unit, valid range and source.",
        discussion: "Override a value with --set tissue.NAME.PROPERTY=VALUE, or tissue.*.PROPERTY for every tissue.")

    @Argument(help: "Only these tissues (default: all).") var names: [String] = []

    func validate() throws {
        let table = TissueTable.standard
        for n in names where table.tissues[n] == nil {
            throw ValidationError("unknown tissue '\(n)'; known tissues: \(table.names.joined(separator: ", "))")
        }
    }

    func run() {
        let table = TissueTable.standard
        for name in names.isEmpty ? table.names : names {
            let t = table.tissues[name]!
            print("\(name)  [\(t.status)] \(t.source)")
            for p in TissueProperty.all {
                let v = t[keyPath: p.field]
                print("  \(p.key.padding(toLength: 20, withPad: " ", startingAt: 0)) \(String(format: "%-12g", v)) \(p.unit.padding(toLength: 12, withPad: " ", startingAt: 0)) valid \(p.range.lowerBound) to \(p.range.upperBound)")
            }
        }
        print("\nProperty ranges and meanings: docs/parameters.md (ablasim parameters --markdown).")
    }
}
