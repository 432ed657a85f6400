import AblasimCore

extension LaserSource: Checkpointable {
    /// Writes the evolving state: power factor, emitted energy, the last update's power, the
    /// charred voxels, the time of the last pattern computation, when the energy limit was
    /// reached and the latent heat left in every voxel of the vaporization box. The fluence pattern is
    /// a function of the materials and the char, so the restored source rebuilds it at its
    /// next update from the restored char (bitwise the pattern the uninterrupted run holds).
    public func saveState(to w: inout StateWriter) {
        w.tag("laser")
        w.write(name)
        w.write(powerFactor)
        w.write(energy)
        w.write(currentPower)
        w.write(lastRecompute)
        let char = charred.sorted()
        w.write(UInt64(char.count))
        for i in char { w.write(Int64(i)) }
        w.write(energyLimitReachedAt ?? -1)
        TissueVaporization.save(vaporizer, to: &w)
    }

    public func restoreState(from r: inout StateReader) throws {
        try r.expect(tag: "laser")
        try expectChannel(name, in: &r, kind: "laser fibre")
        powerFactor = try r.readDouble()
        energy = try r.readDouble()
        currentPower = try r.readDouble()
        lastRecompute = try r.readDouble()
        let n = try r.read(UInt64.self)
        guard n <= 1 << 32 else { throw CoreError("\(r.context): checkpoint laser char count \(n) is corrupt") }
        var char = Set<Int>()
        for _ in 0..<n { char.insert(Int(try r.read(Int64.self))) }
        charred = char
        let reached = try r.readDouble()
        energyLimitReachedAt = reached >= 0 ? reached : nil
        vaporizer = nil
        restoredLatent = try TissueVaporization.restoredLatent(from: &r)
        pattern = nil
        patternFromCheckpoint = true
    }
}
