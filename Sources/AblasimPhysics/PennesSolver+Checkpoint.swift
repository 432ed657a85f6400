import AblasimCore

extension PennesSolver: Checkpointable {
    /// Writes the whole evolving state: temperature, codes (coagulation), dose and extremes,
    /// time, step count and step size. Halo included, so boundary values come back too.
    public func saveState(to w: inout StateWriter) {
        w.tag("pennes")
        w.write(time); w.write(Int64(stepCount)); w.write(dt)
        for f in [temperature, tMax, tMin] { w.write(raw: UnsafeBufferPointer(f.buffer)) }
        w.write(raw: UnsafeBufferPointer(codes.buffer))
        for f in [cem43, omega] { w.write(raw: UnsafeBufferPointer(f.buffer)) }
    }

    public func restoreState(from r: inout StateReader) throws {
        try r.expect(tag: "pennes")
        let t = try r.readDouble(), n = Int(try r.read(Int64.self)), step = try r.readDouble()
        for f in [temperature, tMax, tMin] { try r.read(into: f.buffer) }
        try r.read(into: codes.buffer)
        for f in [cem43, omega] { try r.read(into: f.buffer) }
        try restoreClock(time: t, steps: n, dt: step)
    }
}
