/// A vertebra cut by the edge of the image: a level whose voxels reach the first or last
/// voxel plane of an axis continues outside the field of view, so a phantom of it would
/// lack bone (a body without its endplate, a ring without its lamina) and its canal,
/// discs and pedicle axes would be built on a partial mask.
enum ImageEdgeContact {
    /// The faces of the image that the index box `lo...hi` touches, each in words with its
    /// anatomical direction, e.g. "superior edge (voxel index k = 111, the last slice)".
    static func faces(lo: SIMD3<Int>, hi: SIMD3<Int>, of image: NIfTIImage) -> [String] {
        let code = Array(image.orientationCode)
        let opposite: [Character: Character] = ["R": "L", "L": "R", "A": "P", "P": "A", "S": "I", "I": "S"]
        let words: [Character: String] = ["R": "right", "L": "left", "A": "anterior", "P": "posterior", "S": "superior", "I": "inferior"]
        var out: [String] = []
        for axis in 0..<3 {
            let name = ["i", "j", "k"][axis], last = image.dims[axis] - 1
            // The voxel axis points towards code[axis]; index 0 faces the opposite way.
            if lo[axis] == 0 { out.append("\(words[opposite[code[axis]]!]!) edge (voxel index \(name) = 0, the first plane)") }
            if hi[axis] == last { out.append("\(words[code[axis]]!) edge (voxel index \(name) = \(last), the last plane)") }
        }
        return out
    }

    /// The levels of `scheme` present in `map` with at least `minVoxels` voxels and not
    /// touching any image edge, caudal first (L5 before L1).
    static func completeLevels(in map: SegmentationLabelMap, scheme: SegmentationLabelScheme, minVoxels: Int = 50) -> [String] {
        let n = map.image.dims
        var boxes: [Int: (lo: SIMD3<Int>, hi: SIMD3<Int>, count: Int)] = [:]
        for idx in 0..<map.image.voxelCount {
            let v = map.label(idx)
            guard scheme.vertebraLabels.contains(v) else { continue }
            let q = SIMD3(idx % n.x, (idx / n.x) % n.y, idx / (n.x * n.y))
            if let b = boxes[v] { boxes[v] = (pointwiseMin(b.lo, q), pointwiseMax(b.hi, q), b.count + 1) } else { boxes[v] = (q, q, 1) }
        }
        return SegmentationLabelScheme.levelNames.reversed().filter { level in
            guard let label = try? scheme.label(ofLevel: level), let box = boxes[label], box.count >= minVoxels else { return false }
            return faces(lo: box.lo, hi: box.hi, of: map.image).isEmpty
        }
    }
}
