import Foundation
import AblasimCore

/// The analytic near field of a thin cylindrical electrode, used to give the faces between
/// a probe's shaft voxels and the tissue around them the conductance of the real annulus
/// between the shaft surface (radius r_e) and the tissue voxel centre, whatever the voxel
/// size.
///
/// Around a long cylinder the potential (and, without heating, the temperature) falls like
/// ln r: the annulus r_e < r < rho conducts 2 pi sigma L / ln(rho / r_e) per length L
/// (`CylindricalElectrode` in AnalyticSolutions). On the grid the shaft is a set of voxels
/// held at the electrode potential (Dirichlet at their centres) and each face to a tissue
/// voxel conducts sigma A / h. That face stands for the part of the annulus between the
/// held node, at distance rho_b from the axis, and the tissue node at rho_n: its lattice
/// resistance corresponds to ln(rho_n / rho_in). Scaling the face by
///
///   lambda = ln(rho_n / rho_in) / ln(alpha rho_n / r_e)
///
/// replaces that annulus by the true one from r_e. rho_in = rho_b for a shaft several
/// voxels thick (the staircase wall sits at the held nodes). For a shaft thinner than a
/// voxel, whose held node lies within rho_n e^(-pi/2) of the axis, the lattice sees a point
/// source: a single node in a square lattice behaves like a cylinder of radius
/// r_0 = h exp(-(gamma + 3/2 ln 2)) = 0.1985 h (Peaceman 1978, SPE J 18:183, "equivalent
/// well-block radius", from the lattice Green's function), its four neighbours like a ring
/// at alpha h with alpha = exp(pi/2) r_0 / h = 0.955; so rho_in = rho_n e^(-pi/2) and the
/// tissue node counts at alpha rho_n. This is Peaceman's well model written per face.
///
/// Measured on a translation-invariant cylinder (ValidationTests.ElectrodeNearFieldTests,
/// equivalent radius of the discrete electrode from the far field): 0.905 to 1.046 r_e for
/// r_e / h from 0.2 to 3 and the axis offsets tried (worst: a thin shaft off-centre in its
/// voxel), 0.74 r_e at r_e / h = 0.1 off-centre; without the correction the equivalent radius
/// is set by the voxels (0.25 to 7 times r_e).
public enum ElectrodeNearField {
    /// Peaceman's equivalent radius of one Dirichlet node over the voxel size,
    /// exp(-(Euler gamma + 1.5 ln 2)) (Peaceman 1978).
    public static let peacemanRatio = exp(-(0.5772156649015329 + 1.5 * log(2.0)))
    /// Radius of the ring of a node's four neighbours as the far field sees it, in voxel
    /// sizes: exp(pi/2) * peacemanRatio = 0.955.
    public static let ringRatio = exp(Double.pi / 2) * peacemanRatio
    /// Faces are not scaled by more than this (a tissue node just outside the surface would
    /// otherwise get an unbounded conductance); 20 is reached only when rho_n < 1.05 r_e.
    public static let maxFactor = 20.0

    /// Multiplier lambda of a face between a held shaft node at `rhoB` and a tissue node at
    /// `rhoN` from the axis [m], for a shaft of radius `radius` [m] (see the type comment).
    public static func faceFactor(rhoN: Double, rhoB: Double, radius: Double) -> Double {
        let point = rhoN * exp(-Double.pi / 2)
        let numerator: Double, outer: Double
        if rhoB < point { numerator = Double.pi / 2; outer = ringRatio * rhoN } else { numerator = log(rhoN / rhoB); outer = rhoN }
        // A tissue node (nearly) on the surface: the annulus vanishes, cap the conductance.
        let denominator = log(outer / radius)
        guard denominator > numerator / maxFactor else { return maxFactor }
        return max(numerator / denominator, 0)
    }

    /// One face between a shaft voxel and a tissue voxel.
    public struct Face: Sendable, Equatable {
        /// Linear index (x fastest) of the tissue voxel.
        public var tissue: Int
        /// Linear index of the shaft voxel.
        public var shaft: Int
        /// Axis of the face (0 x, 1 y, 2 z).
        public var axis: Int
        /// Multiplier of the face's lattice conductance (`faceFactor`).
        public var factor: Double
        /// Distance of the tissue voxel centre along the shaft from the tip [m] (clamped to the shaft).
        public var tissueAxial: Double
        /// Distance of the shaft voxel centre along the shaft from the tip [m] (clamped).
        public var shaftAxial: Double
    }

    /// Every face between `probe`'s raster and a voxel outside `excluded` (all probes'
    /// shaft voxels), with its factor.
    public static func faces(of probe: Probe, raster: ProbeRaster, grid: Grid3D, excluded: Set<Int>) -> [Face] {
        let axis = probe.backward, len = probe.length
        func axial(_ w: SIMD3<Double>) -> (t: Double, rho: Double) {
            let d = w - probe.tip
            let t = min(max((d * axis).sum(), 0), len)
            let r = d - axis * t
            return (t, (r * r).sum().squareRoot())
        }
        let nx = grid.nx, ny = grid.ny, nz = grid.nz
        var out: [Face] = []
        for v in raster.voxels {
            let (i, j, k) = grid.voxel(v).tuple
            let b = axial(grid.world(voxel: v))
            for (ax, di, dj, dk) in [(0, 1, 0, 0), (0, -1, 0, 0), (1, 0, 1, 0), (1, 0, -1, 0), (2, 0, 0, 1), (2, 0, 0, -1)] {
                let a = i + di, bj = j + dj, c = k + dk
                guard a >= 0, a < nx, bj >= 0, bj < ny, c >= 0, c < nz else { continue }
                let n = (c * ny + bj) * nx + a
                guard !excluded.contains(n) else { continue }
                let t = axial(grid.world(SIMD3(Double(a), Double(bj), Double(c))))
                out.append(Face(tissue: n, shaft: v, axis: ax,
                                factor: faceFactor(rhoN: t.rho, rhoB: b.rho, radius: probe.radius),
                                tissueAxial: t.t, shaftAxial: b.t))
            }
        }
        return out
    }
}
