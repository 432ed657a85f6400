import AblasimCore

extension CryoSource: Checkpointable {
    /// Writes the evolving state: power factor, exchanged energy, and each probe's held
    /// temperature and power of the last update (a passive probe without tissue neighbours
    /// keeps its last temperature). Voxel lists and conductivity tables come from the
    /// solver's codes and are rebuilt after a restore.
    public func saveState(to w: inout StateWriter) {
        w.tag("cryo")
        w.write(name)
        w.write(powerFactor)
        w.write(energy)
        w.write(probeTemperatures)
        w.write(probePowers)
    }

    public func restoreState(from r: inout StateReader) throws {
        try r.expect(tag: "cryo")
        try expectChannel(name, in: &r, kind: "cryo source")
        let factor = try r.readDouble(), e = try r.readDouble()
        let temps = try r.readDoubles(), powers = try r.readDoubles()
        guard temps.count == probes.count, powers.count == probes.count else {
            throw CoreError("\(r.context): checkpoint holds \(temps.count) cryoprobes where \(probes.count) were expected (different scenario?)")
        }
        powerFactor = factor; energy = e
        probeTemperatures = temps; probePowers = powers
    }
}
