import AblasimCore

extension SalineIrrigation: Checkpointable {
    /// The irrigation holds a fixed temperature: only the power factor evolves (its voxel
    /// list comes from the solver's codes).
    public func saveState(to w: inout StateWriter) {
        w.tag("saline_irrigation")
        w.write(temperature)
        w.write(powerFactor)
    }

    public func restoreState(from r: inout StateReader) throws {
        try r.expect(tag: "saline_irrigation")
        let t = try r.readDouble()
        guard t == temperature else {
            throw CoreError("\(r.context): checkpoint saline temperature \(t) C differs from this run's \(temperature) C")
        }
        powerFactor = try r.readDouble()
    }
}
