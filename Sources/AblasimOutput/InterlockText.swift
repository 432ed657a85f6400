import Foundation
import AblasimSimulation

/// The interlock in one line of plain text, to follow the word "interlock" for the closing table and the report: mode,
/// limits, and per trip its time, trigger, forecast and the actual extreme after it; summaries
/// written before trips were listed give the first trip and its overshoot.
enum InterlockText {
    static func line(_ il: RunSummary.Interlock) -> String {
        guard il.enabled else { return ": off (unprotected study)" }
        let limits = il.coldThresholdC.map { "\(TemperaturePlot.fmt($0)) to \(TemperaturePlot.fmt(il.thresholdC)) C" } ?? "\(TemperaturePlot.fmt(il.thresholdC)) C"
        let head = " (\(il.mode), \(limits)): "
        guard let events = il.events else {
            return head + (il.trippedS.map { String(format: "tripped at %.1f s, overshoot %+.2f C", $0, il.overshootC ?? .nan) } ?? "not tripped")
        }
        guard !events.isEmpty else { return head + "not tripped" }
        return head + events.map { e in
            var s = String(format: "%@ trip at %.1f s (%@ %.2f C", e.kind, e.timeS, e.thermocouple, e.readingC)
            if let f = e.forecastC { s += String(format: ", forecast %.2f C", f) }
            s += String(format: "), %@ after it %.2f C", e.kind == "cold" ? "coldest" : "peak", e.peakC)
            return s
        }.joined(separator: "; ")
    }
}
