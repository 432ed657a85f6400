import AblasimCore
import AblasimKernels

/// `--check-bounds`: the solver verifies after every step that its whole field lies within
/// the run's maximum-principle envelope (`TemperatureBounds`).
///
/// The envelope starts as the extremes of the state at the first checked step (initial
/// temperature, held voxels) with the arterial and boundary temperatures, and before each
/// step is widened by that step's bounds: the held probe, coolant and cryo temperatures the
/// sources set for it, and dt max(Q+/C_min) above (dt max(Q-/C_min) below) where a source
/// is on. The lower bound is therefore the coldest held or boundary temperature whenever no
/// source removes heat; the upper bound is derived for heating runs too (loose near an
/// electrode, where Q/C_min is large, but a real bound). A voxel outside throws `.runtime`
/// (the CLI's exit 3).
extension PennesSolver {
    /// The envelope the current state must lie in.
    public var runEnvelope: TemperatureBounds? { envelope }

    /// Widens the envelope by the coming step's bounds (before the step; sources have set
    /// the held voxels and Q).
    func widenEnvelope() {
        if envelope == nil {
            // The first checked step: the state (initial temperature, held voxels) starts it.
            envelope = maximumPrinciple.extremes(temperature: temperature, codes: codes, source: source, executor: executor).bounds
        }
        // Held, boundary and arterial temperatures join it; sources widen it by dt Q/C_min.
        let held = maximumPrinciple.extremes(temperature: temperature, codes: codes, source: source, includeTissue: false, executor: executor)
        var e = envelope!.union(held.bounds)
        e.lower += dt * held.cooling
        e.upper += dt * held.heating
        envelope = e
    }

    /// Throws `.runtime` naming the first voxel (lowest plane, row, column) outside the envelope.
    func verifyEnvelope() throws {
        guard let bounds = envelope else { return }
        let t = temperature, nx = grid.nx, ny = grid.ny
        let lower = S(bounds.lower - TemperatureBounds.tolerance), upper = S(bounds.upper + TemperatureBounds.tolerance)
        var outside = [UInt8](repeating: 0, count: grid.nz)
        outside.withUnsafeMutableBufferPointer { out in
            executor.forEachSlab(planes: grid.nz) { planes in
                for k in planes {
                    var bad = 0
                    for j in 0..<ny { bad += rowCountOutsideSIMD(t.row(j, k), count: nx, lower: lower, upper: upper) }
                    out[k] = bad > 0 ? 1 : 0
                }
            }
        }
        guard let k = outside.firstIndex(where: { $0 != 0 }),
              let v = MaximumPrincipleTables<S>.firstOutside(t, plane: k, bounds: bounds) else { return }
        let label = Int(codes[v.i, v.j, k] & ~MaterialCode.coagulated)
        let name = label < materials.count ? materials[label].name : "code \(label)"
        let side = v.value < bounds.lower ? String(format: "below the lower bound %.3f C (the coldest initial, held, boundary or arterial temperature less what sinks remove)", bounds.lower)
            : v.value > bounds.upper ? String(format: "above the upper bound %.3f C (the warmest initial, held, boundary or arterial temperature plus what sources add)", bounds.upper)
            : "not finite"
        throw PhysicsError.runtime(String(format: "bounds check: temperature %@ C at voxel (%d, %d, %d) (%@) after step %d (t = %.3f s) is %@; the scheme broke the maximum principle",
                                          String(format: "%.3f", v.value), v.i, v.j, k, name, stepCount, time, side))
    }
}
