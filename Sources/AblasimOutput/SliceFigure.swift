import Foundation
import AblasimCore
import AblasimSimulation

/// A slice figure of the report: the anatomy (tissue labels) under the temperature colour
/// map of the modality (`SliceColourMap`: T_max with the 42 and 60 C isotherms, or T_min
/// with the 0, -20 and -40 C ice edges), the ablation zone outlined, probes and
/// thermocouples marked. All vector (SVG): the raster layer is one rectangle per run of equal colour along
/// each row (the colour map is quantized to 2 C steps so runs stay long), then the
/// outlines, markers, orientation letters and a 10 mm scale bar.
struct SliceFigure {
    let view: SliceView
    /// T_max or T_min per voxel, as `map` says.
    let temperature: [Float]
    let map: SliceColourMap
    let zones: [UInt8]
    let labels: [UInt8]
    let legend: [UInt8: String]
    let probes: [RunSummary.Probe]
    let thermocouples: [RunSummary.ThermocoupleResult]

    /// Ablation zone outline colour (also used by the report's legend).
    static let ablationOutline = "#00e000"

    /// Anatomy colour of a tissue: neural structures blue/cyan, tumour purple, the rest grey levels.
    static func tissueColour(_ name: String?) -> (UInt8, UInt8, UInt8) {
        guard let n = name else { return (0, 0, 0) }
        switch n {
        case "spinal_cord": return (40, 90, 220)
        case "nerve_root", "cauda_equina": return (0, 190, 220)
        case "csf": return (70, 70, 110)
        case "dura": return (120, 120, 150)
        case "cortical_bone": return (225, 222, 210)
        case "cancellous_bone": return (175, 168, 150)
        case _ where n.hasPrefix("tumor"): return (150, 70, 160)
        case "intervertebral_disc": return (120, 130, 140)
        case "fat", "epidural_fat": return (95, 92, 75)
        case "ligament": return (110, 110, 110)
        case "muscle": return (80, 62, 62)
        default: return (90, 90, 90)
        }
    }

    /// Colour of display cell (u, v): anatomy, blended with the quantized temperature map.
    func colour(_ u: Int, _ v: Int, anatomy: [(UInt8, UInt8, UInt8)]) -> (UInt8, UInt8, UInt8) {
        let n = view.voxel(u, v)
        var c = anatomy[Int(labels[n])]
        let t = Double(temperature[n])
        if map.shows(t) {
            let hc = map.colour(t), a = 0.7
            c = (UInt8(Double(c.0) * (1 - a) + hc.0 * a), UInt8(Double(c.1) * (1 - a) + hc.1 * a), UInt8(Double(c.2) * (1 - a) + hc.2 * a))
        }
        return c
    }

    /// The raster layer: one rect per horizontal run of equal colour, cell size (sx, sy).
    func raster(sx: Double, sy: Double) -> String {
        var anatomy = [(UInt8, UInt8, UInt8)](repeating: (0, 0, 0), count: 256)
        for l in 0..<256 where legend[UInt8(l)] != nil { anatomy[l] = SliceFigure.tissueColour(legend[UInt8(l)]) }
        var s = "<g shape-rendering=\"crispEdges\">"
        var row = [(UInt8, UInt8, UInt8)](repeating: (0, 0, 0), count: view.width)
        for v in 0..<view.height {
            for u in 0..<view.width { row[u] = colour(u, v, anatomy: anatomy) }
            var u = 0
            while u < view.width {
                let c = row[u]
                var e = u + 1
                while e < view.width, row[e] == c { e += 1 }
                if c != (0, 0, 0) {
                    s += String(format: "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"#%02x%02x%02x\"/>",
                                Double(u) * sx, Double(v) * sy, Double(e - u) * sx + 0.3, sy + 0.3, c.0, c.1, c.2)
                }
                u = e
            }
        }
        return s + "</g>"
    }

