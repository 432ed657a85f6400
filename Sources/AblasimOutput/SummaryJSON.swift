import Foundation
import AblasimSimulation
import AblasimPhysics

/// `summary.json`: the `RunSummary` as snake-case JSON, keys sorted, pretty printed; an
/// optional that is nil appears as `null` (crossing times never reached, no tumour, an
/// interlock that never tripped), never as a missing key.
public enum SummaryJSON {
    public static func encode(_ summary: RunSummary) throws -> Data {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        var data: Data
        do { data = try encoder.encode(NullKeeping(summary)) } catch {
            throw OutputError.io("cannot encode summary.json: \(error)")
        }
        data.append(0x0A)
        return data
    }

    /// Reads a `summary.json` back. Map keys (`parameters`, `timing`, crossing thresholds)
    /// keep their spelling: the snake-case conversion applies to field names only.
    public static func decode(_ data: Data, path: String = "summary.json") throws -> RunSummary {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        var summary: RunSummary
        do { summary = try decoder.decode(RunSummary.self, from: data) } catch {
            throw OutputError.invalidInput("\(path) is not an ablasim.summary/1 record: \(error)")
        }
        // JSONDecoder converts dictionary keys too ("rf.power_w" -> "rf.powerW"): take the
        // free-form maps from the raw document.
        if let raw = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
            if let block = try? JSONDecoder().decode(ParametersBlock.self, from: data) {
                summary.parameters = Dictionary(uniqueKeysWithValues: block.parameters.map { ($0.key, Scenario.typed($0.value, for: $0.key)) })
            }
            if let t = raw["timing"] as? [String: Double] { summary.timing = t }
            if let t = raw["statistics"] as? [String: Double] { summary.statistics = t }
        }
        guard summary.schema == "ablasim.summary/1" else {
            throw OutputError.invalidInput("\(path) has schema '\(summary.schema)'; this ablasim reads ablasim.summary/1")
        }
        return summary
    }
}

/// A generator event with its impedance written as null when the source has none.
private struct EventNulls: Encodable {
    let e: SourceEvent
    init(_ e: SourceEvent) { self.e = e }
    enum CodingKeys: String, CodingKey { case timeS, channel, kind, impedanceOhm }
    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(e.timeS, forKey: .timeS); try c.encode(e.channel, forKey: .channel); try c.encode(e.kind, forKey: .kind)
        if let z = e.impedanceOhm { try c.encode(z, forKey: .impedanceOhm) } else { try c.encodeNil(forKey: .impedanceOhm) }
    }
}

/// The typed `parameters` block, decoded without the snake-case key conversion.
private struct ParametersBlock: Decodable {
    let parameters: [String: ScenarioValue]
}

/// Encodes a value so that every `Optional` inside it that is nil is written as an explicit
/// `null`. Synthesized `Codable` uses `encodeIfPresent`, which drops the key; this wrapper
/// re-encodes the summary's optional fields with `encodeNil`.
private struct NullKeeping: Encodable {
    let summary: RunSummary
    init(_ s: RunSummary) { summary = s }

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ s: String) { stringValue = s }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    func encode(to encoder: Encoder) throws {
        let s = summary
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(s.schema, forKey: Key("schema"))
        try c.encode(s.phantom, forKey: Key("phantom"))
        try c.encode(s.modality, forKey: Key("modality"))
        try c.encode(s.probes, forKey: Key("probes"))
        try c.encode(s.simulatedS, forKey: Key("simulatedS"))
        try c.encode(s.wallS, forKey: Key("wallS"))
        try c.encode(s.voxels, forKey: Key("voxels"))
        try c.encode(s.steps, forKey: Key("steps"))
        try c.encode(s.dtS, forKey: Key("dtS"))
        try c.encode(ZonesNulls(s.zones), forKey: Key("zones"))
        try c.encode(s.thermocouples.map(ThermocoupleNulls.init), forKey: Key("thermocouples"))
        try c.encode(s.flags, forKey: Key("flags"))
        try c.encode(InterlockNulls(s.interlock), forKey: Key("interlock"))
        try c.encode(s.timing, forKey: Key("timing"))
        if let st = s.statistics { try c.encode(st, forKey: Key("statistics")) } else { try c.encodeNil(forKey: Key("statistics")) }
        try c.encode(s.parameters, forKey: Key("parameters"))
        try c.encode(s.version, forKey: Key("version"))
        if let a = s.anatomyAudit { try c.encode(a, forKey: Key("anatomyAudit")) } else { try c.encodeNil(forKey: Key("anatomyAudit")) }
        if let e = s.events { try c.encode(e.map(EventNulls.init), forKey: Key("events")) } else { try c.encodeNil(forKey: Key("events")) }
    }

    private struct ZonesNulls: Encodable {
        let z: RunSummary.Zones
        init(_ z: RunSummary.Zones) { self.z = z }
        func encode(to encoder: Encoder) throws {
            try z.encode(to: encoder)
            var c = encoder.container(keyedBy: Key.self)
            if z.tumorCoverage == nil { try c.encodeNil(forKey: Key("tumorCoverage")) }
        }
    }

    private struct InterlockNulls: Encodable {
        let i: RunSummary.Interlock
        init(_ i: RunSummary.Interlock) { self.i = i }
        func encode(to encoder: Encoder) throws {
            try i.encode(to: encoder)
            var c = encoder.container(keyedBy: Key.self)
            if i.trippedS == nil { try c.encodeNil(forKey: Key("trippedS")) }
            if i.overshootC == nil { try c.encodeNil(forKey: Key("overshootC")) }
        }
    }

    private struct ThermocoupleNulls: Encodable {
        let t: RunSummary.ThermocoupleResult
        init(_ t: RunSummary.ThermocoupleResult) { self.t = t }
        func encode(to encoder: Encoder) throws {
            try t.encode(to: encoder)
            var c = encoder.container(keyedBy: Key.self)
            try c.encode(CrossingMap(t.crossingsS), forKey: Key("crossingsS"))
            try c.encode(CrossingMap(t.coldCrossingsS), forKey: Key("coldCrossingsS"))
        }
    }

    /// A map of threshold -> time with explicit nulls, keys in numeric order.
    private struct CrossingMap: Encodable {
        let m: [String: Double?]
        init(_ m: [String: Double?]) { self.m = m }
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: Key.self)
            for (k, v) in m {
                if let v { try c.encode(v, forKey: Key(k)) } else { try c.encodeNil(forKey: Key(k)) }
            }
        }
    }
}
