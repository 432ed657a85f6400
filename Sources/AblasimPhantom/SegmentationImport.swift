import AblasimCore
import Foundation

/// Label numbering of the segmentation being imported.
public enum SegmentationLabelScheme: String, CaseIterable, Sendable {
    /// TotalSegmentator "total" task (v2, totalsegmentator/map_to_binary.py): vertebrae
    /// S1 = 26, L5 = 27 ... L1 = 31, T12 = 32 ... C1 = 50; spinal_cord = 79.
    case totalsegmentator
    /// VerSe challenge: C1-C7 = 1-7, T1-T12 = 8-19, L1-L5 = 20-24, L6 = 25, sacrum = 26, T13 = 28.
    case verse

    /// The label value of vertebral level `level` (e.g. "L1").
    public func label(ofLevel level: String) throws -> Int {
        let upper = level.uppercased()
        let index: Int?   // 0 = C1 ... 6 = C7, 7 = T1 ... 18 = T12, 19 = L1 ... 23 = L5
        if let n = Int(upper.dropFirst()), let first = upper.first {
            switch (first, n) {
            case ("C", 1...7): index = n - 1
            case ("T", 1...12): index = 6 + n
            case ("L", 1...5): index = 18 + n
            default: index = nil
            }
        } else { index = nil }
        guard let index else { throw PhantomError("unknown vertebral level '\(level)'; use C1-C7, T1-T12 or L1-L5") }
        switch self {
        case .totalsegmentator: return 50 - index
        case .verse: return index + 1
        }
    }

    /// The level names C1-C7, T1-T12, L1-L5, cranial first.
    public static let levelNames = (1...7).map { "C\($0)" } + (1...12).map { "T\($0)" } + (1...5).map { "L\($0)" }

    /// The levels named by `spec`: one level ("L1"), a range in either direction ("T12-L2",
    /// "L2-T12"), or a comma-separated list of levels and ranges; cranial first, each once.
    public static func levels(from spec: String) throws -> [String] {
        var out: [String] = []
        for part in spec.split(separator: ",", omittingEmptySubsequences: false).map({ $0.trimmingCharacters(in: .whitespaces).uppercased() }) {
            let ends = part.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
            let indices = ends.map { levelNames.firstIndex(of: $0) }
            guard !part.isEmpty, ends.count <= 2, indices.allSatisfy({ $0 != nil }) else {
                throw PhantomError("--levels '\(spec)' is invalid at '\(part)': give levels C1-C7, T1-T12 or L1-L5, a range such as T12-L2, a comma-separated list such as L1,L3, or all")
            }
            let a = indices.first!!, b = indices.last!!
            for n in min(a, b)...max(a, b) where !out.contains(levelNames[n]) { out.append(levelNames[n]) }
        }
        return out.sorted { levelNames.firstIndex(of: $0)! < levelNames.firstIndex(of: $1)! }
    }

    /// Label values that are vertebrae (any level, sacrum included).
    public var vertebraLabels: ClosedRange<Int> { self == .totalsegmentator ? 25...50 : 1...28 }
    /// The spinal cord label, if the scheme has one.
    public var cordLabel: Int? { self == .totalsegmentator ? 79 : nil }
}

/// Options of `ablasim phantom import`; lengths in millimetres.
public struct SegmentationImportOptions: Sendable {
    public var level: String = "L1"
    public var scheme: SegmentationLabelScheme = .totalsegmentator
    public var voxelMm: Double = 0.5
    /// Soft-tissue margin around the vertebra's bounding box [mm].
    public var marginMm: Double = 4
    /// Cortical shell thickness taken from the mask boundary [mm] (at least one voxel).
    public var corticalShellMm: Double = 1.0
    /// With a CT: bone at or above this value [HU] is cortical.
    public var corticalHU: Double = 600
    public var tumor: TumorKind = .none
    public var tumorDiameterMm: Double = 14
    public var tumorOffsetMm: SIMD3<Double> = .zero
    public var name: String?
    /// Import a level cut by the image edge (the contact is stored as a warning in the
    /// phantom) instead of refusing it.
    public var allowIncompleteLevel = false
    /// The largest phantom the import may build, in voxels.
    public var maxVoxels = 40_000_000

    public init() {}
}

/// Builds a phantom from a label segmentation (TotalSegmentator or VerSe numbering):
/// crops around one vertebra, resamples it to an isotropic RAS grid (trilinear
/// interpolation of each class indicator, threshold 1/2, so coarse masks come out smooth),
/// splits cortical from cancellous bone, fits the canal's centreline through the vertebral
/// foramina of every level (`SpinalCanalCentreline`), builds the canal contents in
/// cross-sections perpendicular to it, fills discs and foramina by rule and places the
/// landmarks from the mask geometry (Phantoms/README.md, "Import of real segmentations").
public enum SegmentationImporter {
    typealias L = PhantomLabels

    // Voxel classes after resampling.
    static let soft: UInt8 = 0, target: UInt8 = 1, otherBone: UInt8 = 2, cord: UInt8 = 3

