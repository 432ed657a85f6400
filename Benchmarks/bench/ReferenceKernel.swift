import AblasimCore
import AblasimKernels
import CReference

/// A state precision the bench runs, with its C reference step.
protocol BenchScalar: BinaryFloatingPoint & SIMDScalar & Codable {
    static var precisionName: String { get }
    /// One C reference Pennes step from `t` into `tNew` (padded fields of the same shape);
    /// `variant` as in cref.h (0 gathers, 1 broadcast + gathers, 2 broadcast + scalar loads).
    static func referenceStep(t: Field3D<Self>, tNew: Field3D<Self>, codes: Field3D<UInt8>, source: Field3D<Self>,
                              tables: PennesTables<Self>, threads: Int, variant: Int)
}

extension Float: BenchScalar {
    static var precisionName: String { "float32" }
    static func referenceStep(t: Field3D<Float>, tNew: Field3D<Float>, codes: Field3D<UInt8>, source: Field3D<Float>,
                              tables tb: PennesTables<Float>, threads: Int, variant: Int) {
        var c = cref_tables_f32(gx: tb.gx, gy: tb.gy, gz: tb.gz, perfusion: tb.perfusion,
                                source_scale: tb.sourceScale, arterial: tb.arterial)
        cref_pennes_step_f32(t.base, tNew.base, codes.base, source.base, t.nx, t.ny, t.nz, t.strideY, t.strideZ,
                             &c, Int32(threads), Int32(variant))
    }
}

extension Double: BenchScalar {
    static var precisionName: String { "float64" }
    static func referenceStep(t: Field3D<Double>, tNew: Field3D<Double>, codes: Field3D<UInt8>, source: Field3D<Double>,
                              tables tb: PennesTables<Double>, threads: Int, variant: Int) {
        var c = cref_tables_f64(gx: tb.gx, gy: tb.gy, gz: tb.gz, perfusion: tb.perfusion,
                                source_scale: tb.sourceScale, arterial: tb.arterial)
        cref_pennes_step_f64(t.base, tNew.base, codes.base, source.base, t.nx, t.ny, t.nz, t.strideY, t.strideZ,
                             &c, Int32(threads), Int32(variant))
    }
}
