import Foundation
import Yams
import AblasimCore
import AblasimSimulation

extension Sweep {
    /// Top-level keys of a sweep file.
    public static let fileKeys = ["name", "phantom", "base", "axes", "max_cases"]

    /// Reads and expands a sweep file (format: docs/sweeps.md). Every axis value is checked
    /// through `Scenario.set`, so unknown parameter names and invalid values fail here.
    public static func load(path: String) throws -> Sweep {
        let file = resolve(path, against: FileManager.default.currentDirectoryPath)
        let text = try ScenarioYAML.text(ofFile: file, what: "sweep file")
        return try parse(text, file: file, sha256: SHA256.hex(Array(text.utf8)))
    }

    /// Parses sweep-file text; `file` (absolute) anchors relative paths and error messages.
    public static func parse(_ text: String, file: String, sha256: String? = nil) throws -> Sweep {
        let dir = (file as NSString).deletingLastPathComponent
        let root = try ScenarioYAML.compose(text, file: file)
        guard let map = root?.mapping else {
            throw SweepError.invalidInput("\(file): a sweep file is a YAML mapping with keys \(fileKeys.joined(separator: ", "))")
        }
        func at(_ node: Node) -> String { node.mark.map { "\(file):\($0.line)" } ?? file }

        var name = ((file as NSString).lastPathComponent as NSString).deletingPathExtension
        var phantom: String?
        var base: [ParameterValue] = []
        var axes: [SweepAxis] = []
        var maxCases = defaultMaxCases
        var sawAxes = false
        for (keyNode, value) in map {
            let key = keyNode.string ?? ""
            switch key {
            case "name":
                guard let s = value.scalar?.string, !s.isEmpty else { throw SweepError.invalidInput("\(at(value)): name must be a text") }
                name = s
            case "phantom":
                guard let s = value.scalar?.string, !s.isEmpty else { throw SweepError.invalidInput("\(at(value)): phantom must be a file path") }
                phantom = resolve(s, against: dir)
            case "max_cases":
                guard let s = value.scalar?.string, let n = Int(s), n >= 1 else {
                    throw SweepError.invalidInput("\(at(value)): max_cases must be a whole number >= 1")
                }
                maxCases = n
            case "base":
                // One reader for scenario settings: the same as `run --scenario` (ScenarioYAML).
                if let m = value.mapping {
                    base = (try ScenarioYAML.flatten(m, file: file)).map { ParameterValue($0.key, $0.value) }
                } else if let s = value.scalar?.string, !s.isEmpty {
                    let path = resolve(s, against: dir)
                    base = (try ScenarioYAML.read(path: path)).map { ParameterValue($0.key, $0.value) }
                } else {
                    throw SweepError.invalidInput("\(at(value)): base must be a mapping of scenario parameters or the path of a scenario file")
                }
                var check = Scenario()
                for p in base {
                    do { try check.set(p.key, to: p.value, context: "\(at(value)): base") } catch let e as SimulationError {
                        throw SweepError.invalidInput(e.description)
                    }
                }
                if let p = base.last(where: { $0.key == "phantom" }), phantom == nil { phantom = resolve(p.value, against: dir) }
            case "axes":
                sawAxes = true
                guard let list = value.sequence, list.count > 0 else {
                    throw SweepError.invalidInput("\(at(value)): axes must be a non-empty list of blocks (grid:, zip: or random:)")
                }
                for (b, block) in list.enumerated() {
                    axes.append(try parseBlock(block, number: b, at: at))
                }
            default:
                throw SweepError.invalidInput("\(at(keyNode)): unknown key '\(key)' in a sweep file; valid: \(fileKeys.joined(separator: ", "))")
            }
        }
        guard sawAxes else { throw SweepError.invalidInput("\(file): no axes: a sweep needs an 'axes:' list (grid:, zip: or random: blocks)") }
        let axisKeys = axes.flatMap(\.keys)
        var seen = Set<String>()
        for k in axisKeys where !seen.insert(k).inserted {
            throw SweepError.invalidInput("\(file): parameter '\(k)' is set by more than one axis; each parameter may vary along one axis only")
        }
        guard let phantom = phantom ?? (axisKeys.contains("phantom") ? "" : nil) else {
            throw SweepError.invalidInput("\(file): no phantom: give 'phantom: PATH.vox' (relative to the sweep file), in base, or as an axis")
        }
        let sweep = try Sweep(name: name, file: file, fileSHA256: sha256 ?? SHA256.hex(text), phantom: phantom,
                              base: base.filter { $0.key != "phantom" }, axes: axes, maxCases: maxCases)
        try sweep.validate()
        return sweep
    }

