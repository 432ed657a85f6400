/// A NIfTI image checked to be a label map: every voxel a whole number 0-65535 (after
/// the header's scl_slope / scl_inter scaling). Refuses NaN, infinities, fractions and
/// negative values with the voxel and value, and says so when the image is a CT
/// (negative Hounsfield units, hundreds of distinct values) passed as a segmentation.
struct SegmentationLabelMap {
    let image: NIfTIImage
    /// Distinct labels (at most the first 4096 met), for messages.
    let present: Set<Int>

    /// Largest label accepted: label maps of every common tool fit in uint16.
    static let maxLabel = 65_535.0
    /// A value this close to a whole number is that number (float32 storage noise).
    static let integerTolerance = 1e-3

    init(_ image: NIfTIImage, context: String) throws {
        self.image = image
        let n = image.dims
        func voxel(_ idx: Int) -> String {
            "voxel (\(idx % n.x), \((idx / n.x) % n.y), \(idx / (n.x * n.y)))"
        }
        let scaling = image.sclSlope != 0 ? String(format: " (stored value x scl_slope %g + scl_inter %g)", image.sclSlope, image.sclInter) : ""
        var distinct = Set<Int>()
        var low = Double.infinity, high = -Double.infinity
        var fraction: (idx: Int, value: Double, count: Int)?
        for idx in 0..<image.voxelCount {
            let v = image.value(idx)
            guard v.isFinite else {
                throw PhantomError("\(context): \(voxel(idx)) holds \(v)\(scaling); a label map holds whole numbers 0 to \(Int(Self.maxLabel))")
            }
            low = min(low, v); high = max(high, v)
            guard abs(v) <= Self.maxLabel * 16 else { continue }
            let r = v.rounded()
            if abs(v - r) > Self.integerTolerance {
                fraction = (fraction?.idx ?? idx, fraction?.value ?? v, (fraction?.count ?? 0) + 1)
            } else if distinct.count < 4096 {
                distinct.insert(Int(r))
            }
        }
        present = distinct
        // A CT: Hounsfield units run from -1024 (air) into the thousands, with hundreds of
        // distinct values; a label map has a few dozen labels >= 0.
        if low < 0, distinct.count > 255 || low <= -500 {
            throw PhantomError(String(format: "%@: this looks like a CT, not a label map (values from %g to %g, %@ distinct values; a segmentation has a few dozen whole-number labels >= 0): pass the segmentation (e.g. TotalSegmentator's output) as the input file and give the CT with --ct",
                                      context, low, high, distinct.count >= 4096 ? "more than 4096" : "\(distinct.count)"))
        }
        if let fraction, fraction.count > 0, distinct.count > 255 {
            throw PhantomError(String(format: "%@: this looks like an intensity image (CT or MR), not a label map: %d voxels hold fractions such as %g at %@ and there are %@ distinct values; pass the segmentation as the input file (a CT goes with --ct)",
                                      context, fraction.count, fraction.value, voxel(fraction.idx), distinct.count >= 4096 ? "more than 4096" : "\(distinct.count)"))
        }
        if low < 0 || high > Self.maxLabel {
            var idx = 0
            while idx < image.voxelCount, (0...Self.maxLabel).contains(image.value(idx)) { idx += 1 }
            throw PhantomError("\(context): \(voxel(idx)) holds label \(image.value(idx))\(scaling); labels must be 0 to \(Int(Self.maxLabel))")
        }
        if let fraction {
            throw PhantomError("\(context): \(voxel(fraction.idx)) holds \(fraction.value)\(scaling) (\(fraction.count) voxels are not whole numbers); labels must be whole numbers: threshold a probability map, or resample a label map with nearest-neighbour interpolation")
        }
    }

    /// The label of voxel `idx` (x fastest); valid for every voxel once `init` succeeded.
    @inline(__always)
    func label(_ idx: Int) -> Int { Int(image.value(idx).rounded()) }
}

extension SegmentationImporter {
    /// Keeps the large 6-connected pieces of class `c` in `classes` (at least 10 % of the
    /// largest piece's voxels, so a posterior arch cut off from its body at 3 mm stays) and
    /// turns the others into class 3 ("anything else"). Returns the kept voxels' index box.
    static func keepLargePieces(of c: UInt8, in classes: inout [UInt8], dims n: SIMD3<Int>) -> (voxels: Int, lo: SIMD3<Int>, hi: SIMD3<Int>) {
        let visiting: UInt8 = 250
        var pieces: [[Int]] = []
        var stack: [Int] = []
        for start in 0..<classes.count where classes[start] == c {
            var piece: [Int] = []
            classes[start] = visiting
            stack.append(start)
            while let p = stack.popLast() {
                piece.append(p)
                let i = p % n.x, j = (p / n.x) % n.y, k = p / (n.x * n.y)
                for (ok, q) in [(i > 0, p - 1), (i < n.x - 1, p + 1), (j > 0, p - n.x), (j < n.y - 1, p + n.x),
                                (k > 0, p - n.x * n.y), (k < n.z - 1, p + n.x * n.y)] where ok && classes[q] == c {
                    classes[q] = visiting
                    stack.append(q)
                }
            }
            pieces.append(piece)
        }
        let largest = pieces.map(\.count).max() ?? 0
        var lo = SIMD3(repeating: Int.max), hi = SIMD3(repeating: Int.min), count = 0
        for piece in pieces {
            let keep = piece.count * 10 >= largest
            for p in piece {
                classes[p] = keep ? c : 3
                guard keep else { continue }
                let q = SIMD3(p % n.x, (p / n.x) % n.y, p / (n.x * n.y))
                lo = pointwiseMin(lo, q); hi = pointwiseMax(hi, q)
                count += 1
            }
        }
        return (count, lo, hi)
    }
}
