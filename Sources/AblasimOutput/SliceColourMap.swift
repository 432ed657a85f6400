import Foundation

/// The temperature layer of a report slice, by modality: heating runs show T_max from 39 C
/// (dark red) to 90 C (pale yellow) with the 42 C (neural injury onset) and 60 C (instant
/// coagulation) isotherms; cryo shows T_min from 30 C (pale blue) down to -60 C (navy) with
/// the 0 C (ice front), -20 C (lethal ice, Hsu 2014 / Popken 2003) and -40 C (certain
/// death) isotherms; thresholds as in ../shared/data/damage-and-thresholds.md.
struct SliceColourMap {
    /// "T_max" or "T_min".
    let quantity: String
    /// Colour range [C]; the map shows voxels on the treated side of `shownFrom`.
    let low: Double, high: Double
    let stops: [(Double, (Double, Double, Double))]
    /// Isotherms drawn as outlines: temperature, colour, the name in the legend.
    let isotherms: [(celsius: Double, colour: String, name: String)]
    /// True: heating (voxels at or above an isotherm are inside); false: cold.
    let heating: Bool
    /// Colour bar ticks [C].
    let ticks: [Double]

    static let heat = SliceColourMap(
        quantity: "T_max", low: 39, high: 90,
        stops: [(0, (120, 0, 0)), (0.35, (230, 30, 0)), (0.7, (255, 150, 0)), (1, (255, 245, 170))],
        isotherms: [(42, "#ffd400", "yellow"), (60, "#ffffff", "white")], heating: true, ticks: [39, 50, 60, 70, 80, 90])

    static let cold = SliceColourMap(
        quantity: "T_min", low: -60, high: 30,
        stops: [(0, (20, 20, 90)), (0.33, (30, 80, 200)), (0.67, (80, 180, 240)), (1, (200, 240, 255))],
        isotherms: [(0, "#ffffff", "white"), (-20, "#00e5ff", "cyan"), (-40, "#ff60ff", "magenta")], heating: false,
        ticks: [-60, -40, -20, 0, 10, 30])

    static func forModality(_ modality: String) -> SliceColourMap { modality == "cryo" ? .cold : .heat }

    /// True when the map colours a voxel at `t` (warmer than 39 C, or colder than 30 C).
    func shows(_ t: Double) -> Bool { heating ? t >= low : t <= high }

    /// True when `t` is on the treated side of isotherm `celsius`.
    func inside(_ t: Double, _ celsius: Double) -> Bool { heating ? t >= celsius : t <= celsius }

    /// The colour of `t`, quantized to 2 C steps (long runs of equal colour in the SVG).
    func colour(_ t: Double) -> (Double, Double, Double) {
        let q = low + ((min(max(t, low), high) - low) / 2).rounded(.down) * 2
        return continuous(q)
    }

    func continuous(_ t: Double) -> (Double, Double, Double) {
        let f = min(max((t - low) / (high - low), 0), 1)
        for s in 1..<stops.count where f <= stops[s].0 {
            let (a, ca) = stops[s - 1], (b, cb) = stops[s]
            let w = (f - a) / (b - a)
            return (ca.0 + w * (cb.0 - ca.0), ca.1 + w * (cb.1 - ca.1), ca.2 + w * (cb.2 - ca.2))
        }
        return stops.last!.1
    }

    /// A horizontal colour bar with ticks and the isotherms marked, as SVG.
    func colourBar(width: Double = 420) -> String {
        let h = 14.0, top = 4.0, left = 10.0, w = width - 2 * left
        var s = String(format: "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"44\" viewBox=\"0 0 %.0f 44\" id=\"colourbar\" class=\"colourbar\">", width, width)
        s += "<defs><linearGradient id=\"cbar-\(quantity)\" x1=\"0\" x2=\"1\" y1=\"0\" y2=\"0\">"
        for (f, c) in stops { s += String(format: "<stop offset=\"%.3f\" stop-color=\"rgb(%d,%d,%d)\"/>", f, Int(c.0), Int(c.1), Int(c.2)) }
        s += "</linearGradient></defs>"
        s += String(format: "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"url(#cbar-%@)\" stroke=\"#444\"/>", left, top, w, h, quantity)
        func x(_ t: Double) -> Double { left + (t - low) / (high - low) * w }
        for iso in isotherms {
            s += String(format: "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#000\" stroke-width=\"3\"/>", x(iso.celsius), top - 2, x(iso.celsius), top + h + 2)
            s += String(format: "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%@\" stroke-width=\"1.5\"/>", x(iso.celsius), top - 2, x(iso.celsius), top + h + 2, iso.colour)
        }
        for t in ticks {
            let anchor = t == ticks.first ? "start" : (t == ticks.last ? "end" : "middle")
            s += String(format: "<text x=\"%.1f\" y=\"%.1f\" class=\"cbt\" text-anchor=\"%@\">%@</text>", x(t), top + h + 13, anchor, TemperaturePlot.fmt(t))
        }
        s += String(format: "<text x=\"%.1f\" y=\"%.1f\" class=\"cbt\" text-anchor=\"end\">%@ [C]</text>", left + w, 42.0, quantity)
        return s + "</svg>"
    }
}
