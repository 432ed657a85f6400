import AblasimPhantom
import ArgumentParser
import Foundation

/// `ablasim phantom block`: the bench phantoms of published experiments (BlockPhantom).
struct PhantomBlockCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "block",
        abstract: "Make a bench phantom: a block, cylinder or sphere of one tissue, layered or with inclusions.",
        discussion: """
        EXAMPLES
          Ex vivo liver block for a monopolar needle, with a thermocouple 5 mm from the axis:
            ablasim phantom block --tissue liver --size 60,60,60 --voxel 0.5 --site tc5@5,0,0 -o liver.vox
          Bone block with a 10 mm tumour and a cortical shell on both faces:
            ablasim phantom block --size 40,40,30 --tissue cancellous_bone --layers cortical_bone:2,cancellous_bone:26,cortical_bone:2 --inclusion tumor_lytic:sphere:0,0,0:10 -o bone.vox
          Gel cylinder in a bath, for cryoprobes:
            ablasim phantom block --shape cylinder --size 80,60 --tissue water_gel --surround water_gel -o gel.vox
        Coordinates are mm from the block centre (RAS). Place applicators with the trajectories key.
        """)

    @Option(help: "box, cylinder (axis z) or sphere.") var shape = "box"
    @Option(help: "Box edges x,y,z; cylinder diameter,length; sphere diameter (mm).") var size = "40,40,40"
    @Option(help: "Tissue of the block (ablasim tissues lists them).") var tissue = "muscle"
    @Option(help: "Tissue around a cylinder or sphere, or in the margin.") var surround = "water_gel"
    @Option(help: "Extra grid around the shape on each side (mm).") var margin = 0.0
    @Option(help: "Layers along z from the bottom, TISSUE:MM,... (the last takes the rest).") var layers: String?
    @Option(help: "Inclusion TISSUE:sphere:cx,cy,cz:D or TISSUE:box:cx,cy,cz:sx,sy,sz (mm; repeatable).") var inclusion: [String] = []
    @Option(help: "Isotropic voxel size (mm).") var voxel = 0.5
    @Option(help: "Thermocouple site NAME@x,y,z (mm; repeatable).") var site: [String] = []
    @Option(help: "Phantom name.") var name = "block"
    @Option(name: .shortAndLong, help: "Output .vox file.") var output: String

    func run() throws {
        var recipe = BlockPhantom()
        var settings: [(String, String, String)] = [("shape", shape, "--shape"), ("size_mm", size, "--size"), ("tissue", tissue, "--tissue"),
                                                    ("surround", surround, "--surround"), ("margin_mm", "\(margin)", "--margin"),
                                                    ("voxel_mm", "\(voxel)", "--voxel"), ("name", name, "--name")]
        if let layers { settings.append(("layers", layers, "--layers")) }
        if !inclusion.isEmpty { settings.append(("inclusions", inclusion.joined(separator: ";"), "--inclusion")) }
        if !site.isEmpty { settings.append(("sites", site.joined(separator: ";"), "--site")) }
        for (key, value, option) in settings { try recipe.set(key, to: value, context: option) }
        let phantom = try recipe.build()
        try phantom.write(to: URL(fileURLWithPath: output))
        let g = phantom.grid
        let tissues = phantom.tissueVolumes().sorted { $0.key < $1.key }.map { "\($0.key) \(String(format: "%.1f", $0.value * 1e6)) ml" }
        print("wrote \(output): \(g.nx)x\(g.ny)x\(g.nz) voxels at \(voxel) mm; \(tissues.joined(separator: ", "))")
    }
}
