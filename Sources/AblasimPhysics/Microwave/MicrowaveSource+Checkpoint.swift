import AblasimCore

extension MicrowaveSource: Checkpointable {
    /// Writes the evolving state: the interlock's power factor (set after each step, read by
    /// the next update), the energy deposited so far, and with water loss the attenuation
    /// ratios the current pattern was computed with and the time of the last check, and the
    /// latent heat left per voxel when tissue water boils. The
    /// pattern is a function of the materials and those ratios: the restored source rebuilds
    /// it at its next update (bitwise the pattern of the uninterrupted run).
    public func saveState(to w: inout StateWriter) {
        w.tag("microwave")
        w.write(name)
        w.write(powerFactor)
        w.write(energy)
        w.write(lastWaterLossCheck)
        let ratios = attenuationRatios.sorted { $0.key < $1.key }
        w.write(UInt64(ratios.count))
        for (i, v) in ratios { w.write(Int64(i)); w.write(v) }
        TissueVaporization.save(vaporizer, to: &w)
    }

    public func restoreState(from r: inout StateReader) throws {
        try r.expect(tag: "microwave")
        try expectChannel(name, in: &r, kind: "microwave antenna")
        powerFactor = try r.readDouble()
        energy = try r.readDouble()
        lastWaterLossCheck = try r.readDouble()
        let n = try r.read(UInt64.self)
        guard n <= 1 << 32 else { throw CoreError("\(r.context): checkpoint microwave ratio count \(n) is corrupt") }
        var ratios: [Int: Double] = [:]
        for _ in 0..<n { let i = Int(try r.read(Int64.self)); ratios[i] = try r.readDouble() }
        attenuationRatios = ratios
        vaporizer = nil
        restoredLatent = try TissueVaporization.restoredLatent(from: &r)
        pattern = nil
    }
}

/// Reads a channel name written by `saveState` and checks it is this source's.
func expectChannel(_ name: String, in r: inout StateReader, kind: String) throws {
    let found = try r.readString()
    guard found == name else {
        throw CoreError("\(r.context): checkpoint holds \(kind) '\(found)' where '\(name)' was expected (different scenario?)")
    }
}
