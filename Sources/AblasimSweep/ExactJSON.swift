import Foundation

/// A JSON document as plain values ([String: Any], [Any], String, Double, Bool, NSNull)
/// with every number read exactly. Foundation's JSONSerialization on Linux rounds some
/// doubles to a neighbour (19.999999999999957 reads as 19.99999999999996); JSONDecoder
/// reads them correctly, so results.csv shows the figures summary.json holds.
enum ExactJSON {
    static func object(_ data: Data) -> [String: Any]? {
        (try? JSONDecoder().decode(Node.self, from: data))?.value as? [String: Any]
    }

    private struct Node: Decodable {
        let value: Any
        init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            if c.decodeNil() { value = NSNull() }
            else if let b = try? c.decode(Bool.self) { value = b }
            else if let x = try? c.decode(Double.self) { value = x }
            else if let s = try? c.decode(String.self) { value = s }
            else if let a = try? c.decode([Node].self) { value = a.map(\.value) }
            else { value = try c.decode([String: Node].self).mapValues(\.value) }
        }
    }
}
