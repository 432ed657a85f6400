import ArgumentParser
import AblasimCore
import AblasimPhysics
import AblasimExperiments
import Foundation

/// `ablasim validate`: runs the solver's verification cases against exact solutions and
/// prints, per case, the error norm, the tolerance and the observed order of convergence.
/// Exit 0 when every case passes, 1 when one fails (the run worked, a check did not).
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Verify the solver against exact solutions (error norm, tolerance, observed order).",
        discussion: "Cases: " + VerificationCase.all.map(\.name).joined(separator: ", ")
            + ". Exit status 0 when all pass, 1 when any fails, 2 for bad options, 3 when a solver run fails."
            + "\n\nWith --experiments, runs the published experiments of experiments/ instead and prints simulated vs published,"
            + " inside or outside the band (--quick: coarse grids for CI; --only NAME; --write-doc docs/validation.md)."
            + " Exit 0 unless --strict and an experiment falls outside its band."
    )

    @Flag(name: .long, help: "Run the experiment suite (experiments/) instead of the analytic cases.")
    var experiments = false

    @Option(name: .customLong("experiments-dir"), help: "Folder of experiment files.")
    var experimentsDir = "experiments"

    @Option(name: .long, help: "Run only this experiment (repeatable).")
    var only: [String] = []

    @Option(name: .customLong("write-doc"), help: "Write the experiment table as Markdown (e.g. docs/validation.md).")
    var writeDoc: String?

    @Flag(name: .long, help: "With --experiments: exit 1 when an experiment falls outside its band.")
    var strict = false

    @Flag(name: .long, help: "Write the results as JSON to standard output.")
    var json = false

    @Flag(name: .long, help: "Add a finer refinement level (slower).")
    var long = false

    @Flag(name: .long, help: "Coarsest grids only (what the unit tests run).")
    var quick = false

    @Option(name: .customLong("case"), help: "Run only this case (repeatable).")
    var cases: [String] = []

    @Option(name: .long, help: "Worker threads (default: all cores).")
    var threads: Int?

    func validate() throws {
        if long && quick { throw ValidationError("--long and --quick exclude each other") }
        for name in cases where VerificationCase.named(name) == nil {
            throw ValidationError("unknown case '\(name)'; cases: \(VerificationCase.all.map(\.name).joined(separator: ", "))")
        }
        if let threads, threads < 1 { throw ValidationError("--threads \(threads) must be at least 1") }
    }

    func run() throws {
        if experiments { return try runExperiments() }
        let level: VerificationLevel = long ? .long : quick ? .quick : .standard
        let executor = threads.map { SlabExecutor(threads: $0) } ?? .allCores
        let selected = cases.isEmpty ? VerificationCase.all : cases.compactMap { VerificationCase.named($0) }
        var results: [VerificationResult] = []
        var seconds: [Double] = []
        if !json {
            print("ablasim validate (\(level.rawValue) grids, \(executor.threads) threads)")
            print(Self.row("case", "norm", "error", "tolerance", "order", "result"))
        }
        for c in selected {
            let start = Date()
            let r = try c.run(level: level, executor: executor)
            seconds.append(Date().timeIntervalSince(start))
            results.append(r)
            if !json {
                print(Self.row(r.name, r.norm, Self.sci(r.error), Self.sci(r.tolerance),
                               r.observedOrder.map { String(format: "%.2f", $0) } ?? "-", r.passed ? "pass" : "FAIL"))
                if r.errors.count > 1 {
                    let study = zip(r.spacingsMillimetres, r.errors).map { String(format: "h=%.4g mm: %.3e", $0, $1) }
                    print("    refinement " + study.joined(separator: ", ")
                          + (r.minimumOrder.map { String(format: " (order must be >= %.2f)", $0) } ?? ""))
                }
            }
        }
        let passed = results.allSatisfy(\.passed)
        if json {
            let report = Report(schema: "ablasim.validate/1", level: level.rawValue, threads: executor.threads,
                                passed: passed, cases: results, seconds: seconds)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            let failed = results.filter { !$0.passed }.map(\.name)
            print(passed ? "all \(results.count) cases passed" : "FAILED: \(failed.joined(separator: ", "))")
        }
        if !passed { throw ExitStatus.flagged }
    }

    func runExperiments() throws {
        let executor = threads.map { SlabExecutor(threads: $0) } ?? .allCores
        var catalogue = try ExperimentSuite.catalogue(in: experimentsDir)
        for name in only where !catalogue.contains(where: { $0.name == name }) {
            throw ValidationError("unknown experiment '\(name)'; experiments: \(catalogue.map(\.name).joined(separator: ", "))")
        }
        if !only.isEmpty { catalogue = catalogue.filter { only.contains($0.name) } }
        print("ablasim validate --experiments (\(quick ? "quick" : "full") grids, \(executor.threads) threads, \(catalogue.count) experiments)")
        print(ExperimentSuite.header())
        var results: [ExperimentSuite.Result] = []
        for e in catalogue {
            let r = try ExperimentSuite.run(e, quick: quick, executor: executor)
            print(ExperimentSuite.row(r))
            results.append(r)
        }
        let outside = results.filter { !$0.inBand }.map(\.experiment.name)
        print(outside.isEmpty ? "all \(results.count) inside their bands" : "outside their bands: \(outside.joined(separator: ", "))")
        if let writeDoc {
            let command = "ablasim validate --experiments" + (quick ? " --quick" : "") + " --write-doc \(writeDoc)"
            try Data(ExperimentSuite.markdown(results, quick: quick, command: command).utf8).write(to: URL(fileURLWithPath: writeDoc), options: .atomic)
        }
        if strict && !outside.isEmpty { throw ExitStatus.flagged }
    }

    struct Report: Encodable {
        var schema: String
        var level: String
        var threads: Int
        var passed: Bool
        var cases: [VerificationResult]
        var seconds: [Double]
    }

    static func sci(_ x: Double) -> String { x == 0 ? "0" : String(format: "%.3e", x) }

    static func row(_ a: String, _ b: String, _ c: String, _ d: String, _ e: String, _ f: String) -> String {
        func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s + " " : s + String(repeating: " ", count: n - s.count) }
        return pad(a, 26) + pad(b, 24) + pad(c, 11) + pad(d, 11) + pad(e, 7) + f
    }
}
