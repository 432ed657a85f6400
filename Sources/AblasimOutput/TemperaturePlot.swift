import Foundation
import AblasimSimulation
import AblasimPhysics

/// SVG line plots for the report: temperature against time per thermocouple with the heat
/// (and, when the curve goes cold, cold) threshold bands, the first crossings marked, and
/// the interlock trip; and the generator's power, impedance and probe temperature per channel.
enum TemperaturePlot {
    static let width = 640.0, height = 250.0
    static let margin = (left: 52.0, right: 64.0, top: 14.0, bottom: 36.0)

    /// "Nice" tick step for a range: 1, 2 or 5 times a power of ten, about `count` ticks.
    static func tickStep(_ span: Double, count: Double = 6) -> Double {
        guard span > 0, span.isFinite else { return 1 }
        let raw = span / count
        let p = pow(10, floor(log10(raw)))
        for m in [1.0, 2, 5, 10] where m * p >= raw { return m * p }
        return 10 * p
    }

    static func fmt(_ x: Double) -> String {
        abs(x - x.rounded()) < 1e-9 ? String(Int(x.rounded())) : String(format: "%.3g", x)
    }

    /// Frame, ticks and axis titles; returns the coordinate maps.
    private static func frame(_ s: inout String, x: ClosedRange<Double>, y: ClosedRange<Double>, yTitle: String)
    -> (px: (Double) -> Double, py: (Double) -> Double) {
        let pw = width - margin.left - margin.right, ph = height - margin.top - margin.bottom
        let px = { (t: Double) in margin.left + (t - x.lowerBound) / (x.upperBound - x.lowerBound) * pw }
        let py = { (v: Double) in margin.top + (y.upperBound - v) / (y.upperBound - y.lowerBound) * ph }
        let xs = tickStep(x.upperBound - x.lowerBound), ys = tickStep(y.upperBound - y.lowerBound, count: 5)
        var t = (x.lowerBound / xs).rounded(.up) * xs
        while t <= x.upperBound + 1e-9 {
            s += String(format: "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" class=\"grid\"/>", px(t), margin.top, px(t), margin.top + ph)
            s += String(format: "<text x=\"%.1f\" y=\"%.1f\" class=\"tick\" text-anchor=\"middle\">%@</text>", px(t), margin.top + ph + 14, fmt(t))
            t += xs
        }
        var v = (y.lowerBound / ys).rounded(.up) * ys
        while v <= y.upperBound + 1e-9 {
            s += String(format: "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" class=\"grid\"/>", margin.left, py(v), margin.left + pw, py(v))
            s += String(format: "<text x=\"%.1f\" y=\"%.1f\" class=\"tick\" text-anchor=\"end\">%@</text>", margin.left - 5, py(v) + 4, fmt(v))
            v += ys
        }
        s += String(format: "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" class=\"frame\"/>", margin.left, margin.top, pw, ph)
        s += String(format: "<text x=\"%.1f\" y=\"%.1f\" class=\"axis\" text-anchor=\"middle\">time [s]</text>", margin.left + pw / 2, height - 4)
        s += String(format: "<text x=\"12\" y=\"%.1f\" class=\"axis\" text-anchor=\"middle\" transform=\"rotate(-90 12 %.1f)\">%@</text>",
                    margin.top + ph / 2, margin.top + ph / 2, yTitle)
        return (px, py)
    }

    private static func polyline(_ times: [Double], _ values: [Double], px: (Double) -> Double, py: (Double) -> Double,
                                 colour: String, width w: Double = 2) -> String {
        let step = max(1, times.count / 1500)
        var indices = Array(Swift.stride(from: 0, to: times.count, by: step))
        if let l = indices.last, l != times.count - 1 { indices.append(times.count - 1) }
        var pts = ""
        for i in indices where values[i].isFinite { pts += String(format: "%.1f,%.1f ", px(times[i]), py(values[i])) }
        return "<polyline points=\"\(pts)\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"\(w)\" stroke-linejoin=\"round\"/>"
    }

