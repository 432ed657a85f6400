import ArgumentParser
import AblasimOutput

/// `ablasim report DIR`: regenerates report.html from the files a run wrote into DIR.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Regenerate report.html from a run's output directory.",
        discussion: """
        Reads summary.json, thermocouples.csv, generator.csv, legend.json and the t_max, t_min (for the cryo slices), zones and labels NIfTI volumes from DIR and writes DIR/report.html (atomically).

        Example:
          ablasim run Phantoms/L1-lytic.vox --bipolar --out results/L1
          ablasim report results/L1
        """
    )

    @Argument(help: "The --out directory of a run.", completion: .directory)
    var directory: String

    func run() throws {
        let url = try ReportRegeneration.regenerate(in: directory)
        print(url.path)
    }
}
