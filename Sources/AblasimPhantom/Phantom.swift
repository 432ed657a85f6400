import AblasimCore
import Foundation

/// A voxelized vertebra phantom: one tissue label per voxel, a legend naming each label's
/// tissue, and the landmarks that place probes and thermocouples.
public struct Phantom: Sendable {
    /// Short identifier, e.g. "L1-lytic".
    public var name: String
    /// Voxel grid, SI metres, RAS direction.
    public var grid: Grid3D
    /// Tissue label per voxel, x fastest (`grid.voxelCount` values).
    public var labels: [UInt8]
    /// Label -> tissue name; every name resolves in `TissueTable.standard`.
    public var legend: [UInt8: String]
    public var landmarks: Landmarks
    /// Anatomy-audit findings the phantom was written with anyway (`phantom import --force`),
    /// one line each; stored in the .vox header as `audit_warning` lines.
    public var auditWarnings: [String] = []

    public init(name: String, grid: Grid3D, labels: [UInt8], legend: [UInt8: String], landmarks: Landmarks = Landmarks()) {
        self.name = name
        self.grid = grid
        self.labels = labels
        self.legend = legend
        self.landmarks = landmarks
    }

    /// Linear index of voxel (i, j, k), x fastest.
    @inline(__always)
    public func linear(_ i: Int, _ j: Int, _ k: Int) -> Int { (k * grid.ny + j) * grid.nx + i }

    /// The label of the voxel whose centre is nearest to world point `p` [m], nil outside.
    public func label(atWorld p: SIMD3<Double>) -> UInt8? {
        let q = grid.index(p).rounded(.toNearestOrEven)
        let i = Int(q.x), j = Int(q.y), k = Int(q.z)
        guard i >= 0, j >= 0, k >= 0, i < grid.nx, j < grid.ny, k < grid.nz else { return nil }
        return labels[linear(i, j, k)]
    }

    /// The tissue name at world point `p` [m], nil outside the grid.
    public func tissueName(atWorld p: SIMD3<Double>) -> String? {
        label(atWorld: p).flatMap { legend[$0] }
    }

    /// The label that `legend` gives to tissue `name`, if any.
    public func label(ofTissue name: String) -> UInt8? {
        legend.filter { $0.value == name }.keys.min()
    }

    /// Voxel count per label (index = label value).
    public func labelHistogram() -> [Int] {
        var counts = [Int](repeating: 0, count: 256)
        labels.withUnsafeBufferPointer { for l in $0 { counts[Int(l)] += 1 } }
        return counts
    }

    /// Volume per tissue name [m^3], tissues sharing a name summed.
    public func tissueVolumes() -> [String: Double] {
        let counts = labelHistogram()
        var out: [String: Double] = [:]
        for (label, name) in legend where counts[Int(label)] > 0 {
            out[name, default: 0] += Double(counts[Int(label)]) * grid.voxelVolume
        }
        return out
    }

    /// Checks the invariants every consumer relies on: the label count matches the grid,
    /// every label in the volume is in the legend, every legend name is a known tissue,
    /// and every landmark is finite and inside the grid.
    /// - Parameter context: names the phantom in messages (e.g. the file path).
    public func validate(context: String) throws {
        guard labels.count == grid.voxelCount else {
            throw PhantomError("\(context): \(labels.count) labels for a \(grid.nx)x\(grid.ny)x\(grid.nz) grid (\(grid.voxelCount) voxels)")
        }
        let table = TissueTable.standard
        for (label, tissue) in legend.sorted(by: { $0.key < $1.key }) where table.tissues[tissue] == nil {
            throw PhantomError("\(context): label \(label) names unknown tissue '\(tissue)'; known tissues: \(table.names.joined(separator: ", "))")
        }
        let counts = labelHistogram()
        for l in 0..<256 where counts[l] > 0 && legend[UInt8(l)] == nil {
            let first = labels.firstIndex(of: UInt8(l))!
            let i = first % grid.nx, j = (first / grid.nx) % grid.ny, k = first / (grid.nx * grid.ny)
            throw PhantomError("\(context): label \(l) occurs in \(counts[l]) voxels (first at voxel (\(i), \(j), \(k))) but the legend does not name it; legend labels: \(legend.keys.sorted().map(String.init).joined(separator: ", "))")
        }
        for (name, p) in landmarks.namedPoints {
            try checkLandmark(name, p, context: context)
        }
        for (side, axis) in [("pedicle_left", landmarks.pedicleLeft), ("pedicle_right", landmarks.pedicleRight)] {
            if let axis, axis.length < 1e-3 {
                throw PhantomError("\(context): landmark \(side): entry and target are \(axis.length * 1000) mm apart; a pedicle axis needs at least 1 mm")
            }
        }
    }

    private func checkLandmark(_ name: String, _ p: SIMD3<Double>, context: String) throws {
        let mm = PointText.mm(metres: p)
        guard p.x.isFinite, p.y.isFinite, p.z.isFinite else {
            throw PhantomError("\(context): landmark \(name) = \(mm) is not finite")
        }
        let q = grid.index(p)
        let slack = 0.5
        let inside = q.x >= -slack && q.y >= -slack && q.z >= -slack &&
            q.x <= Double(grid.nx - 1) + slack && q.y <= Double(grid.ny - 1) + slack && q.z <= Double(grid.nz - 1) + slack
        guard inside else {
            let lo = grid.world(SIMD3(-0.5, -0.5, -0.5)), hi = grid.world(SIMD3(Double(grid.nx) - 0.5, Double(grid.ny) - 0.5, Double(grid.nz) - 0.5))
            throw PhantomError("\(context): landmark \(name) = \(mm) lies outside the phantom (corners \(PointText.mm(metres: lo)) and \(PointText.mm(metres: hi)))")
        }
    }
}
