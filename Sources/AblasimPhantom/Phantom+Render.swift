/// Slice pictures of a phantom for checking anatomy by eye: an axial slice through the
/// pedicle axes, a midsagittal slice and a parasagittal slice along the left pedicle axis,
/// coloured by tissue, with the pedicle axes (yellow) and the landmarks (white crosses).
extension Phantom {
    /// Display colour of each tissue name (unknown names grey).
    public static let tissueColors: [String: (UInt8, UInt8, UInt8)] = [
        "muscle": (176, 70, 60), "fat": (240, 220, 130), "cortical_bone": (250, 250, 245),
        "cancellous_bone": (205, 185, 150), "red_marrow": (190, 120, 110), "intervertebral_disc": (80, 140, 200),
        "ligament": (120, 180, 120), "epidural_fat": (255, 200, 60), "dura": (30, 90, 40), "csf": (60, 200, 255),
        "spinal_cord": (255, 130, 200), "cauda_equina": (200, 90, 230), "nerve_root": (150, 0, 200),
        "tumor_lytic": (230, 20, 30), "tumor_blastic": (120, 20, 20), "tumor_metastasis": (230, 20, 30),
        "blood": (150, 0, 0), "carbon_dioxide": (20, 20, 20), "dextrose_5pct": (0, 120, 255),
    ]

    /// Which world plane a slice shows.
    public enum SlicePlane: Sendable { case axial, sagittal }

    /// A slice through world point `center` [m], sampled on a world-aligned pixel grid of
    /// `pixelSize` [m] (nearest voxel), so any grid orientation renders upright: axial
    /// slices show anterior up and the patient's left on the image right (radiological
    /// convention); sagittal slices show superior up and anterior to the left.
    public func renderSlice(_ plane: SlicePlane, through center: SIMD3<Double>, pixelSize: Double) -> RGBImage {
        let corners = (0..<8).map { c -> SIMD3<Double> in
            grid.world(SIMD3(c & 1 == 0 ? -0.5 : Double(grid.nx) - 0.5,
                             c & 2 == 0 ? -0.5 : Double(grid.ny) - 0.5,
                             c & 4 == 0 ? -0.5 : Double(grid.nz) - 0.5))
        }
        let lo = corners.reduce(SIMD3(repeating: Double.infinity)) { pointwiseMin($0, $1) }
        let hi = corners.reduce(SIMD3(repeating: -Double.infinity)) { pointwiseMax($0, $1) }
        // (u, v) image axes in world: u to the right of the picture, v downwards.
        let (uAxis, vAxis, uRange, vRange): (Int, Int, (Double, Double), (Double, Double)) = plane == .axial
            ? (0, 1, (hi.x, lo.x), (hi.y, lo.y))
            : (1, 2, (hi.y, lo.y), (hi.z, lo.z))
        let width = max(1, Int(((uRange.1 - uRange.0).magnitude / pixelSize).rounded()))
        let height = max(1, Int(((vRange.1 - vRange.0).magnitude / pixelSize).rounded()))
        var image = RGBImage(width: width, height: height, fill: (0, 0, 0))
        // Both views run u from the high world coordinate down (patient right, anterior).
        let uSign = -1.0
        for py in 0..<height {
            for px in 0..<width {
                var p = center
                p[uAxis] = uRange.0 + uSign * (Double(px) + 0.5) * pixelSize
                p[vAxis] = vRange.0 - (Double(py) + 0.5) * pixelSize
                if let name = tissueName(atWorld: p) {
                    image.set(px, py, Phantom.tissueColors[name] ?? (128, 128, 128))
                }
            }
        }
        func pixel(_ p: SIMD3<Double>) -> (Int, Int) {
            (Int(((p[uAxis] - uRange.0) * uSign / pixelSize).rounded(.down)), Int(((vRange.0 - p[vAxis]) / pixelSize).rounded(.down)))
        }
        for axis in [landmarks.pedicleLeft, landmarks.pedicleRight].compactMap({ $0 }) {
            image.line(from: pixel(axis.entry), to: pixel(axis.target), color: (255, 255, 0))
        }
        let normal = plane == .axial ? 2 : 0
        for (_, p) in landmarks.namedPoints where abs(p[normal] - center[normal]) <= 3e-3 {
            let (x, y) = pixel(p)
            for d in -3...3 { image.set(x + d, y, (255, 255, 255)); image.set(x, y + d, (255, 255, 255)) }
        }
        return image
    }

    /// The three-panel picture of `phantom render`: axial through the pedicle axes,
    /// midsagittal, and parasagittal along the left pedicle axis, side by side.
    public func renderOverview(pixelSize: Double? = nil) -> RGBImage {
        let h = pixelSize ?? min(grid.spacing.x, grid.spacing.y, grid.spacing.z) / 3
        let axes = [landmarks.pedicleLeft, landmarks.pedicleRight].compactMap { $0 }
        let centre = grid.world(SIMD3(Double(grid.nx - 1), Double(grid.ny - 1), Double(grid.nz - 1)) / 2)
        var axialCentre = centre, midSagittal = centre, pedicleSagittal = centre
        if !axes.isEmpty {
            let pts = axes.flatMap { [$0.entry, $0.target] }
            axialCentre = pts.reduce(.zero, +) / Double(pts.count)
            midSagittal.x = axialCentre.x
        }
        if let l = landmarks.pedicleLeft { pedicleSagittal.x = (l.entry.x + l.target.x) / 2 }
        let panels = [renderSlice(.axial, through: axialCentre, pixelSize: h),
                      renderSlice(.sagittal, through: midSagittal, pixelSize: h),
                      renderSlice(.sagittal, through: pedicleSagittal, pixelSize: h)]
        let gap = 8
        var out = RGBImage(width: panels.map(\.width).reduce(0, +) + gap * (panels.count + 1),
                           height: panels.map(\.height).max()! + 2 * gap, fill: (40, 40, 40))
        var x = gap
        for p in panels { out.paste(p, at: x, gap); x += p.width + gap }
        return out
    }
}
