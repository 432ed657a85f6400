import AblasimPhantom
import ArgumentParser
import Foundation

struct PhantomImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Build a phantom from a real vertebra segmentation (NIfTI label map).",
        discussion: """
        Example: ablasim phantom import seg.nii.gz --labels totalsegmentator --level L1 --voxel 0.5 -o L1-real.vox
        Several levels, one phantom each: --levels T12-L2 (or L1,L3, or all: every level no image edge cuts) with {level} in -o, e.g. -o out/{level}.vox
        """
    )

    @Argument(help: "Segmentation label map (.nii or .nii.gz).") var segmentation: String
    @Option(help: "Label numbering: totalsegmentator or verse.") var labels = "totalsegmentator"
    @Option(help: "Vertebral level to crop around, e.g. L1.") var level: String?
    @Option(help: "Several levels, one phantom each: a range (T12-L2), a list (L1,L3) or all (every level the image edge does not cut); -o must contain {level}.")
    var levels: String?
    @Option(help: "CT volume (.nii/.nii.gz, Hounsfield units) to split cortical from cancellous bone.") var ct: String?
    @Option(name: .customLong("cortical-hu"), help: "With --ct: bone at or above this value (HU) is cortical.") var corticalHU = 600.0
    @Option(name: .customLong("cortical-shell"), help: "Cortical shell thickness from the mask boundary (mm).") var corticalShell = 1.0
    @Option(help: "Isotropic voxel size (mm).") var voxel = 0.5
    @Option(help: "Soft-tissue margin around the vertebra (mm).") var margin = 4.0
    @Option(help: "Tumour to add in the body: none, lytic or blastic.") var tumor = "none"
    @Option(name: .customLong("tumor-diameter"), help: "Tumour diameter (mm).") var tumorDiameter = 14.0
    @Option(name: .customLong("tumor-offset"), help: "Shift of the tumour centre, x,y,z in mm (RAS).") var tumorOffset: String?
    @Option(help: "Phantom name (default <level>-real; {level} is replaced by the level's name).") var name: String?
    @Option(name: .shortAndLong, help: "Output .vox file ({level} is replaced by the level's name, required with several --levels).") var output: String
    @Flag(help: "Write the phantom even when the anatomy audit fails or the level is cut by the image edge; the findings are stored in the file as audit_warning lines.")
    var force = false

    func run() throws {
        var o = SegmentationImportOptions()
        guard let scheme = SegmentationLabelScheme(rawValue: labels.lowercased()) else {
            throw ValidationError("--labels '\(labels)' is invalid; use totalsegmentator or verse")
        }
        guard let kind = TumorKind(rawValue: tumor) else { throw ValidationError("--tumor '\(tumor)' is invalid; use none, lytic or blastic") }
        o.scheme = scheme; o.voxelMm = voxel; o.marginMm = margin
        o.corticalHU = corticalHU; o.corticalShellMm = corticalShell
        o.tumor = kind; o.tumorDiameterMm = tumorDiameter; o.name = name; o.allowIncompleteLevel = force
        if let tumorOffset { o.tumorOffsetMm = try parseMillimetreTriple(tumorOffset, option: "--tumor-offset") }
        if level != nil && levels != nil { throw ValidationError("give either --level or --levels, not both") }
        let seg = try NIfTIImage.read(from: URL(fileURLWithPath: segmentation))
        var chosen = [level ?? "L1"]
        if let levels {
            if levels.lowercased() == "all" {
                chosen = try SegmentationImporter.completeLevels(in: seg, scheme: scheme, context: segmentation).reversed()
                guard !chosen.isEmpty else { throw PhantomError("\(segmentation): --levels all: no vertebra of the image is complete (every level touches an image edge)") }
            } else {
                chosen = try SegmentationLabelScheme.levels(from: levels)
            }
        }
        if chosen.count > 1 && !output.contains("{level}") {
            throw ValidationError("-o '\(output)' must contain {level} when importing \(chosen.count) levels (\(chosen.joined(separator: ", "))), e.g. -o out/{level}.vox")
        }
        let ctImage = try ct.map { try NIfTIImage.read(from: URL(fileURLWithPath: $0)) }
        // Every level is imported and audited before any file is written, so a failure
        // leaves no partial set behind.
        var results: [(phantom: Phantom, path: String, seconds: Double)] = []
        for levelName in chosen {
            let start = Date()
            o.level = levelName
            o.name = name?.replacingOccurrences(of: "{level}", with: levelName)
            let path = output.replacingOccurrences(of: "{level}", with: levelName)
            var phantom = try SegmentationImporter.makePhantom(segmentation: seg, ct: ctImage, options: o, context: segmentation)
            let audit = AnatomyAudit.run(phantom)
            if !audit.passed {
                let findings = audit.findings.map { "  " + $0.description }.joined(separator: "\n")
                guard force else {
                    throw PhantomError("\(segmentation): the phantom imported at \(o.level) fails the anatomy audit (\(audit.findings.count) finding\(audit.findings.count == 1 ? "" : "s"); rules in docs/vox-format.md), nothing written:\n\(findings)\nuse --force to write it anyway with these warnings stored in the file")
                }
                phantom.auditWarnings += audit.findings.map(\.description)
                FileHandle.standardError.write(Data("warning: the anatomy audit failed at \(levelName); writing \(path) anyway (--force) with the warnings stored in it:\n\(findings)\n".utf8))
            }
            for warning in phantom.auditWarnings where warning.hasPrefix("level-cut-by-edge") {
                FileHandle.standardError.write(Data("warning: \(warning); writing \(path) anyway (--force)\n".utf8))
            }
            results.append((phantom, path, Date().timeIntervalSince(start)))
        }
        for (phantom, path, seconds) in results {
            try phantom.write(to: URL(fileURLWithPath: path))
            let g = phantom.grid
            print("wrote \(path): \(phantom.name) from \(segmentation) (\(seg.dims.x)x\(seg.dims.y)x\(seg.dims.z), \(seg.orientationCode), \(seg.transformSource)), \(g.nx)x\(g.ny)x\(g.nz) = \(g.voxelCount) voxels at \(voxel) mm, \(String(format: "%.1f", seconds)) s")
        }
    }
}
