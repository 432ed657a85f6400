import Foundation
import AblasimCore
import CLapack

/// Condition for the electric potential on the outer faces of the solve box.
public enum ElectricBoundary: Equatable, Sendable {
    /// No current leaves the box (bipolar probes: the current returns through the probe).
    case insulated
    /// The faces are at 0 V: the grounding pad of a monopolar circuit, idealised as the
    /// box surface (standard simplification of monopolar RF models, e.g. Haemmerich 2010
    /// review, Crit Rev Biomed Eng 38:53, where the pad is a distant 0 V boundary).
    case grounded
}

/// Quasi-static electric potential on a voxel box,
///
///   div(sigma grad V) = 0,
///
/// with sigma [S/m] the electrical conductivity per voxel, electrode voxels held at their
/// potential (Dirichlet at the voxel centre), zero-conductivity voxels (insulated shaft)
/// carrying no current and the outer faces insulated or grounded.
///
/// Finite volumes: the face between voxels a and b conducts
/// G = 2 sigma_a sigma_b / (sigma_a + sigma_b) * A / h [S] (harmonic mean, A face area [m^2],
/// h centre distance [m]); a face to an electrode conducts sigma_a A / h (tissue over the
/// whole centre distance, as the thermal model treats fixed-temperature voxels); a face to
/// a grounded outer boundary conducts 2 sigma_a A / h (half a cell).
///
/// Solver: conjugate gradients preconditioned by one symmetric multigrid V-cycle
/// (red-black Gauss-Seidel, piecewise-constant transfer, coarse conductances summed over
/// each coarse face and halved, which rediscretizes a uniform medium exactly), the coarsest
/// level factored once per assembly by LAPACK (`dpbtrf`, banded SPD) and solved by `dpbtrs`.
/// Each unit-potential problem keeps its solution, so re-solves start warm.
///
/// Determinism: every sweep writes disjoint planes, every dot product is summed per plane
/// and combined in plane order, so results are bitwise identical for any thread count.
public final class ElectricPotentialSolver {
    public let nx: Int, ny: Int, nz: Int
    /// Voxel size [m].
    public let spacing: SIMD3<Double>
    public let boundary: ElectricBoundary
    public let electrodeCount: Int
    public let executor: SlabExecutor
    /// Relative residual ||b - A x|| / ||b|| at which a solve stops.
    public var tolerance: Double
    public var maxIterations = 400
    /// The hierarchy coarsens until a level has at most this many voxels, then solves it
    /// directly (LAPACK banded Cholesky).
    public var coarsestCells = CoarseBandSolver.maxCells
    /// Electrical conductivity per voxel [S/m], padded like `Field3D`; the caller fills the
    /// interior and calls `assemble()`. Electrode and insulator voxels are ignored.
    public let conductivity: Field3D<Double>
    /// Role per voxel: -1 conductor, -2 insulator, e >= 0 electrode e (padded, halo -2).
    public let role: Field3D<Int32>
    /// Number of conjugate-gradient iterations of the last solve.
    public private(set) var lastIterations = 0
    public private(set) var lastResidual = 0.0

    static let conductor: Int32 = -1
    static let insulator: Int32 = -2

    var levels: [MultigridLevel] = []
    /// Per electrode: (voxel index, conductance [S]) of every face between a conductor and
    /// that electrode.
    var electrodeFaces: [[(Int, Double)]]
    /// (voxel index, conductance [S]) of every conductor's faces to a grounded boundary.
    var groundFaces: [(Int, Double)] = []
    /// Multiplier of the conductance of conductor-electrode faces, keyed by
    /// `faceKey(lower:axis:)` (absent: 1). The RF source sets it from the analytic near
    /// field of a thin cylindrical electrode (`ElectrodeNearField`), so the electrode's
    /// true radius, not the voxel size, sets the resistance of the first cell around it.
    public var electrodeFaceFactors: [Int: Double] = [:]

    /// Key of the face between padded index `lower` and its +x (axis 0), +y (1) or +z (2)
    /// neighbour.
    @inline(__always)
    public static func faceKey(lower: Int, axis: Int) -> Int { lower &* 3 &+ axis }
    private var coarse: CoarseBandSolver?
    // Conjugate-gradient work vectors on the fine level.
    private let r: Field3D<Double>, z: Field3D<Double>, p: Field3D<Double>, q: Field3D<Double>

