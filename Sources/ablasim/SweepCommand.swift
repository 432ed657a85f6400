import ArgumentParser
import Foundation
import AblasimSweep

/// `ablasim sweep`: parameter sweeps on this machine or as Slurm job arrays (docs/sweeps.md).
struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Run parameter sweeps locally or as Slurm job arrays (see docs/sweeps.md).",
        subcommands: [SweepPlanCommand.self, SweepRunCommand.self, SweepTaskCommand.self,
                      SweepSubmitCommand.self, SweepStatusCommand.self, SweepCollectCommand.self]
    )

    /// The running `ablasim` executable: sweep cases run its own `run` subcommand.
    static func currentExecutable() -> String {
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return path }
        if let path = Bundle.main.executablePath { return path }
        return CommandLine.arguments[0]
    }

    /// Fails with exit 2 when a phantom of the sweep does not exist.
    static func checkPhantoms(_ sweep: Sweep) throws {
        for phantom in Set(sweep.cases.map(\.phantom)).sorted() where !FileManager.default.fileExists(atPath: phantom) {
            throw SweepError.invalidInput("\(sweep.file): phantom '\(phantom)' not found; give an existing .vox file (`phantom:` is relative to the sweep file, --set phantom=PATH to the working directory), e.g. one from `ablasim phantom generate`")
        }
    }
}
