import Foundation

/// One violated anatomy rule: which rule, how many voxels (or axis samples) break it,
/// and where the first one is.
public struct AnatomyFinding: Sendable, Equatable, CustomStringConvertible {
    /// Rule identifier, e.g. "cord-in-sac" (the rules are listed in `AnatomyAudit`).
    public var rule: String
    /// Offending voxels (or, for an axis, millimetres outside bone rounded up).
    public var count: Int
    /// The first offending voxel, and its centre in world RAS [mm].
    public var voxel: SIMD3<Int>
    public var worldMm: SIMD3<Double>
    /// What is wrong, in words (tissues involved, measured lengths).
    public var detail: String

    public var description: String {
        String(format: "%@: %@ (%d %@; first at voxel (%d, %d, %d), %.1f, %.1f, %.1f mm)", rule, detail, count,
               count == 1 ? "voxel" : "voxels", voxel.x, voxel.y, voxel.z, worldMm.x, worldMm.y, worldMm.z)
    }
}

/// A transpedicular axis as the audit measured it.
public struct PedicleAxisAudit: Sendable, Equatable {
    public var side: String
    public var lengthMm: Double
    /// Length of the entry-to-target segment whose nearest voxel is not bone [mm].
    public var outsideBoneMm: Double
    /// Smallest distance from the segment to a canal-tissue voxel's surface (dura, CSF,
    /// cord, cauda equina, epidural fat) [mm]; infinity when the phantom has no canal.
    public var canalClearanceMm: Double
    /// The same to a nerve-root voxel [mm].
    public var rootClearanceMm: Double
}

/// The anatomy audit run on every phantom (generated, imported or a user's .vox): rules
/// that any real spine obeys, checked on the labels by tissue name (so any numbering of
/// a user's legend works). A finding means the phantom shows impossible anatomy;
/// `phantom import` refuses it unless `--force`.
///
/// Rules (6-neighbours = the voxels sharing a face; the grid edge is never a neighbour):
/// - `cord-in-sac`: a `spinal_cord` or `cauda_equina` voxel has only cord, cauda, CSF,
///   dura or nerve-root 6-neighbours (never muscle, disc, epidural fat, bone, ...).
/// - `root-in-foramen`: a `nerve_root` voxel never touches `intervertebral_disc` or a
///   tumour: the exiting root crosses the foramen in its upper part, under the pedicle,
///   above the disc (beyond the foramen it may run in fat or in the psoas).
/// - `sac-one-tube`: the dural sac (dura, CSF, cord, cauda) is one 6-connected piece; any
///   other piece is canal tissue painted where there is no canal.
/// - `canal-behind-wall`: no sac voxel lies in a cavity of bone or disc: along the
///   canal's axis (the line through the sac's centroids, z where it is straight) the run
///   of canal tissue (sac plus epidural fat) through it must not be closed by bone or
///   disc at both ends within `cavityRunMm` (the canal is a tube along the spine; the disc
///   space and the endplate concavity in front of the posterior wall are closed above
///   and below); voxels with less than `cavityDepthMm` of such cavity behind them are
///   a dura bulging between two vertebral corners, not a finding.
/// - `disc-between-bodies`: every z-run of `intervertebral_disc` ends on bone at both
///   ends (an endplate above and below, or bone within `discBulgeMm` of the column in
///   that slice) and is at most `maxDiscRunMm` tall.
/// - `pedicle-axis-in-bone`: the entry-to-target segment of each pedicle axis runs in bone
///   (cortical, cancellous or tumour) except at most `axisSlackMm`; its clearance to the
///   canal and the roots is reported.
/// - `landmark-tissue`: every landmark lies in the tissue its name says (within one
///   voxel for surface points and for structures thinner than a voxel).
public struct AnatomyAudit: Sendable, Equatable {
    public var findings: [AnatomyFinding]
    public var axes: [PedicleAxisAudit]

    public var passed: Bool { findings.isEmpty }

