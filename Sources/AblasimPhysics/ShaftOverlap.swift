/// The one overlap rule for applicator shafts (RF probes, antennas, fibres, cryoprobes):
/// two shafts overlap when their rasters share a voxel. Shafts are added in order; the
/// first voxel of a new shaft that an earlier one owns is the overlap reported.
public struct ShaftOverlap {
    private var owner: [Int: Int] = [:]
    private var count = 0

    public init() {}

    /// Adds the next shaft (linear voxel indices); returns the first voxel it shares with an
    /// earlier shaft and that shaft's number (0-based, in the order added), nil when none.
    public mutating func add(_ voxels: [Int]) -> (voxel: Int, other: Int)? {
        let id = count
        count += 1
        for v in voxels {
            if let other = owner[v] { return (v, other) }
            owner[v] = id
        }
        return nil
    }
}
