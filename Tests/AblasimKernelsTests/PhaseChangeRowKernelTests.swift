import XCTest
@testable import AblasimKernels

/// Owned tables for the phase-change kernel: codes 0..3 tissues with random properties,
/// 4 and 6 held (face-fixed), 5 film, 7 insulated.
final class PhaseChangeTestTables<S: BinaryFloatingPoint & SIMDScalar> {
    var owned: [UnsafeMutablePointer<S>] = []
    let kind: UnsafeMutablePointer<UInt8>
    var tables: PhaseChangeTables<S>!
    private var faces: UnsafeMutablePointer<S>?
    private var frozenFaces: UnsafeMutablePointer<S>?

    /// - Parameter unfrozenFaces: also fill the kernel's unfrozen fast-path tables.
    init<G: RandomNumberGenerator>(using g: inout G, unfrozenFaces: Bool = false) {
        let n = PennesTables<S>.labelCount
        kind = .allocate(capacity: n)
        kind.initialize(repeating: PhaseChangeFace.insulated, count: n)
        func t(_ f: (Int) -> Double) -> UnsafeMutablePointer<S> {
            let p = UnsafeMutablePointer<S>.allocate(capacity: n)
            for i in 0..<n { p[i] = S(f(i)) }
            owned.append(p)
            return p
        }
        var cf = [Double](repeating: 1, count: n), cu = cf, lat = [Double](repeating: 0, count: n)
        for i in 0..<4 {
            kind[i] = PhaseChangeFace.tissue
            cf[i] = Double.random(in: 1.8e6...2.2e6, using: &g); cu[i] = Double.random(in: 3.4e6...3.9e6, using: &g)
            lat[i] = Double.random(in: 2e8...3e8, using: &g)
        }
        kind[4] = PhaseChangeFace.faceFixed; kind[5] = PhaseChangeFace.film; kind[6] = PhaseChangeFace.faceFixed
        let ku = (0..<n).map { _ in Double.random(in: 0.4...0.6, using: &g) }
        let kf = (0..<n).map { _ in Double.random(in: 1.5...2.2, using: &g) }
        let cm = (0..<n).map { 0.5 * (cf[$0] + cu[$0]) + lat[$0] / 7 }
        tables = PhaseChangeTables(kind: kind, film: t { _ in 800 }, kUnfrozen: t { ku[$0] }, kDelta: t { kf[$0] - ku[$0] },
                                   solidus: t { _ in -8 }, liquidus: t { _ in -1 }, inverseRange: t { _ in 1.0 / 7 },
                                   capFrozen: t { cf[$0] }, capMushy: t { cm[$0] }, capUnfrozen: t { cu[$0] },
                                   invCapFrozen: t { 1 / cf[$0] }, invCapMushy: t { 1 / cm[$0] }, invCapUnfrozen: t { 1 / cu[$0] },
                                   enthalpyLiquidus: t { cm[$0] * 7 }, perfusion: t { $0 > 0 && $0 < 4 ? 2e4 : 0 },  // code 0: unperfused
                                   inverseSpacing: SIMD3(S(2000), S(2000), S(1000)), arterial: 37)
        if unfrozenFaces {
            let count = PhaseChangeTables<S>.unfrozenFaceCount, bits = PennesTables<S>.labelBits
            let f = UnsafeMutablePointer<S>.allocate(capacity: count)
            for axis in 0..<3 { for a in 0..<n { for b in 0..<n { f[axis << (2 * bits) | a << bits | b] = tables.unfrozenFace(a, b, axis: axis) } } }
            faces = f
            tables.unfrozenFaces = UnsafePointer(f)
            tables.unfrozenAbove = -1
            tables.tissueWeight = UnsafePointer(t { kind[$0] == PhaseChangeFace.tissue ? 1 : 0 })
            let g = UnsafeMutablePointer<S>.allocate(capacity: count)
            for axis in 0..<3 { for a in 0..<n { for b in 0..<n { g[axis << (2 * bits) | a << bits | b] = tables.frozenFace(a, b, axis: axis) } } }
            frozenFaces = g
            tables.frozenFaces = UnsafePointer(g)
            tables.frozenBelow = -8
        }
    }
    deinit { owned.forEach { $0.deallocate() }; kind.deallocate(); faces?.deallocate(); frozenFaces?.deallocate() }
}

