import AblasimPhantom
import ArgumentParser
import Foundation

struct PhantomRenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Draw axial and sagittal slices through the pedicle axes as a PNG, coloured by tissue, with a legend, orientation letters, a scale bar, the landmarks and the anatomy audit's findings."
    )

    @Argument(help: "Phantom file (.vox).") var file: String
    @Option(name: .shortAndLong, help: "Output PNG file.") var output: String
    @Option(help: "Pixel size (mm); default a third of the voxel size.") var pixel: Double?

    func run() throws {
        let phantom = try Phantom.read(from: URL(fileURLWithPath: file))
        if let pixel, !(pixel.isFinite && pixel >= 0.02 && pixel <= 10) {
            throw ValidationError("--pixel \(pixel) mm is invalid: use 0.02 to 10 mm")
        }
        let image = phantom.renderOverview(pixelSize: pixel.map { $0 / 1000 })
        try AblasimPhantom.AtomicFile.write(try PNGEncoder.encode(image), to: URL(fileURLWithPath: output))
        print("wrote \(output): \(image.width)x\(image.height) px; panels: axial through the pedicle axes, midsagittal, left pedicle sagittal")
        print("colours: " + phantom.legend.values.sorted().map { name in
            let c = Phantom.tissueColors[name] ?? (128, 128, 128)
            return "\(name) rgb(\(c.0),\(c.1),\(c.2))"
        }.joined(separator: ", "))
        print("pedicle axes yellow, landmarks white crosses, anatomy audit findings red squares; legend, orientation letters and scale bar in the picture")
    }
}
