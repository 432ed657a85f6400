import XCTest
import AblasimCore
@testable import AblasimPhysics

/// RF source: energy balance, channel circuit, generators, errors.
final class RFSourceTests: XCTestCase {
    let mm = 1e-3

    func muscle() throws -> Tissue { try TissueTable.standard.tissue(named: "muscle") }

    /// A cube of muscle at `h` spacing, `n` voxels a side, origin at the corner.
    func model(n: Int, h: Double) throws -> ThermalModel {
        ThermalModel(grid: try Grid3D(nx: n, ny: n, nz: n, isotropic: h), uniform: try muscle())
    }

    /// A probe along -z ending at (x, y, z) mm.
    func probe(_ preset: String, name: String, x: Double, y: Double, z: Double) throws -> Probe {
        try ProbePreset.probe(preset, name: name, entry: SIMD3(x, y, z + 60) * mm, tip: SIMD3(x, y, z) * mm)
    }

    func integralOfSource(_ s: PennesSolver<Float>) -> Double {
        s.source.interior().reduce(0) { $0 + Double($1) } * s.grid.voxelVolume
    }

    /// RF heating of the last update [W]: Q in the tissue plus the Joule share moved to the
    /// steel shafts, less the shafts' near-field exchange correction (conduction, not RF).
    func rfHeat(_ s: PennesSolver<Float>, _ rf: RFSource) -> Double {
        integralOfSource(s) + rf.shaftHeating - rf.shaftExchangeCorrection
    }

    func testEnergyBalanceSingleBipolarProbe() throws {
        for model in [ElectrodeModel.voxel, .nearField] {
            var m = try self.model(n: 40, h: 1 * mm)
            let p = try probe("cooled-bipolar-15", name: "left", x: 20, y: 20, z: 12)
            var options = RFOptions(); options.conductivity = .constant; options.electrodeModel = model
            let rf = try RFAblation.install(probes: [p], generators: [RFGenerator(mode: .constantPower(watts: 10))], into: &m, options: options)
            XCTAssertNotNil(m.materialIndex(named: "probe:left"), "a cooled probe paints its shaft as a held surface")
            let solver = try m.makeSolver(executor: SlabExecutor(threads: 2))
            try rf.update(solver: solver, time: 0)
            let q = integralOfSource(solver)
            print("bipolar \(model): integral Q dV = \(q) W (set 10 W), deposited \(rf.depositedPower) W, to the shaft \(rf.shaftHeating) W, exchange correction \(rf.shaftExchangeCorrection) W, Z = \(rf.channelSamples()[0].impedance!) ohm")
            // Joule heat in the tissue plus the share moved to the steel equals the set power;
            // the near-field exchange correction is heat the cold shaft takes, not RF.
            XCTAssertEqual(q + rf.shaftHeating - rf.shaftExchangeCorrection, 10, accuracy: 0.1, "integral of Q must equal the set power within 1 %")
            XCTAssertEqual(rf.depositedPower, 10, accuracy: 0.1)
            if model == .nearField { XCTAssertGreaterThan(rf.shaftHeating, 0.1, "half the electrode-face heating goes to the metal") }
            let sample = rf.channelSamples()[0]
            XCTAssertEqual(sample.power, 10, accuracy: 1e-9)
            // Z = V^2 / P; a single channel's impedance is 1 / Y.
            XCTAssertEqual(sample.impedance!, 1 / rf.admittance[0][0], accuracy: 1e-9 * sample.impedance!)
            XCTAssertGreaterThan(sample.impedance!, 10)
            XCTAssertLessThan(sample.impedance!, 10_000)
            XCTAssertEqual(sample.energy, 10 * solver.dt, accuracy: 1e-9)
            // No heat on the shaft; the voxel model holds it at the coolant temperature, the
            // near-field model at the steel's temperature (coolant-cooled, tissue- and RF-heated).
            let code = UInt8(rf.coolingMaterials[0]!)
            let steel = rf.shaftTemperatures().first ?? []
            for v in rf.rasters[0].voxels {
                let (i, j, k) = (v % 40, v / 40 % 40, v / 1600)
                XCTAssertEqual(solver.codes[i, j, k], code)
                XCTAssertEqual(solver.source[i, j, k], 0)
                if model == .voxel {
                    XCTAssertEqual(solver.temperature[i, j, k], 20)
                } else {
                    XCTAssertTrue(steel.contains(Double(solver.temperature[i, j, k])) || steel.contains { Float($0) == solver.temperature[i, j, k] })
                }
            }
            if model == .nearField {
                XCTAssertGreaterThan(steel[0], 20, "tissue and Joule heat warm the cooled steel above the coolant")
                XCTAssertLessThan(steel.max()!, 37.5)
            }
        }
    }

