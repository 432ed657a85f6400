import Foundation
import AblasimCore
import AblasimPhantom

/// Result volumes as gzip-compressed NIfTI-1 files (`.nii.gz`) on the run grid, through the
/// phantom module's `NIfTIImage` (sform and qform code 1 = the grid's voxel-to-RAS affine
/// in mm, written atomically), so 3D Slicer, ITK-SNAP and nibabel place them on the phantom.
public enum VolumeFile {
    public enum Voxels {
        case float32([Float])
        case uint8([UInt8])
    }

    /// What a result volume holds, for its header: `descrip` names the quantity with its
    /// unit; a label map gets intent NIFTI_INTENT_LABEL so viewers treat it as a segmentation.
    public struct Meaning: Sendable {
        public var description: String
        public var isLabelMap: Bool
        public init(_ description: String, isLabelMap: Bool = false) { self.description = description; self.isLabelMap = isLabelMap }
    }

    /// Writes `voxels` as `.nii.gz` at `url`, atomically. cal_min/cal_max are the finite
    /// data range (a label map: 0 to its largest label), the range viewers first display.
    public static func write(_ voxels: Voxels, grid: Grid3D, meaning: Meaning, to url: URL) throws {
        do {
            var image: NIfTIImage
            var range: (Double, Double)
            switch voxels {
            case .float32(let v):
                image = try NIfTIImage(grid: grid, voxels: .float32(v))
                let finite = v.lazy.filter(\.isFinite)
                range = (Double(finite.min() ?? 0), Double(finite.max() ?? 0))
            case .uint8(let v):
                image = try NIfTIImage(grid: grid, voxels: .uint8(v))
                range = (0, Double(v.max() ?? 0))
            }
            image.descrip = meaning.description
            image.calMin = range.0
            image.calMax = range.1
            if meaning.isLabelMap { image.intentCode = NIfTIImage.intentLabel; image.intentName = "label" }
            try image.write(to: url)
        } catch {
            throw OutputError.io("cannot write \(url.path): \(error)")
        }
    }

    /// Reads a volume and the grid its affine describes (spacing = column lengths, the
    /// direction = unit columns, origin = translation; mm to m).
    static func read(_ url: URL) throws -> (Grid3D, NIfTIImage) {
        let image: NIfTIImage
        do { image = try NIfTIImage.read(from: url) } catch {
            throw OutputError.invalidInput("cannot read \(url.path): \(error)")
        }
        let a = image.affine
        var spacing = SIMD3<Double>(repeating: 0), direction = [Double](repeating: 0, count: 9)
        for c in 0..<3 {
            let col = SIMD3(a[c], a[4 + c], a[8 + c])
            let norm = (col * col).sum().squareRoot()
            spacing[c] = norm / 1000
            for r in 0..<3 { direction[3 * c + r] = norm > 0 ? col[r] / norm : 0 }
        }
        do {
            let grid = try Grid3D(nx: image.dims.x, ny: image.dims.y, nz: image.dims.z, spacing: spacing,
                                  origin: SIMD3(a[3], a[7], a[11]) / 1000, direction: direction)
            return (grid, image)
        } catch {
            throw OutputError.invalidInput("\(url.path): the header does not describe a valid grid: \(error)")
        }
    }

    public static func readFloat32(_ url: URL) throws -> (Grid3D, [Float]) {
        let (g, image) = try read(url)
        guard case .float32(let v) = image.voxels else {
            throw OutputError.invalidInput("\(url.path) does not hold float32 voxels (NIfTI datatype 16); it is not an ablasim result volume")
        }
        return (g, v)
    }

    public static func readUInt8(_ url: URL) throws -> (Grid3D, [UInt8]) {
        let (g, image) = try read(url)
        guard case .uint8(let v) = image.voxels else {
            throw OutputError.invalidInput("\(url.path) does not hold uint8 labels (NIfTI datatype 2); it is not an ablasim label volume")
        }
        return (g, v)
    }
}
