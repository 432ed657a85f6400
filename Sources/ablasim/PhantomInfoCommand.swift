import AblasimPhantom
import ArgumentParser
import Foundation

struct PhantomInfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Print a phantom's dimensions, spacing, volume per tissue and landmarks."
    )

    @Argument(help: "Phantom file (.vox).") var file: String

    func run() throws {
        print(try Phantom.read(from: URL(fileURLWithPath: file)).summary())
    }
}