    public static func makePhantom(segmentation seg: NIfTIImage, ct: NIfTIImage?, options o: SegmentationImportOptions,
                                   context: String = "segmentation") throws -> Phantom {
        guard o.voxelMm.isFinite, o.voxelMm >= 0.1, o.voxelMm <= 5 else {
            throw PhantomError("voxel size \(o.voxelMm) mm is invalid: use 0.1 to 5 mm")
        }
        guard o.marginMm.isFinite, o.marginMm >= 0, o.marginMm <= 50 else { throw PhantomError("margin \(o.marginMm) mm is invalid: use 0 to 50 mm") }
        guard o.corticalShellMm.isFinite, o.corticalShellMm > 0, o.corticalShellMm <= 5 else {
            throw PhantomError("cortical shell \(o.corticalShellMm) mm is invalid: use up to 5 mm")
        }
        let vertebra = try o.scheme.label(ofLevel: o.level)
        let morphometry = VertebraMorphometry.levels.first { $0.level == o.level.uppercased() }
        let inverse = try seg.inverseAffine(context: context)
        let labelMap = try SegmentationLabelMap(seg, context: context)

        // 1. Source classes (0 the vertebra, 1 another vertebra, 2 cord, 3 anything else)
        // and the bounding box of the chosen vertebra in world mm. Only the vertebra's
        // large 26-connected pieces count: stray voxels of its label elsewhere in the
        // image are segmentation noise and would stretch the crop over the whole image.
        let cordLabel = o.scheme.cordLabel
        let n = seg.dims
        var sourceClass = [UInt8](repeating: 3, count: seg.voxelCount)
        for idx in 0..<seg.voxelCount {
            let v = labelMap.label(idx)
            if v == vertebra { sourceClass[idx] = 0 }
            else if o.scheme.vertebraLabels.contains(v) { sourceClass[idx] = 1 }
            else if let cordLabel, v == cordLabel { sourceClass[idx] = 2 }
        }
        let kept = keepLargePieces(of: 0, in: &sourceClass, dims: n)
        guard kept.voxels > 0 else {
            let found = labelMap.present.filter { o.scheme.vertebraLabels.contains($0) }.sorted()
            throw PhantomError("\(context): no voxel has label \(vertebra) (\(o.level) in \(o.scheme.rawValue) numbering); vertebra labels present: \(found.isEmpty ? "none" : found.map(String.init).joined(separator: ", "))")
        }
        // A level cut by the image edge is refused (or, when allowed, flagged).
        let edges = ImageEdgeContact.faces(lo: kept.lo, hi: kept.hi, of: seg)
        var warnings: [String] = []
        if !edges.isEmpty {
            let complete = ImageEdgeContact.completeLevels(in: labelMap, scheme: o.scheme)
            let message = "\(o.level) (label \(vertebra)) is cut by the image edge: its voxels reach the \(edges.joined(separator: " and the ")) of the \(n.x)x\(n.y)x\(n.z) image, so part of the vertebra is outside the field of view"
            guard o.allowIncompleteLevel else {
                throw PhantomError("\(context): \(message); complete levels in this image: \(complete.isEmpty ? "none" : complete.joined(separator: ", ")); use --force to import it anyway (the warning is stored in the file)")
            }
            warnings.append("level-cut-by-edge: " + message)
        }
        let centreline = try SpinalCanalCentreline.fit(labels: labelMap, vertebraLabels: o.scheme.vertebraLabels, context: context)
        var (lo, hi) = seg.worldBounds(lo: kept.lo, hi: kept.hi)
        // Half a source voxel (largest axis extent) plus the margin.
        var halfVoxel = SIMD3<Double>.zero
        for r in 0..<3 { halfVoxel[r] = 0.5 * (abs(seg.affine[4 * r]) + abs(seg.affine[4 * r + 1]) + abs(seg.affine[4 * r + 2])) }
        lo -= halfVoxel + SIMD3(repeating: o.marginMm)
        hi += halfVoxel + SIMD3(repeating: o.marginMm)
        // Craniocaudally, reach the neighbours' endplates so the discs are closed by bone
        // on both sides, as in the generated phantoms.
        lo.z -= discReachMm; hi.z += discReachMm
        let h = o.voxelMm
        let dimsD = ((hi - lo) / h).rounded(.up)
        // Checked in floating point first: a hostile affine can make the box astronomically large.
        guard dimsD.x.isFinite, dimsD.y.isFinite, dimsD.z.isFinite, dimsD.x * dimsD.y * dimsD.z <= Double(o.maxVoxels) else {
            throw PhantomError(String(format: "%@: the crop around %@ is %.4g x %.4g x %.4g mm (%.4g x %.4g x %.4g voxels at %g mm), more than %d voxels; use a larger --voxel or a smaller --margin, or check the file's voxel size (the %@ gives %@ mm)",
                                      context, o.level, hi.x - lo.x, hi.y - lo.y, hi.z - lo.z, dimsD.x, dimsD.y, dimsD.z, h, o.maxVoxels,
                                      seg.transformSource, (0..<3).map { c in String(format: "%.4g", (SIMD3(seg.affine[c], seg.affine[4 + c], seg.affine[8 + c]) * SIMD3(seg.affine[c], seg.affine[4 + c], seg.affine[8 + c])).sum().squareRoot()) }.joined(separator: " x ")))
        }
        let nx = Int(dimsD.x), ny = Int(dimsD.y), nz = Int(dimsD.z)
        let first = lo + SIMD3(repeating: h / 2)
        let grid: Grid3D
        do { grid = try Grid3D(nx: nx, ny: ny, nz: nz, spacing: SIMD3(repeating: h / 1000), origin: first / 1000) } catch let e as CoreError {
            throw PhantomError("\(context): \(e.message)")
        }
        @inline(__always) func lin(_ i: Int, _ j: Int, _ k: Int) -> Int { (k * ny + j) * nx + i }
        func world(_ i: Int, _ j: Int, _ k: Int) -> SIMD3<Double> { first + SIMD3(Double(i), Double(j), Double(k)) * h }

        // 2. Resample the class indicators.
        var cls = [UInt8](repeating: soft, count: nx * ny * nz)
        for k in 0..<nz { for j in 0..<ny { for i in 0..<nx {
            let q = NIfTIImage.index(of: world(i, j, k), inverse: inverse)
            // Outside the image (or not a number): soft tissue, without an Int conversion that could trap.
            guard q.x > -1, q.y > -1, q.z > -1, q.x < Double(n.x), q.y < Double(n.y), q.z < Double(n.z) else { continue }
            let f = q.rounded(.down)
            var weights = SIMD4<Double>.zero
            let fx = q.x - f.x, fy = q.y - f.y, fz = q.z - f.z
            let i0 = Int(f.x), j0 = Int(f.y), k0 = Int(f.z)
            for c in 0..<8 {
                let ii = i0 + (c & 1), jj = j0 + ((c >> 1) & 1), kk = k0 + ((c >> 2) & 1)
                let w = (c & 1 == 1 ? fx : 1 - fx) * ((c >> 1) & 1 == 1 ? fy : 1 - fy) * ((c >> 2) & 1 == 1 ? fz : 1 - fz)
                let inside = ii >= 0 && jj >= 0 && kk >= 0 && ii < n.x && jj < n.y && kk < n.z
                weights[inside ? Int(sourceClass[(kk * n.y + jj) * n.x + ii]) : 3] += w
            }
            let c: UInt8 = weights[0] >= 0.5 ? target : weights[1] >= 0.5 ? otherBone : weights[2] >= 0.5 ? cord : soft
            cls[lin(i, j, k)] = c
        } } }

        // 3. Cortical shell: bone voxels within `shell` voxels (6-connected steps) of soft tissue.
        let shellSteps = max(1, Int((o.corticalShellMm / h).rounded()))
        var depth = [UInt8](repeating: 0, count: cls.count)   // 0 = not bone; else steps to soft (capped)
        for idx in 0..<cls.count where cls[idx] == target || cls[idx] == otherBone { depth[idx] = UInt8(min(255, shellSteps + 1)) }
        var frontier: [Int] = []
        for k in 0..<nz { for j in 0..<ny { for i in 0..<nx where depth[lin(i, j, k)] > 0 {
            var edge = i == 0 || j == 0 || k == 0 || i == nx - 1 || j == ny - 1 || k == nz - 1
            if !edge {
                edge = depth[lin(i - 1, j, k)] == 0 || depth[lin(i + 1, j, k)] == 0 || depth[lin(i, j - 1, k)] == 0
                    || depth[lin(i, j + 1, k)] == 0 || depth[lin(i, j, k - 1)] == 0 || depth[lin(i, j, k + 1)] == 0
            }
            if edge { depth[lin(i, j, k)] = 1; frontier.append(lin(i, j, k)) }
        } } }
        var step: UInt8 = 1
        while !frontier.isEmpty && Int(step) < shellSteps {
            var next: [Int] = []
            for idx in frontier {
                let i = idx % nx, j = (idx / nx) % ny, k = idx / (nx * ny)
                for (di, dj, dk) in [(-1, 0, 0), (1, 0, 0), (0, -1, 0), (0, 1, 0), (0, 0, -1), (0, 0, 1)] {
                    let a = i + di, b = j + dj, c = k + dk
                    guard a >= 0, b >= 0, c >= 0, a < nx, b < ny, c < nz else { continue }
                    let m = lin(a, b, c)
                    if depth[m] > step + 1 { depth[m] = step + 1; next.append(m) }
                }
            }
            frontier = next
            step += 1
        }
        var ctInverse: (m: [Double], t: SIMD3<Double>)?
        if let ct { ctInverse = try ct.inverseAffine(context: "--ct") }
        func hounsfield(_ p: SIMD3<Double>) -> Double {
            guard let ct, let ctInverse else { return 0 }
            let q = NIfTIImage.index(of: p, inverse: ctInverse)
            guard q.x > -1, q.y > -1, q.z > -1, q.x < Double(ct.dims.x), q.y < Double(ct.dims.y), q.z < Double(ct.dims.z) else { return -1000 }
            let f = q.rounded(.down)
            var value = 0.0, weight = 0.0
            for c in 0..<8 {
                let ii = Int(f.x) + (c & 1), jj = Int(f.y) + ((c >> 1) & 1), kk = Int(f.z) + ((c >> 2) & 1)
                guard ii >= 0, jj >= 0, kk >= 0, ii < ct.dims.x, jj < ct.dims.y, kk < ct.dims.z else { continue }
                let w = (c & 1 == 1 ? q.x - f.x : 1 - (q.x - f.x)) * ((c >> 1) & 1 == 1 ? q.y - f.y : 1 - (q.y - f.y))
                    * ((c >> 2) & 1 == 1 ? q.z - f.z : 1 - (q.z - f.z))
                value += w * ct.value((kk * ct.dims.y + jj) * ct.dims.x + ii); weight += w
            }
            return weight > 0 ? value / weight : -1000
        }
        var labels = [UInt8](repeating: L.muscle, count: cls.count)
        for k in 0..<nz { for j in 0..<ny { for i in 0..<nx {
            let idx = lin(i, j, k)
            guard depth[idx] > 0 else { continue }
            var cortical = Int(depth[idx]) <= shellSteps
            if ct != nil { cortical = depth[idx] == 1 || hounsfield(world(i, j, k)) >= o.corticalHU }
            labels[idx] = cortical ? L.corticalBone : L.cancellousBone
        } } }

        // 4. The vertebral foramen: per axial slice, soft pixels enclosed by the (closed)
        // ring of the target vertebra; the canal footprint is their union, extruded in z.
        let closeRadius = max(1, Int((3.0 / h).rounded()))
        // Holes smaller than 30 mm^2 (a canal is 150-400 mm^2) are trabecular gaps, not the
        // foramen; pixels enclosed in fewer than 30 % of the slices that have a hole are
        // dropped, so one odd slice cannot widen the canal.
        let minHolePixels = max(4, Int((30.0 / (h * h)).rounded()))
        var holeCount = [Int](repeating: 0, count: nx * ny)
        var slicesWithHole = 0
        var sliceHoles = [[Int]](repeating: [], count: nz)
        for k in 0..<nz {
            var ring = [Bool](repeating: false, count: nx * ny)
            for j in 0..<ny { for i in 0..<nx { ring[j * nx + i] = cls[lin(i, j, k)] == target } }
            guard ring.contains(true) else { continue }
            let closed = erode2D(dilate2D(ring, nx, ny, closeRadius), nx, ny, closeRadius)
            let hole = largestEnclosedRegion(closed, original: ring, nx, ny)
            if hole.count >= minHolePixels { slicesWithHole += 1; sliceHoles[k] = hole; for p in hole { holeCount[p] += 1 } }
        }
        let minCount = max(1, Int((0.3 * Double(slicesWithHole)).rounded(.up)))
        var footprint = holeCount.map { $0 >= minCount }
        if slicesWithHole == 0 {
            // Fall back on the cord label: the canal around it.
            var cordPixels = [Bool](repeating: false, count: nx * ny)
            for idx in 0..<cls.count where cls[idx] == cord { cordPixels[idx % (nx * ny)] = true }
            guard cordPixels.contains(true) else {
                throw PhantomError("\(context): cannot find the vertebral foramen of \(o.level): its posterior ring is not closed in any axial slice and there is no spinal cord label; try a finer segmentation")
            }
            footprint = dilate2D(cordPixels, nx, ny, max(1, Int((3.0 / h).rounded())))
        }
        let canalPixels = (0..<(nx * ny)).filter { footprint[$0] }
        guard !canalPixels.isEmpty else {
            throw PhantomError("\(context): cannot find the vertebral foramen of \(o.level): the ring of its posterior elements encloses no region in enough axial slices; is label \(vertebra) one vertebra?")
        }

        // 5. Body: target-vertebra voxels in front of the canal.
        var bodySum = SIMD3<Double>.zero, bodyCount = 0
        var bodyFootprint = [Bool](repeating: false, count: nx * ny)
        var bodyLo = SIMD3(repeating: Double.infinity), bodyHi = SIMD3(repeating: -Double.infinity)
        for k in 0..<nz { for j in 0..<ny { for i in 0..<nx where cls[lin(i, j, k)] == target {
            let p = world(i, j, k)
            // In front of the canal in the canal's own cross-section (a lordotic body's
            // posterior wall is not at one y for the whole crop).
            let sec = centreline.section(of: p)
            let (a, b) = centreline.halfAxes(atZ: sec.centre.z)
            guard sec.v > b, abs(sec.u) < a * 2.5 else { continue }
            bodySum += p; bodyCount += 1; bodyFootprint[j * nx + i] = true
            bodyLo = pointwiseMin(bodyLo, p); bodyHi = pointwiseMax(bodyHi, p)
        } } }
        guard bodyCount > 0 else { throw PhantomError("\(context): no vertebral body of \(o.level) in front of the canal") }
        let bodyCentre = bodySum / Double(bodyCount)

        // 6. Discs: soft voxels in the body's columns between this body and the next bone.
        let maxDisc = Int((AnatomyAudit.maxDiscRunMm / h).rounded(.down))
        for j in 0..<ny { for i in 0..<nx where bodyFootprint[j * nx + i] {
            var top = -1, bottom = nz
            for k in 0..<nz where cls[lin(i, j, k)] == target { top = max(top, k); bottom = min(bottom, k) }
            guard top >= 0 else { continue }
            for (start, dir) in [(top + 1, 1), (bottom - 1, -1)] {
                var k = start, run: [Int] = []
                while k >= 0, k < nz, run.count <= maxDisc, cls[lin(i, j, k)] == soft { run.append(lin(i, j, k)); k += dir }
                // A disc lies between two endplates: keep the run only when it ends on bone.
                if run.count <= maxDisc, k >= 0, k < nz, cls[lin(i, j, k)] == target || cls[lin(i, j, k)] == otherBone {
                    for m in run { labels[m] = L.disc }
                }
            }
        } }

        // 7. Canal contents in cross-sections perpendicular to the canal centreline: the
        // bony canal is the ellipse of the foramen's second moments (interpolated between
        // levels) plus the enclosed region of this level's ring in each slice; inside it the
        // dural sac (an ellipse inset by the epidural space), its dura, CSF, and the cord
        // from the segmentation's cord label (only inside the sac) or from the morphometry.
        let epiduralFront = 1.5, epiduralSide = 1.5, epiduralBack = morphometry?.isLumbar ?? true ? 3.5 : 2.0
        let duraThickness = max(0.5, h)
        let hasCordLabel = cls.contains(cord)
        // Distance [mm] from every voxel to the nearest bone or disc: the epidural space
        // lines the bony canal wherever the ellipse and the real canal disagree.
        var hard = [Bool](repeating: false, count: cls.count)
        for idx in 0..<cls.count where cls[idx] == target || cls[idx] == otherBone || labels[idx] == L.disc { hard[idx] = true }
        let wallDistance = chamferDistance(to: hard, nx: nx, ny: ny, nz: nz, h: h)
        let conusTip = bodyCentre.z - 0.6 * (bodyHi.z - bodyLo.z) / 2
        let zTop = first.z + Double(nz - 1) * h
        var inHole = [Bool](repeating: false, count: nx * ny)
        for k in 0..<nz {
            for p in sliceHoles[k] { inHole[p] = true }
            defer { for p in sliceHoles[k] { inHole[p] = false } }
            for j in 0..<ny { for i in 0..<nx {
                let idx = lin(i, j, k)
                guard cls[idx] == soft || cls[idx] == cord, labels[idx] != L.disc else { continue }
                let w = world(i, j, k)
                let sec = centreline.section(of: w)
                let (a, b) = centreline.halfAxes(atZ: sec.centre.z)
                let inCanal = (sec.u / a) * (sec.u / a) + (sec.v / b) * (sec.v / b) <= 1 || inHole[j * nx + i]
                guard inCanal else { continue }
                // Sac: from epiduralBack in front of the back of the canal to epiduralFront
                // behind its front, epiduralSide from each side (at least 2 mm across).
                let sacA = max(2, a - epiduralSide), sacB = max(2, b - (epiduralFront + epiduralBack) / 2)
                let sacV = (epiduralBack - epiduralFront) / 2
                let su = sec.u / sacA, sv = (sec.v - sacV) / sacB
                let wall = wallDistance[idx]
                guard su * su + sv * sv <= 1, wall > epiduralFront else { labels[idx] = L.epiduralFat; continue }
                let iu = sec.u / max(h / 2, sacA - duraThickness), iv = (sec.v - sacV) / max(h / 2, sacB - duraThickness)
                guard iu * iu + iv * iv <= 1, wall > epiduralFront + duraThickness else { labels[idx] = L.dura; continue }
                labels[idx] = L.csf
                if hasCordLabel {
                    if cls[idx] == cord { labels[idx] = L.spinalCord }
                } else if let m = morphometry, m.cordWidth > 0 {
                    var scale = 1.0
                    if m.hasConus { scale = w.z <= conusTip ? 0 : min(1, ((w.z - conusTip) / max(1, zTop - conusTip)).squareRoot()) }
                    let u = sec.u / (m.cordWidth / 2 * scale), v = (sec.v - sacV) / (m.cordDepth / 2 * scale)
                    if scale > 0, u * u + v * v <= 1 { labels[idx] = L.spinalCord }
                }
                if labels[idx] == L.csf, morphometry.map({ $0.cordWidth == 0 || $0.hasConus }) ?? !hasCordLabel {
                    let u = sec.u / max(h, sacA * 0.6), v = (sec.v - sacV) / max(h, sacB * 0.6)
                    if u * u + v * v <= 1 { labels[idx] = L.caudaEquina }
                }
            } }
        }

        // The dura closes the sac: where the cord or cauda reaches the sac's outer surface
        // (the one-voxel dura band can be stepped over by a face neighbour when the grid
        // is as coarse as the dura is thick), that voxel is dura.
        let sacLabels: Set<UInt8> = [L.dura, L.csf, L.spinalCord, L.caudaEquina]
        var surface: [Int] = []
        for idx in 0..<labels.count where labels[idx] == L.spinalCord || labels[idx] == L.caudaEquina {
            let i = idx % nx, j = (idx / nx) % ny, k = idx / (nx * ny)
            for (di, dj, dk) in [(-1, 0, 0), (1, 0, 0), (0, -1, 0), (0, 1, 0), (0, 0, -1), (0, 0, 1)] {
                let a = i + di, b = j + dj, c = k + dk
                if a >= 0, b >= 0, c >= 0, a < nx, b < ny, c < nz, !sacLabels.contains(labels[lin(a, b, c)]) { surface.append(idx); break }
            }
        }
        for idx in surface { labels[idx] = L.dura }

        // 10. Thermocouple sites by anatomy, in the midsagittal cross-section of the canal
        // nearest mid-body height: from the canal centre forwards (perpendicular to the
        // centreline) the posterior wall is the first bone; `cord_anterior` is the middle of
        // the epidural fat between the dura and that wall; backwards, `cord_posterior` the
        // middle of the posterior epidural fat.
        func labelAt(_ p: SIMD3<Double>) -> UInt8? {
            let q = ((p - first) / h).rounded(.toNearestOrEven)
            guard q.x >= 0, q.y >= 0, q.z >= 0, q.x < Double(nx), q.y < Double(ny), q.z < Double(nz) else { return nil }
            return labels[lin(Int(q.x), Int(q.y), Int(q.z))]
        }
        func isBoneLabel(_ l: UInt8?) -> Bool { l == L.corticalBone || l == L.cancellousBone }
        let canalLabels: Set<UInt8> = [L.epiduralFat, L.dura, L.csf, L.spinalCord, L.caudaEquina]
        var placed: (wall: SIMD3<Double>, anterior: SIMD3<Double>, posterior: SIMD3<Double>)?
        search: for step in 0...Int((10.0 / h).rounded()) {
            for sign in [1.0, -1.0] where step > 0 || sign > 0 {
                let c = centreline.point(atZ: bodyCentre.z + sign * Double(step) * h)
                let sec = centreline.section(of: c.centre)
                var ex = SIMD3<Double>(1, 0, 0) - sec.tangent.x * sec.tangent
                ex /= (ex * ex).sum().squareRoot()
                let t = sec.tangent
                let ey = SIMD3(t.y * ex.z - t.z * ex.y, t.z * ex.x - t.x * ex.z, t.x * ex.y - t.y * ex.x)
                let ds = h / 4
                // Forwards to the wall, remembering the epidural fat met just before it.
                var d = 0.0, fatStart: Double?, fatEnd: Double?, wallAt: Double?
                while d < 30 {
                    let l = labelAt(c.centre + d * ey)
                    if isBoneLabel(l) { wallAt = d; break }
                    guard let l, canalLabels.contains(l) else { break }
                    if l == L.epiduralFat { if fatStart == nil { fatStart = d }; fatEnd = d } else { fatStart = nil; fatEnd = nil }
                    d += ds
                }
                guard let wallAt, d >= 3 else { continue }
                let anterior = fatStart.flatMap { s in fatEnd.map { (s + $0) / 2 } } ?? max(0, wallAt - max(0.75, h))
                // Backwards to the end of the canal.
                var e = 0.0, backStart: Double?, backEnd: Double?
                while e < 30 {
                    guard let l = labelAt(c.centre - e * ey), canalLabels.contains(l) else { break }
                    if l == L.epiduralFat { if backStart == nil { backStart = e }; backEnd = e } else { backStart = nil; backEnd = nil }
                    e += ds
                }
                guard e >= 2 else { continue }
                let posterior = backStart.flatMap { s in backEnd.map { (s + $0) / 2 } } ?? max(0, e - max(1.0, h))
                var wallPoint = c.centre + (wallAt + ds) * ey
                if !isBoneLabel(labelAt(wallPoint)) { wallPoint = c.centre + wallAt * ey }
                placed = (wallPoint, c.centre + anterior * ey, c.centre - posterior * ey)
                break search
            }
        }
        guard let placed else {
            throw PhantomError("\(context): cannot place the canal thermocouples of \(o.level): along the canal centreline within 10 mm of mid-body height no cross-section has canal tissue from the back of the canal to the posterior wall")
        }
        // 8. Pedicles, trajectories, exiting roots.
        func isTargetBone(_ p: SIMD3<Double>) -> Bool {
            let q = ((p - first) / h).rounded(.toNearestOrEven)
            let i = Int(q.x), j = Int(q.y), k = Int(q.z)
            guard i >= 0, j >= 0, k >= 0, i < nx, j < ny, k < nz else { return false }
            return cls[lin(i, j, k)] == target
        }
        var axes: [PedicleAxis] = []
        var rootSites: [SIMD3<Double>] = []
        // The body depth from the posterior wall to the anterior cortex at mid-body height,
        // in the axial plane (the section's anterior axis without its craniocaudal part):
        // the targets are placed at mid-body height, and where the canal bends into the
        // sacrum its section tilts 30-40 degrees, more than the body's endplates.
        let wallSection = centreline.section(of: placed.wall)
        var midEx = SIMD3<Double>(1, 0, 0) - wallSection.tangent.x * wallSection.tangent
        midEx /= (midEx * midEx).sum().squareRoot()
        let tm = wallSection.tangent
        var midEy = SIMD3(tm.y * midEx.z - tm.z * midEx.y, tm.z * midEx.x - tm.x * midEx.z, tm.x * midEx.y - tm.y * midEx.x)
        midEy.z = 0
        midEy /= (midEy * midEy).sum().squareRoot()
        var bodyDepth = 0.0
        while bodyDepth < 80, isTargetBone(placed.wall + (bodyDepth + h / 4) * midEy) { bodyDepth += h / 4 }
        guard bodyDepth >= 10 else {
            throw PhantomError(String(format: "%@: the body of %@ is %.1f mm deep in front of the posterior wall in the axial plane (at least 10 mm expected); is the vertebra complete in the image?", context, o.level, bodyDepth))
        }
        let canalAxes = centreline.halfAxes(atZ: wallSection.centre.z)
        for s in [-1.0, 1.0] {
            // The isthmus: the narrowest section of the pedicle between the back and the
            // front of the canal (bone beside the canal, binned along the section's
            // anterior axis v); the axis passes through its centroid.
            let binCount = max(2, Int((2 * canalAxes.depth / h).rounded(.up)) + 1)
            var binSums = [SIMD3<Double>](repeating: .zero, count: binCount), binCounts = [Int](repeating: 0, count: binCount)
            for k in 0..<nz { for j in 0..<ny { for i in 0..<nx where cls[lin(i, j, k)] == target {
                let p = world(i, j, k)
                guard abs(p.z - bodyCentre.z) < 25 else { continue }
                let sec = centreline.section(of: p)
                let (a, b) = centreline.halfAxes(atZ: sec.centre.z)
                let lateral = s * sec.u
                guard lateral > a * 0.6, lateral < a + 12, sec.v >= -b, sec.v <= b else { continue }
                let bin = min(binCount - 1, max(0, Int(((sec.v + b) / (2 * b) * Double(binCount - 1)).rounded())))
                binSums[bin] += p; binCounts[bin] += 1
            } } }
            guard let fullest = binCounts.max(), fullest > 0 else {
                throw PhantomError("\(context): cannot find the \(s < 0 ? "left" : "right") pedicle of \(o.level) beside the canal")
            }
            // Sections under a third of the fullest one are the pedicle's ends (the lamina
            // junction, the body), not its waist.
            let candidates = binCounts.indices.filter { binCounts[$0] * 3 >= fullest }
            // The isthmus is the narrowest of them through which an axis stays in bone: a 3 mm
            // mask can pinch a section that is not the pedicle (a notch at the pars) whose
            // centroid lies between two bones. Candidates from the narrowest up; a wider one
            // replaces it only with a better score.
            var best: (score: Double, penalty: Double, axis: PedicleAxis, isthmus: SIMD3<Double>)?
            for waist in candidates.sorted(by: { binCounts[$0] < binCounts[$1] || (binCounts[$0] == binCounts[$1] && $0 < $1) }) {
                var isthmusSum = SIMD3<Double>.zero, isthmusCount = 0
                for bin in max(0, waist - 1)...min(binCount - 1, waist + 1) where binCounts[bin] * 3 >= fullest {
                    isthmusSum += binSums[bin]; isthmusCount += binCounts[bin]
                }
                let isthmus = isthmusSum / Double(isthmusCount)
                // Among trajectories through the isthmus converging 5-30 degrees and ending at
                // `pedicleTargetDepth` of the body depth, keep the one that stays in the
                // vertebra's bone longest (ties: target closest to 20 % of the body half-width
                // from the midline).
                for fx in stride(from: 0.0, through: 0.5, by: 0.05) {
                    var targetPoint = placed.wall + pedicleTargetDepth * bodyDepth * midEy + s * fx * (bodyHi.x - bodyLo.x) / 2 * midEx
                    targetPoint.z = 0.5 * (isthmus.z + bodyCentre.z)
                    let dir = (targetPoint - isthmus) / ((targetPoint - isthmus) * (targetPoint - isthmus)).sum().squareRoot()
                    let medial = atan2(-s * dir.x, dir.y) * 180 / .pi
                    guard medial >= 5, medial <= 30 else { continue }
                    var lastBone = isthmus, t = 0.0
                    while t < 60 {
                        t += 0.05
                        let p = isthmus - t * dir
                        if isTargetBone(p) { lastBone = p }
                        if ((lastBone - p) * (lastBone - p)).sum() > 2.25 { break }
                    }
                    let length = ((targetPoint - lastBone) * (targetPoint - lastBone)).sum().squareRoot()
                    var inside = 0
                    let samples = max(2, Int(length / 0.25))
                    for m in 0...samples where isTargetBone(lastBone + (targetPoint - lastBone) * (Double(m) / Double(samples))) { inside += 1 }
                    let score = Double(inside) / Double(samples + 1)
                    let penalty = abs(fx - 0.2)
                    if best == nil || score > best!.score + 1e-9 || (abs(score - best!.score) <= 1e-9 && penalty < best!.penalty && isthmus == best!.isthmus) {
                        best = (score, penalty, PedicleAxis(entry: lastBone / 1000, target: targetPoint / 1000), isthmus)
                    }
                }
                if let best, best.score >= 1 - 1e-9 { break }
            }
            guard let chosen = best else {
                throw PhantomError("\(context): no transpedicular trajectory converging 5-30 degrees fits the \(s < 0 ? "left" : "right") pedicle of \(o.level)")
            }
            axes.append(chosen.axis)
            let isthmus = chosen.isthmus
            // The exiting root under the pedicle: below the pedicle's lowest bone at the isthmus.
            var zBottom = isthmus.z
            while isTargetBone(SIMD3(isthmus.x, isthmus.y, zBottom - h)) && zBottom > first.z { zBottom -= h }
            // The ganglion lies in the foramen, below the pedicle and behind the disc: the
            // soft voxel nearest to 3.5 mm under the pedicle that neither is nor touches
            // disc (searched within 6 mm; ties to the first in index order).
            let guess = SIMD3(isthmus.x, isthmus.y, zBottom - 3.5)
            var site = guess
            let reach = Int((6.0 / h).rounded(.up))
            let g = ((guess - first) / h).rounded(.toNearestOrEven)
            var bestDistance = Double.infinity
            if g.x.isFinite {
                let gi = Int(g.x), gj = Int(g.y), gk = Int(g.z)
                for k in max(0, gk - reach)...max(0, min(nz - 1, gk + reach)) where k < nz {
                    for j in max(0, gj - reach)...max(0, min(ny - 1, gj + reach)) where j < ny {
                        for i in max(0, gi - reach)...max(0, min(nx - 1, gi + reach)) where i < nx {
                            let m = lin(i, j, k)
                            guard cls[m] == soft, labels[m] != L.disc else { continue }
                            let d = world(i, j, k) - guess
                            let dd = (d * d).sum()
                            guard dd < bestDistance else { continue }
                            let touchesDisc = [(-1, 0, 0), (1, 0, 0), (0, -1, 0), (0, 1, 0), (0, 0, -1), (0, 0, 1)].contains { o in
                                let a = i + o.0, b = j + o.1, c = k + o.2
                                return a >= 0 && b >= 0 && c >= 0 && a < nx && b < ny && c < nz && labels[lin(a, b, c)] == L.disc
                            }
                            if !touchesDisc { bestDistance = dd; site = world(i, j, k) }
                        }
                    }
                }
            }
            let start = centreline.point(atZ: zBottom + 3).centre
            let startHalfWidth = centreline.halfAxes(atZ: zBottom + 3).width
            let path = [start + SIMD3(s * max(0, startHalfWidth - 3), (epiduralBack - epiduralFront) / 2, 0), site,
                        SIMD3(isthmus.x + s * 12, placed.wall.y + 6, zBottom - 14)]
            rootSites.append(site)
            paintRoot(path, radius: 1.8, labels: &labels, cls: cls, first: first, h: h, nx: nx, ny: ny, nz: nz)
        }

        // Perineural fat keeps the roots off the discs (the exiting root crosses the
        // foramen above the disc, in fat).
        for idx in 0..<labels.count where labels[idx] == L.nerveRoot {
            let i = idx % nx, j = (idx / nx) % ny, k = idx / (nx * ny)
            for (di, dj, dk) in [(-1, 0, 0), (1, 0, 0), (0, -1, 0), (0, 1, 0), (0, 0, -1), (0, 0, 1)] {
                let a = i + di, b = j + dj, c = k + dk
                if a >= 0, b >= 0, c >= 0, a < nx, b < ny, c < nz, labels[lin(a, b, c)] == L.disc { labels[idx] = L.epiduralFat; break }
            }
        }

        // 9. Optional tumour in the body.
        var tumorCentre: SIMD3<Double>?
        if let tumorLabel = o.tumor.label {
            let r = o.tumorDiameterMm / 2
            // 40 % of the body depth in front of the posterior wall, mid-body height (as generated).
            var c = placed.wall + 0.4 * bodyDepth * midEy
            c.z = bodyCentre.z
            c += o.tumorOffsetMm
            for k in 0..<nz { for j in 0..<ny { for i in 0..<nx where cls[lin(i, j, k)] == target {
                let d = world(i, j, k) - c
                if (d * d).sum() <= r * r { labels[lin(i, j, k)] = tumorLabel }
            } } }
            tumorCentre = c / 1000
        }

        let sites: [String: SIMD3<Double>] = [
            "cord_anterior": placed.anterior / 1000,
            "cord_posterior": placed.posterior / 1000,
            "root_left": rootSites[0] / 1000,
            "root_right": rootSites[1] / 1000,
            "posterior_wall": placed.wall / 1000,
        ]
        let name = o.name ?? "\(o.level.uppercased())-real"
        var phantom = Phantom(name: name, grid: grid, labels: labels, legend: PhantomLabels.legend(for: labels),
                              landmarks: Landmarks(pedicleLeft: axes[0], pedicleRight: axes[1], tumorCenter: tumorCentre, sites: sites))
        phantom.auditWarnings = warnings
        try phantom.validate(context: "\(context) import")
        return phantom
    }

