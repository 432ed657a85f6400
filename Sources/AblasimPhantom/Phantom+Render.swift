/// Slice pictures of a phantom for checking anatomy by eye: an axial slice through the
/// pedicle axes, a midsagittal slice and a parasagittal slice along the left pedicle axis,
/// coloured by tissue, with the pedicle axes (yellow), the landmarks (white crosses) and
/// the anatomy audit's findings (red squares at each finding's first voxel); each panel
/// with its title, orientation letters and a scale bar, and a legend of the tissues.
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
    public func renderSlice(_ plane: SlicePlane, through center: SIMD3<Double>, pixelSize: Double,
                            findings: [AnatomyFinding] = []) -> RGBImage {
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
        // Findings within 3 mm of the plane: a red square of 9 pixels around the first voxel.
        for finding in findings where abs(finding.worldMm[normal] / 1000 - center[normal]) <= 3e-3 {
            let (x, y) = pixel(finding.worldMm / 1000)
            for d in -4...4 {
                for c in [(x + d, y - 4), (x + d, y + 4), (x - 4, y + d), (x + 4, y + d)] { image.set(c.0, c.1, (255, 0, 0)) }
            }
        }
        return image
    }

    /// Text size for a picture whose smaller side is `side` pixels: 1 (5 x 7 pixel letters)
    /// up to 3.
    static func textScale(forSide side: Int) -> Int { max(1, min(3, side / 250)) }

    /// Draws `text` on a dark box so it stays legible on any tissue colour.
    static func label(_ text: String, on image: inout RGBImage, x: Int, y: Int, scale: Int, color: (UInt8, UInt8, UInt8) = (255, 255, 255)) {
        let w = PixelFont.width(of: text, scale: scale), h = PixelFont.glyphHeight * scale
        for yy in (y - scale)..<(y + h + scale) { for xx in (x - scale)..<(x + w + scale) { image.set(xx, yy, (0, 0, 0)) } }
        PixelFont.draw(text, on: &image, x: x, y: y, scale: scale, color: color)
    }

    /// Title, orientation letters (at the middle of each edge: the direction the edge
    /// faces) and a scale bar (10 mm, or 5 mm in a panel under 30 mm wide) on a panel.
    static func annotate(_ panel: inout RGBImage, plane: SlicePlane, title: String, pixelSize: Double) {
        let s = textScale(forSide: min(panel.width, panel.height))
        let gh = PixelFont.glyphHeight * s, m = 2 * s
        // Axial: anterior up, the patient's right on the image left; sagittal: superior up, anterior left.
        let (top, bottom, left, right) = plane == .axial ? ("A", "P", "R", "L") : ("S", "I", "A", "P")
        label(title, on: &panel, x: m, y: m, scale: s)
        label(top, on: &panel, x: (panel.width - PixelFont.width(of: top, scale: s)) / 2, y: m, scale: s)
        label(bottom, on: &panel, x: (panel.width - PixelFont.width(of: bottom, scale: s)) / 2, y: panel.height - gh - m, scale: s)
        label(left, on: &panel, x: m, y: (panel.height - gh) / 2, scale: s)
        label(right, on: &panel, x: panel.width - PixelFont.width(of: right, scale: s) - m, y: (panel.height - gh) / 2, scale: s)
        let barMm = Double(panel.width) * pixelSize * 1000 >= 30 ? 10.0 : 5.0
        let barPixels = Int((barMm / 1000 / pixelSize).rounded())
        let y = panel.height - gh - 3 * m
        for yy in (y - s)..<(y + 2 * s) { for xx in (m - s)..<(m + barPixels + s) { panel.set(xx, yy, (0, 0, 0)) } }
        for yy in y..<(y + s) { for xx in m..<(m + barPixels) { panel.set(xx, yy, (255, 255, 255)) } }
        label(String(format: "%.0f MM", barMm), on: &panel, x: m, y: y + 3 * s, scale: s)
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
        let audit = AnatomyAudit.run(self)
        var panels = [renderSlice(.axial, through: axialCentre, pixelSize: h, findings: audit.findings),
                      renderSlice(.sagittal, through: midSagittal, pixelSize: h, findings: audit.findings),
                      renderSlice(.sagittal, through: pedicleSagittal, pixelSize: h, findings: audit.findings)]
        for (n, title) in ["axial", "midsagittal", "left pedicle"].enumerated() {
            Phantom.annotate(&panels[n], plane: n == 0 ? .axial : .sagittal, title: title, pixelSize: h)
        }
        let gap = 8
        let width = panels.map(\.width).reduce(0, +) + gap * (panels.count + 1)
        // Legend below the panels: a colour swatch and the name of every tissue present, in
        // columns, then the key to the marks and the audit's verdict.
        let s = Phantom.textScale(forSide: panels.map(\.height).max()!)
        let names = legend.values.sorted()
        let rowHeight = (PixelFont.glyphHeight + 4) * s
        let columnWidth = (names.map { PixelFont.width(of: $0, scale: s) }.max() ?? 0) + 22 * s
        let columns = max(1, (width - 2 * gap) / columnWidth)
        let rows = (names.count + columns - 1) / columns
        let verdict = audit.passed ? "anatomy audit: passed" : "anatomy audit: \(audit.findings.count) finding\(audit.findings.count == 1 ? "" : "s") (red squares): " + audit.findings.map(\.rule).joined(separator: ", ")
        let notes = ["pedicle axes yellow, landmarks white crosses", verdict]
        let legendHeight = (rows + notes.count) * rowHeight + gap
        let panelsHeight = panels.map(\.height).max()! + 2 * gap
        var out = RGBImage(width: width, height: panelsHeight + legendHeight, fill: (40, 40, 40))
        var x = gap
        for p in panels { out.paste(p, at: x, gap); x += p.width + gap }
        for (n, name) in names.enumerated() {
            let x0 = gap + (n % columns) * columnWidth, y0 = panelsHeight + (n / columns) * rowHeight
            let c = Phantom.tissueColors[name] ?? (128, 128, 128)
            for yy in y0..<(y0 + PixelFont.glyphHeight * s) { for xx in x0..<(x0 + 10 * s) { out.set(xx, yy, c) } }
            PixelFont.draw(name, on: &out, x: x0 + 13 * s, y: y0, scale: s, color: (255, 255, 255))
        }
        for (n, note) in notes.enumerated() {
            PixelFont.draw(note, on: &out, x: gap, y: panelsHeight + (rows + n) * rowHeight, scale: s,
                           color: n == 1 && !audit.passed ? (255, 90, 90) : (255, 255, 255))
        }
        return out
    }
}