    /// SVG path of the boundary of `inside` on the slice, in cell units scaled by (sx, sy).
    func outline(_ inside: (Int) -> Bool, sx: Double, sy: Double) -> String {
        let w = view.width, h = view.height
        var mask = [Bool](repeating: false, count: w * h)
        for v in 0..<h { for u in 0..<w { mask[v * w + u] = inside(view.voxel(u, v)) } }
        func at(_ u: Int, _ v: Int) -> Bool { u >= 0 && v >= 0 && u < w && v < h && mask[v * w + u] }
        var d = ""
        func seg(_ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int) {
            d += String(format: "M%.1f %.1fL%.1f %.1f", Double(x0) * sx, Double(y0) * sy, Double(x1) * sx, Double(y1) * sy)
        }
        for v in -1..<h { for u in -1..<w {
            let a = at(u, v)
            if a != at(u + 1, v), v >= 0 { seg(u + 1, v, u + 1, v + 1) }
            if a != at(u, v + 1), u >= 0 { seg(u, v + 1, u + 1, v + 1) }
        } }
        return d
    }

    /// The figure as an SVG element about `size` pixels on its longer side.
    func svg(size: Double = 420) -> String {
        let (pw, ph) = view.pixelMM
        let wmm = Double(view.width) * pw, hmm = Double(view.height) * ph
        let ppm = size / max(wmm, hmm)
        let dispW = wmm * ppm, dispH = hmm * ppm
        let sx = pw * ppm, sy = ph * ppm
        let pad = 18.0
        var s = String(format: "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" viewBox=\"%.1f %.1f %.1f %.1f\" class=\"slice\">",
                       dispW + 2 * pad, dispH + 2 * pad, -pad, -pad, dispW + 2 * pad, dispH + 2 * pad)
        s += String(format: "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#111\"/>", -pad, -pad, dispW + 2 * pad, dispH + 2 * pad)
        s += raster(sx: sx, sy: sy)
        let abl = outline({ zones[$0] == AblationZone.Label.ablated || zones[$0] == AblationZone.Label.lethalIce }, sx: sx, sy: sy)
        // The ablation outline is wider and drawn first: where it coincides with an isotherm
        // (60 C, -20 C) the isotherm's line shows inside the green one.
        s += "<path d=\"\(abl)\" stroke=\"\(SliceFigure.ablationOutline)\" stroke-width=\"3.5\" fill=\"none\" stroke-linecap=\"square\"/>"
        for iso in map.isotherms {
            let d = outline({ map.inside(Double(temperature[$0]), iso.celsius) }, sx: sx, sy: sy)
            s += "<path d=\"\(d)\" stroke=\"\(iso.colour)\" stroke-width=\"1.5\" fill=\"none\" class=\"iso\" data-celsius=\"\(TemperaturePlot.fmt(iso.celsius))\"/>"
        }
        // Labels avoid each other: the first free spot around the marker, 10 px font.
        // Scale bar, bottom left: the longest of 1, 2, 5, 10, 20 mm that fits in a third of
        // the width; its label is placed first so no marker label lands on it.
        let barMM = [20.0, 10, 5, 2, 1].first { $0 * ppm <= dispW / 3 } ?? 1
        let barText = TemperaturePlot.fmt(barMM) + " mm"
        var placed: [(x: Double, y: Double, w: Double)] = [(6, dispH - 12, 6.2 * Double(barText.count))]
        func label(_ text: String, at x: Double, _ y: Double) {
            let w = 6.2 * Double(text.count)
            let spots = [(6.0, 12.0), (6, -4), (-6 - w, 12), (-6 - w, -4), (6, 24), (-6 - w, 24), (6, -16), (-6 - w, -16)]
            // Every spot is moved inside the figure (text never clips at an edge); the first
            // that overlaps no earlier label wins.
            func clamped(_ sp: (Double, Double)) -> (Double, Double) {
                (min(max(x + sp.0, -pad + 2), dispW + pad - 2 - w), min(max(y + sp.1, -pad + 11), dispH + pad - 3))
            }
            var chosen = clamped(spots[0])
            for sp in spots {
                let (lx, ly) = clamped(sp)
                if !placed.contains(where: { abs($0.y - ly) < 11 && lx < $0.x + $0.w && $0.x < lx + w }) { chosen = (lx, ly); break }
            }
            placed.append((chosen.0, chosen.1, w))
            s += String(format: "<text x=\"%.1f\" y=\"%.1f\" class=\"lbl\">%@</text>", chosen.0, chosen.1, HTML.escape(text))
        }
        // Probes: the shaft projected onto the plane, the tip as a dot.
        // Probes more than 4 mm from the plane at both ends (the other side's probe in a
        // sagittal slice) are left out.
        let normalMM = view.grid.spacing[view.normal] * 1000
        for p in probes where p.tipMm.count == 3 && p.entryMm.count == 3 {
            let tip = view.project(SIMD3(p.tipMm[0], p.tipMm[1], p.tipMm[2]) / 1000)
            let entry = view.project(SIMD3(p.entryMm[0], p.entryMm[1], p.entryMm[2]) / 1000)
            if abs(tip.off) * normalMM > 4 && abs(entry.off) * normalMM > 4 && tip.off * entry.off > 0 { continue }
            s += String(format: "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#c8c8c8\" stroke-width=\"3\" stroke-linecap=\"round\" opacity=\"0.85\"/>",
                        entry.u * sx, entry.v * sy, tip.u * sx, tip.v * sy)
            s += String(format: "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"#ffffff\" stroke=\"#000\"/>", tip.u * sx, tip.v * sy)
            label(p.name, at: entry.u * sx, entry.v * sy)
        }
        // Thermocouples: filled when within 1.5 voxels of the plane, hollow otherwise.
        for t in thermocouples where t.positionMm.count == 3 {
            let q = view.project(SIMD3(t.positionMm[0], t.positionMm[1], t.positionMm[2]) / 1000)
            guard q.u >= 0, q.v >= 0, q.u <= Double(view.width), q.v <= Double(view.height) else { continue }
            let colour = t.flags.isEmpty ? "#7CFC00" : "#ff3030"
            let fill = abs(q.off) <= 1.5 ? colour : "none"
            s += String(format: "<rect x=\"%.1f\" y=\"%.1f\" width=\"7\" height=\"7\" fill=\"%@\" stroke=\"%@\" stroke-width=\"1.5\" transform=\"rotate(45 %.1f %.1f)\"/>",
                        q.u * sx - 3.5, q.v * sy - 3.5, fill, colour, q.u * sx, q.v * sy)
            label(t.name, at: q.u * sx, q.v * sy)
        }
        let l = view.letters
        s += String(format: "<text x=\"%.1f\" y=\"%.1f\" class=\"dir\" text-anchor=\"middle\">%@</text>", -pad / 2, dispH / 2 + 4, l.left)
        s += String(format: "<text x=\"%.1f\" y=\"%.1f\" class=\"dir\" text-anchor=\"middle\">%@</text>", dispW + pad / 2, dispH / 2 + 4, l.right)
        s += String(format: "<text x=\"%.1f\" y=\"%.1f\" class=\"dir\" text-anchor=\"middle\">%@</text>", dispW / 2, -pad / 2 + 4, l.top)
        s += String(format: "<text x=\"%.1f\" y=\"%.1f\" class=\"dir\" text-anchor=\"middle\">%@</text>", dispW / 2, dispH + pad / 2 + 4, l.bottom)
        let bar = barMM * ppm
        s += String(format: "<line x1=\"6\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#fff\" stroke-width=\"3\"/><text x=\"6\" y=\"%.1f\" class=\"lbl\">%@</text>",
                    dispH - 8, 6 + bar, dispH - 8, dispH - 12, barText)
        s += "</svg>"
        return s
    }
}
