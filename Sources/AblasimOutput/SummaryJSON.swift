import Foundation
import AblasimSimulation
import AblasimPhysics

/// `summary.json`: the `RunSummary` as snake-case JSON, keys sorted, pretty printed; an
/// optional that is nil appears as `null` (crossing times never reached, no tumour, an
/// interlock that never tripped), never as a missing key.
public enum SummaryJSON {
    /// The schema this ablasim writes (docs/summary.schema.json) and the ones it reads.
    public static let schema = RunSummary.currentSchema
    public static let readableSchemas = ["ablasim.summary/1", schema]

    /// Stand-ins for non-finite numbers while encoding; replaced by `null` in the text and
    /// listed in `non_finite` with the reason. The colons keep them apart from any name.
    static let nonFiniteTokens = (positive: "ablasim:non-finite:+inf", negative: "ablasim:non-finite:-inf", nan: "ablasim:non-finite:nan")
    static let nonFiniteReasons = [
        nonFiniteTokens.nan: "NaN: the quantity is undefined for this run (e.g. no reading to take it from)",
        nonFiniteTokens.positive: "+infinity: the quantity overflowed the double range",
        nonFiniteTokens.negative: "-infinity: the quantity overflowed the double range",
    ]

    public static func encode(_ summary: RunSummary) throws -> Data {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        let t = nonFiniteTokens
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: t.positive, negativeInfinity: t.negative, nan: t.nan)
        var data: Data
        do {
            // Two passes: the first finds where the non-finite values are (JSON pointers),
            // the second writes that list into the record itself.
            data = try encoder.encode(NullKeeping(summary, nonFinite: [:]))
            let found = nonFinitePointers(in: try JSONSerialization.jsonObject(with: data))
            if !found.isEmpty {
                data = try encoder.encode(NullKeeping(summary, nonFinite: found))
                var text = String(decoding: data, as: UTF8.self)
                for token in [t.positive, t.negative, t.nan] { text = text.replacingOccurrences(of: "\"\(token)\"", with: "null") }
                data = Data(text.utf8)
            }
        } catch {
            throw OutputError.io("cannot encode summary.json: \(error)")
        }
        data.append(0x0A)
        return data
    }

    /// JSON pointer (RFC 6901) -> reason of every non-finite stand-in in a parsed document.
    static func nonFinitePointers(in object: Any, at pointer: String = "") -> [String: String] {
        var out: [String: String] = [:]
        switch object {
        case let s as String: if let why = nonFiniteReasons[s] { out[pointer] = why }
        case let o as [String: Any]:
            for (k, v) in o { out.merge(nonFinitePointers(in: v, at: pointer + "/" + escapePointer(k))) { a, _ in a } }
        case let a as [Any]:
            for (i, v) in a.enumerated() { out.merge(nonFinitePointers(in: v, at: pointer + "/\(i)")) { a, _ in a } }
        default: break
        }
        return out
    }

    static func escapePointer(_ key: String) -> String {
        key.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
    }

    /// Reads a `summary.json` back (schema ablasim.summary/1 or /2). Map keys (`parameters`,
    /// `timing`, crossing thresholds) keep their spelling: the snake-case conversion applies
    /// to field names only. Values listed in `non_finite` come back as NaN or infinity.
    public static func decode(_ data: Data, path: String = "summary.json") throws -> RunSummary {
        var data = data
        if var raw = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
            let schemaName = raw["schema"] as? String ?? ""
            guard readableSchemas.contains(schemaName) else {
                throw OutputError.invalidInput("\(path) has schema '\(schemaName)'; this ablasim reads \(readableSchemas.joined(separator: " and "))")
            }
            if let nonFinite = raw["non_finite"] as? [String: String], !nonFinite.isEmpty {
                for (pointer, why) in nonFinite {
                    let token = why.hasPrefix("NaN") ? nonFiniteTokens.nan : (why.hasPrefix("-") ? nonFiniteTokens.negative : nonFiniteTokens.positive)
                    raw = (replacing(pointer.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map(unescapePointer), in: raw, with: token) as? [String: Any]) ?? raw
                }
                if let d = try? JSONSerialization.data(withJSONObject: raw) { data = d }
            }
        }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let t = nonFiniteTokens
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: t.positive, negativeInfinity: t.negative, nan: t.nan)
        var summary: RunSummary
        do { summary = try decoder.decode(RunSummary.self, from: data) } catch {
            throw OutputError.invalidInput("\(path) is not an \(schema) record: \(error)")
        }
        // JSONDecoder converts dictionary keys too ("rf.power_w" -> "rf.powerW"): take the
        // free-form maps from the raw document.
        if let raw = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
            if let block = try? JSONDecoder().decode(ParametersBlock.self, from: data) {
                summary.parameters = Dictionary(uniqueKeysWithValues: block.parameters.map { ($0.key, Scenario.typed($0.value, for: $0.key)) })
            }
            let plain = JSONDecoder()
            plain.nonConformingFloatDecodingStrategy = decoder.nonConformingFloatDecodingStrategy
            if let m = try? plain.decode(NumberMaps.self, from: data) {
                summary.timing = m.timing
                summary.statistics = m.statistics
            } else {
                if let t = raw["timing"] as? [String: Double] { summary.timing = t }
                if let t = raw["statistics"] as? [String: Double] { summary.statistics = t }
            }
        }
        return summary
    }

    static func unescapePointer<S: StringProtocol>(_ s: S) -> String {
        String(s).replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
    }

    /// `object` with the value at `path` (object keys or array indices) replaced.
    static func replacing(_ path: [String], in object: Any, with value: Any) -> Any {
        guard let head = path.first else { return value }
        let rest = Array(path.dropFirst())
        if var o = object as? [String: Any], let child = o[head] {
            o[head] = replacing(rest, in: child, with: value); return o
        }
        if var a = object as? [Any], let i = Int(head), a.indices.contains(i) {
            a[i] = replacing(rest, in: a[i], with: value); return a
        }
        return object
    }
}

/// `timing` and `statistics` decoded without the key conversion, non-finite stand-ins allowed.
private struct NumberMaps: Decodable {
    let timing: [String: Double]
    let statistics: [String: Double]?
    enum CodingKeys: String, CodingKey { case timing, statistics }
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
    let nonFinite: [String: String]
    init(_ s: RunSummary, nonFinite: [String: String]) { summary = s; self.nonFinite = nonFinite }

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
        try c.encode(nonFinite, forKey: Key("nonFinite"))
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
            if i.coldThresholdC == nil { try c.encodeNil(forKey: Key("coldThresholdC")) }
            if i.coldTrippedS == nil { try c.encodeNil(forKey: Key("coldTrippedS")) }
            if i.coldOvershootC == nil { try c.encodeNil(forKey: Key("coldOvershootC")) }
            if let e = i.events { try c.encode(e.map(InterlockEventNulls.init), forKey: Key("events")) } else { try c.encodeNil(forKey: Key("events")) }
        }
    }

    private struct InterlockEventNulls: Encodable {
        let e: RunSummary.InterlockEvent
        init(_ e: RunSummary.InterlockEvent) { self.e = e }
        func encode(to encoder: Encoder) throws {
            try e.encode(to: encoder)
            var c = encoder.container(keyedBy: Key.self)
            if e.forecastC == nil { try c.encodeNil(forKey: Key("forecastC")) }
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
