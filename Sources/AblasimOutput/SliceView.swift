import AblasimCore

/// One plane of voxels as a person looks at it: an axial slice in radiological view
/// (patient's right on the viewer's left, anterior up) or a sagittal slice (anterior on the
/// left, superior up), whatever the grid's orientation.
struct SliceView {
    enum Kind: String { case axial, sagittal }
    let kind: Kind
    let grid: Grid3D
    /// Voxel axis normal to the plane, and the plane's index along it.
    let normal: Int, index: Int
    /// Voxel axes shown horizontally and vertically, and whether display order runs against them.
    let hAxis: Int, vAxis: Int, flipH: Bool, flipV: Bool
    var width: Int { grid.dims[hAxis] }
    var height: Int { grid.dims[vAxis] }
    /// Voxel size along the display axes [mm].
    var pixelMM: (h: Double, v: Double) { (grid.spacing[hAxis] * 1000, grid.spacing[vAxis] * 1000) }

    /// The voxel axis whose direction is closest to world axis `r` (0 R, 1 A, 2 S), and its sign.
    static func axis(along r: Int, _ g: Grid3D) -> (axis: Int, sign: Double) {
        var best = 0, value = -1.0
        for c in 0..<3 where abs(g.direction[3 * c + r]) > value { best = c; value = abs(g.direction[3 * c + r]) }
        return (best, g.direction[3 * best + r] >= 0 ? 1 : -1)
    }

    /// A slice of `kind` through continuous voxel index `through`.
    init(_ kind: Kind, grid: Grid3D, through p: SIMD3<Double>) {
        self.kind = kind
        self.grid = grid
        let x = SliceView.axis(along: 0, grid), y = SliceView.axis(along: 1, grid), z = SliceView.axis(along: 2, grid)
        // Degenerate orientations (two voxel axes closest to one world axis) fall back to voxel axes.
        let distinct = Set([x.axis, y.axis, z.axis]).count == 3
        switch kind {
        case .axial:
            normal = distinct ? z.axis : 2
            hAxis = distinct ? x.axis : 0; vAxis = distinct ? y.axis : 1
            flipH = distinct ? x.sign > 0 : true     // world x decreasing to the right: R on the left
            flipV = distinct ? y.sign > 0 : true     // anterior up
        case .sagittal:
            normal = distinct ? x.axis : 0
            hAxis = distinct ? y.axis : 1; vAxis = distinct ? z.axis : 2
            flipH = distinct ? y.sign > 0 : true     // anterior on the left
            flipV = distinct ? z.sign > 0 : true     // superior up
        }
        index = min(max(Int(p[normal].rounded()), 0), grid.dims[normal] - 1)
    }

    /// Linear voxel index (x fastest) of display cell (u, v), u to the right, v down.
    @inline(__always)
    func voxel(_ u: Int, _ v: Int) -> Int {
        var q = SIMD3<Int>(repeating: 0)
        q[normal] = index
        q[hAxis] = flipH ? width - 1 - u : u
        q[vAxis] = flipV ? height - 1 - v : v
        return (q.z * grid.ny + q.y) * grid.nx + q.x
    }

    /// Display position of a world point [m] in cell units (cell (u, v) spans u..u+1, v..v+1)
    /// and its distance from the plane [voxels].
    func project(_ world: SIMD3<Double>) -> (u: Double, v: Double, off: Double) {
        let q = grid.index(world)
        let a = q[hAxis], b = q[vAxis]
        return ((flipH ? Double(width - 1) - a : a) + 0.5, (flipV ? Double(height - 1) - b : b) + 0.5, q[normal] - Double(index))
    }

    /// Anatomical direction letters at the left, right, top and bottom edges.
    var letters: (left: String, right: String, top: String, bottom: String) {
        func letter(_ axis: Int, _ positive: Bool) -> String {
            var best = 0, value = -1.0
            for r in 0..<3 where abs(grid.direction[3 * axis + r]) > value { best = r; value = abs(grid.direction[3 * axis + r]) }
            let up = (grid.direction[3 * axis + best] >= 0) == positive
            return [["L", "R"], ["P", "A"], ["I", "S"]][best][up ? 1 : 0]
        }
        return (letter(hAxis, flipH), letter(hAxis, !flipH), letter(vAxis, flipV), letter(vAxis, !flipV))
    }

    /// Position of the plane [mm] along the world axis it is normal to, for the caption.
    var planeText: String {
        var c = SIMD3<Double>(repeating: 0)
        c[normal] = Double(index)
        let w = grid.world(c) * 1000
        return kind == .axial ? String(format: "z = %.1f mm (slice %d)", w.z, index) : String(format: "x = %.1f mm (slice %d)", w.x, index)
    }
}
