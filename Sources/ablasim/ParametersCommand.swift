import ArgumentParser
import AblasimSimulation

/// `ablasim parameters`: every scenario key with its type, range, default and source.
struct ParametersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parameters",
        abstract: "List every scenario parameter (for --set, scenario files and sweep axes).",
        discussion: "With --markdown, prints docs/parameters.md (the committed copy is checked against it by the tests).")

    @Flag(help: "Print the Markdown reference (docs/parameters.md).") var markdown = false

    func run() {
        if markdown { print(Scenario.parametersMarkdown, terminator: "") } else { print(Scenario.helpText) }
    }
}
