import Foundation

/// Cumulative temperature-volume histograms of the structures at risk and the target, as
/// dose-volume histograms are read in radiotherapy: for each temperature, the fraction of
/// the structure's voxels that reached it (T_max at or above it in heating; T_min at or
/// below it in cryo). Structures by tissue name: tumour (`tumor*`), spinal cord (with the
/// cauda equina), nerve roots.
struct DoseVolumeHistogram {
    struct Curve {
        var structure: String
        var voxels: Int
        /// (temperature [C], fraction of the structure 0..1), temperature increasing.
        var points: [(Double, Double)]
        /// Fraction of the structure at or beyond each reference temperature.
        var at: [Double: Double]
    }
    let curves: [Curve]
    let heating: Bool
    /// Reference temperatures of the table [C]: 42, 45, 60 (heat); 0, -20, -40 (cold).
    let references: [Double]

    static let structures: [(String, (String) -> Bool)] = [
        ("tumour", { $0.hasPrefix("tumor") }), ("spinal cord", { $0 == "spinal_cord" || $0 == "cauda_equina" }),
        ("nerve roots", { $0 == "nerve_root" }),
    ]

    init(temperature: [Float], labels: [UInt8], legend: [UInt8: String], heating: Bool) {
        self.heating = heating
        references = heating ? [42, 45, 60] : [0, -20, -40]
        var curves: [Curve] = []
        for (name, member) in DoseVolumeHistogram.structures {
            var isMember = [Bool](repeating: false, count: 256)
            for (l, tissue) in legend where member(tissue) { isMember[Int(l)] = true }
            var values: [Float] = []
            for (n, l) in labels.enumerated() where isMember[Int(l)] && temperature[n].isFinite { values.append(temperature[n]) }
            guard !values.isEmpty else { continue }
            values.sort()
            let count = Double(values.count)
            // Fraction reaching t: heating, values >= t; cold, values <= t.
            func fraction(_ t: Double) -> Double {
                let below = values.partitioningIndex { Double($0) >= t }
                if heating { return Double(values.count - below) / count }
                let atOrBelow = values.partitioningIndex { Double($0) > t }
                return Double(atOrBelow) / count
            }
            let lo = floor(Double(values.first!)), hi = ceil(Double(values.last!))
            let step = max((hi - lo) / 200, 0.05)
            var points: [(Double, Double)] = []
            var t = lo
            while t <= hi + 1e-9 { points.append((t, fraction(t))); t += step }
            curves.append(Curve(structure: name, voxels: values.count, points: points,
                                at: Dictionary(uniqueKeysWithValues: references.map { ($0, fraction($0)) })))
        }
        self.curves = curves
    }

    /// The curves as an SVG plot (fraction [%] against temperature), nil without structures.
    func svg() -> String? {
        guard !curves.isEmpty else { return nil }
        let w = TemperaturePlot.width, h = TemperaturePlot.height, m = TemperaturePlot.margin
        let tLo = min(curves.map { $0.points.first!.0 }.min()!, heating ? 37 : -60)
        let tHi = max(curves.map { $0.points.last!.0 }.max()!, heating ? 70 : 37)
        let pw = w - m.left - m.right, ph = h - m.top - m.bottom
        func px(_ t: Double) -> Double { m.left + (t - tLo) / (tHi - tLo) * pw }
        func py(_ f: Double) -> Double { m.top + (1 - f) * ph }
        var s = String(format: "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" class=\"plot\" id=\"dvh\">", w + 60, h, w + 60, h)
        let xs = TemperaturePlot.tickStep(tHi - tLo)
        var t = (tLo / xs).rounded(.up) * xs
        while t <= tHi + 1e-9 {
            s += String(format: "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" class=\"grid\"/><text x=\"%.1f\" y=\"%.1f\" class=\"tick\" text-anchor=\"middle\">%@</text>",
                        px(t), m.top, px(t), m.top + ph, px(t), m.top + ph + 14, TemperaturePlot.fmt(t))
            t += xs
        }
        for f in stride(from: 0.0, through: 1.0, by: 0.25) {
            s += String(format: "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" class=\"grid\"/><text x=\"%.1f\" y=\"%.1f\" class=\"tick\" text-anchor=\"end\">%d</text>",
                        m.left, py(f), m.left + pw, py(f), m.left - 5, py(f) + 4, Int(f * 100))
        }
        for r in references where r > tLo && r < tHi {
            s += String(format: "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" class=\"thr\"/>", px(r), m.top, px(r), m.top + ph)
        }
        s += String(format: "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" class=\"frame\"/>", m.left, m.top, pw, ph)
        s += String(format: "<text x=\"%.1f\" y=\"%.1f\" class=\"axis\" text-anchor=\"middle\">%@ [C]</text>", m.left + pw / 2, h - 4, heating ? "T_max at or above" : "T_min at or below")
        s += String(format: "<text x=\"12\" y=\"%.1f\" class=\"axis\" text-anchor=\"middle\" transform=\"rotate(-90 12 %.1f)\">volume [%%]</text>", m.top + ph / 2, m.top + ph / 2)
        let colours = ["#7b2d8e", "#2856c8", "#00a0b8"]
        for (n, c) in curves.enumerated() {
            let colour = colours[n % colours.count]
            let pts = c.points.map { String(format: "%.1f,%.1f", px($0.0), py($0.1)) }.joined(separator: " ")
            s += "<polyline points=\"\(pts)\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\"/>"
            let ky = m.top + 12 + 15 * Double(n), kx = w - m.right + 6
            s += String(format: "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%@\" stroke-width=\"2\" class=\"swatch\"/><text x=\"%.1f\" y=\"%.1f\" class=\"key\" style=\"fill:%@\">%@</text>",
                        kx, ky - 4, kx + 20, ky - 4, colour, kx + 24, ky, colour, HTML.escape(c.structure))
        }
        return s + "</svg>"
    }
}

extension Array {
    /// The first index whose element satisfies `p`, for a `p` false then true along the array.
    func partitioningIndex(where p: (Element) -> Bool) -> Int {
        var lo = 0, hi = count
        while lo < hi {
            let mid = (lo + hi) / 2
            if p(self[mid]) { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }
}
