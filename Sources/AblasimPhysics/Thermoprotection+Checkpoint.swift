import AblasimCore

extension SalineIrrigation: Checkpointable {
    /// The irrigation holds a fixed temperature: nothing evolves (its voxel list comes from
    /// the solver's codes); the temperature is checked against this run's.
    public func saveState(to w: inout StateWriter) {
        w.tag("saline_irrigation")
        w.write(temperature)
    }

    public func restoreState(from r: inout StateReader) throws {
        try r.expect(tag: "saline_irrigation")
        let t = try r.readDouble()
        guard t == temperature else {
            throw CoreError("\(r.context): checkpoint saline temperature \(t) C differs from this run's \(temperature) C")
        }
    }
}
