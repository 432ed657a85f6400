import ArgumentParser

/// `ablasim phantom ...`: make, import, inspect and export vertebra phantoms.
struct PhantomCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "phantom",
        abstract: "Generate, import, inspect and export vertebra phantoms (.vox).",
        subcommands: [PhantomGenerateCommand.self, PhantomBlockCommand.self, PhantomImportCommand.self, PhantomInfoCommand.self,
                      PhantomRenderCommand.self, PhantomExportCommand.self]
    )
}

/// Parses "x,y,z" in millimetres.
func parseMillimetreTriple(_ text: String, option: String) throws -> SIMD3<Double> {
    let parts = text.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
    guard parts.count == 3, let x = parts[0], let y = parts[1], let z = parts[2] else {
        throw ValidationError("\(option) '\(text)' must be three numbers in mm separated by commas, e.g. 0,-2,1.5")
    }
    return SIMD3(x, y, z)
}