    func testEnergyBalanceMonopolarGroundedPad() throws {
        for model in [ElectrodeModel.voxel, .nearField] {
            var m = try self.model(n: 36, h: 1 * mm)
            let p = try probe("monopolar-18g-10mm", name: "cannula", x: 18, y: 18, z: 12)
            var options = RFOptions(); options.conductivity = .constant; options.electrodeModel = model
            let rf = try RFAblation.install(probes: [p], generators: [RFGenerator(mode: .constantPower(watts: 5))], into: &m, options: options)
            XCTAssertEqual(rf.boundary, .grounded)
            XCTAssertEqual(rf.boxSize, m.grid.dims, "monopolar default solves on the full grid")
            if model == .voxel {
                XCTAssertNil(m.materialIndex(named: "probe:cannula"), "voxel model: an uncooled probe stays tissue thermally")
            } else {
                XCTAssertNotNil(m.materialIndex(named: "probe:cannula"), "near-field model: the steel shaft holds its own temperature")
            }
            let solver = try m.makeSolver(executor: SlabExecutor(threads: 2))
            try rf.update(solver: solver, time: 0)
            XCTAssertEqual(rfHeat(solver, rf), 5, accuracy: 0.05)
            // The steel takes half the electrode-face heat and gives part of it back within
            // the same (implicit) step; it never returns more than it took.
            XCTAssertLessThanOrEqual(rf.shaftExchangeCorrection, rf.shaftHeating + 1e-12)
        }
    }

    func testTwoSimultaneousChannelsDeliverTheirOwnPowers() throws {
        for preset in ["cooled-bipolar-10", "monopolar-18g-7mm"] {
            var m = try model(n: 44, h: 1 * mm)
            let a = try probe(preset, name: "left", x: 16, y: 22, z: 14)
            let b = try probe(preset, name: "right", x: 28, y: 22, z: 14)
            // Reciprocity of the discretization, not of the iterative solve: tight tolerance.
            var options = RFOptions(); options.conductivity = .constant; options.tolerance = 1e-8
            let rf = try RFAblation.install(probes: [a, b],
                                            generators: [RFGenerator(mode: .constantPower(watts: 8)), RFGenerator(mode: .constantPower(watts: 12))],
                                            into: &m, options: options)
            let solver = try m.makeSolver(executor: SlabExecutor(threads: 2))
            try rf.update(solver: solver, time: 0)
            let g = rf.conductance
            for e in g.indices { for f in g.indices {
                XCTAssertEqual(g[e][f], g[f][e], accuracy: 1e-6 * abs(g[e][e]), "\(preset): conductance matrix symmetric (reciprocity)")
            } }
            let y = rf.admittance
            XCTAssertEqual(y[0][1], y[1][0], accuracy: 1e-6 * abs(y[0][0]))
            XCTAssertNotEqual(y[0][1], 0, "the channels share the medium")
            let s = rf.channelSamples()
            XCTAssertEqual(s[0].power, 8, accuracy: 1e-6)
            XCTAssertEqual(s[1].power, 12, accuracy: 1e-6)
            let q = rfHeat(solver, rf)
            print("\(preset): G = \(g), Y = \(y), Z = \(s.map { $0.impedance! }), integral Q = \(q) W")
            XCTAssertEqual(q, 20, accuracy: 0.2)
        }
    }

    func testSequentialModeRunsOneChannelAtATime() throws {
        var m = try model(n: 44, h: 1 * mm)
        let a = try probe("cooled-bipolar-10", name: "left", x: 16, y: 22, z: 14)
        let b = try probe("cooled-bipolar-10", name: "right", x: 28, y: 22, z: 14)
        var options = RFOptions(); options.conductivity = .constant
        let gens = RFAblation.sequential([RFGenerator(mode: .constantPower(watts: 6)), RFGenerator(mode: .constantPower(watts: 9))], phase: 10)
        let rf = try RFAblation.install(probes: [a, b], generators: gens, into: &m, options: options)
        let solver = try m.makeSolver(executor: SlabExecutor(threads: 2))
        try rf.update(solver: solver, time: 1)
        XCTAssertEqual(rf.channelSamples().map(\.power), [6, 0].map { $0 }, accuracy: 1e-6)
        solver.source.fill(0)
        try rf.update(solver: solver, time: 11)
        XCTAssertEqual(rf.channelSamples().map(\.power), [0, 9], accuracy: 1e-6)
        XCTAssertEqual(rfHeat(solver, rf), 9, accuracy: 0.09)
        solver.source.fill(0)
        try rf.update(solver: solver, time: 25)
        XCTAssertEqual(rfHeat(solver, rf), 0, accuracy: 1e-6)
    }

