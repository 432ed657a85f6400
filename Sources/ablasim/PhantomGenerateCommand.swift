import AblasimPhantom
import ArgumentParser
import Foundation

struct PhantomGenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Generate an anatomical vertebra phantom from published morphometry.",
        discussion: "Example: ablasim phantom generate --level L1 --tumor lytic --voxel 0.5 -o L1-lytic.vox"
    )

    @Option(help: "Vertebral level, T10 to L5.") var level = "L1"
    @Option(help: "Tumour in the vertebral body: none, lytic or blastic.") var tumor = "lytic"
    @Option(name: .customLong("tumor-diameter"), help: "Tumour diameter (mm).") var tumorDiameter = 14.0
    @Option(name: .customLong("tumor-offset"), help: "Shift of the tumour centre from its default position, x,y,z in mm (RAS).")
    var tumorOffset: String?
    @Option(name: .customLong("tumor-breach"), help: "How far the tumour breaks through the posterior wall into the canal (mm); 0 keeps it inside the body.")
    var tumorBreach = 0.0
    @Option(help: "Isotropic voxel size (mm).") var voxel = 0.5
    @Option(help: "Muscle margin around the bone (mm).") var margin = 3.0
    @Option(help: "Phantom name (default <level>-<tumour>).") var name: String?
    @Option(name: .shortAndLong, help: "Output .vox file.") var output: String

    func run() throws {
        var options = VertebraPhantomOptions()
        options.level = level
        guard let kind = TumorKind(rawValue: tumor) else {
            throw ValidationError("--tumor '\(tumor)' is invalid; use none, lytic or blastic")
        }
        options.tumor = kind
        options.tumorDiameterMm = tumorDiameter
        if let tumorOffset { options.tumorOffsetMm = try parseMillimetreTriple(tumorOffset, option: "--tumor-offset") }
        options.tumorBreachMm = tumorBreach
        options.voxelMm = voxel
        options.marginMm = margin
        options.name = name
        let start = Date()
        let phantom = try VertebraPhantomGenerator.generate(options)
        try phantom.write(to: URL(fileURLWithPath: output))
        let g = phantom.grid
        print("wrote \(output): \(phantom.name), \(g.nx)x\(g.ny)x\(g.nz) = \(g.voxelCount) voxels at \(voxel) mm, \(phantom.legend.count) tissues, \(String(format: "%.1f", Date().timeIntervalSince(start))) s")
    }
}
