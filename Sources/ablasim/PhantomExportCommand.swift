import AblasimPhantom
import ArgumentParser
import Foundation

struct PhantomExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export a phantom's label map as NIfTI (.nii or .nii.gz) with its RAS affine, plus an ITK-SNAP label file."
    )

    @Argument(help: "Phantom file (.vox).") var file: String
    @Option(name: .shortAndLong, help: "Output .nii or .nii.gz file.") var output: String

    func run() throws {
        let lower = output.lowercased()
        guard lower.hasSuffix(".nii") || lower.hasSuffix(".nii.gz") else {
            throw ValidationError("-o '\(output)' must end in .nii or .nii.gz")
        }
        let phantom = try Phantom.read(from: URL(fileURLWithPath: file))
        try phantom.niftiLabelMap().write(to: URL(fileURLWithPath: output))
        let stem = lower.hasSuffix(".nii.gz") ? String(output.dropLast(7)) : String(output.dropLast(4))
        let labelFile = stem + ".labels.txt"
        try AblasimPhantom.AtomicFile.write(Data(phantom.itkSnapLabelDescription().utf8), to: URL(fileURLWithPath: labelFile))
        print("wrote \(output) (\(phantom.grid.nx)x\(phantom.grid.ny)x\(phantom.grid.nz) uint8 labels) and \(labelFile) (label names and colours)")
    }
}