    /// Longest z-run of canal tissue closed by bone or disc at both ends that still counts
    /// as a cavity [mm]: a lumbar disc is 10-12 mm tall (Zhou et al. 2000, Phantoms/README
    /// reference 4), the canal runs through several levels.
    public static let cavityRunMm = 16.0
    /// Depth of canal tissue in a cavity, behind the voxel, before it counts [mm].
    public static let cavityDepthMm = 2.0
    /// Tallest disc accepted [mm]: lumbar discs are at most ~15 mm at L4-L5 (Zhou et al. 2000).
    public static let maxDiscRunMm = 20.0
    /// How far the annulus may bulge past the endplate rim [mm] (a normal disc bulges
    /// 1-2 mm beyond the vertebral margins; Fardon et al., Spine 2014, lumbar disc nomenclature 2.0).
    public static let discBulgeMm = 1.5
    /// Part of a pedicle axis that may lie outside bone [mm]: its entry is on the bone surface.
    public static let axisSlackMm = 1.0

    /// The lines `phantom info` prints.
    public var summaryLines: [String] {
        var lines = [passed ? "anatomy audit: passed (\(AnatomyAudit.ruleNames.count) rules)" : "anatomy audit: FAILED, \(findings.count) finding\(findings.count == 1 ? "" : "s")"]
        for f in findings { lines.append("  " + f.description) }
        for a in axes {
            lines.append(String(format: "  %@: %.1f mm, %.1f mm outside bone, clearance %.1f mm to the canal, %.1f mm to a root",
                                a.side as NSString, a.lengthMm, a.outsideBoneMm, a.canalClearanceMm, a.rootClearanceMm))
        }
        return lines
    }

    public static let ruleNames = ["cord-in-sac", "root-in-foramen", "sac-one-tube", "canal-behind-wall", "disc-between-bodies",
                                   "pedicle-axis-in-bone", "landmark-tissue"]

    /// Tissue roles of the audit, from the legend's names.
    enum Role: UInt8 { case other, cord, csf, dura, epidural, root, disc, bone, tumor, muscle, fat, ligament }

