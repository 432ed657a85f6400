import Foundation
import AblasimCore
import AblasimPhantom

/// Bad placement: an applicator shaft must not cross the spinal canal or a nerve root.
///
/// The check runs on the shaft voxels exactly as the sources rasterize them (RF:
/// `Probe.rasterize`, electrodes and insulation; microwave, laser, cryo:
/// `ApplicatorAxis.voxels`, the whole inserted shaft), tip to the edge of the phantom, on
/// the phantom's own labels (before any thermoprotection repaints the epidural space).
///
/// What counts (decided here, documented in docs/rf.md):
/// - the spinal canal: its walls and contents, `dura`, `csf`, `spinal_cord`,
///   `cauda_equina` and `epidural_fat`. A transpedicular needle stays inside the pedicle's
///   cortex; any shaft voxel in the canal means a breach of the medial pedicle wall
///   (a dural puncture at best, a cord or cauda injury at worst), never a plan.
/// - the nerve roots (`nerve_root`): outside the canal, in the foramen, but a shaft through
///   a root is a direct nerve injury, just as unacceptable, so it is rejected as well.
///   The generated phantoms also put `epidural_fat` around the roots in the foramen; a
///   shaft there is rejected as canal tissue, which it is anatomically (foraminal fat is
///   continuous with the epidural space).
extension RunSetup {
    /// Tissue names of the spinal canal (walls and contents).
    public static let canalTissues = ["dura", "csf", "spinal_cord", "cauda_equina", "epidural_fat"]
    /// Tissue names of the nerve roots.
    public static let nerveRootTissues = ["nerve_root"]

    /// Throws `SimulationError.invalidInput` when any of `shaft` (linear voxel indices, x
    /// fastest) is canal or nerve-root tissue: says which of the two the shaft crosses, names
    /// the first such voxel met on the way in (farthest from the tip), where it is, how many
    /// shaft voxels lie in each, and what the canal and root labels are.
    /// - Parameters:
    ///   - applicator: how the message names it, e.g. "probe 'left'".
    ///   - tip: tip position [m] (world); `entry`: a point of the shaft on the way in [m].
    ///   - placement: where the trajectory came from, for the message.
    public static func checkClearOfNeuralStructures(shaft: [Int], applicator: String, tip: SIMD3<Double>, entry: SIMD3<Double>,
                                                    placement: String, phantom: Phantom) throws {
        enum Kind { case canal, root }
        var kindOf = [Kind?](repeating: nil, count: 256)
        for (label, name) in phantom.legend {
            if canalTissues.contains(name) { kindOf[Int(label)] = .canal }
            if nerveRootTissues.contains(name) { kindOf[Int(label)] = .root }
        }
        let grid = phantom.grid
        let d = entry - tip
        let backward = d / (d * d).sum().squareRoot()
        var first: (voxel: Int, behindTip: Double)?
        var canalCount = 0, rootCount = 0
        for v in shaft {
            guard let kind = kindOf[Int(phantom.labels[v])] else { continue }
            if kind == .canal { canalCount += 1 } else { rootCount += 1 }
            let w = grid.world(voxel: v)
            let s = ((w - tip) * backward).sum()
            if first == nil || s > first!.behindTip || (s == first!.behindTip && v < first!.voxel) { first = (v, s) }
        }
        guard let hit = first else { return }
        let (i, j, k) = grid.voxel(hit.voxel).tuple
        let w = grid.world(SIMD3(Double(i), Double(j), Double(k))) * 1000
        let label = phantom.labels[hit.voxel]
        let tissue = phantom.legend[label] ?? "label \(label)"
        let isCanal = kindOf[Int(label)] == .canal
        func labelList(_ names: [String]) -> String {
            names.map { name in
                let labels = phantom.legend.filter { $0.value == name }.keys.sorted()
                return labels.isEmpty ? name : "\(name) (\(labels.map(String.init).joined(separator: ", ")))"
            }.joined(separator: ", ")
        }
        let at = String(format: "%@ at voxel (%d, %d, %d), %.1f, %.1f, %.1f mm, %.1f mm behind the tip", tissue, i, j, k, w.x, w.y, w.z, hit.behindTip * 1000)
        let counts = "\(canalCount) of its \(shaft.count) shaft voxels in the canal, \(rootCount) in a nerve root"
        let what = canalCount > 0 && rootCount > 0 ? "passes through the spinal canal and a nerve root"
            : isCanal ? "passes through the spinal canal" : "passes through a nerve root"
        throw SimulationError.invalidInput(
            "\(applicator) \(what) (\(at); \(counts)); canal labels are \(labelList(canalTissues)) and nerve-root labels \(labelList(nerveRootTissues)) in phantom '\(phantom.name)'; the shaft must stay clear of both: move the entry or tip (\(placement))", context: .init(voxel: SIMD3(i, j, k)))
    }
}
