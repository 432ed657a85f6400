import Foundation
import AblasimCore
import AblasimKernels

/// Material codes as the thermal kernel sees them.
///
/// A code is a material index (0 ..< `maxMaterials`) plus the `coagulated` bit, set once
/// a voxel's Arrhenius Omega reaches 1: coagulated tissue keeps its conductivity but loses
/// its perfusion (microvascular stasis; DESIGN.md section 2, perfusion shut-down).
/// `halo` is the code of the domain's outer ghost layer.
public enum MaterialCode {
    public static let coagulated: UInt8 = 0x20
    public static let maxMaterials = 31
    public static let halo: UInt8 = 31
    public static let count = PennesTables<Float>.labelCount
}

/// Label-indexed coefficient tables for one time step: owns the storage the kernel's
/// `PennesTables` points into.
final class PennesCoefficients<S: BinaryFloatingPoint & SIMDScalar> {
    let gx: UnsafeMutablePointer<S>, gy: UnsafeMutablePointer<S>, gz: UnsafeMutablePointer<S>
    let perfusion: UnsafeMutablePointer<S>, sourceScale: UnsafeMutablePointer<S>
    let lnA: UnsafeMutablePointer<Double>, eaOverR: UnsafeMutablePointer<Double>
    let tables: PennesTables<S>
    let doseTables: DoseTables

    init(materials: [ThermalMaterial], spacing h: SIMD3<Double>, boundary: OuterBoundary,
         dt: Double, arterial: Double) {
        let n = MaterialCode.count
        func alloc<T>(_ v: T) -> UnsafeMutablePointer<T> {
            let p = UnsafeMutablePointer<T>.allocate(capacity: n * n)
            p.initialize(repeating: v, count: n * n)
            return p
        }
        gx = alloc(0); gy = alloc(0); gz = alloc(0)
        perfusion = alloc(0); sourceScale = alloc(0); lnA = alloc(0); eaOverR = alloc(0)

        // Per-second coefficients in double; the table gets dt * value in S.
        func faceRate(_ a: Int, _ b: Int, _ axisH: Double) -> Double {
            guard a < materials.count, case .tissue(let ta) = materials[a] else { return 0 }
            let ka = ta.thermalConductivity
            let conductance: Double  // [W/(m^2 K)] between the two voxel centres
            if b == Int(MaterialCode.halo) {
                switch boundary {
                case .insulated: conductance = 0
                // The halo value sits on the face: half a cell of tissue.
                case .fixedTemperature: conductance = 2 * ka / axisH
                // The halo value sits at the halo voxel's centre: a whole cell of tissue.
                case .heldBeyondGrid: conductance = ka / axisH
                case .convective(let hf, _): conductance = 1 / (axisH / (2 * ka) + 1 / hf)
                }
            } else if b < materials.count {
                switch materials[b] {
                case .tissue(let tb):
                    let kb = tb.thermalConductivity
                    conductance = 2 * ka * kb / (ka + kb) / axisH
                case .fixedTemperature:
                    // The held surface is the shared face, half a cell away, as for the
                    // fixed outer wall and the film-free limit of a cooled surface.
                    conductance = 2 * ka / axisH
                case .cooledSurface(_, let hf):
                    conductance = 1 / (axisH / (2 * ka) + 1 / hf)
                }
            } else {
                conductance = 0
            }
            return conductance / (ta.heatCapacity * axisH)
        }
        let materialCodes = Array(0..<min(materials.count, MaterialCode.maxMaterials))
        for a in materialCodes {
            for (axis, table) in [(h.x, gx), (h.y, gy), (h.z, gz)] {
                for b in materialCodes + [Int(MaterialCode.halo)] {
                    let r = faceRate(a, b, axis)
                    for ca in [a, a | Int(MaterialCode.coagulated)] {
                        for cb in b == Int(MaterialCode.halo) ? [b] : [b, b | Int(MaterialCode.coagulated)] {
                            table[ca << PennesTables<S>.labelBits | cb] = S(dt * r)
                        }
                    }
                }
            }
            if case .tissue(let t) = materials[a] {
                let p = t.perfusionRate * Blood.density * Blood.specificHeat / t.heatCapacity
                perfusion[a] = S(dt * p)
                perfusion[a | Int(MaterialCode.coagulated)] = 0
                sourceScale[a] = S(dt / t.heatCapacity)
                sourceScale[a | Int(MaterialCode.coagulated)] = S(dt / t.heatCapacity)
                for c in [a, a | Int(MaterialCode.coagulated)] {
                    lnA[c] = log(t.arrheniusA)
                    eaOverR[c] = t.arrheniusEa / gasConstant
                }
            } else {
                // Non-tissue voxels accumulate no damage: exp(-inf) = 0.
                for c in [a, a | Int(MaterialCode.coagulated)] { lnA[c] = -.infinity; eaOverR[c] = 0 }
            }
        }
        lnA[Int(MaterialCode.halo)] = -.infinity
        tables = PennesTables(gx: gx, gy: gy, gz: gz, perfusion: perfusion, sourceScale: sourceScale, arterial: S(arterial))
        doseTables = DoseTables(lnA: lnA, eaOverR: eaOverR)
    }

    deinit {
        for p in [gx, gy, gz, perfusion, sourceScale] { p.deallocate() }
        lnA.deallocate(); eaOverR.deallocate()
    }
}