    /// - Parameters:
    ///   - roles: per interior voxel (x fastest): -1 conductor, -2 insulator, e >= 0 electrode e.
    public init(nx: Int, ny: Int, nz: Int, spacing: SIMD3<Double>, roles: [Int32], electrodeCount: Int,
                boundary: ElectricBoundary, tolerance: Double = 1e-8, executor: SlabExecutor = .allCores) throws {
        guard nx >= 1, ny >= 1, nz >= 1, roles.count == nx * ny * nz else {
            throw PhysicsError.invalidInput("potential box \(nx)x\(ny)x\(nz) needs \(nx * ny * nz) voxel roles, got \(roles.count)")
        }
        guard electrodeCount >= 1 else { throw PhysicsError.invalidInput("the potential problem needs at least one electrode") }
        guard tolerance > 0, tolerance < 1 else { throw PhysicsError.invalidInput("potential solver tolerance \(tolerance) must be in (0, 1)") }
        if let bad = roles.firstIndex(where: { $0 < -2 || $0 >= Int32(electrodeCount) }) {
            throw PhysicsError.invalidInput("voxel \(bad) of the potential box has role \(roles[bad]); valid roles are -2, -1 and 0..<\(electrodeCount)")
        }
        self.nx = nx; self.ny = ny; self.nz = nz
        self.spacing = spacing; self.boundary = boundary
        self.electrodeCount = electrodeCount; self.tolerance = tolerance; self.executor = executor
        conductivity = Field3D(nx: nx, ny: ny, nz: nz, repeating: 0)
        role = Field3D(nx: nx, ny: ny, nz: nz, repeating: ElectricPotentialSolver.insulator)
        role.setInterior(roles)
        electrodeFaces = Array(repeating: [], count: electrodeCount)
        r = Field3D(nx: nx, ny: ny, nz: nz, repeating: 0)
        z = Field3D(nx: nx, ny: ny, nz: nz, repeating: 0)
        p = Field3D(nx: nx, ny: ny, nz: nz, repeating: 0)
        q = Field3D(nx: nx, ny: ny, nz: nz, repeating: 0)
        try checkElectrodes()
    }

    /// Electrodes of different indices must not touch (a short circuit), and with a grounded
    /// boundary no electrode may sit on the outer face.
    private func checkElectrodes() throws {
        for k in 0..<nz { for j in 0..<ny { for i in 0..<nx {
            let e = role[i, j, k]
            guard e >= 0 else { continue }
            for (di, dj, dk) in [(1, 0, 0), (0, 1, 0), (0, 0, 1)] {
                let (a, b, c) = (i + di, j + dj, k + dk)
                guard a < nx, b < ny, c < nz else { continue }
                let f = role[a, b, c]
                if f >= 0 && f != e {
                    throw PhysicsError.invalidInput("electrodes \(e) and \(f) touch at voxels (\(i), \(j), \(k)) and (\(a), \(b), \(c)) of the potential box: the insulating gap is thinner than one voxel; use a finer grid or a longer gap")
                }
            }
            if boundary == .grounded && (i == 0 || j == 0 || k == 0 || i == nx - 1 || j == ny - 1 || k == nz - 1) {
                throw PhysicsError.invalidInput("electrode \(e) touches the grounded outer boundary at voxel (\(i), \(j), \(k)) of the potential box; keep electrodes at least one voxel inside")
            }
        } } }
    }

