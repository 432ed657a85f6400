import AblasimCore
import AblasimKernels

/// Label-indexed tables of the phase-change kernel (`phaseChangeRowSIMD`): owns the storage
/// `PhaseChangeTables` points into. Values are per second; the kernel takes dt, so a new
/// step size needs no rebuild.
final class PhaseChangeCoefficients<S: BinaryFloatingPoint & SIMDScalar> {
    private let storage: [UnsafeMutablePointer<S>]
    private let kind: UnsafeMutablePointer<UInt8>
    private let faces: UnsafeMutablePointer<S>
    private let frozenFaces: UnsafeMutablePointer<S>
    let tables: PhaseChangeTables<S>
    /// Upper bound of each voxel's per-second rate [1/s], per code pair and axis:
    /// `boundFace[axis][a << labelBits | b]` is the face conductance per volume with both
    /// conductivities at their larger (frozen or unfrozen) value, divided by C_min(a) =
    /// min(C_f, C_u) of a; `boundPerfusion[a]` the perfusion term over C_min(a).
    private var boundFace: [[Double]] = []
    private var boundPerfusion: [Double] = []

    /// - Parameter insulated: fixed-temperature materials whose faces conduct nothing (a
    ///   passive cryoprobe); the others hold their temperature on the shared face.
    init(materials: [ThermalMaterial], freezing: FreezingModel, spacing h: SIMD3<Double>,
         boundary: OuterBoundary, arterial: Double, insulated: Set<Int> = []) {
        let n = MaterialCode.count
        let kind = UnsafeMutablePointer<UInt8>.allocate(capacity: n)
        kind.initialize(repeating: PhaseChangeFace.insulated, count: n)
        var store: [UnsafeMutablePointer<S>] = []
        func table(_ v: S = 0) -> UnsafeMutablePointer<S> {
            let p = UnsafeMutablePointer<S>.allocate(capacity: n)
            p.initialize(repeating: v, count: n)
            store.append(p)
            return p
        }
        let film = table(), ku = table(), kd = table(), ts = table(), tl = table(), ir = table(1)
        let cf = table(1), cm = table(1), cu = table(1), icf = table(1), icm = table(1), icu = table(1), hl = table(1), perf = table(), weight = table()
        var kMax = [Double](repeating: 0, count: n), cMin = [Double](repeating: 1, count: n)
        func set(_ code: Int, _ f: (Int) -> Void) { f(code); f(code | Int(MaterialCode.coagulated)) }
        for (m, material) in materials.enumerated() where m < MaterialCode.maxMaterials {
            switch material {
            case .tissue(let t):
                let fr = freezing.frozen(t)
                let range = freezing.liquidus - freezing.solidus
                let capU = t.heatCapacity, capF = fr.heatCapacity
                let capM = 0.5 * (capF + capU) + fr.latentHeat / range
                set(m) { c in
                    kind[c] = PhaseChangeFace.tissue
                    weight[c] = 1
                    ku[c] = S(t.thermalConductivity); kd[c] = S(fr.conductivity - t.thermalConductivity)
                    ts[c] = S(freezing.solidus); tl[c] = S(freezing.liquidus); ir[c] = S(1 / range)
                    cf[c] = S(capF); cm[c] = S(capM); cu[c] = S(capU)
                    icf[c] = S(1 / capF); icm[c] = S(1 / capM); icu[c] = S(1 / capU)
                    hl[c] = S(capM * range)
                    kMax[c] = max(t.thermalConductivity, fr.conductivity); cMin[c] = min(capF, capU)
                }
                perf[m] = S(t.perfusionRate * Blood.density * Blood.specificHeat)
                perf[m | Int(MaterialCode.coagulated)] = 0  // coagulated: no perfusion, as in the Pennes tables
            case .fixedTemperature:
                // Held on the shared face, as in PennesCoefficients (or insulated: a passive probe).
                set(m) { kind[$0] = insulated.contains(m) ? PhaseChangeFace.insulated : PhaseChangeFace.faceFixed }
            case .cooledSurface(_, let hf):
                // A gas-flow cryoprobe's film (or insulated: the probe in passive thaw).
                set(m) { c in kind[c] = insulated.contains(m) ? PhaseChangeFace.insulated : PhaseChangeFace.film; film[c] = S(hf) }
            }
        }
        let halo = Int(MaterialCode.halo)
        switch boundary {
        case .insulated: kind[halo] = PhaseChangeFace.insulated
        case .fixedTemperature: kind[halo] = PhaseChangeFace.faceFixed
        case .heldBeyondGrid: kind[halo] = PhaseChangeFace.centreFixed
        case .convective(let hf, _): kind[halo] = PhaseChangeFace.film; film[halo] = S(hf)
        }
        self.kind = kind
        storage = store
        let inv = SIMD3(1 / h.x, 1 / h.y, 1 / h.z)
        var t = PhaseChangeTables(kind: kind, film: film, kUnfrozen: ku, kDelta: kd, solidus: ts, liquidus: tl, inverseRange: ir,
                                  capFrozen: cf, capMushy: cm, capUnfrozen: cu, invCapFrozen: icf, invCapMushy: icm, invCapUnfrozen: icu,
                                  enthalpyLiquidus: hl, perfusion: perf,
                                  inverseSpacing: SIMD3(S(inv.x), S(inv.y), S(inv.z)), arterial: S(arterial))
        // Unfrozen fast path of the kernel: faces at k_u, computed by the kernel's own face function.
        let faceCount = PhaseChangeTables<S>.unfrozenFaceCount, bits = PennesTables<S>.labelBits
        faces = .allocate(capacity: faceCount)
        faces.initialize(repeating: 0, count: faceCount)
        for axis in 0..<3 { for a in 0..<n { for b in 0..<n {
            faces[axis << (2 * bits) | a << bits | b] = t.unfrozenFace(a, b, axis: axis)
        } } }
        t.unfrozenFaces = UnsafePointer(faces)
        // Lean frozen path: faces at k_f, the same way.
        frozenFaces = .allocate(capacity: faceCount)
        frozenFaces.initialize(repeating: 0, count: faceCount)
        for axis in 0..<3 { for a in 0..<n { for b in 0..<n {
            frozenFaces[axis << (2 * bits) | a << bits | b] = t.frozenFace(a, b, axis: axis)
        } } }
        t.frozenFaces = UnsafePointer(frozenFaces)
        t.frozenBelow = S(freezing.solidus)
        t.unfrozenAbove = S(freezing.liquidus)
        t.tissueWeight = UnsafePointer(weight)
        tables = t
        // Stability bound in double, with every conductivity at its larger (frozen or unfrozen)
        // value: per code pair here, summed over each voxel's actual neighbours in `stabilityLimit(codes:)`.
        boundFace = [inv.x, inv.y, inv.z].map { ih in
            var row = [Double](repeating: 0, count: n << bits)
            for a in 0..<n where kind[a] == PhaseChangeFace.tissue {
                let ka = kMax[a]
                for b in 0..<n {
                    let g: Double
                    switch kind[b] {
                    case PhaseChangeFace.tissue: g = 2 * ka * kMax[b] / (ka + kMax[b]) * ih * ih
                    case PhaseChangeFace.film: g = ih / (1 / (2 * ka * ih) + 1 / Double(film[b]))
                    case PhaseChangeFace.faceFixed: g = 2 * ka * ih * ih
                    case PhaseChangeFace.centreFixed: g = ka * ih * ih
                    case PhaseChangeFace.insulated: g = 0
                    default: g = 2 * ka * ih * ih  // any other held face: at most the face-held value
                    }
                    row[a << bits | b] = g / cMin[a]
                }
            }
            return row
        }
        boundPerfusion = (0..<n).map { kind[$0] == PhaseChangeFace.tissue ? Double(perf[$0]) / cMin[$0] : 0 }
    }

