import XCTest
@testable import AblasimCore

/// The one voxel-index rule and the one trilinear stencil.
final class VoxelIndexTests: XCTestCase {
    func testDecodeInvertsEncodeAndXIsFastest() throws {
        let g = try Grid3D(nx: 5, ny: 4, nz: 3, isotropic: 1e-3)
        for v in 0..<g.voxelCount { XCTAssertEqual(g.linear(g.voxel(v)), v) }
        XCTAssertEqual(g.voxel(1), SIMD3(1, 0, 0))
        XCTAssertEqual(g.voxel(5), SIMD3(0, 1, 0))
        XCTAssertEqual(g.voxel(20), SIMD3(0, 0, 1))
        XCTAssertEqual(g.world(voxel: 7), g.world(SIMD3(2, 1, 0)))
    }

    func testStencilWeighsEightCornersToOneAndIsExactForLinearFields() throws {
        let dims = SIMD3(6, 5, 4)
        let f = Field3D<Float>(nx: 6, ny: 5, nz: 4, repeating: 0)
        for k in 0..<4 { for j in 0..<5 { for i in 0..<6 { f[i, j, k] = Float(2 * i + 3 * j - k) } } }
        for p in [SIMD3(0.25, 1.5, 2.75), SIMD3(4.9, 0.1, 0.5), SIMD3(5, 4, 3), SIMD3(-2, 7, 1)] {
            var count = 0, total = 0.0
            TrilinearStencil.forEachCorner(at: p, dims: dims) { q, w in
                count += 1; total += w
                XCTAssertTrue(all(q .>= .zero) && all(q .< dims), "\(q)")
            }
            XCTAssertEqual(count, 8)
            XCTAssertEqual(total, 1, accuracy: 1e-12)
            let c = pointwiseMin(pointwiseMax(p, .zero), SIMD3(5, 4, 3))   // clamped to the grid
            XCTAssertEqual(f.trilinear(at: p), 2 * c.x + 3 * c.y - c.z, accuracy: 1e-9, "\(p)")
        }
        // A point on the last centre weighs that voxel alone.
        TrilinearStencil.forEachCorner(at: SIMD3(5, 4, 3), dims: dims) { q, w in
            XCTAssertEqual(w, q == SIMD3(5, 4, 3) ? 1 : 0)
        }
    }
}
