/// Numbers in the text outputs (CSV files, sweep results.csv): the shortest decimal that
/// reads back to the same double, so a value survives a round trip through any CSV reader
/// and no file mixes fixed and exponent notation for the same precision. Whole numbers
/// below 1e15 without a fraction ("37", not "37.0"); non-finite values as "nan", "inf",
/// "-inf" (what Python's float(), numpy and pandas read).
public enum NumberText {
    public static func shortest(_ x: Double) -> String {
        guard x.isFinite else { return x.isNaN ? "nan" : (x > 0 ? "inf" : "-inf") }
        if x == 0 { return "0" }
        if x == x.rounded(), abs(x) < 1e15 { return String(Int64(x)) }
        // Swift's description is the shortest round-trip form (e.g. 0.1, 1.97e-05).
        return "\(x)"
    }
}