    /// The temperature plot of one thermocouple.
    static func thermocouple(times: [Double], values: [Double], result: RunSummary.ThermocoupleResult?,
                             interlock: RunSummary.Interlock?, duration: Double) -> String {
        let finite = values.filter(\.isFinite)
        let lo0 = min(finite.min() ?? 37, 35), hi0 = max(finite.max() ?? 37, 48)
        let heat = (result?.crossingsS.keys.compactMap(Double.init) ?? [42, 45, 60, 80]).sorted()
        let cold = (result?.coldCrossingsS.keys.compactMap(Double.init) ?? [10, 0, -20]).sorted(by: >)
        let showCold = lo0 < 20
        // A cold curve shows every cold threshold (and the lethal band below the last one).
        let lo = showCold ? min(floor((lo0 - 3) / 5) * 5, (cold.min() ?? lo0) - 5) : floor(lo0 / 5) * 5
        let hi = ceil((hi0 + 2) / 5) * 5
        let t1 = max(duration, times.last ?? 0, 1e-9)
        var s = String(format: "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" class=\"plot\">", width, height, width, height)
        let pw = width - margin.left - margin.right
        func band(_ a: Double, _ b: Double, _ colour: String, py: (Double) -> Double) {
            let y0 = max(min(a, b), lo), y1 = min(max(a, b), hi)
            guard y1 > y0 else { return }
            s += String(format: "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%@\"/>", margin.left, py(y1), pw, py(y0) - py(y1), colour)
        }
        // Bands first (under the grid), with a throwaway frame for the maps.
        var scratch = ""
        let maps = frame(&scratch, x: 0...t1, y: lo...hi, yTitle: "")
        let heatColours = ["#fff4c2", "#ffd9a8", "#ffb3a3", "#f08080"]
        for (n, a) in heat.enumerated() { band(a, n + 1 < heat.count ? heat[n + 1] : hi, heatColours[min(n, 3)], py: maps.py) }
        if showCold {
            let coldColours = ["#dcecff", "#b8d6ff", "#8fb8f5"]
            for (n, a) in cold.enumerated() { band(n + 1 < cold.count ? cold[n + 1] : lo, a, coldColours[min(n, 2)], py: maps.py) }
        }
        let (px, py) = frame(&s, x: 0...t1, y: lo...hi, yTitle: "temperature [C]")
        for a in heat + (showCold ? cold : []) where a > lo && a < hi {
            s += String(format: "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" class=\"thr\"/>", margin.left, py(a), margin.left + pw, py(a))
            s += String(format: "<text x=\"%.1f\" y=\"%.1f\" class=\"thrl\">%@ C</text>", margin.left + pw + 4, py(a) + 4, fmt(a))
        }
        if let il = interlock, let tr = il.trippedS {
            s += String(format: "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" class=\"trip\"/>", px(tr), margin.top, px(tr), height - margin.bottom)
            s += String(format: "<text x=\"%.1f\" y=\"%.1f\" class=\"tripl\">interlock %.1f s</text>", px(tr) + 3, margin.top + 11, tr)
        }
        s += polyline(times, values, px: px, py: py, colour: "#1f3a93")
        // First crossings: a dot on the threshold line and the time.
        var marks: [(Double, Double)] = []
        for (k, v) in result?.crossingsS ?? [:] { if let v, let th = Double(k) { marks.append((th, v)) } }
        for (k, v) in result?.coldCrossingsS ?? [:] { if let v, let th = Double(k) { marks.append((th, v)) } }
        // Labels stay inside the plot area (moved left of the mark near the right edge) and
        // step up past earlier labels they would overlap.
        var placed: [(x: Double, y: Double, w: Double)] = []
        for (th, t) in marks.sorted(by: { $0.1 < $1.1 }) where th >= lo && th <= hi {
            s += String(format: "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" class=\"cross\"/>", px(t), py(th), px(t), height - margin.bottom)
            s += String(format: "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" class=\"crossdot\"/>", px(t), py(th))
            let label = "\(fmt(th)) C at " + String(format: "%.1f", t) + " s"
            let w = 6.0 * Double(label.count)
            let x = px(t) + 5 + w > margin.left + pw ? px(t) - 5 - w : px(t) + 5
            var y = max(py(th) - 5, margin.top + 11)
            let lowest = height - margin.bottom - 3
            for _ in 0..<12 where placed.contains(where: { abs($0.y - y) < 11 && x < $0.x + $0.w && $0.x < x + w }) {
                y = y + 11 <= lowest ? y + 11 : margin.top + 11
            }
            placed.append((x, y, w))
            s += String(format: "<text x=\"%.1f\" y=\"%.1f\" class=\"crossl\">%@</text>", x, y, label)
        }
        s += "</svg>"
        return s
    }

    /// Colours of the generator channels, in channel order.
    static let channelColours = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#8c564b", "#e377c2"]