final class PhaseChangeRowKernelTests: XCTestCase {
    /// - Parameter warmFrom: lowest random temperature; -60 spans all branches, about -2
    ///   makes most blocks unfrozen (the kernel's fast path when `fastPath`).
    func run<S: BinaryFloatingPoint & SIMDScalar>(_: S.Type, n: Int, seed: UInt64, warmFrom: Double = -60, fastPath: Bool = false,
                                                     mostlyOneTissue: Bool = false, upTo: Double = 60) -> ([S], [S]) {
        var g = SplitMix64(state: seed)
        let tb = PhaseChangeTestTables<S>(using: &g, unfrozenFaces: fastPath)
        var box = RowBox<S>(n: n)
        for i in 0..<box.count {
            // Temperatures across frozen, mushy and unfrozen branches.
            box.t[i] = S(Double.random(in: warmFrom...upTo, using: &g))
            if mostlyOneTissue {
                // Blocks of one tissue (the lean path's broadcast faces) with a few odd voxels.
                box.label[i] = Double.random(in: 0..<1, using: &g) < 0.05 ? UInt8(Int.random(in: 0..<8, using: &g)) : 2
            } else {
                box.label[i] = UInt8(Int.random(in: 0..<10, using: &g) < 7 ? Int.random(in: 0..<4, using: &g) : Int.random(in: 4..<8, using: &g))
            }
            box.q[i] = S(Double.random(in: 0...1e6, using: &g))
        }
        let dt = S(0.02)
        let simd = box.run({ r, c, _ in phaseChangeRowSIMD(r, count: c, dt: dt, tables: tb.tables) }, tables: dummyTables())
        let scalar = box.run({ r, c, _ in phaseChangeRowScalar(r, count: c, dt: dt, tables: tb.tables) }, tables: dummyTables())
        return (simd, scalar)
    }

    func dummyTables<S: BinaryFloatingPoint & SIMDScalar>() -> PennesTables<S> {
        let p = UnsafeMutablePointer<S>.allocate(capacity: 1)
        return PennesTables(gx: p, gy: p, gz: p, perfusion: p, sourceScale: p, arterial: 0)
    }

    func testSIMDMatchesScalarReferenceBitwise() {
        for (n, seed) in [(37, 1), (8, 2), (64, 3), (5, 4)] as [(Int, UInt64)] {
            let (a, b) = run(Float.self, n: n, seed: seed)
            XCTAssertEqual(a.map(\.bitPattern), b.map(\.bitPattern), "float n = \(n)")
            let (c, d) = run(Double.self, n: n, seed: seed)
            XCTAssertEqual(c.map(\.bitPattern), d.map(\.bitPattern), "double n = \(n)")
        }
    }

    func testUnfrozenFastPathMatchesScalarReferenceBitwise() {
        // Mostly warm rows (blocks take the tabulated-face path) with some blocks reaching
        // into the freezing range (general path), and fully mixed rows with the tables set.
        for (n, seed, warmFrom) in [(37, 11, 0.0), (64, 12, -1.5), (64, 13, -60), (13, 14, 5)] as [(Int, UInt64, Double)] {
            let (a, b) = run(Float.self, n: n, seed: seed, warmFrom: warmFrom, fastPath: true)
            XCTAssertEqual(a.map(\.bitPattern), b.map(\.bitPattern), "float n = \(n) from \(warmFrom) C")
            let (c, d) = run(Double.self, n: n, seed: seed, warmFrom: warmFrom, fastPath: true)
            XCTAssertEqual(c.map(\.bitPattern), d.map(\.bitPattern), "double n = \(n) from \(warmFrom) C")
            // The fast path gives what the general SIMD path gives.
            let (e, _) = run(Float.self, n: n, seed: seed, warmFrom: warmFrom, fastPath: false)
            XCTAssertEqual(a.map(\.bitPattern), e.map(\.bitPattern), "fast vs general, n = \(n)")
        }
    }

    func testLeanUnfrozenPathOnOneTissueBlocksMatchesScalarReferenceBitwise() {
        // Warm blocks of one tissue take the lean path; starting within a fraction of a kelvin
        // of the liquidus, some lanes end below its margin and the block falls back.
        for (n, seed, warmFrom) in [(64, 21, -0.99), (40, 22, -0.9), (64, 23, 10), (29, 24, -60)] as [(Int, UInt64, Double)] {
            let (a, b) = run(Float.self, n: n, seed: seed, warmFrom: warmFrom, fastPath: true, mostlyOneTissue: true)
            XCTAssertEqual(a.map(\.bitPattern), b.map(\.bitPattern), "float n = \(n) from \(warmFrom) C")
            let (c, d) = run(Double.self, n: n, seed: seed, warmFrom: warmFrom, fastPath: true, mostlyOneTissue: true)
            XCTAssertEqual(c.map(\.bitPattern), d.map(\.bitPattern), "double n = \(n) from \(warmFrom) C")
        }
    }