    /// Builds the operator hierarchy from `conductivity` and factors the coarsest level.
    public func assemble() throws {
        let hx = spacing.x, hy = spacing.y, hz = spacing.z
        // Face area over centre distance per axis [m].
        let ax = hy * hz / hx, ay = hx * hz / hy, az = hx * hy / hz
        let fine = levels.first ?? MultigridLevel(nx: nx, ny: ny, nz: nz)
        let s = conductivity, ro = role
        for k in 0..<nz { for j in 0..<ny {
            let row = s.row(j, k), rr = ro.row(j, k)
            for i in 0..<nx where rr[i] == Self.conductor && !(row[i].isFinite && row[i] >= 0) {
                throw PhysicsError.runtime("electrical conductivity \(row[i]) S/m at voxel (\(i), \(j), \(k)) of the potential box; it must be finite and >= 0")
            }
        } }
        fine.gx.fill(0); fine.gy.fill(0); fine.gz.fill(0); fine.sink.fill(0)
        var faces = Array(repeating: [(Int, Double)](), count: electrodeCount)
        var ground: [(Int, Double)] = []
        let grounded = boundary == .grounded
        let sb = s.base, rb = ro.base, sink = fine.sink.base
        let factors = electrodeFaceFactors
        // One face between voxel indices a < b along `axis` with area/distance `area`.
        func addFace(_ a: Int, _ b: Int, _ axis: Int, _ area: Double, _ target: UnsafeMutablePointer<Double>) {
            let ra = rb[a], rbb = rb[b]
            if ra == Self.conductor && rbb == Self.conductor {
                let sa = sb[a], sc = sb[b]
                if sa + sc > 0 { target[a] = 2 * sa * sc / (sa + sc) * area }
            } else if ra == Self.conductor && rbb >= 0 {
                let g = sb[a] * area * (factors[Self.faceKey(lower: a, axis: axis)] ?? 1)
                if g > 0 { sink[a] += g; faces[Int(rbb)].append((a, g)) }
            } else if rbb == Self.conductor && ra >= 0 {
                let g = sb[b] * area * (factors[Self.faceKey(lower: a, axis: axis)] ?? 1)
                if g > 0 { sink[b] += g; faces[Int(ra)].append((b, g)) }
            }
        }
        let sy = s.strideY, sz = s.strideZ
        for k in 0..<nz { for j in 0..<ny { for i in 0..<nx {
            let a = s.index(i, j, k)
            if i + 1 < nx { addFace(a, a + 1, 0, ax, fine.gx.base) }
            if j + 1 < ny { addFace(a, a + sy, 1, ay, fine.gy.base) }
            if k + 1 < nz { addFace(a, a + sz, 2, az, fine.gz.base) }
            if grounded && rb[a] == Self.conductor {
                // Half a cell of tissue to the 0 V face: 2 sigma A / h per outer face.
                var outer = 0.0
                if i == 0 { outer += ax }; if i == nx - 1 { outer += ax }
                if j == 0 { outer += ay }; if j == ny - 1 { outer += ay }
                if k == 0 { outer += az }; if k == nz - 1 { outer += az }
                if outer > 0 && sb[a] > 0 {
                    sink[a] += 2 * sb[a] * outer
                    ground.append((a, 2 * sb[a] * outer))
                }
            }
        } } }
        electrodeFaces = faces
        groundFaces = ground
        fine.finishDiagonal()
        var hierarchy = [fine]
        // Coarsen until the coarsest level is small enough for a banded direct solve.
        while hierarchy.last!.cellCount > max(coarsestCells, 1) {
            let c = hierarchy.last!
            let next = levels.count > hierarchy.count ? levels[hierarchy.count] : MultigridLevel(nx: (c.nx + 1) / 2, ny: (c.ny + 1) / 2, nz: (c.nz + 1) / 2)
            next.coarsen(from: c)
            hierarchy.append(next)
        }
        levels = hierarchy
        coarse = try CoarseBandSolver(level: levels.last!)
    }

    /// Right-hand side of the unit-potential problem of electrode `e` (1 V on e, 0 V on the
    /// others): b = sum over faces to e of G.
    private func unitRightHandSide(_ e: Int, into b: Field3D<Double>) {
        b.fill(0)
        for (i, g) in electrodeFaces[e] { b.base[i] += g }
    }

    /// Solves the unit-potential problem of electrode `e` into `x` (conductor voxels; the
    /// initial content is the warm start; electrode and insulator voxels are set to 0).
    /// Returns the number of iterations.
    @discardableResult
    public func solveUnitPotential(electrode e: Int, into x: Field3D<Double>) throws -> Int {
        precondition(!levels.isEmpty, "assemble() before solving")
        let b = levels[0].f
        unitRightHandSide(e, into: b)
        return try solve(rhs: b, into: x)
    }