    /// Runs every rule on `phantom`.
    public static func run(_ phantom: Phantom) -> AnatomyAudit {
        var roles = [Role](repeating: .other, count: 256)
        for (label, name) in phantom.legend {
            switch name {
            case "spinal_cord", "cauda_equina": roles[Int(label)] = .cord
            case "csf": roles[Int(label)] = .csf
            case "dura": roles[Int(label)] = .dura
            case "epidural_fat": roles[Int(label)] = .epidural
            case "nerve_root": roles[Int(label)] = .root
            case "intervertebral_disc": roles[Int(label)] = .disc
            case "cortical_bone", "cancellous_bone": roles[Int(label)] = .bone
            case "tumor_lytic", "tumor_blastic": roles[Int(label)] = .tumor
            case "muscle": roles[Int(label)] = .muscle
            case "fat": roles[Int(label)] = .fat
            case "ligament": roles[Int(label)] = .ligament
            default: break
            }
        }
        let g = phantom.grid
        let nx = g.nx, ny = g.ny, nz = g.nz
        let role = phantom.labels.map { roles[Int($0)] }
        func isSac(_ r: Role) -> Bool { r == .cord || r == .csf || r == .dura }
        func isCanal(_ r: Role) -> Bool { isSac(r) || r == .epidural }
        func isHard(_ r: Role) -> Bool { r == .bone || r == .tumor || r == .disc }
        func where_(_ idx: Int) -> (SIMD3<Int>, SIMD3<Double>) {
            let v = SIMD3(idx % nx, (idx / nx) % ny, idx / (nx * ny))
            return (v, g.world(SIMD3(Double(v.x), Double(v.y), Double(v.z))) * 1000)
        }
        func tissue(_ idx: Int) -> String { phantom.legend[phantom.labels[idx]] ?? "label \(phantom.labels[idx])" }
        var findings: [AnatomyFinding] = []
        func report(_ rule: String, _ offenders: [Int], _ detail: String) {
            guard let first = offenders.first else { return }
            let (v, w) = where_(first)
            findings.append(AnatomyFinding(rule: rule, count: offenders.count, voxel: v, worldMm: w, detail: detail))
        }
        let strides = [1, nx, nx * ny]
        let sizes = [nx, ny, nz]

        // Neighbour rules: cord and roots.
        var cordOffenders: [Int] = [], rootOffenders: [Int] = []
        var cordTouches: [String: Int] = [:], rootTouches: [String: Int] = [:]
        for idx in 0..<role.count where role[idx] == .cord || role[idx] == .root {
            let c = [idx % nx, (idx / nx) % ny, idx / (nx * ny)]
            var bad: String?
            for a in 0..<3 {
                for s in [-1, 1] where c[a] + s >= 0 && c[a] + s < sizes[a] {
                    let r = role[idx + s * strides[a]]
                    let wrong = role[idx] == .cord ? !(isSac(r) || r == .root) : (r == .disc || r == .tumor)
                    if wrong && bad == nil { bad = tissue(idx + s * strides[a]) }
                }
            }
            guard let bad else { continue }
            if role[idx] == .cord { cordOffenders.append(idx); cordTouches[bad, default: 0] += 1 }
            else { rootOffenders.append(idx); rootTouches[bad, default: 0] += 1 }
        }
        func touches(_ t: [String: Int]) -> String { t.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") }
        report("cord-in-sac", cordOffenders, "cord or cauda equina voxels touch tissue outside the dural sac: \(touches(cordTouches))")
        report("root-in-foramen", rootOffenders, "nerve-root voxels touch disc or tumour (a root crosses the foramen under the pedicle, above the disc): \(touches(rootTouches))")

        // The sac as one piece.
        var piece = [Int32](repeating: -1, count: role.count)
        var pieces: [[Int]] = []
        for start in 0..<role.count where isSac(role[start]) && piece[start] < 0 {
            var members: [Int] = [], stack = [start]
            piece[start] = Int32(pieces.count)
            while let p = stack.popLast() {
                members.append(p)
                let c = [p % nx, (p / nx) % ny, p / (nx * ny)]
                for a in 0..<3 { for s in [-1, 1] where c[a] + s >= 0 && c[a] + s < sizes[a] {
                    let q = p + s * strides[a]
                    if piece[q] < 0, isSac(role[q]) { piece[q] = Int32(pieces.count); stack.append(q) }
                } }
            }
            pieces.append(members)
        }
        if pieces.count > 1 {
            let largest = pieces.indices.max { pieces[$0].count < pieces[$1].count }!
            let strays = pieces.indices.filter { $0 != largest }.flatMap { pieces[$0].sorted() }
            report("sac-one-tube", strays, "\(pieces.count - 1) piece\(pieces.count == 2 ? "" : "s") of dura/CSF/cord apart from the sac (\(pieces[largest].count) voxels)")
        }

        // Cavities along z: canal runs closed by bone or disc at both ends, and disc runs.
        let h = g.spacing.z * 1000
        var cavityCandidates: [Int] = [], discOffenders: [Int] = []
        var tallestDisc = 0.0, openDiscs = 0
        let bulge = SIMD2(max(1, Int((discBulgeMm / (g.spacing.x * 1000)).rounded())), max(1, Int((discBulgeMm / (g.spacing.y * 1000)).rounded())))
        for j in 0..<ny { for i in 0..<nx {
            var k = 0
            while k < nz {
                let idx = (k * ny + j) * nx + i
                let r = role[idx]
                guard isCanal(r) || r == .disc else { k += 1; continue }
                let disc = r == .disc
                var end = k
                while end < nz, disc ? role[(end * ny + j) * nx + i] == .disc : isCanal(role[(end * ny + j) * nx + i]) { end += 1 }
                let below: Role? = k > 0 ? role[((k - 1) * ny + j) * nx + i] : nil
                let above: Role? = end < nz ? role[(end * ny + j) * nx + i] : nil
                let length = Double(end - k) * h
                let members = (k..<end).map { ($0 * ny + j) * nx + i }
                if disc {
                    // The annulus bulges past the endplate rim: bone within `discBulgeMm`
                    // in the end slice closes the column.
                    func boneNear(_ kk: Int) -> Bool {
                        guard kk >= 0, kk < nz else { return false }
                        for b in max(0, j - bulge.y)...min(ny - 1, j + bulge.y) { for a in max(0, i - bulge.x)...min(nx - 1, i + bulge.x) {
                            let r = role[(kk * ny + b) * nx + a]
                            if r == .bone || r == .tumor { return true }
                        } }
                        return false
                    }
                    let closed = (below == .bone || below == .tumor || boneNear(k - 1)) && (above == .bone || above == .tumor || boneNear(end))
                    if !closed || length > maxDiscRunMm {
                        discOffenders += members
                        tallestDisc = max(tallestDisc, length)
                        if !closed { openDiscs += 1 }
                    }
                } else if let below, let above, isHard(below), isHard(above), length <= cavityRunMm {
                    cavityCandidates += members.filter { isSac(role[$0]) }
                }
                k = end
            }
        } }
        // A z-column behind the disc of a tilted (lordotic) canal is closed by the corners
        // of the two bodies although the sac is where it belongs: candidates are checked
        // again along the canal's own axis, the direction through the sac's centroids.
        var centroid = [SIMD3<Double>?](repeating: nil, count: nz)
        if !cavityCandidates.isEmpty {
            var sums = [SIMD3<Double>](repeating: .zero, count: nz), counts = [Int](repeating: 0, count: nz)
            for idx in 0..<role.count where isSac(role[idx]) {
                let k = idx / (nx * ny)
                sums[k] += SIMD3(Double(idx % nx), Double((idx / nx) % ny), Double(k)); counts[k] += 1
            }
            for k in 0..<nz where counts[k] > 0 { centroid[k] = sums[k] / Double(counts[k]) }
        }
        let span = max(1, Int((5.0 / h).rounded()))
        func axis(_ k: Int) -> SIMD3<Double> {
            guard let a = centroid[max(0, k - span)...min(nz - 1, k + span)].compactMap({ $0 }).first,
                  let b = centroid[max(0, k - span)...min(nz - 1, k + span)].compactMap({ $0 }).last, b.z > a.z else { return SIMD3(0, 0, 1) }
            let d = (b - a) * (g.spacing * 1000)
            return d / (d * d).sum().squareRoot()
        }
        let spacingMm = g.spacing * 1000
        var cavity: [Int] = []
        for idx in cavityCandidates {
            let k = idx / (nx * ny)
            let t = axis(k)
            let start = SIMD3(Double(idx % nx), Double((idx / nx) % ny), Double(k))
            var closedEnds = 0, run = 0.0
            for sign in [-1.0, 1.0] {
                var d = 0.0
                while d <= cavityRunMm {
                    d += 0.5 * spacingMm.min()
                    let q = (start + sign * d * t / spacingMm).rounded(.toNearestOrEven)
                    guard q.x >= 0, q.y >= 0, q.z >= 0, q.x < Double(nx), q.y < Double(ny), q.z < Double(nz) else { break }
                    let r = role[(Int(q.z) * ny + Int(q.y)) * nx + Int(q.x)]
                    if isCanal(r) { continue }
                    if isHard(r) { closedEnds += 1 }
                    break
                }
                run += d
            }
            if closedEnds == 2 && run <= cavityRunMm { cavity.append(idx) }
        }
        // A dura bulging one voxel between two vertebral corners is not a cavity; canal
        // tissue painted into the disc space is: keep the voxels with `cavityDepthMm` of
        // cavity behind them (towards the canal, -y).
        let cavitySet = Set(cavity)
        let depthSteps = max(1, Int((cavityDepthMm / spacingMm.y).rounded(.up)))
        cavity = cavity.filter { idx in
            let j = (idx / nx) % ny
            return j >= depthSteps && (1...depthSteps).allSatisfy { cavitySet.contains(idx - $0 * nx) }
        }
        report("canal-behind-wall", cavity.sorted(), String(format: "dura/CSF/cord enclosed by bone or disc above and below within %.0f mm (the disc space or an endplate, in front of the posterior wall)", cavityRunMm))
        report("disc-between-bodies", discOffenders.sorted(), String(format: "disc voxels not between two endplates (%d columns open at an end) or in a column taller than %.0f mm (tallest %.1f mm)", openDiscs, maxDiscRunMm, tallestDisc))

        // Pedicle axes.
        var axes: [PedicleAxisAudit] = []
        let voxelMm = g.spacing.max() * 1000
        let canalVoxels = (0..<role.count).filter { isCanal(role[$0]) }
        let rootVoxels = (0..<role.count).filter { role[$0] == .root }
        for (side, axis) in [("pedicle_left", phantom.landmarks.pedicleLeft), ("pedicle_right", phantom.landmarks.pedicleRight)] {
            guard let axis else { continue }
            let a = axis.entry * 1000, b = axis.target * 1000
            let length = axis.length * 1000
            let samples = max(2, Int((length / (voxelMm / 4)).rounded(.up)))
            var outside = 0, firstOutside: Int?
            for m in 0...samples {
                let p = a + (b - a) * (Double(m) / Double(samples))
                let q = g.index(p / 1000).rounded(.toNearestOrEven)
                let inside = q.x >= 0 && q.y >= 0 && q.z >= 0 && q.x < Double(nx) && q.y < Double(ny) && q.z < Double(nz)
                let idx = inside ? (Int(q.z) * ny + Int(q.y)) * nx + Int(q.x) : -1
                if idx < 0 || !(role[idx] == .bone || role[idx] == .tumor) {
                    outside += 1
                    if firstOutside == nil, idx >= 0 { firstOutside = idx }
                }
            }
            let outsideMm = Double(outside) / Double(samples + 1) * length
            func clearance(_ voxels: [Int]) -> Double {
                var best = Double.infinity
                let ab = b - a, ab2 = (ab * ab).sum()
                for idx in voxels {
                    let (_, w) = where_(idx)
                    let t = max(0, min(1, ((w - a) * ab).sum() / ab2))
                    let d = w - (a + t * ab)
                    best = min(best, (d * d).sum())
                }
                return best.isFinite ? max(0, best.squareRoot() - voxelMm / 2) : .infinity
            }
            let audit = PedicleAxisAudit(side: side, lengthMm: length, outsideBoneMm: outsideMm,
                                         canalClearanceMm: clearance(canalVoxels), rootClearanceMm: clearance(rootVoxels))
            axes.append(audit)
            if outsideMm > max(axisSlackMm, voxelMm), let firstOutside {
                let (v, w) = where_(firstOutside)
                findings.append(AnatomyFinding(rule: "pedicle-axis-in-bone", count: Int(outsideMm.rounded(.up)), voxel: v, worldMm: w,
                                               detail: String(format: "%@ runs %.1f of its %.1f mm outside bone (first through %@); clearance %.1f mm to the canal",
                                                              side, outsideMm, length, tissue(firstOutside), audit.canalClearanceMm)))
            }
        }

        // Landmarks in their tissue.
        for (name, p) in phantom.landmarks.namedPoints {
            let expected: Set<Role>
            switch name {
            case "cord_anterior", "cord_posterior": expected = [.epidural]
            case "root_left", "root_right": expected = [.root]
            case "posterior_wall": expected = [.bone]
            case "tumor_center": expected = [.tumor]
            case _ where name.hasSuffix(".target"): expected = [.bone, .tumor]
            case _ where name.hasSuffix(".entry"): expected = [.bone]
            default:
                if name.contains("epidural") { expected = [.epidural] } else if name.contains("root") { expected = [.root] } else { continue }
            }
            let q = g.index(p).rounded(.toNearestOrEven)
            guard q.x >= 0, q.y >= 0, q.z >= 0, q.x < Double(nx), q.y < Double(ny), q.z < Double(nz) else { continue }
            let c = SIMD3(Int(q.x), Int(q.y), Int(q.z))
            let idx = (c.z * ny + c.y) * nx + c.x
            if expected.contains(role[idx]) { continue }
            // Grids coarser than 1 mm do not resolve the 1.5-4.5 mm epidural space (or the
            // ligament beside it): any canal wall tissue but the cord is the right place.
            if expected == [.epidural], voxelMm > 1, [.ligament, .dura, .csf].contains(role[idx]) { continue }
            // Within one voxel of the tissue, and not inside a structure that excludes it.
            let excluded: Set<Role> = expected.contains(.epidural) ? [.cord, .bone, .disc, .tumor, .muscle] : expected.contains(.root) ? [.cord, .bone, .disc] : []
            var near = false
            if !excluded.contains(role[idx]) {
                for dk in -1...1 { for dj in -1...1 { for di in -1...1 {
                    let a = c.x + di, b = c.y + dj, k = c.z + dk
                    if a >= 0, b >= 0, k >= 0, a < nx, b < ny, k < nz, expected.contains(role[(k * ny + b) * nx + a]) { near = true }
                } } }
            }
            if near { continue }
            let (v, w) = where_(idx)
            let want = expected.map { r -> String in
                switch r { case .epidural: return "epidural_fat"; case .root: return "nerve_root"; case .bone: return "bone"; case .tumor: return "tumour"; default: return "\(r)" }
            }.sorted().joined(separator: " or ")
            findings.append(AnatomyFinding(rule: "landmark-tissue", count: 1, voxel: v, worldMm: w,
                                           detail: "\(name) lies in \(tissue(idx)), not in \(want)"))
        }
        return AnatomyAudit(findings: findings, axes: axes)
    }
}