    /// An RKL stage: SIMD (lean unfrozen and frozen paths, per-voxel fallback) against the
    /// scalar reference, bitwise, with T_{j-2} near T_{j-1} so lanes cross branches between
    /// the registers; rows warm, deep frozen, around the freezing range and mixed.
    func testLegendreStageMatchesScalarReferenceBitwise() {
        func stage<S: BinaryFloatingPoint & SIMDScalar>(_: S.Type, n: Int, seed: UInt64, range: ClosedRange<Double>, oneTissue: Bool) -> ([S], [S]) {
            var g = SplitMix64(state: seed)
            let tb = PhaseChangeTestTables<S>(using: &g, unfrozenFaces: true)
            var box = RowBox<S>(n: n)
            var previous = [S](repeating: 0, count: box.count)
            for i in 0..<box.count {
                box.t[i] = S(Double.random(in: range, using: &g))
                previous[i] = box.t[i] + S(Double.random(in: -3...3, using: &g))
                box.label[i] = oneTissue ? (Double.random(in: 0..<1, using: &g) < 0.05 ? UInt8(Int.random(in: 0..<8, using: &g)) : 1)
                                         : UInt8(Int.random(in: 0..<10, using: &g) < 7 ? Int.random(in: 0..<4, using: &g) : Int.random(in: 4..<8, using: &g))
                box.q[i] = S(Double.random(in: 0...1e5, using: &g))
            }
            let a = S(0.8), b = S(0.015)
            let simd = box.run({ r, c, _ in phaseChangeLegendreRowSIMD(r, count: c, a: a, b: b, tables: tb.tables) }, tables: dummyTables(), initial: previous)
            let scalar = box.run({ r, c, _ in phaseChangeLegendreRowScalar(r, count: c, a: a, b: b, tables: tb.tables) }, tables: dummyTables(), initial: previous)
            return (simd, scalar)
        }
        for (n, seed, range, one) in [(64, 31, 2.0...60, true), (64, 32, -60.0 ... -12, true), (40, 33, -12.0...4, false),
                                      (64, 34, -60.0...60, false), (21, 35, -0.99...40, true)] as [(Int, UInt64, ClosedRange<Double>, Bool)] {
            let (a, b) = stage(Float.self, n: n, seed: seed, range: range, oneTissue: one)
            XCTAssertEqual(a.map(\.bitPattern), b.map(\.bitPattern), "float n = \(n), T in \(range)")
            let (c, d) = stage(Double.self, n: n, seed: seed, range: range, oneTissue: one)
            XCTAssertEqual(c.map(\.bitPattern), d.map(\.bitPattern), "double n = \(n), T in \(range)")
        }
    }

    func testFrozenLeanPathMatchesScalarReferenceBitwise() {
        // Rows deep in the ice (the lean frozen path) with lanes reaching the ceiling.
        for (n, seed, warmFrom, upTo) in [(64, 41, -60.0, -10.0), (37, 42, -30, -7.5)] as [(Int, UInt64, Double, Double)] {
            let (a, b) = run(Float.self, n: n, seed: seed, warmFrom: warmFrom, fastPath: true, mostlyOneTissue: true, upTo: upTo)
            XCTAssertEqual(a.map(\.bitPattern), b.map(\.bitPattern), "float n = \(n)")
            let (c, d) = run(Double.self, n: n, seed: seed, warmFrom: warmFrom, fastPath: true, mostlyOneTissue: true, upTo: upTo)
            XCTAssertEqual(c.map(\.bitPattern), d.map(\.bitPattern), "double n = \(n)")
        }
    }

    func testLatentHeatHoldsTemperatureInTheFreezingRange() {
        // One tissue voxel in the mushy zone losing heat at a fixed rate cools C_m / C_u times
        // slower than an unfrozen one: the latent heat is released over the range.
        var g = SplitMix64(state: 9)
        let tb = PhaseChangeTestTables<Double>(using: &g)
        var box = RowBox<Double>(n: 1)
        for i in 0..<box.count { box.label[i] = 7; box.t[i] = 0 }   // insulated surroundings
        box.label[box.offset] = 0   // unperfused tissue
        box.q[box.offset] = -1e6
        let dt = 0.01
        func cooling(from t0: Double) -> Double {
            box.t[box.offset] = t0
            let out = box.run({ r, c, _ in phaseChangeRowScalar(r, count: c, dt: dt, tables: tb.tables) }, tables: dummyTables())
            return t0 - out[box.offset]
        }
        let t = tb.tables!
        XCTAssertEqual(cooling(from: 10), 1e6 * dt / Double(t.capUnfrozen[0]), accuracy: 1e-12)
        XCTAssertEqual(cooling(from: -4), 1e6 * dt / Double(t.capMushy[0]), accuracy: 1e-12)
        XCTAssertEqual(cooling(from: -20), 1e6 * dt / Double(t.capFrozen[0]), accuracy: 1e-12)
        // Non-tissue voxels keep their temperature.
        box.label[box.offset] = 4
        XCTAssertEqual(cooling(from: -150), 0)
    }
}