    func testRampFollowsItsScheduleUpToTheCeiling() throws {
        var m = try model(n: 30, h: 1 * mm)
        let p = try probe("monopolar-18g-10mm", name: "p", x: 15, y: 15, z: 10)
        var options = RFOptions(); options.conductivity = .constant
        let gen = RFGenerator(mode: .ramp(startWatts: 2, wattsPerSecond: 0.5, ceilingWatts: 5), start: 1)
        let rf = try RFAblation.install(probes: [p], generators: [gen], into: &m, options: options)
        let solver = try m.makeSolver(executor: SlabExecutor(threads: 1))
        for (t, expected) in [(0.5, 0.0), (1, 2), (5, 4), (20, 5)] {
            solver.source.fill(0)
            try rf.update(solver: solver, time: t)
            XCTAssertEqual(rf.channelSamples()[0].power, expected, accuracy: 1e-9, "t = \(t) s")
            XCTAssertEqual(rfHeat(solver, rf), expected, accuracy: 0.01 * expected + 1e-9)
        }
    }

    func testInterlockGateScalesPower() throws {
        var m = try model(n: 36, h: 1 * mm)
        let p = try probe("cooled-bipolar-10", name: "p", x: 18, y: 18, z: 12)
        var options = RFOptions(); options.conductivity = .constant
        let rf = try RFAblation.install(probes: [p], generators: [RFGenerator(mode: .constantPower(watts: 10))], into: &m, options: options)
        let solver = try m.makeSolver(executor: SlabExecutor(threads: 1))
        rf.powerFactor = 0.25
        try rf.update(solver: solver, time: 0)
        XCTAssertEqual(rf.channelSamples()[0].power, 2.5, accuracy: 1e-9)
        XCTAssertEqual(rfHeat(solver, rf), 2.5, accuracy: 0.025)
    }

    /// The box solve against the full grid for a bipolar probe.
    func testBoxSolveMatchesFullGrid() throws {
        var results: [(PennesSolver<Float>, RFSource)] = []
        for domain in [RFDomain.fullGrid, nil, .box(margin: 20 * mm)] {
            var m = try model(n: 60, h: 1 * mm)
            let p = try probe("cooled-bipolar-10", name: "p", x: 30, y: 30, z: 22)
            var options = RFOptions(); options.conductivity = .constant; options.domain = domain
            let rf = try RFAblation.install(probes: [p], generators: [RFGenerator(mode: .constantPower(watts: 10))], into: &m, options: options)
            let solver = try m.makeSolver(executor: SlabExecutor(threads: 2))
            try rf.update(solver: solver, time: 0)
            results.append((solver, rf))
        }
        let (full, box) = (results[0].0.source.interior(), results[1].0.source.interior())
        // Relative L2 difference of Q over the whole grid and impedance difference.
        let num = zip(full, box).reduce(0.0) { $0 + Double(($1.0 - $1.1) * ($1.0 - $1.1)) }
        let den = full.reduce(0.0) { $0 + Double($1 * $1) }
        let dq = (num / den).squareRoot()
        let z0 = results[0].1.channelSamples()[0].impedance!, z1 = results[1].1.channelSamples()[0].impedance!
        print("box \(results[1].1.boxSize) vs full grid \(results[0].1.boxSize): relative L2 difference of Q \(dq), impedance \(z1) vs \(z0) ohm")
        XCTAssertLessThan(results[1].1.boxSize.x * results[1].1.boxSize.y * results[1].1.boxSize.z, 60 * 60 * 60 / 3)
        // Voxel model: 0.45 %; near-field model (more of Q in the first cell): 1.006 %.
        XCTAssertLessThan(dq, 0.012, "Q on the default box (15 mm margin) within 1.2 % (L2) of the full-grid Q")
        XCTAssertEqual(z1, z0, accuracy: 0.01 * z0)
        let narrow = results[2].0.source.interior()
        let dn = (zip(full, narrow).reduce(0.0) { $0 + Double(($1.0 - $1.1) * ($1.0 - $1.1)) } / den).squareRoot()
        let z2 = results[2].1.channelSamples()[0].impedance!
        print("box \(results[2].1.boxSize) (20 mm margin): relative L2 difference of Q \(dn), impedance \(z2) ohm")
        XCTAssertLessThan(dn, dq, "a wider box is closer to the full grid")
    }

