import ArgumentParser
import AblasimOutput

/// `ablasim compare DIR...`: a table and overlaid plots of several runs.
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare run folders: a table (CSV) and overlaid plots (HTML) of zones, thermocouples, doses and energies.",
        discussion: """
        Reads summary.json, thermocouples.csv and generator.csv of each run folder and writes OUT/compare.csv and OUT/compare.html.

        Example:
          ablasim run Phantoms/L1-lytic.vox --bipolar --out runs/bipolar
          ablasim run Phantoms/L1-lytic.vox --cryo --out runs/cryo
          ablasim compare runs/bipolar runs/cryo --out runs/compare
        """
    )

    @Argument(help: "Run folders (each a run's --out directory).", completion: .directory) var directories: [String]
    @Option(help: "Folder for compare.csv and compare.html (created when missing).", completion: .directory) var out = "compare"

    func run() throws {
        for url in try RunComparison.load(directories).write(to: out) { print(url.path) }
    }
}
