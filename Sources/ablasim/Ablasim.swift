import ArgumentParser

/// The command-line tool: thin, no physics. Each subcommand lives in its own file.
@main
struct Ablasim: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ablasim",
        abstract: "Simulate thermal ablation of spinal tumours and guard the cord and nerve roots.",
        version: "0.1.0",
        subcommands: AblasimSubcommands.all
    )
}
