import AblasimCore
import Foundation

/// One block of the `axes:` list of a sweep file. Blocks combine as a Cartesian product
/// (the last block varies fastest); inside a block:
/// - `grid`: every combination of the listed values (the last parameter varies fastest);
/// - `zip`: lists of equal length taken side by side (value j of each list together);
/// - `random`: `samples` draws, each parameter from its distribution, from a SplitMix64
///   stream per sample seeded by `seed`, so sample j is always the same.
public enum SweepAxis: Equatable, Sendable {
    case grid([(key: String, values: [String])])
    case zip([(key: String, values: [String])])
    case random(samples: Int, seed: UInt64, parameters: [(key: String, distribution: Distribution)])

    /// The most values one range (`{from, to, step}` or `{count: N}`) may give; counted
    /// before any value is made.
    public static let maxRangeValues = 100_000

    /// A distribution a random block draws one parameter from.
    public enum Distribution: Equatable, Sendable {
        /// Uniform on [low, high], rounded to `decimals` decimal places.
        case uniform(low: Double, high: Double, decimals: Int)
        /// Log-uniform on [low, high] (low > 0), rounded to `decimals` decimal places.
        case logUniform(low: Double, high: Double, decimals: Int)
        /// Uniform integer in [low, high], both included.
        case integer(low: Int, high: Int)
        /// One of the listed values, each equally likely.
        case choice([String])

        func draw(_ rng: inout SplitMix64) -> String {
            switch self {
            case let .uniform(low, high, decimals):
                return SweepAxis.format(low + (high - low) * rng.nextUnit(), decimals: decimals)
            case let .logUniform(low, high, decimals):
                return SweepAxis.format(exp(log(low) + (log(high) - log(low)) * rng.nextUnit()), decimals: decimals)
            case let .integer(low, high):
                let span = UInt64(high - low) + 1
                return String(low + Int(rng.next() % span))
            case let .choice(values):
                return values[Int(rng.next() % UInt64(values.count))]
            }
        }
    }

    /// Parameter names the block sets, in order.
    public var keys: [String] {
        switch self {
        case .grid(let p), .zip(let p): return p.map(\.key)
        case .random(_, _, let p): return p.map(\.key)
        }
    }

    /// Number of value sets the block contributes (overflow-checked by the caller).
    public var count: Int {
        switch self {
        case .grid(let p):
            return p.reduce(1) { n, axis in
                let (m, overflow) = n.multipliedReportingOverflow(by: axis.values.count)
                return overflow ? Int.max : m
            }
        case .zip(let p): return p.first?.values.count ?? 0
        case .random(let samples, _, _): return samples
        }
    }

    /// Value set `j` (0 <= j < count) of the block.
    public func values(at j: Int) -> [ParameterValue] {
        switch self {
        case .grid(let p):
            var rest = j
            var out = [ParameterValue](repeating: ParameterValue("", ""), count: p.count)
            for a in stride(from: p.count - 1, through: 0, by: -1) {
                let n = p[a].values.count
                out[a] = ParameterValue(p[a].key, p[a].values[rest % n])
                rest /= n
            }
            return out
        case .zip(let p):
            return p.map { ParameterValue($0.key, $0.values[j]) }
        case let .random(_, seed, p):
            var rng = SplitMix64.stream(seed: seed, index: j)
            return p.map { ParameterValue($0.key, $0.distribution.draw(&rng)) }
        }
    }

    /// Shortest decimal text of `x` rounded to `decimals` places ("12.5", "300").
    static func format(_ x: Double, decimals: Int) -> String {
        let scale = pow(10.0, Double(decimals))
        let r = (x * scale).rounded() / scale
        if r == r.rounded(), abs(r) < 1e15 { return String(Int64(r)) }
        return "\(r)"
    }

    public static func == (a: SweepAxis, b: SweepAxis) -> Bool {
        switch (a, b) {
        case let (.grid(x), .grid(y)), let (.zip(x), .zip(y)):
            return x.count == y.count && Swift.zip(x, y).allSatisfy { $0.key == $1.key && $0.values == $1.values }
        case let (.random(n1, s1, p1), .random(n2, s2, p2)):
            return n1 == n2 && s1 == s2 && p1.count == p2.count
                && Swift.zip(p1, p2).allSatisfy { $0.key == $1.key && $0.distribution == $1.distribution }
        default: return false
        }
    }
}
