import Foundation

extension Phantom {
    /// The text of `ablasim phantom info`: dims, spacing, origin, volume per tissue [ml]
    /// landmarks [mm] and the anatomy audit (`AnatomyAudit`).
    public func summary() -> String {
        let g = grid
        func mm(_ p: SIMD3<Double>) -> String { String(format: "(%.2f, %.2f, %.2f)", p.x * 1000, p.y * 1000, p.z * 1000) }
        var lines = ["phantom \(name)",
                     "dims \(g.nx) x \(g.ny) x \(g.nz) = \(g.voxelCount) voxels",
                     String(format: "spacing %.3f x %.3f x %.3f mm, extent %.1f x %.1f x %.1f mm",
                            g.spacing.x * 1000, g.spacing.y * 1000, g.spacing.z * 1000,
                            Double(g.nx) * g.spacing.x * 1000, Double(g.ny) * g.spacing.y * 1000, Double(g.nz) * g.spacing.z * 1000),
                     "origin \(mm(g.origin)) mm, direction \(g.direction.map { String(format: "%g", $0) }.joined(separator: " "))",
                     "tissues (label, name, volume ml, voxels):"]
        let counts = labelHistogram()
        for (label, name) in legend.sorted(by: { $0.key < $1.key }) {
            let n = counts[Int(label)]
            lines.append(String(format: "  %3d  ", Int(label)) + name.padding(toLength: 20, withPad: " ", startingAt: 0)
                         + String(format: " %9.3f ml  %d", Double(n) * g.voxelVolume * 1e6, n))
        }
        lines.append("landmarks (mm, RAS):")
        for (name, p) in landmarks.namedPoints {
            lines.append("  \(name.padding(toLength: 20, withPad: " ", startingAt: 0)) \(mm(p))  in \(tissueName(atWorld: p) ?? "outside")")
        }
        for (side, axis) in [("pedicle_left", landmarks.pedicleLeft), ("pedicle_right", landmarks.pedicleRight)] {
            guard let axis else { continue }
            let d = axis.direction
            let medial = atan2(abs(d.x), d.y) * 180 / .pi
            let caudal = atan2(-d.z, (d.x * d.x + d.y * d.y).squareRoot()) * 180 / .pi
            lines.append(String(format: "  %@: length %.1f mm, medial convergence %.1f deg, caudal tilt %.1f deg",
                                side as NSString, axis.length * 1000, medial, caudal))
        }
        lines += AnatomyAudit.run(self).summaryLines
        if !auditWarnings.isEmpty {
            lines.append("written despite a failed audit (--force), with the warnings:")
            lines += auditWarnings.map { "  " + Phantom.headerText($0) }
        }
        return lines.joined(separator: "\n")
    }
}