    /// Solves with every electrode voxel held at its own potential `values` [V] (general
    /// Dirichlet data, e.g. an exact solution on an outer shell), into `x` (warm start).
    @discardableResult
    public func solve(electrodeValues values: Field3D<Double>, into x: Field3D<Double>) throws -> Int {
        precondition(!levels.isEmpty, "assemble() before solving")
        let b = levels[0].f
        b.fill(0)
        let hx = spacing.x, hy = spacing.y, hz = spacing.z
        let area = [hy * hz / hx, hx * hz / hy, hx * hy / hz]
        let strides = [1, b.strideY, b.strideZ]
        for k in 0..<nz { for j in 0..<ny { for i in 0..<nx {
            let p = b.index(i, j, k)
            guard role.base[p] == Self.conductor else { continue }
            for axis in 0..<3 { for q in [p - strides[axis], p + strides[axis]] where role.base[q] >= 0 {
                b.base[p] += conductivity.base[p] * area[axis] * values.base[q]
            } }
        } } }
        return try solve(rhs: b, into: x)
    }

    /// Preconditioned conjugate gradients for A x = b on the fine level.
    func solve(rhs b: Field3D<Double>, into x: Field3D<Double>) throws -> Int {
        let fine = levels[0]
        // Zero x where the operator is inactive (electrodes, insulators, isolated voxels).
        mask(x, fine)
        let bnorm = dot(b, b).squareRoot()
        if bnorm == 0 { x.fill(0); lastIterations = 0; lastResidual = 0; return 0 }
        residual(fine, x: x, f: b, into: r)
        var rnorm = dot(r, r).squareRoot()
        var it = 0
        if rnorm <= tolerance * bnorm { lastIterations = 0; lastResidual = rnorm / bnorm; return 0 }
        applyPreconditioner(r, into: z)
        p.copy(from: z)
        var rz = dot(r, z)
        while it < maxIterations {
            it += 1
            apply(fine, p, into: q)
            let pq = dot(p, q)
            guard pq > 0, pq.isFinite else {
                throw PhysicsError.runtime("potential solver broke down after \(it) iterations (p.Ap = \(pq)); the conductivity field is not positive on a connected region")
            }
            let alpha = rz / pq
            axpy(alpha, p, x); axpy(-alpha, q, r)
            rnorm = dot(r, r).squareRoot()
            if rnorm <= tolerance * bnorm { break }
            applyPreconditioner(r, into: z)
            let rzNew = dot(r, z)
            let beta = rzNew / rz
            rz = rzNew
            xpby(z, beta, p)
        }
        lastIterations = it
        lastResidual = rnorm / bnorm
        guard rnorm <= tolerance * bnorm else {
            throw PhysicsError.runtime(String(format: "potential solver did not converge: relative residual %.3g after %d iterations (tolerance %.1g)", rnorm / bnorm, it, tolerance))
        }
        return it
    }

    /// Currents [A] flowing out of every electrode into the tissue for the field `x` of the
    /// unit problem of electrode `e`: I_f = sum over faces of f of G (U_f - x).
    public func electrodeCurrents(unitSolution x: Field3D<Double>, electrode e: Int) -> [Double] {
        (0..<electrodeCount).map { f in
            let u = f == e ? 1.0 : 0.0
            var i = 0.0
            for (v, g) in electrodeFaces[f] { i += g * (u - x.base[v]) }
            return i
        }
    }

    // MARK: vector kernels (deterministic per-plane reductions)

    func dot(_ a: Field3D<Double>, _ b: Field3D<Double>) -> Double {
        let nx = self.nx, ny = self.ny
        return executor.sumPlanes(planes: nz) { k in
            var s = 0.0
            for j in 0..<ny {
                let ar = a.row(j, k), br = b.row(j, k)
                for i in 0..<nx { s += ar[i] * br[i] }
            }
            return s
        }
    }

    private func axpy(_ alpha: Double, _ xv: Field3D<Double>, _ y: Field3D<Double>) {
        let nx = self.nx, ny = self.ny
        executor.forEachSlab(planes: nz) { ks in
            for k in ks { for j in 0..<ny {
                let xr = xv.row(j, k), yr = y.row(j, k)
                for i in 0..<nx { yr[i] += alpha * xr[i] }
            } }
        }
    }

    /// p = z + beta p
    private func xpby(_ zv: Field3D<Double>, _ beta: Double, _ pv: Field3D<Double>) {
        let nx = self.nx, ny = self.ny
        executor.forEachSlab(planes: nz) { ks in
            for k in ks { for j in 0..<ny {
                let zr = zv.row(j, k), pr = pv.row(j, k)
                for i in 0..<nx { pr[i] = zr[i] + beta * pr[i] }
            } }
        }
    }