    /// One generator quantity per channel against time (power, impedance, probe
    /// temperature), nil when no channel has it. The y range always holds 0 for power, so a
    /// negative (cryo: heat extracted) power shows below the zero line. Each channel's key
    /// (a line swatch and its name, the colour set inline so no class rule overrides it)
    /// sits in a right margin sized to the longest name, so no name is clipped.
    static func channels(_ g: GeneratorSeries, duration: Double, quantity: String, unit: String,
                         includeZero: Bool, value: (ChannelSample) -> Double?) -> String? {
        let names = g.channels
        let series = names.map { ch in g.samples.map { row in row.first { $0.channel == ch }.flatMap(value) ?? .nan } }
        let all = series.flatMap { $0 }.filter(\.isFinite)
        guard !all.isEmpty else { return nil }
        var lo = all.min()!, hi = all.max()!
        if includeZero { lo = min(lo, 0); hi = max(hi, 0) }
        let pad = max((hi - lo) * 0.08, 1e-9 + abs(hi) * 0.05, 0.5)
        hi += pad
        if lo < 0 || !includeZero { lo -= pad }
        let t1 = max(duration, g.times.last ?? 0, 1e-9)
        let keyWidth = 34 + 6.5 * Double(names.map(\.count).max() ?? 4)
        let w = width - margin.right + max(margin.right, keyWidth)
        var s = String(format: "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" class=\"plot\" data-quantity=\"%@\">", w, height, w, height, quantity)
        let (px, py) = frame(&s, x: 0...t1, y: lo...hi, yTitle: "\(quantity) [\(unit)]")
        if lo < 0 && hi > 0 {
            s += String(format: "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" class=\"zero\"/>", margin.left, py(0), width - margin.right, py(0))
        }
        for (n, ch) in names.enumerated() {
            let colour = channelColours[n % channelColours.count]
            // Dashes tell overlapping channels apart (two probes at the same power).
            let dash = n == 0 ? "" : String(format: " stroke-dasharray=\"%d 3\"", 6 + 2 * n)
            s += polyline(g.times, series[n], px: px, py: py, colour: colour).replacingOccurrences(of: "/>", with: dash + "/>")
            let ky = margin.top + 12 + 15 * Double(n), kx = width - margin.right + 6
            s += String(format: "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%@\" stroke-width=\"2\"%@ class=\"swatch\"/>", kx, ky - 4, kx + 20, ky - 4, colour, dash)
            s += String(format: "<text x=\"%.1f\" y=\"%.1f\" class=\"key\" style=\"fill:%@\">%@</text>", kx + 24, ky, colour, HTML.escape(ch))
        }
        s += "</svg>"
        return s
    }

    /// Several named curves on one plot (`ablasim compare`: one line per run), with the
    /// key at the right sized to the longest name; nil when no curve has a finite value.
    static func overlay(_ curves: [(name: String, times: [Double], values: [Double])], duration: Double, yTitle: String,
                        includeZero: Bool, id: String) -> String? {
        let all = curves.flatMap(\.values).filter(\.isFinite)
        guard !all.isEmpty else { return nil }
        var lo = all.min()!, hi = all.max()!
        if includeZero { lo = min(lo, 0); hi = max(hi, 0) }
        let pad = max((hi - lo) * 0.08, 0.5)
        hi += pad
        if lo < 0 || !includeZero { lo -= pad }
        let t1 = max(duration, curves.compactMap(\.times.last).max() ?? 0, 1e-9)
        let keyWidth = 34 + 6.5 * Double(curves.map(\.name.count).max() ?? 4)
        let w = width - margin.right + max(margin.right, keyWidth)
        var s = String(format: "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" class=\"plot\" id=\"%@\">", w, height, w, height, id)
        let (px, py) = frame(&s, x: 0...t1, y: lo...hi, yTitle: yTitle)
        if lo < 0 && hi > 0 {
            s += String(format: "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" class=\"zero\"/>", margin.left, py(0), width - margin.right, py(0))
        }
        for (n, c) in curves.enumerated() {
            let colour = channelColours[n % channelColours.count]
            let dash = n < channelColours.count ? "" : " stroke-dasharray=\"6 3\""
            s += polyline(c.times, c.values, px: px, py: py, colour: colour).replacingOccurrences(of: "/>", with: dash + "/>")
            let ky = margin.top + 12 + 15 * Double(n), kx = width - margin.right + 6
            s += String(format: "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%@\" stroke-width=\"2\"%@ class=\"swatch\"/>", kx, ky - 4, kx + 20, ky - 4, colour, dash)
            s += String(format: "<text x=\"%.1f\" y=\"%.1f\" class=\"key\" style=\"fill:%@\">%@</text>", kx + 24, ky, colour, HTML.escape(c.name))
        }
        return s + "</svg>"
    }
}

/// HTML text helpers.
enum HTML {
    static func escape(_ s: String) -> String {
        var o = ""
        for c in s {
            switch c {
            case "&": o += "&amp;"
            case "<": o += "&lt;"
            case ">": o += "&gt;"
            case "\"": o += "&quot;"
            case "'": o += "&#39;"
            default: o.append(c)
            }
        }
        return o
    }
}