    private static func parseBlock(_ block: Node, number b: Int, at: (Node) -> String) throws -> SweepAxis {
        guard let m = block.mapping, m.count == 1, let (kindNode, body) = m.first, let kind = kindNode.string else {
            throw SweepError.invalidInput("\(at(block)): axes[\(b)] must be one of 'grid: {...}', 'zip: {...}', 'random: {...}'")
        }
        let here = "\(at(block)): axes[\(b)].\(kind)"
        func checkValues(_ key: String, _ values: [String], _ node: Node) throws {
            guard !values.isEmpty else { throw SweepError.invalidInput("\(at(node)): axes[\(b)].\(kind).\(key) is empty; give at least one value") }
            for v in values {
                var s = Scenario()
                do { try s.set(key, to: v, context: "\(at(node)): axes[\(b)].\(kind)") } catch let e as SimulationError {
                    throw SweepError.invalidInput(e.description)
                }
            }
        }
        switch kind {
        case "grid", "zip":
            guard let params = body.mapping, params.count > 0 else {
                throw SweepError.invalidInput("\(here) must map parameter names to value lists, e.g. 'rf.power_w: [10, 15, 20]'")
            }
            var out: [(key: String, values: [String])] = []
            for (k, v) in params {
                let key = k.string ?? ""
                let values = try valueList(v, key: key, here: "\(at(v)): axes[\(b)].\(kind).\(key)")
                try checkValues(key, values, v)
                out.append((key, values))
            }
            if kind == "zip" {
                let lengths = Set(out.map(\.values.count))
                guard lengths.count == 1 else {
                    let detail = out.map { "\($0.key): \($0.values.count)" }.joined(separator: ", ")
                    throw SweepError.invalidInput("\(here): zipped lists must have the same length (\(detail))")
                }
                return .zip(out)
            }
            return .grid(out)
        case "random":
            guard let body = body.mapping else {
                throw SweepError.invalidInput("\(here) must be a mapping with samples, seed and parameters")
            }
            var samples: Int?
            var seed: UInt64?
            var params: [(key: String, distribution: SweepAxis.Distribution)] = []
            for (k, v) in body {
                switch k.string ?? "" {
                case "samples":
                    guard let n = v.scalar.flatMap({ Int($0.string) }), n >= 1 else {
                        throw SweepError.invalidInput("\(at(v)): axes[\(b)].random.samples must be a whole number >= 1")
                    }
                    samples = n
                case "seed":
                    let s = v.scalar?.string ?? ""
                    guard let x = UInt64(s) ?? Int64(s).map({ UInt64(bitPattern: $0) }) else {
                        throw SweepError.invalidInput("\(at(v)): axes[\(b)].random.seed must be a whole number")
                    }
                    seed = x
                case "parameters":
                    guard let pm = v.mapping, pm.count > 0 else {
                        throw SweepError.invalidInput("\(at(v)): axes[\(b)].random.parameters must map parameter names to distributions")
                    }
                    for (pk, pv) in pm {
                        let key = pk.string ?? ""
                        let d = try distribution(pv, here: "\(at(pv)): axes[\(b)].random.parameters.\(key)")
                        if case .choice(let values) = d { try checkValues(key, values, pv) }
                        else {
                            // Both ends of a numeric range must be valid values of the parameter.
                            let ends: [String]
                            switch d {
                            case let .uniform(lo, hi, _), let .logUniform(lo, hi, _): ends = ["\(lo)", "\(hi)"]
                            case let .integer(lo, hi): ends = ["\(lo)", "\(hi)"]
                            case .choice: ends = []
                            }
                            try checkValues(key, ends, pv)
                        }
                        params.append((key, d))
                    }
                default:
                    throw SweepError.invalidInput("\(at(k)): unknown key '\(k.string ?? "")' in axes[\(b)].random; valid: samples, seed, parameters")
                }
            }
            guard let n = samples else { throw SweepError.invalidInput("\(here): 'samples: N' is missing") }
            guard let s = seed else { throw SweepError.invalidInput("\(here): 'seed: S' is missing (the seed makes the samples reproducible)") }
            guard !params.isEmpty else { throw SweepError.invalidInput("\(here): 'parameters:' is missing") }
            return .random(samples: n, seed: s, parameters: params)
        default:
            throw SweepError.invalidInput("\(at(block)): unknown axis kind '\(kind)' in axes[\(b)]; valid: grid, zip, random")
        }
    }

