import Foundation
import Yams

/// Scenario YAML: the one reader of scenario settings that `run --scenario`, sweep bases
/// and sweep files share. Nested maps become dotted keys; lists become comma-joined text;
/// `trajectories` and `thermocouples` also take lists of maps (their documented forms).
///
/// Hostile files are refused before they cost memory or stack: text over `maxBytes`,
/// nesting deeper than `maxDepth`, aliases that expand past `maxNodes` ("billion laughs"),
/// non-UTF-8 bytes, duplicate keys (also `rf: {power_w: 5}` beside `rf.power_w: 6`), and
/// tags other than YAML's own.
public enum ScenarioYAML {
    /// One setting: dotted key, text value, and where it stands (`file:line`).
    public struct Entry: Equatable, Sendable {
        public var key: String
        public var value: String
        public var location: String
    }

    /// A scenario or sweep file is a few kilobytes; 1 MiB leaves room for long thermocouple lists.
    public static let maxBytes = 1 << 20
    /// Scenario keys nest three deep (tissue.NAME.PROPERTY), plus list items.
    public static let maxDepth = 16
    /// Nodes visited while flattening, aliases expanded.
    public static let maxNodes = 100_000

    /// Reads a file's bytes as UTF-8 text, with a message that says what is wrong.
    public static func text(ofFile path: String, what: String = "scenario file") throws -> String {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw SimulationError.invalidInput("cannot read \(what) '\(path)': no such file")
        }
        guard !isDir.boolValue else { throw SimulationError.invalidInput("cannot read \(what) '\(path)': it is a directory") }
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              let size = attributes[.size] as? NSNumber else {
            throw SimulationError.invalidInput("cannot read \(what) '\(path)': permission denied or not a regular file")
        }
        guard size.intValue <= maxBytes else {
            throw SimulationError.invalidInput("\(what) '\(path)' is \(size.intValue) bytes; at most \(maxBytes) bytes are read")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SimulationError.invalidInput("cannot read \(what) '\(path)': permission denied or not a regular file")
        }
        return try decode(data, file: path)
    }

    /// UTF-8 text of `data`, or an error naming the first bad byte's line.
    public static func decode(_ data: Data, file: String) throws -> String {
        if let s = String(data: data, encoding: .utf8) { return s }
        let bytes = [UInt8](data)
        var valid = bytes.count
        for cut in stride(from: bytes.count, through: 0, by: -1) where String(bytes: bytes[..<cut], encoding: .utf8) != nil { valid = cut; break }
        let line = bytes[..<valid].filter { $0 == 0x0A }.count + 1
        throw SimulationError.invalidInput("\(file):\(line): not UTF-8 text (byte \(valid) is \(String(format: "0x%02X", bytes[min(valid, bytes.count - 1)]))); save the file as UTF-8", context: .init(file: file, line: line))
    }

    /// Reads and flattens a scenario file.
    public static func read(path: String) throws -> [Entry] {
        try parse(try text(ofFile: path), file: path)
    }

    /// Flattens scenario text (an empty document has no settings).
    public static func parse(_ text: String, file: String) throws -> [Entry] {
        guard let root = try compose(text, file: file) else { return [] }
        guard let map = root.mapping else {
            throw SimulationError.invalidInput("\(file): a scenario is a YAML mapping of parameters, e.g. 'duration_s: 300'")
        }
        return try flatten(map, file: file)
    }

    /// Parses YAML text into a node tree after the size and nesting checks; tags checked.
    public static func compose(_ text: String, file: String) throws -> Node? {
        guard text.utf8.count <= maxBytes else {
            throw SimulationError.invalidInput("\(file): \(text.utf8.count) bytes of YAML; at most \(maxBytes) are read")
        }
        try checkNesting(text, file: file)
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch {
            throw SimulationError.invalidInput("\(file): not valid YAML: \(error)")
        }
        return root
    }

    /// Flattens a mapping to entries in file order; duplicates are refused.
    public static func flatten(_ map: Node.Mapping, file: String, prefix: String = "") throws -> [Entry] {
        var budget = maxNodes
        var out: [Entry] = []
        try flatten(map, prefix: prefix, file: file, depth: 0, budget: &budget, into: &out)
        var seen: [String: String] = [:]
        for e in out {
            if let first = seen[e.key] {
                throw SimulationError.invalidInput("\(e.location): \(e.key) is set twice (first at \(first)); give each parameter once")
            }
            seen[e.key] = e.location
        }
        return out
    }

    private static func location(_ node: Node, _ file: String) -> String {
        node.mark.map { "\(file):\($0.line)" } ?? file
    }

    private static func checkTag(_ node: Node, _ file: String) throws {
        let name = node.tag.description
        guard name.isEmpty || name == "!" || name.hasPrefix("tag:yaml.org,2002:") else {
            throw SimulationError.invalidInput("\(location(node, file)): tag '\(ScenarioParameter.shown(name))' is not supported; write plain values")
        }
    }

    private static func spend(_ budget: inout Int, _ node: Node, _ file: String) throws {
        budget -= 1
        guard budget >= 0 else {
            throw SimulationError.invalidInput("\(location(node, file)): the document expands to more than \(maxNodes) values (aliases?); a scenario has a few dozen")
        }
    }

    private static func scalar(_ node: Node, _ file: String, _ key: String, _ budget: inout Int) throws -> String {
        try spend(&budget, node, file)
        try checkTag(node, file)
        guard let s = node.scalar?.string else {
            throw SimulationError.invalidInput("\(location(node, file)): \(key) must be a plain value here, not a list or a map")
        }
        return s
    }

    private static func flatten(_ map: Node.Mapping, prefix: String, file: String, depth: Int, budget: inout Int, into out: inout [Entry]) throws {
        guard depth < maxDepth else {
            throw SimulationError.invalidInput("\(file): mappings nest deeper than \(maxDepth) levels; scenario keys nest three deep")
        }
        for (k, v) in map {
            try spend(&budget, k, file)
            try checkTag(k, file)
            guard let key = k.scalar?.string, !key.isEmpty else {
                throw SimulationError.invalidInput("\(location(k, file)): a key must be a plain name (e.g. duration_s)")
            }
            let full = prefix.isEmpty ? key : prefix + "." + key
            let here = location(k, file)
            try checkTag(v, file)
            if let m = v.mapping {
                try spend(&budget, v, file)
                try flatten(m, prefix: full, file: file, depth: depth + 1, budget: &budget, into: &out)
            } else if let seq = v.sequence {
                try spend(&budget, v, file)
                var items: [String] = []
                for item in seq {
                    if let m = item.mapping, full == "trajectories" || full == "thermocouples" {
                        try spend(&budget, item, file)
                        var fields: [String: Node] = [:]
                        for (fk, fv) in m {
                            guard let name = fk.scalar?.string else { continue }
                            fields[name] = fv
                        }
                        func text(_ field: String) throws -> String {
                            guard let node = fields[field] else { return "" }
                            return try scalar(node, file, "\(full).\(field)", &budget)
                        }
                        func xyz(_ field: String) throws -> String {
                            guard let node = fields[field] else { return "" }
                            guard let list = node.sequence else {
                                throw SimulationError.invalidInput("\(location(node, file)): \(full).\(field) must be a list [x, y, z] in mm")
                            }
                            return try list.map { try scalar($0, file, "\(full).\(field)", &budget) }.joined(separator: ",")
                        }
                        if full == "trajectories" {
                            items.append("\(try text("name"))@\(try xyz("entry_mm"))->\(try xyz("tip_mm"))")
                        } else {
                            let structure = try text("structure")
                            items.append("\(try text("name"))@\(try xyz("position_mm")):\(structure.isEmpty ? "other" : structure)")
                        }
                    } else {
                        items.append(try scalar(item, file, full, &budget))
                    }
                }
                let separator = full == "trajectories" || full == "thermocouples" ? ";" : ","
                out.append(Entry(key: full, value: items.joined(separator: separator), location: here))
            } else {
                out.append(Entry(key: full, value: try scalar(v, file, full, &budget), location: here))
            }
        }
    }

    /// Refuses nesting deeper than `maxDepth` before the parser sees it (the YAML composer
    /// recurses per level: 3,000 levels overflow its stack). Counts flow brackets outside
    /// quotes, and block levels as indentation steps plus leading "- " items.
    static func checkNesting(_ text: String, file: String) throws {
        var flow = 0, line = 1
        var quote: Character? = nil
        var indents: [Int] = []
        var atLineStart = true, indent = 0, dashes = 0
        var comment = false
        for ch in text {
            if ch == "\n" {
                line += 1; atLineStart = true; indent = 0; dashes = 0; comment = false
                if quote == "'" || quote == "\"" { continue }
                continue
            }
            if comment { continue }
            if atLineStart {
                if ch == " " { indent += 1; continue }
                if ch == "-" { dashes += 1; indent += 1; continue }
                if ch == "#" { comment = true; atLineStart = false; continue }
                atLineStart = false
                while let last = indents.last, last >= indent { indents.removeLast() }
                indents.append(indent)
                if indents.count + dashes > maxDepth * 2 {
                    throw SimulationError.invalidInput("\(file):\(line): block nesting deeper than \(maxDepth * 2) levels; scenario keys nest three deep")
                }
            }
            if let q = quote {
                if ch == q { quote = nil }
                continue
            }
            switch ch {
            case "'", "\"": quote = ch
            case "#": comment = true
            case "[", "{":
                flow += 1
                if flow > maxDepth {
                    throw SimulationError.invalidInput("\(file):\(line): brackets nest deeper than \(maxDepth) levels; scenario keys nest three deep")
                }
            case "]", "}": flow = max(0, flow - 1)
            default: break
            }
        }
    }
}