    func testBadInputIsRejectedWithClearErrors() throws {
        func expectInput(_ what: String, _ body: () throws -> Void) {
            XCTAssertThrowsError(try body(), what) { error in
                guard let e = error as? PhysicsError, e.isInputError else { return XCTFail("\(what): \(error)") }
                print("\(what): \(e)")
            }
        }
        let gen = RFGenerator(mode: .constantPower(watts: 10))
        expectInput("unknown preset") { _ = try probe("cooled-bipolar-99", name: "x", x: 10, y: 10, z: 10) }
        expectInput("probe outside the grid") {
            var m = try model(n: 30, h: 1 * mm)
            _ = try RFAblation.install(probes: [try probe("cooled-bipolar-10", name: "x", x: 45, y: 10, z: 10)], generators: [gen], into: &m)
        }
        expectInput("overlapping probes") {
            var m = try model(n: 30, h: 1 * mm)
            let a = try probe("cooled-bipolar-10", name: "a", x: 15, y: 15, z: 10)
            let b = try probe("cooled-bipolar-10", name: "b", x: 15.5, y: 15, z: 12)
            _ = try RFAblation.install(probes: [a, b], generators: [gen, gen], into: &m)
        }
        for w in [-5.0, 1000, .nan] {
            expectInput("power \(w) W") {
                var m = try model(n: 30, h: 1 * mm)
                _ = try RFAblation.install(probes: [try probe("cooled-bipolar-10", name: "x", x: 15, y: 15, z: 10)],
                                           generators: [RFGenerator(mode: .constantPower(watts: w))], into: &m)
            }
        }
        expectInput("channel count") {
            var m = try model(n: 30, h: 1 * mm)
            _ = try RFAblation.install(probes: [try probe("cooled-bipolar-10", name: "x", x: 15, y: 15, z: 10)], generators: [gen, gen], into: &m)
        }
    }

    func testTemperatureControlHoldsTheTipNearTarget() throws {
        var m = try model(n: 28, h: 1 * mm)
        let p = try probe("cooled-bipolar-10", name: "cooled", x: 14, y: 14, z: 8)
        let gen = RFGenerator(mode: .temperatureControlled(target: 70, maxPower: 40))
        // The PI gains were set on the voxel model's plant; with the near-field model the
        // 1 mm cooled probe's tip reading is stiffer and the same loop swings 67-70 C with a
        // 75 C overshoot (docs/rf-electrodes.md, known limits): this test checks the loop
        // on the plant it was tuned for.
        var options = RFOptions(); options.electrodeModel = .voxel
        let rf = try RFAblation.install(probes: [p], generators: [gen], into: &m, options: options)
        let solver = try m.makeSolver(executor: SlabExecutor(threads: 2))
        try solver.setTimeStep(min(solver.dt, rf.maximumTimeStep!))  // as Simulation.run does
        var tip: [Double] = []
        while solver.time < 90 {
            solver.source.fill(0)
            try rf.update(solver: solver, time: solver.time)
            try solver.step()
            tip.append(rf.channelSamples()[0].probeTemperature!)
        }
        let last = tip.suffix(Int(Double(tip.count) * 0.3))
        print(String(format: "temperature control: %d steps of %.3f s, tip reached %.1f C, last 30 %%: %.2f..%.2f C, %d re-solves, %.2f s solving, %.1f W at the end, energy %.0f J",
                     tip.count, solver.dt, tip.max()!, last.min()!, last.max()!, rf.potentialSolves, rf.solveSeconds,
                     rf.channelSamples()[0].power, rf.channelSamples()[0].energy))
        XCTAssertEqual(last.min()!, 70, accuracy: 1)
        XCTAssertEqual(last.max()!, 70, accuracy: 1)
        XCTAssertLessThan(tip.max()!, 73, "overshoot")
        XCTAssertGreaterThan(rf.potentialSolves, 1, "conductivity rises 2 %/C: the potential must be re-solved")
        XCTAssertTrue(rf.events.isEmpty)
    }

    func testArticulatingProbeReadsItsShaftThermocouples() throws {
        var m = try model(n: 32, h: 1 * mm)
        let p = try probe("articulating-bipolar", name: "star", x: 16, y: 16, z: 4)
        let rf = try RFAblation.install(probes: [p], generators: [RFGenerator(mode: .constantPower(watts: 5))], into: &m)
        let solver = try m.makeSolver(executor: SlabExecutor(threads: 2))
        try advance(solver, rf, steps: 20)
        let r = rf.thermocoupleReadings(solver: solver)
        print("articulating probe thermocouples: \(r.map { "\($0.thermocouple) \($0.temperature)" })")
        XCTAssertEqual(r.map(\.thermocouple), ["tip", "tc-10mm", "tc-15mm", "tc-20mm"])
        // Heated near the electrodes, cooler towards the zone edge.
        XCTAssertGreaterThan(r[0].temperature, r[1].temperature)
        XCTAssertGreaterThan(r[1].temperature, r[2].temperature)
        XCTAssertGreaterThan(r[2].temperature, r[3].temperature - 1e-6)
        XCTAssertGreaterThan(r[0].temperature, 40)
    }