    /// The levels of `scheme` in `segmentation` that no image edge cuts, caudal first.
    public static func completeLevels(in segmentation: NIfTIImage, scheme: SegmentationLabelScheme, context: String = "segmentation") throws -> [String] {
        ImageEdgeContact.completeLevels(in: try SegmentationLabelMap(segmentation, context: context), scheme: scheme)
    }

    /// How far beyond the vertebra's bounding box the crop reaches craniocaudally [mm], so
    /// that the neighbours' endplates close the discs: a lumbar disc is at most 12-15 mm
    /// tall (Zhou et al. 2000, Phantoms/README reference 4).
    static let discReachMm = 14.0
    /// Where a transpedicular target lies: this fraction of the body depth in front of the
    /// posterior wall (the anterior half, as in the generated phantoms; Phantoms/README.md).
    static let pedicleTargetDepth = 0.62

    /// Chamfer distance [mm] from each voxel to the nearest `target` voxel (0 on them),
    /// two raster passes over the 26-neighbourhood with weights h, h sqrt 2, h sqrt 3
    /// (within 8 % of the Euclidean distance; Borgefors 1984, Distance transformations in
    /// arbitrary dimensions, CVGIP 27:321-345).
    static func chamferDistance(to target: [Bool], nx: Int, ny: Int, nz: Int, h: Double) -> [Double] {
        var d = target.map { $0 ? 0.0 : Double.infinity }
        var forward: [(Int, Int, Int, Double)] = []
        for dk in -1...0 { for dj in -1...1 { for di in -1...1 {
            let order = (dk * 3 + dj) * 3 + di
            guard order < 0 else { continue }
            forward.append((di, dj, dk, h * Double(abs(di) + abs(dj) + abs(dk)).squareRoot()))
        } } }
        for pass in 0..<2 {
            let sign = pass == 0 ? 1 : -1
            for kk in 0..<nz { for jj in 0..<ny { for ii in 0..<nx {
                let i = pass == 0 ? ii : nx - 1 - ii, j = pass == 0 ? jj : ny - 1 - jj, k = pass == 0 ? kk : nz - 1 - kk
                let idx = (k * ny + j) * nx + i
                var v = d[idx]
                guard v > 0 else { continue }
                for (di, dj, dk, w) in forward {
                    let a = i + sign * di, b = j + sign * dj, c = k + sign * dk
                    guard a >= 0, b >= 0, c >= 0, a < nx, b < ny, c < nz else { continue }
                    v = min(v, d[(c * ny + b) * nx + a] + w)
                }
                d[idx] = v
            } } }
        }
        return d
    }

