import AblasimPhantom

/// Generated L1 phantoms for the simulation tests: coarse voxels and a thin margin keep
/// them small and quick to make (at 1 mm the pedicles are about 7 mm wide).
enum GeneratedPhantoms {
    static func l1(voxelMm: Double, marginMm: Double = 2) throws -> Phantom {
        var o = VertebraPhantomOptions()
        o.voxelMm = voxelMm
        o.marginMm = marginMm
        return try VertebraPhantomGenerator.generate(o)
    }
    static let oneMillimetre: Phantom = try! l1(voxelMm: 1)
    static let twoMillimetre: Phantom = try! l1(voxelMm: 2)
}