    /// Largest stable step [s] for this voxel model: 1 / max over tissue voxels of
    /// (sum over the voxel's six actual neighbours of the face conductance with both
    /// conductivities at max(k_u, k_f), plus the unfrozen perfusion) / min(C_f, C_u). With
    /// dt at or below it every update is a convex combination of old values on any branch
    /// (the mushy zone's apparent capacity C_m is larger than both). Summing over actual
    /// neighbours matters: a table-wide bound would give every face of every voxel the
    /// largest conductance in the table (a held probe face, 2 k / h), about twice the real
    /// rate of a voxel with one held face.
    func stabilityLimit(codes c: Field3D<UInt8>) -> Double {
        let bits = PennesTables<S>.labelBits
        let gx = boundFace[0], gy = boundFace[1], gz = boundFace[2]
        var worst = 0.0
        for k in 0..<c.nz { for j in 0..<c.ny {
            let r = c.row(j, k)
            for i in 0..<c.nx {
                let a = Int(r[i]), row = a << bits
                var sum = boundPerfusion[a]
                sum += gx[row | Int(r[i - 1])] + gx[row | Int(r[i + 1])]
                sum += gy[row | Int(r[i - c.strideY])] + gy[row | Int(r[i + c.strideY])]
                sum += gz[row | Int(r[i - c.strideZ])] + gz[row | Int(r[i + c.strideZ])]
                worst = max(worst, sum)
            }
        } }
        return worst > 0 ? 1 / worst : .infinity
    }

    deinit {
        for p in storage { p.deallocate() }
        kind.deallocate()
        faces.deallocate()
        frozenFaces.deallocate()
    }
}