    static func paintRoot(_ path: [SIMD3<Double>], radius: Double, labels: inout [UInt8], cls: [UInt8], first: SIMD3<Double>,
                          h: Double, nx: Int, ny: Int, nz: Int) {
        let fatRadius = radius + 1.5
        for s in 0..<(path.count - 1) {
            let a = path[s], b = path[s + 1], ab = b - a
            let lo = pointwiseMin(a, b) - SIMD3(repeating: fatRadius), hi = pointwiseMax(a, b) + SIMD3(repeating: fatRadius)
            let i0 = max(0, Int(((lo.x - first.x) / h).rounded(.down))), i1 = min(nx - 1, Int(((hi.x - first.x) / h).rounded(.up)))
            let j0 = max(0, Int(((lo.y - first.y) / h).rounded(.down))), j1 = min(ny - 1, Int(((hi.y - first.y) / h).rounded(.up)))
            let k0 = max(0, Int(((lo.z - first.z) / h).rounded(.down))), k1 = min(nz - 1, Int(((hi.z - first.z) / h).rounded(.up)))
            guard i0 <= i1, j0 <= j1, k0 <= k1 else { continue }
            for k in k0...k1 { for j in j0...j1 { for i in i0...i1 {
                let idx = (k * ny + j) * nx + i
                guard cls[idx] == soft else { continue }
                let current = labels[idx]
                guard current == L.muscle || current == L.epiduralFat || current == L.fat || current == L.nerveRoot else { continue }
                let p = first + SIMD3(Double(i), Double(j), Double(k)) * h
                let t = max(0, min(1, ((p - a) * ab).sum() / (ab * ab).sum()))
                let d = p - (a + t * ab)
                let dist = (d * d).sum().squareRoot()
                if dist <= radius { labels[idx] = L.nerveRoot } else if dist <= fatRadius, current == L.muscle { labels[idx] = L.epiduralFat }
            } } }
        }
    }

