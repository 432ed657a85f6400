import AblasimCore

extension MicrowaveSource: Checkpointable {
    /// Writes the evolving state: the interlock's power factor (set after each step, read by
    /// the next update) and the energy deposited so far. The normalized SAR pattern depends
    /// only on the materials and is recomputed after a restore.
    public func saveState(to w: inout StateWriter) {
        w.tag("microwave")
        w.write(name)
        w.write(powerFactor)
        w.write(energy)
    }

    public func restoreState(from r: inout StateReader) throws {
        try r.expect(tag: "microwave")
        try expectChannel(name, in: &r, kind: "microwave antenna")
        powerFactor = try r.readDouble()
        energy = try r.readDouble()
    }
}

/// Reads a channel name written by `saveState` and checks it is this source's.
func expectChannel(_ name: String, in r: inout StateReader, kind: String) throws {
    let found = try r.readString()
    guard found == name else {
        throw CoreError("\(r.context): checkpoint holds \(kind) '\(found)' where '\(name)' was expected (different scenario?)")
    }
}