    /// A value list: `[a, b, c]`, one scalar, or a range `{from: A, to: B, step: S}` /
    /// `{from: A, to: B, count: N}` (both ends included).
    private static func valueList(_ v: Node, key: String, here: String) throws -> [String] {
        if let seq = v.sequence {
            return try seq.map { item in
                guard let s = item.scalar?.string else { throw SweepError.invalidInput("\(here): values must be plain values, not lists or maps") }
                return s
            }
        }
        if let s = v.scalar?.string { return [s] }
        if let m = v.mapping {
            var fields: [String: Double] = [:]
            for (k, x) in m {
                guard let name = k.string, ["from", "to", "step", "count"].contains(name) else {
                    throw SweepError.invalidInput("\(here): a range has keys from, to and step or count")
                }
                guard let d = x.scalar.flatMap({ Double($0.string) }), d.isFinite else {
                    throw SweepError.invalidInput("\(here).\(name) must be a number")
                }
                fields[name] = d
            }
            guard let from = fields["from"], let to = fields["to"], (fields["step"] == nil) != (fields["count"] == nil) else {
                throw SweepError.invalidInput("\(here): a range needs from, to and exactly one of step or count")
            }
            var values: [Double] = []
            if let step = fields["step"] {
                guard step > 0, to >= from else { throw SweepError.invalidInput("\(here): a range needs step > 0 and to >= from") }
                // Counted in Double and checked before the conversion to Int and before any
                // value is made: step 1e-300 gives 1e300 values (an Int overflow trap before).
                let intervals = ((to - from) / step + 1e-9).rounded(.down)
                guard intervals.isFinite, intervals < Double(SweepAxis.maxRangeValues) else {
                    throw SweepError.invalidInput("\(here): from \(from) to \(to) in steps of \(step) gives \(intervals.isFinite ? String(format: "%.3g", intervals + 1) : "infinitely many") values; a range gives at most \(SweepAxis.maxRangeValues): use a larger step or count: N")
                }
                let n = Int(intervals)
                values = (0...n).map { from + Double($0) * step }
            } else if let c = fields["count"] {
                guard c >= 1, c == c.rounded(), c <= Double(SweepAxis.maxRangeValues) else {
                    throw SweepError.invalidInput("\(here): count must be a whole number from 1 to \(SweepAxis.maxRangeValues)")
                }
                let n = Int(c)
                values = n == 1 ? [from] : (0..<n).map { from + (to - from) * Double($0) / Double(n - 1) }
            }
            return values.map { SweepAxis.format($0, decimals: 9) }
        }
        throw SweepError.invalidInput("\(here): expected a list of values")
    }

    /// `{uniform: [lo, hi], decimals: d}`, `{log_uniform: [lo, hi]}`, `{integer: [lo, hi]}`, `{choice: [...]}`.
    private static func distribution(_ v: Node, here: String) throws -> SweepAxis.Distribution {
        guard let m = v.mapping else {
            throw SweepError.invalidInput("\(here): expected a distribution: {uniform: [lo, hi]}, {log_uniform: [lo, hi]}, {integer: [lo, hi]} or {choice: [a, b, ...]}")
        }
        var decimals = 3
        var kind: String?
        var args: [String] = []
        for (k, x) in m {
            let name = k.string ?? ""
            switch name {
            case "decimals":
                guard let d = x.scalar.flatMap({ Int($0.string) }), (0...12).contains(d) else {
                    throw SweepError.invalidInput("\(here).decimals must be a whole number from 0 to 12")
                }
                decimals = d
            case "uniform", "log_uniform", "integer", "choice":
                guard kind == nil else { throw SweepError.invalidInput("\(here): give exactly one distribution") }
                kind = name
                guard let seq = x.sequence else { throw SweepError.invalidInput("\(here).\(name) must be a list") }
                args = try seq.map { item in
                    guard let s = item.scalar?.string else { throw SweepError.invalidInput("\(here).\(name): values must be plain values") }
                    return s
                }
            default:
                throw SweepError.invalidInput("\(here): unknown key '\(name)'; valid: uniform, log_uniform, integer, choice, decimals")
            }
        }
        switch kind {
        case "choice":
            guard !args.isEmpty else { throw SweepError.invalidInput("\(here).choice is empty; give at least one value") }
            return .choice(args)
        case "integer":
            guard args.count == 2, let lo = Int(args[0]), let hi = Int(args[1]), lo <= hi else {
                throw SweepError.invalidInput("\(here).integer must be [low, high] whole numbers with low <= high")
            }
            return .integer(low: lo, high: hi)
        case "uniform", "log_uniform":
            guard args.count == 2, let lo = Double(args[0]), let hi = Double(args[1]), lo.isFinite, hi.isFinite, lo < hi else {
                throw SweepError.invalidInput("\(here).\(kind!) must be [low, high] numbers with low < high")
            }
            if kind == "uniform" { return .uniform(low: lo, high: hi, decimals: decimals) }
            guard lo > 0 else { throw SweepError.invalidInput("\(here).log_uniform needs low > 0") }
            return .logUniform(low: lo, high: hi, decimals: decimals)
        default:
            throw SweepError.invalidInput("\(here): no distribution given; use uniform, log_uniform, integer or choice")
        }
    }
}
