import AblasimCore

/// Preemption: everything the RF source carries from step to step. The unit-potential
/// solutions and the conductivity they were solved with are saved bit for bit (they are the
/// warm start of the next re-solve and the reference of the drift check); the multigrid
/// hierarchy, the channel circuit and the heating patterns are rebuilt from them, which is
/// deterministic, so the resumed run continues exactly as the uninterrupted one would.
extension RFSource: Checkpointable {
    public func saveState(to w: inout StateWriter) {
        w.tag("rf")
        w.write(UInt32(states.count))
        for s in states {
            w.write(s.integral); w.write(s.minImpedance); w.write(s.cutUntil ?? .nan)
            w.write(s.power); w.write(s.voltage); w.write(s.impedance ?? .nan); w.write(s.energy)
            w.write(s.probeTemperature ?? .nan); w.write(s.lastCommand)
        }
        w.write(UInt32(events.count))
        for e in events { w.write(e.time); w.write(e.channel); w.write(e.kind.rawValue); w.write(e.impedance) }
        w.write(Int64(potentialSolves)); w.write(Int64(solveIterations)); w.write(solveSeconds); w.write(solveCPUSeconds)
        w.write(Int64(driftChecks)); w.write(driftCheckSeconds)
        w.write(depositedPower); w.write(powerFactor)
        w.write(solved); w.write(circuitDirty); w.write(lastDriftCheck)
        w.write(UInt32(active.count))
        for a in active { w.write(Int32(a)) }
        w.write(conductance.flatMap { $0 })
        for u in unit { w.write(raw: UnsafeBufferPointer(u.buffer)) }
        w.write(raw: UnsafeBufferPointer(potential.conductivity.buffer))
        w.write(raw: UnsafeBufferPointer(collapseAtSolve.buffer))
        for v in [heatOrigin, heatSize] { for c in 0..<3 { w.write(Int32(v[c])) } }
        w.write(UInt64(combined.count))
        combined.withUnsafeBufferPointer { w.write(raw: $0) }
        w.write(combinedWeights)
        // Near-field model: the steel shafts and the filtered thermocouples.
        w.write(thermal != nil)
        for sh in shafts { w.write(sh.temperature) }
        for tc in thermocoupleState { w.write(tc) }
        for r in rolledOff { w.write(r) }
    }

    public func restoreState(from r: inout StateReader) throws {
        try r.expect(tag: "rf")
        let channels = Int(try r.read(UInt32.self))
        guard channels == states.count else {
            throw CoreError("\(r.context): checkpoint has \(channels) RF channels where this run has \(states.count)")
        }
        for c in states.indices {
            var s = GeneratorState()
            s.integral = try r.readDouble(); s.minImpedance = try r.readDouble()
            let cut = try r.readDouble(); s.cutUntil = cut.isNaN ? nil : cut
            s.power = try r.readDouble(); s.voltage = try r.readDouble()
            let z = try r.readDouble(); s.impedance = z.isNaN ? nil : z
            s.energy = try r.readDouble()
            let tc = try r.readDouble(); s.probeTemperature = tc.isNaN ? nil : tc
            s.lastCommand = try r.readDouble()
            states[c] = s
        }
        let eventCount = Int(try r.read(UInt32.self))
        var restoredEvents: [RFEvent] = []
        for _ in 0..<eventCount {
            let t = try r.readDouble(), channel = try r.readString(), kind = try r.readString(), z = try r.readDouble()
            guard let k = RFEvent.Kind(rawValue: kind) else { throw CoreError("\(r.context): unknown RF event '\(kind)' in checkpoint") }
            restoredEvents.append(RFEvent(time: t, channel: channel, kind: k, impedance: z))
        }
        events = restoredEvents
        potentialSolves = Int(try r.read(Int64.self)); solveIterations = Int(try r.read(Int64.self))
        solveSeconds = try r.readDouble(); solveCPUSeconds = try r.readDouble()
        driftChecks = Int(try r.read(Int64.self)); driftCheckSeconds = try r.readDouble()
        depositedPower = try r.readDouble(); powerFactor = try r.readDouble()
        let wasSolved = try r.readBool(), wasDirty = try r.readBool()
        lastDriftCheck = try r.readDouble()
        let activeCount = Int(try r.read(UInt32.self))
        var savedActive: [Int] = []
        for _ in 0..<activeCount {
            let a = Int(try r.read(Int32.self))
            guard probes.indices.contains(a) else { throw CoreError("\(r.context): RF channel \(a) in checkpoint does not exist") }
            savedActive.append(a)
        }
        let g = try r.readDoubles()
        let n = electrodes.count
        guard g.count == (wasSolved ? n * n : 0) || (g.isEmpty && !wasSolved) else {
            throw CoreError("\(r.context): checkpoint conductance matrix has \(g.count) entries where \(n * n) were expected")
        }
        conductance = wasSolved ? (0..<n).map { Array(g[($0 * n)..<($0 * n + n)]) } : []
        for u in unit { try r.read(into: u.buffer) }
        try r.read(into: potential.conductivity.buffer)
        try r.read(into: collapseAtSolve.buffer)
        var box: [SIMD3<Int>] = []
        for _ in 0..<2 { box.append(SIMD3(Int(try r.read(Int32.self)), Int(try r.read(Int32.self)), Int(try r.read(Int32.self)))) }
        let combinedCount = Int(try r.read(UInt64.self))
        guard combinedCount == 0 || combinedCount == box[1].x * box[1].y * box[1].z else {
            throw CoreError("\(r.context): checkpoint holds \(combinedCount) RF heating values for a \(box[1].x)x\(box[1].y)x\(box[1].z) heated box")
        }
        var savedCombined = [Float](repeating: 0, count: combinedCount)
        try savedCombined.withUnsafeMutableBufferPointer { try r.read(into: $0) }
        let savedCombinedWeights = try r.readDoubles()
        solved = wasSolved
        active = savedActive
        if wasSolved {
            do { try potential.assemble() } catch let e as PhysicsError { throw CoreError("\(r.context): \(e.description)") }
            if !wasDirty {
                do { try buildCircuit(active: savedActive) } catch let e as PhysicsError { throw CoreError("\(r.context): \(e.description)") }
            }
        }
        circuitDirty = wasDirty
        if wasSolved && !wasDirty && !savedActive.isEmpty {
            // The rebuilt heating patterns must cover the box they covered when saved.
            guard heatOrigin == box[0], heatSize == box[1] else {
                throw CoreError("\(r.context): the RF heating patterns rebuilt from the checkpoint cover a different box than the saved run's; the checkpoint is inconsistent")
            }
        } else {
            heatOrigin = box[0]; heatSize = box[1]
        }
        combined = savedCombined
        combinedSum = savedCombined.reduce(0) { $0 + Double($1) }
        combinedWeights = savedCombinedWeights
        let coupled = try r.readBool()
        for sh in shafts {
            let t = try r.readDoubles()
            guard t.count == sh.count else { throw CoreError("\(r.context): checkpoint holds \(t.count) shaft segments where probe '\(sh.probe.name)' has \(sh.count)") }
            sh.temperature = t
        }
        for p in thermocoupleState.indices {
            let t = try r.readDoubles()
            guard t.count == thermocoupleState[p].count else { throw CoreError("\(r.context): checkpoint holds \(t.count) thermocouples where probe '\(probes[p].name)' has \(thermocoupleState[p].count)") }
            thermocoupleState[p] = t
        }
        for c in rolledOff.indices { rolledOff[c] = try r.readBool() }
        shaftsStarted = coupled
        thermal = nil  // rebuilt from the solver's materials on the next update
    }
}