    func testImpedanceCutoutIsAResultNotACrash() throws {
        var m = try model(n: 32, h: 1 * mm)
        let p = try probe("monopolar-18g-5mm", name: "hot", x: 16, y: 16, z: 10)
        // 40 W on a 5 mm uncooled tip boils the tissue at the electrode within seconds.
        let gen = RFGenerator(mode: .constantPower(watts: 40), cutout: ImpedanceCutout(riseFactor: 2, pause: nil))
        var options = RFOptions(); options.driftCheckInterval = 0
        let rf = try RFAblation.install(probes: [p], generators: [gen], into: &m, options: options)
        let solver = try m.makeSolver(executor: SlabExecutor(threads: 2))
        while solver.time < 60 && !rf.events.contains(where: { $0.kind == .impedanceCutout }) {
            solver.source.fill(0)
            try rf.update(solver: solver, time: solver.time)
            try solver.step()
        }
        print("cut-out events: \(rf.events), after \(rf.potentialSolves) re-solves")
        XCTAssertEqual(rf.events.first?.kind, .rollOff, "the impedance rise is reported before the cut-out")
        XCTAssertEqual(rf.events.last?.kind, .impedanceCutout)
        for e in rf.events {
            XCTAssertEqual(e.channel, "hot"); XCTAssertGreaterThan(e.time, 0); XCTAssertGreaterThan(e.impedance, 0)
        }
        if let r = rf.events.first, let c = rf.events.last { XCTAssertLessThanOrEqual(r.time, c.time); XCTAssertLessThanOrEqual(r.impedance, c.impedance) }
        solver.source.fill(0)
        try rf.update(solver: solver, time: solver.time)
        XCTAssertEqual(rf.channelSamples()[0].power, 0, "the channel stays off after a cut-out without pause")
        XCTAssertEqual(rfHeat(solver, rf), 0, accuracy: 1e-9)
    }

    /// While no power can reach the tissue (interlock gate at 0, or a cut-out), the
    /// temperature controller must not wind up: when the gate opens again the power ramps
    /// up from 0 W at the slew limit instead of jumping to the command it integrated to.
    func testTemperatureControllerDoesNotWindUpWhileTheOutputIsOff() throws {
        var m = try model(n: 32, h: 1 * mm)
        let p = try probe("monopolar-18g-10mm", name: "tc", x: 16, y: 16, z: 8)
        let gen = RFGenerator(mode: .temperatureControlled(target: 80, maxPower: 30), cutout: nil)
        let rf = try RFAblation.install(probes: [p], generators: [gen], into: &m)
        let solver = try m.makeSolver(executor: SlabExecutor(threads: 2))
        while solver.time < 40 { try advance(solver, rf, steps: 1) }
        let settled = rf.channelSamples()[0].power
        rf.powerFactor = 0
        while solver.time < 60 { try advance(solver, rf, steps: 1) }
        XCTAssertEqual(rf.channelSamples()[0].power, 0)
        rf.powerFactor = 1
        try advance(solver, rf, steps: 1)
        let resumed = rf.channelSamples()[0].power
        print("settled \(settled) W; first step after 20 s off: \(resumed) W (slew limit \(gen.maxSlewRate * solver.dt) W per step)")
        XCTAssertGreaterThan(settled, 0.5)
        XCTAssertLessThanOrEqual(resumed, gen.maxSlewRate * solver.dt * 1.000001, "resumes from 0 W along the slew limit")
        var peak = -Double.infinity
        while solver.time < 120 {
            try advance(solver, rf, steps: 1)
            peak = max(peak, rf.thermocoupleReadings(solver: solver)[0].temperature)
        }
        print("control thermocouple peak after the pause: \(peak) C (set 80 C)")
        // Before the fix: a 28.7 W jump and a 345 C peak. The 1 mm grid overshoots some K
        // on its own (0.76 s steps on an uncooled tip), hence set point + 10 K.
        XCTAssertLessThan(peak, 90, "no overshoot from a wound-up integral")
    }
}

private func XCTAssertEqual(_ a: [Double], _ b: [Double], accuracy: Double, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.count, b.count, file: file, line: line)
    for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: accuracy, file: file, line: line) }
}
