/// SplitMix64 pseudo-random generator: a 64-bit Weyl sequence passed through a
/// bijective finalizer. Tiny, fast, and identical on every platform, so random sweep
/// samples are reproducible from the seed alone.
///
/// Steele, Lea, Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014;
/// constants as in Vigna's public-domain reference `splitmix64.c`.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public private(set) var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform double in [0, 1) from the top 53 bits.
    public mutating func nextUnit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// The generator for sample `index` of a sweep block seeded with `seed`: each sample
    /// has its own stream, so sample i never depends on how many samples come before it.
    public static func stream(seed: UInt64, index: Int) -> SplitMix64 {
        var mixer = SplitMix64(seed: seed ^ (UInt64(truncatingIfNeeded: index) &* 0xD1B5_4A32_D192_ED03))
        return SplitMix64(seed: mixer.next())
    }
}