    private func mask(_ x: Field3D<Double>, _ level: MultigridLevel) {
        let inv = level.invDiag
        for k in -1...nz { for j in -1...ny {
            let xr = x.base + x.index(-1, j, k), dr = inv.base + inv.index(-1, j, k)
            for i in 0..<(nx + 2) where dr[i] == 0 { xr[i] = 0 }
        } }
    }

    func executorFor(_ level: MultigridLevel) -> SlabExecutor {
        // Small levels are not worth a dispatch.
        level.cellCount >= 32_768 ? executor : SlabExecutor(threads: 1)
    }

    /// y = A x on a level (0 where inactive).
    func apply(_ l: MultigridLevel, _ x: Field3D<Double>, into y: Field3D<Double>) {
        let nx = l.nx, ny = l.ny, sy = l.sy, sz = l.sz
        let gx = l.gx.base, gy = l.gy.base, gz = l.gz.base, d = l.diag.base
        let xb = x.base, yb = y.base
        executorFor(l).forEachSlab(planes: l.nz) { ks in
            for k in ks { for j in 0..<ny {
                let o = (k + 1) * sz + (j + 1) * sy + 1
                for p in o..<(o + nx) {
                    var s = d[p] * xb[p]
                    s -= gx[p - 1] * xb[p - 1] + gx[p] * xb[p + 1]
                    s -= gy[p - sy] * xb[p - sy] + gy[p] * xb[p + sy]
                    s -= gz[p - sz] * xb[p - sz] + gz[p] * xb[p + sz]
                    yb[p] = d[p] > 0 ? s : 0
                }
            } }
        }
    }

    /// res = f - A x on a level.
    func residual(_ l: MultigridLevel, x: Field3D<Double>, f: Field3D<Double>, into res: Field3D<Double>) {
        apply(l, x, into: res)
        let nx = l.nx, ny = l.ny, sy = l.sy, sz = l.sz
        let fb = f.base, rb = res.base, d = l.diag.base
        executorFor(l).forEachSlab(planes: l.nz) { ks in
            for k in ks { for j in 0..<ny {
                let o = (k + 1) * sz + (j + 1) * sy + 1
                for p in o..<(o + nx) { rb[p] = d[p] > 0 ? fb[p] - rb[p] : 0 }
            } }
        }
    }

    /// One red-black Gauss-Seidel half sweep of colour `color` on A v = f.
    func relax(_ l: MultigridLevel, color: Int) {
        let nx = l.nx, ny = l.ny, sy = l.sy, sz = l.sz
        let gx = l.gx.base, gy = l.gy.base, gz = l.gz.base, inv = l.invDiag.base
        let vb = l.v.base, fb = l.f.base
        executorFor(l).forEachSlab(planes: l.nz) { ks in
            for k in ks { for j in 0..<ny {
                let o = (k + 1) * sz + (j + 1) * sy + 1
                var p = o + ((j + k + color) & 1)
                let end = o + nx
                while p < end {
                    let s = fb[p] + gx[p - 1] * vb[p - 1] + gx[p] * vb[p + 1]
                        + gy[p - sy] * vb[p - sy] + gy[p] * vb[p + sy]
                        + gz[p - sz] * vb[p - sz] + gz[p] * vb[p + sz]
                    vb[p] = inv[p] * s
                    p += 2
                }
            } }
        }
    }

    /// z = B r, one symmetric V-cycle from a zero guess.
    private func applyPreconditioner(_ rv: Field3D<Double>, into zv: Field3D<Double>) {
        levels[0].f.copy(from: rv)
        vcycle(0)
        zv.copy(from: levels[0].v)
    }

    /// Pre- and post-smoothing red-black sweeps per level (1: cheapest per unit of residual
    /// reduction in rfbench, where the PCG iteration count barely changed with 2).
    public var smoothingSweeps = 1

    private func vcycle(_ index: Int) {
        let l = levels[index]
        if index == levels.count - 1 {
            coarse!.solve(l)
            return
        }
        l.v.fill(0)
        for _ in 0..<smoothingSweeps { relax(l, color: 0); relax(l, color: 1) }
        residual(l, x: l.v, f: l.f, into: l.res)
        let c = levels[index + 1]
        c.restrict(from: l)
        vcycle(index + 1)
        l.prolongAdd(from: c)
        for _ in 0..<smoothingSweeps { relax(l, color: 1); relax(l, color: 0) }
    }
}

