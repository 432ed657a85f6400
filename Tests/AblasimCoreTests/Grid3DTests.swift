import XCTest
@testable import AblasimCore

final class Grid3DTests: XCTestCase {
    func message(_ body: () throws -> Void) -> String {
        do { try body() } catch let e as CoreError { return e.message } catch { return "unexpected \(error)" }
        return "no error"
    }

    func testRejectsBadDimensionsNamingTheAxisAndTheRule() {
        let m = message { _ = try Grid3D(nx: 4, ny: 0, nz: 4, isotropic: 1e-3) }
        XCTAssertTrue(m.contains("ny = 0") && m.contains("at least 1"), m)
        let neg = message { _ = try Grid3D(nx: -3, ny: 4, nz: 4, isotropic: 1e-3) }
        XCTAssertTrue(neg.contains("nx = -3"), neg)
    }

    func testRejectsTooLargeGrids() {
        let m = message { _ = try Grid3D(nx: 1 << 12, ny: 1 << 12, nz: 1 << 12, isotropic: 1e-4) }
        XCTAssertTrue(m.contains("too large"), m)
    }

    func testRejectsBadSpacingsNamingValueInMillimetres() {
        for (h, text) in [(0.0, "0.0 mm"), (-1e-3, "-1.0 mm"), (Double.nan, "nan mm"), (Double.infinity, "inf mm"), (2.0, "2000.0 mm")] {
            let m = message { _ = try Grid3D(nx: 2, ny: 2, nz: 2, spacing: SIMD3(1e-3, h, 1e-3)) }
            XCTAssertTrue(m.contains("along y") && m.contains(text) && m.contains("positive"), m)
        }
    }

    func testRejectsBadOrientationAndOrigin() {
        let m = message { _ = try Grid3D(nx: 2, ny: 2, nz: 2, spacing: SIMD3(repeating: 1e-3), direction: [2, 0, 0, 0, 1, 0, 0, 0, 1]) }
        XCTAssertTrue(m.contains("column 0"), m)
        let short = message { _ = try Grid3D(nx: 2, ny: 2, nz: 2, spacing: SIMD3(repeating: 1e-3), direction: [1, 0, 0]) }
        XCTAssertTrue(short.contains("9 finite"), short)
        let origin = message { _ = try Grid3D(nx: 2, ny: 2, nz: 2, spacing: SIMD3(repeating: 1e-3), origin: SIMD3(0, .nan, 0)) }
        XCTAssertTrue(origin.contains("origin"), origin)
    }

    func testWorldAndIndexAreInverseForRotatedGrid() throws {
        // 90 degree rotation about z: voxel x runs along world +y, voxel y along world -x.
        let g = try Grid3D(nx: 4, ny: 5, nz: 6, spacing: SIMD3(1e-3, 2e-3, 3e-3), origin: SIMD3(0.01, -0.02, 0.03),
                           direction: [0, 1, 0, -1, 0, 0, 0, 0, 1])
        let p = SIMD3(1.5, 2.25, 4.0)
        let w = g.world(p)
        XCTAssertEqual(w.x, 0.01 - 2.25 * 2e-3, accuracy: 1e-15)
        XCTAssertEqual(w.y, -0.02 + 1.5e-3, accuracy: 1e-15)
        let back = g.index(w)
        for c in 0..<3 { XCTAssertEqual(back[c], p[c], accuracy: 1e-12) }
        XCTAssertEqual(g.voxelCount, 120)
        XCTAssertEqual(g.voxelVolume, 6e-9, accuracy: 1e-24)
        XCTAssertEqual(g.affineMillimetres[1], -2, accuracy: 1e-12)  // row 0 (R), column 1 (voxel y)
    }
}

final class Field3DTests: XCTestCase {
    func testPaddedLayoutAlignmentAndHalo() {
        let f = Field3D<Float>(nx: 5, ny: 3, nz: 2, repeating: 1)
        XCTAssertEqual(Int(bitPattern: f.base) % 64, 0, "storage must be 64-byte aligned")
        XCTAssertEqual(f.strideY, 7)
        XCTAssertEqual(f.strideZ, 35)
        XCTAssertEqual(f.index(0, 0, 0), 35 + 7 + 1)
        f.fillHalo(-5)
        XCTAssertEqual(f[-1, 0, 0], -5)
        XCTAssertEqual(f[5, 2, 1], -5)
        XCTAssertEqual(f[0, -1, 1], -5)
        XCTAssertEqual(f[4, 2, 2], -5)
        XCTAssertEqual(f[4, 2, 1], 1, "interior untouched")
        XCTAssertEqual(f.interior().count, 30)
        XCTAssertTrue(f.interior().allSatisfy { $0 == 1 })
    }

    func testSetInteriorRoundTripsInXFastestOrder() {
        let f = Field3D<Double>(nx: 3, ny: 2, nz: 2, repeating: 0)
        let values = (0..<12).map(Double.init)
        f.setInterior(values)
        XCTAssertEqual(f[1, 0, 0], 1)
        XCTAssertEqual(f[0, 1, 0], 3)
        XCTAssertEqual(f[0, 0, 1], 6)
        XCTAssertEqual(f.interior(), values)
        let c = f.copy()
        XCTAssertEqual(c.interior(), values)
    }

    func testTrilinearReproducesLinearFieldsAndClamps() {
        let f = Field3D<Double>(nx: 4, ny: 3, nz: 5, repeating: 0)
        for k in 0..<5 { for j in 0..<3 { for i in 0..<4 { f[i, j, k] = 1 + 2 * Double(i) - 3 * Double(j) + 0.5 * Double(k) } } }
        XCTAssertEqual(f.trilinear(at: SIMD3(1.25, 0.5, 3.75)), 1 + 2.5 - 1.5 + 1.875, accuracy: 1e-12)
        XCTAssertEqual(f.trilinear(at: SIMD3(-7, 0, 0)), 1, accuracy: 1e-12)
        XCTAssertEqual(f.trilinear(at: SIMD3(3, 2, 4)), 1 + 6 - 6 + 2, accuracy: 1e-12)
        XCTAssertEqual(f.trilinear(at: SIMD3(30, 20, 40)), 1 + 6 - 6 + 2, accuracy: 1e-12)
    }
}
