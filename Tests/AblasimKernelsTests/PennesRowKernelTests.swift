import XCTest
@testable import AblasimKernels

/// A padded 3-plane by 3-row box around one row of `n` voxels: the row under test is
/// (j = 1, k = 1); every neighbour it reads exists, halos included.
struct RowBox<S: BinaryFloatingPoint & SIMDScalar> {
    let n: Int, sy: Int, sz: Int, count: Int
    var t: [S], label: [UInt8], q: [S]
    var offset: Int { sz + sy + 1 }

    init(n: Int) {
        self.n = n
        sy = n + 2
        sz = sy * 3
        count = sz * 3
        t = [S](repeating: 0, count: count)
        label = [UInt8](repeating: 0, count: count)
        q = [S](repeating: 0, count: count)
    }

    /// Runs `kernel` on the middle row and returns the whole output array (NaN where not written).
    /// `initial`: the output array's contents before the kernel (kernels that read it: RKL stages).
    func run(_ kernel: (PennesRow<S>, Int, PennesTables<S>) -> Void, tables: PennesTables<S>, initial: [S]? = nil) -> [S] {
        var out = initial ?? [S](repeating: .nan, count: count)
        t.withUnsafeBufferPointer { tp in label.withUnsafeBufferPointer { lp in q.withUnsafeBufferPointer { qp in
            out.withUnsafeMutableBufferPointer { op in
                let row = PennesRow(t: tp.baseAddress! + offset, tNew: op.baseAddress! + offset,
                                    label: lp.baseAddress! + offset, q: qp.baseAddress! + offset,
                                    strideY: sy, strideZ: sz)
                kernel(row, n, tables)
            }
        } } }
        return out
    }
}

/// Owned random tables of the kernel's layout.
final class RandomTables<S: BinaryFloatingPoint & SIMDScalar> {
    let gx: UnsafeMutablePointer<S>, gy: UnsafeMutablePointer<S>, gz: UnsafeMutablePointer<S>
    let perfusion: UnsafeMutablePointer<S>, sourceScale: UnsafeMutablePointer<S>
    let tables: PennesTables<S>

    init<G: RandomNumberGenerator>(using g: inout G) {
        let c = PennesTables<S>.labelCount
        func make(_ n: Int, _ scale: Double) -> UnsafeMutablePointer<S> {
            let p = UnsafeMutablePointer<S>.allocate(capacity: n)
            for i in 0..<n { p[i] = S(Double.random(in: 0..<scale, using: &g)) }
            return p
        }
        gx = make(c * c, 0.16); gy = make(c * c, 0.16); gz = make(c * c, 0.16)
        perfusion = make(c, 0.01); sourceScale = make(c, 1e-6)
        tables = PennesTables(gx: gx, gy: gy, gz: gz, perfusion: perfusion, sourceScale: sourceScale, arterial: 37)
    }

    deinit { for p in [gx, gy, gz, perfusion, sourceScale] { p.deallocate() } }
}

/// Deterministic generator so a failure reproduces.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Bitwise equality of two floating-point values (sign, exponent and significand).
func sameBits<S: BinaryFloatingPoint>(_ a: S, _ b: S) -> Bool {
    a.sign == b.sign && a.exponentBitPattern == b.exponentBitPattern && a.significandBitPattern == b.significandBitPattern
}

final class PennesRowKernelTests: XCTestCase {
    /// Label patterns that drive both coefficient paths of the SIMD kernel: random labels
    /// (per-lane reads), one label everywhere (broadcast), and one label with a few
    /// random voxels (blocks of either kind in one row).
    enum Pattern: CaseIterable { case random, uniform, sparse }

    private func checkSIMDEqualsScalar<S: BinaryFloatingPoint & SIMDScalar>(_: S.Type) {
        var g = SplitMix64(state: 42)
        let tables = RandomTables<S>(using: &g)
        let width = SIMD8<S>.scalarCount
        for pattern in Pattern.allCases {
            for n in 0...(3 * width + 1) {
                var box = RowBox<S>(n: n)
                let base = UInt8.random(in: 0..<64, using: &g)
                for i in 0..<box.count {
                    box.t[i] = S(Double.random(in: 20...95, using: &g))
                    box.q[i] = S(Double.random(in: 0...5e6, using: &g))
                    switch pattern {
                    case .random: box.label[i] = UInt8.random(in: 0..<64, using: &g)
                    case .uniform: box.label[i] = base
                    case .sparse: box.label[i] = Int.random(in: 0..<40, using: &g) == 0 ? UInt8.random(in: 0..<64, using: &g) : base
                    }
                }
                let scalar = box.run({ pennesRowScalar($0, count: $1, tables: $2) }, tables: tables.tables)
                let simd = box.run({ pennesRowSIMD($0, count: $1, tables: $2) }, tables: tables.tables)
                for i in 0..<box.count {
                    let inRow = i >= box.offset && i < box.offset + n
                    if inRow {
                        XCTAssertTrue(sameBits(simd[i], scalar[i]),
                                       "\(S.self) \(pattern) n=\(n) voxel \(i - box.offset): SIMD \(simd[i]) vs scalar \(scalar[i])")
                        XCTAssertTrue(scalar[i].isFinite)
                    } else {
                        XCTAssertTrue(simd[i].isNaN, "\(S.self) \(pattern) n=\(n): SIMD kernel wrote outside its row at \(i)")
                        XCTAssertTrue(scalar[i].isNaN, "\(S.self) \(pattern) n=\(n): scalar kernel wrote outside its row at \(i)")
                    }
                }
            }
        }
    }

    func testSIMDEqualsScalarFloat() { checkSIMDEqualsScalar(Float.self) }
    func testSIMDEqualsScalarDouble() { checkSIMDEqualsScalar(Double.self) }

    /// The scalar reference is the difference form of the update: check one voxel by hand.
    func testScalarMatchesUpdateFormula() {
        var g = SplitMix64(state: 7)
        let tables = RandomTables<Double>(using: &g)
        var box = RowBox<Double>(n: 1)
        for i in 0..<box.count { box.t[i] = 37; box.label[i] = 3 }
        let c = box.offset
        let neighbours = [(c - 1, 50.0, UInt8(5)), (c + 1, 40.0, UInt8(6)), (c - box.sy, 30.0, UInt8(7)),
                          (c + box.sy, 45.0, UInt8(8)), (c - box.sz, 60.0, UInt8(9)), (c + box.sz, 20.0, UInt8(10))]
        for (i, t, l) in neighbours { box.t[i] = t; box.label[i] = l }
        box.t[c] = 41; box.label[c] = 2; box.q[c] = 1e6
        let out = box.run({ pennesRowScalar($0, count: $1, tables: $2) }, tables: tables.tables)
        let tb = tables.tables
        var expected = 0.0
        expected += tb.gx[2 << 6 | 5] * (50 - 41)
        expected += tb.gx[2 << 6 | 6] * (40 - 41)
        expected += tb.gy[2 << 6 | 7] * (30 - 41)
        expected += tb.gy[2 << 6 | 8] * (45 - 41)
        expected += tb.gz[2 << 6 | 9] * (60 - 41)
        expected += tb.gz[2 << 6 | 10] * (20 - 41)
        expected += tb.perfusion[2] * (37 - 41)
        expected += tb.sourceScale[2] * 1e6
        XCTAssertEqual(out[c], 41 + expected, accuracy: 1e-12)
        XCTAssertNotEqual(expected, 0)
    }
}