/// One level of the multigrid hierarchy: face conductances to the +x/+y/+z neighbour,
/// diagonal, and the level's unknown, right-hand side and residual.
final class MultigridLevel {
    let nx: Int, ny: Int, nz: Int, sy: Int, sz: Int
    let gx: Field3D<Double>, gy: Field3D<Double>, gz: Field3D<Double>
    /// Conductance to fixed potentials (electrodes, grounded faces) [S].
    let sink: Field3D<Double>
    let diag: Field3D<Double>, invDiag: Field3D<Double>
    let v: Field3D<Double>, f: Field3D<Double>, res: Field3D<Double>
    var cellCount: Int { nx * ny * nz }

    init(nx: Int, ny: Int, nz: Int) {
        self.nx = nx; self.ny = ny; self.nz = nz
        func field() -> Field3D<Double> { Field3D(nx: nx, ny: ny, nz: nz, repeating: 0) }
        gx = field(); gy = field(); gz = field(); sink = field()
        diag = field(); invDiag = field(); v = field(); f = field(); res = field()
        sy = gx.strideY; sz = gx.strideZ
    }

    /// diag = sum of the six face conductances + sink; invDiag = 1/diag (0 if inactive).
    func finishDiagonal() {
        let gxb = gx.base, gyb = gy.base, gzb = gz.base
        for k in 0..<nz { for j in 0..<ny {
            let o = (k + 1) * sz + (j + 1) * sy + 1
            for p in o..<(o + nx) {
                let d = sink.base[p] + gxb[p - 1] + gxb[p] + gyb[p - sy] + gyb[p] + gzb[p - sz] + gzb[p]
                diag.base[p] = d
                invDiag.base[p] = d > 0 ? 1 / d : 0
            }
        } }
    }

    /// Coarse conductances from the fine level: each coarse face conducts half the sum of
    /// the fine faces crossing it between active voxels, each coarse sink half the fine
    /// sinks (a fine face between an active and an inactive voxel counts as a sink). In a
    /// uniform medium this reproduces the coarse discretisation (area x4, distance x2).
    func coarsen(from fine: MultigridLevel) {
        gx.fill(0); gy.fill(0); gz.fill(0); sink.fill(0)
        let fd = fine.diag.base
        let fgx = fine.gx.base, fgy = fine.gy.base, fgz = fine.gz.base
        let cgx = gx.base, cgy = gy.base, cgz = gz.base, cs = sink.base
        for k in 0..<fine.nz { for j in 0..<fine.ny { for i in 0..<fine.nx {
            let p = (k + 1) * fine.sz + (j + 1) * fine.sy + i + 1
            guard fd[p] > 0 else { continue }
            let c = (k / 2 + 1) * sz + (j / 2 + 1) * sy + i / 2 + 1
            // A +axis face of an odd fine index crosses into the next coarse voxel.
            if i & 1 == 1, fd[p + 1] > 0 { cgx[c] += 0.5 * fgx[p] }
            if j & 1 == 1, fd[p + fine.sy] > 0 { cgy[c] += 0.5 * fgy[p] }
            if k & 1 == 1, fd[p + fine.sz] > 0 { cgz[c] += 0.5 * fgz[p] }
            cs[c] += 0.5 * (fd[p] - sumFaces(fine, p))
        } } }
        finishDiagonal()
    }

    /// Sum of a fine voxel's face conductances to active neighbours.
    private func sumFaces(_ l: MultigridLevel, _ p: Int) -> Double {
        let d = l.diag.base
        var s = 0.0
        if d[p + 1] > 0 { s += l.gx.base[p] }
        if d[p - 1] > 0 { s += l.gx.base[p - 1] }
        if d[p + l.sy] > 0 { s += l.gy.base[p] }
        if d[p - l.sy] > 0 { s += l.gy.base[p - l.sy] }
        if d[p + l.sz] > 0 { s += l.gz.base[p] }
        if d[p - l.sz] > 0 { s += l.gz.base[p - l.sz] }
        return s
    }

    /// f = sum of the fine residuals over each coarse voxel's children (R = P^T).
    func restrict(from fine: MultigridLevel) {
        f.fill(0)
        let r = fine.res.base, fb = f.base
        for k in 0..<fine.nz { for j in 0..<fine.ny {
            let o = (k + 1) * fine.sz + (j + 1) * fine.sy + 1
            let co = (k / 2 + 1) * sz + (j / 2 + 1) * sy + 1
            for i in 0..<fine.nx { fb[co + i / 2] += r[o + i] }
        } }
        let d = diag.base
        for p in 0..<f.count where d[p] <= 0 { fb[p] = 0 }
    }

