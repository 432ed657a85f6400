import AblasimSimulation

/// Every discrete event of a run at its exact simulated time, in time order: the flags
/// (source the thermocouple, event the flag kind, value the threshold in C, min or 1), the
/// interlock's trips (source `interlock`, event `interlock-<mode>` on heat,
/// `interlock-<mode>-cold` on cold, value the limit in C; a predictive trip adds
/// `interlock-forecast` at the thermocouple, value the forecast in C; summaries without the
/// trip list give the first trip) and the generator events (source the probe or channel, event
/// `impedance-cutout`, `roll-off` or `resumed`, value the impedance in ohm when the source
/// has one). `events.csv` and the report's event log are this list.
struct EventLog {
    struct Entry: Equatable {
        var timeS: Double
        var source: String
        var event: String
        var value: Double?
        /// Unit of `value`: "C", "min", "1", "ohm"; empty without a value.
        var unit: String
    }
    let entries: [Entry]

    init(_ s: RunSummary) {
        var rows: [Entry] = []
        for f in s.flags {
            let unit = f.kind == "cem43" ? "min" : (f.kind == "omega" ? "1" : "C")
            rows.append(Entry(timeS: f.timeS, source: f.thermocouple, event: f.kind, value: f.threshold, unit: unit))
        }
        if let trips = s.interlock.events {
            for e in trips {
                let event = "interlock-" + s.interlock.mode + (e.kind == "cold" ? "-cold" : "")
                rows.append(Entry(timeS: e.timeS, source: "interlock", event: event, value: e.thresholdC, unit: "C"))
                if let f = e.forecastC { rows.append(Entry(timeS: e.timeS, source: e.thermocouple, event: "interlock-forecast", value: f, unit: "C")) }
            }
        } else if let t = s.interlock.trippedS {
            rows.append(Entry(timeS: t, source: "interlock", event: "interlock-" + s.interlock.mode, value: s.interlock.thresholdC, unit: "C"))
        }
        for e in s.events ?? [] {
            rows.append(Entry(timeS: e.timeS, source: e.channel, event: e.kind, value: e.impedanceOhm, unit: e.impedanceOhm == nil ? "" : "ohm"))
        }
        entries = rows.sorted { ($0.timeS, $0.source, $0.event) < ($1.timeS, $1.source, $1.event) }
    }
}