    // MARK: 2-D morphology on one axial slice (row-major, x fastest)

    static func dilate2D(_ m: [Bool], _ nx: Int, _ ny: Int, _ r: Int) -> [Bool] {
        var out = m
        for j in 0..<ny { for i in 0..<nx where m[j * nx + i] {
            for dj in -r...r { for di in -r...r where di * di + dj * dj <= r * r {
                let a = i + di, b = j + dj
                if a >= 0, b >= 0, a < nx, b < ny { out[b * nx + a] = true }
            } }
        } }
        return out
    }

    static func erode2D(_ m: [Bool], _ nx: Int, _ ny: Int, _ r: Int) -> [Bool] {
        let inverted = dilate2D(m.map { !$0 }, nx, ny, r)
        return inverted.map { !$0 }
    }

    /// The largest 4-connected region of pixels that are outside `closed` and not reachable
    /// from the slice border, restricted to pixels outside `original`.
    static func largestEnclosedRegion(_ closed: [Bool], original: [Bool], _ nx: Int, _ ny: Int) -> [Int] {
        var state = [UInt8](repeating: 0, count: nx * ny)   // 0 unvisited, 1 outside, 2 labelled
        var stack: [Int] = []
        for i in 0..<nx { stack += [i, (ny - 1) * nx + i] }
        for j in 0..<ny { stack += [j * nx, j * nx + nx - 1] }
        while let p = stack.popLast() {
            guard state[p] == 0, !closed[p] else { continue }
            state[p] = 1
            let i = p % nx, j = p / nx
            if i > 0 { stack.append(p - 1) }
            if i < nx - 1 { stack.append(p + 1) }
            if j > 0 { stack.append(p - nx) }
            if j < ny - 1 { stack.append(p + nx) }
        }
        var best: [Int] = []
        for start in 0..<(nx * ny) where state[start] == 0 && !closed[start] {
            var region: [Int] = []
            stack = [start]
            while let p = stack.popLast() {
                guard state[p] == 0, !closed[p] else { continue }
                state[p] = 2
                region.append(p)
                let i = p % nx, j = p / nx
                if i > 0 { stack.append(p - 1) }
                if i < nx - 1 { stack.append(p + 1) }
                if j > 0 { stack.append(p - nx) }
                if j < ny - 1 { stack.append(p + nx) }
            }
            if region.count > best.count { best = region }
        }
        return best.filter { !original[$0] }
    }

    /// City-block distance (in pixels, 1 at the edge) from each `inside` pixel to the nearest outside pixel.
    static func distanceToOutside2D(_ inside: [Bool], _ nx: Int, _ ny: Int) -> [Int] {
        var d = inside.map { $0 ? Int.max : 0 }
        for j in 0..<ny { for i in 0..<nx where inside[j * nx + i] {
            var v = d[j * nx + i]
            v = min(v, (i > 0 ? d[j * nx + i - 1] : 0) + 1)
            v = min(v, (j > 0 ? d[(j - 1) * nx + i] : 0) + 1)
            d[j * nx + i] = v
        } }
        for j in stride(from: ny - 1, through: 0, by: -1) { for i in stride(from: nx - 1, through: 0, by: -1) where inside[j * nx + i] {
            var v = d[j * nx + i]
            v = min(v, (i < nx - 1 ? d[j * nx + i + 1] : 0) + 1)
            v = min(v, (j < ny - 1 ? d[(j + 1) * nx + i] : 0) + 1)
            d[j * nx + i] = v
        } }
        return d
    }
}
