import ArgumentParser
import AblasimCore
#if canImport(Glibc)
import Glibc
#endif

/// The command-line tool: thin, no physics. Each subcommand lives in its own file.
@main
struct Ablasim: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ablasim",
        abstract: "Simulate thermal ablation of spinal tumours and guard the cord and nerve roots.",
        version: "0.1.0",
        subcommands: AblasimSubcommands.all
    )

    /// Maps every failure to the exit codes of DESIGN.md: usage and input errors 2,
    /// runtime failures 3, with the message on standard error.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let error as AblasimError {
            writeStandardError("error: \(error.description)\n")
            Glibc.exit(error.isInputError ? 2 : 3)
        } catch {
            let code = exitCode(for: error)
            if code == .success || code == ExitCode(1) || code == ExitCode(2) || code == ExitCode(3) {
                exit(withError: error)
            }
            // Argument parsing and validation failures are bad input: exit 2.
            writeStandardError(fullMessage(for: error) + "\n")
            Glibc.exit(code == .validationFailure ? 2 : code.rawValue)
        }
    }
}

/// Everything the CLI writes to standard error goes through the project's one terminal
/// sanitizer: messages quote names and values read from files.
func writeStandardError(_ text: String) {
    fputs(TerminalText.sanitized(text), stderr)
}

/// Shadows `Swift.print` inside the CLI module, so every line a subcommand prints (phantom,
/// tissue and landmark names, sweep values, paths) passes through `TerminalText.sanitized`
/// without each call site having to remember it.
func print(_ items: Any..., separator: String = " ", terminator: String = "\n") {
    Swift.print(TerminalText.sanitized(items.map { "\($0)" }.joined(separator: separator)), terminator: terminator)
}