    /// v += P v_coarse (piecewise constant), on active voxels only.
    func prolongAdd(from coarse: MultigridLevel) {
        let vb = v.base, cv = coarse.v.base, inv = invDiag.base
        for k in 0..<nz { for j in 0..<ny {
            let o = (k + 1) * sz + (j + 1) * sy + 1
            let co = (k / 2 + 1) * coarse.sz + (j / 2 + 1) * coarse.sy + 1
            for i in 0..<nx where inv[o + i] > 0 { vb[o + i] += cv[co + i / 2] }
        } }
    }
}

/// The coarsest level as a banded SPD matrix, factored by LAPACK `dpbtrf` once per
/// assembly and solved by `dpbtrs` in every V-cycle. Inactive voxels get a unit diagonal.
public final class CoarseBandSolver {
    /// Default size of the coarsest level [voxels]: with a band of nx ny ~ 150-250 the
    /// Cholesky factor costs n kd^2 ~ 1e8 flops (tens of ms, once per assembly) and each
    /// V-cycle's triangular solves ~ 4 n kd ~ 2e6 flops.
    public static let maxCells = 2048
    let n: Int, kd: Int
    var ab: [Double]

    init(level l: MultigridLevel) throws {
        n = l.cellCount
        kd = max(1, l.nx * l.ny)
        let ldab = kd + 1
        ab = [Double](repeating: 0, count: ldab * n)
        func col(_ i: Int, _ j: Int, _ k: Int) -> Int { i + l.nx * (j + l.ny * k) }
        for k in 0..<l.nz { for j in 0..<l.ny { for i in 0..<l.nx {
            let p = (k + 1) * l.sz + (j + 1) * l.sy + i + 1
            let c = col(i, j, k)
            // Upper storage, column-major: ab[kd + row - col + col * ldab] = A(row, col).
            let d = l.diag.base[p]
            ab[kd + c * ldab] = d > 0 ? d : 1
            guard d > 0 else { continue }
            // Couplings to the lower-index neighbours (row < col).
            if i > 0, l.diag.base[p - 1] > 0 { ab[kd - 1 + c * ldab] = -l.gx.base[p - 1] }
            if j > 0, l.diag.base[p - l.sy] > 0 { ab[kd - l.nx + c * ldab] = -l.gy.base[p - l.sy] }
            if k > 0, l.diag.base[p - l.sz] > 0 { ab[kd - l.nx * l.ny + c * ldab] = -l.gz.base[p - l.sz] }
        } } }
        let info = ab.withUnsafeMutableBufferPointer {
            LAPACKE_dpbtrf(LAPACK_COL_MAJOR, Int8(UInt8(ascii: "U")), Int32(n), Int32(kd), $0.baseAddress, Int32(ldab))
        }
        guard info == 0 else {
            throw PhysicsError.runtime("coarse potential matrix is not positive definite (LAPACK dpbtrf info \(info)): some conducting region touches no electrode and no grounded face")
        }
    }

    /// v = A^-1 f on the level.
    func solve(_ l: MultigridLevel) {
        var b = [Double](repeating: 0, count: n)
        for k in 0..<l.nz { for j in 0..<l.ny { for i in 0..<l.nx {
            let p = (k + 1) * l.sz + (j + 1) * l.sy + i + 1
            b[i + l.nx * (j + l.ny * k)] = l.diag.base[p] > 0 ? l.f.base[p] : 0
        } } }
        ab.withUnsafeBufferPointer { a in
            b.withUnsafeMutableBufferPointer { bb in
                _ = LAPACKE_dpbtrs(LAPACK_COL_MAJOR, Int8(UInt8(ascii: "U")), Int32(n), Int32(kd), 1,
                                   a.baseAddress, Int32(kd + 1), bb.baseAddress, Int32(n))
            }
        }
        l.v.fill(0)
        for k in 0..<l.nz { for j in 0..<l.ny { for i in 0..<l.nx {
            let p = (k + 1) * l.sz + (j + 1) * l.sy + i + 1
            if l.diag.base[p] > 0 { l.v.base[p] = b[i + l.nx * (j + l.ny * k)] }
        } } }
    }
}
