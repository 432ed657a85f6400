import ArgumentParser

/// Every subcommand of `ablasim`, one per line (add yours here).
enum AblasimSubcommands {
    static let all: [ParsableCommand.Type] = [
        RunCommand.self,
        VersionCommand.self,
        ValidateCommand.self,
        ReportCommand.self,
        PhantomCommand.self,
        SweepCommand.self,
        ParametersCommand.self,
        TissuesCommand.self,
        CompareCommand.self,
    ]
}
