import AblasimCore
import AblasimKernels

/// Label-indexed tables of the phase-change kernel (`phaseChangeRowSIMD`): owns the storage
/// `PhaseChangeTables` points into. Values are per second; the kernel takes dt, so a new
/// step size needs no rebuild.
final class PhaseChangeCoefficients<S: BinaryFloatingPoint & SIMDScalar> {
    private let storage: [UnsafeMutablePointer<S>]
    private let kind: UnsafeMutablePointer<UInt8>
    let tables: PhaseChangeTables<S>
    /// Largest stable step [s]: dt <= min over tissues of C_min / (sum of face conductances
    /// at the larger of k_u, k_f + perfusion), C_min = min(C_f, C_u).
    let stabilityLimit: Double

    init(materials: [ThermalMaterial], freezing: FreezingModel, spacing h: SIMD3<Double>,
         boundary: OuterBoundary, arterial: Double) {
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
        let cf = table(1), cm = table(1), cu = table(1), icf = table(1), icm = table(1), icu = table(1), hl = table(1), perf = table()
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
                set(m) { kind[$0] = PhaseChangeFace.faceFixed }  // held on the shared face, as in PennesCoefficients
            case .cooledSurface(_, let hf):
                set(m) { c in kind[c] = PhaseChangeFace.film; film[c] = S(hf) }
            }
        }
        let halo = Int(MaterialCode.halo)
        switch boundary {
        case .insulated: kind[halo] = PhaseChangeFace.insulated
        case .fixedTemperature: kind[halo] = PhaseChangeFace.faceFixed
        case .convective(let hf, _): kind[halo] = PhaseChangeFace.film; film[halo] = S(hf)
        }
        self.kind = kind
        storage = store
        let inv = SIMD3(1 / h.x, 1 / h.y, 1 / h.z)
        tables = PhaseChangeTables(kind: kind, film: film, kUnfrozen: ku, kDelta: kd, solidus: ts, liquidus: tl, inverseRange: ir,
                                   capFrozen: cf, capMushy: cm, capUnfrozen: cu, invCapFrozen: icf, invCapMushy: icm, invCapUnfrozen: icu,
                                   enthalpyLiquidus: hl, perfusion: perf,
                                   inverseSpacing: SIMD3(S(inv.x), S(inv.y), S(inv.z)), arterial: S(arterial))
        // Stability bound in double, with every conductivity at its larger (frozen or unfrozen) value.
        let codes = (0..<min(materials.count, MaterialCode.maxMaterials)) + [halo]
        var bound = 0.0
        for a in 0..<min(materials.count, MaterialCode.maxMaterials) where kind[a] == PhaseChangeFace.tissue {
            let ka = kMax[a]
            var sum = Double(perf[a])
            for ih in [inv.x, inv.y, inv.z] {
                var g = 0.0
                for b in codes {
                    switch kind[b] {
                    case PhaseChangeFace.tissue: g = max(g, 2 * ka * kMax[b] / (ka + kMax[b]) * ih * ih)
                    case PhaseChangeFace.film: g = max(g, ih / (1 / (2 * ka * ih) + 1 / Double(film[b])))
                    case PhaseChangeFace.faceFixed: g = max(g, 2 * ka * ih * ih)
                    default: break
                    }
                }
                sum += 2 * g
            }
            bound = max(bound, sum / cMin[a])
        }
        stabilityLimit = bound > 0 ? 1 / bound : .infinity
    }

    deinit {
        for p in storage { p.deallocate() }
        kind.deallocate()
    }
}
