import AblasimCore
import AblasimKernels

/// Which rows of the two temperature registers lie wholly at or above the phase-change
/// kernel's lean floor (`PhaseChangeTables.unfrozenFloor`), so a stage can hand each row
/// kernel whether its stencil is warm instead of counting five rows per row. Flags are
/// recorded from rows just written (in cache); the halo rows carry the halo's warmth.
final class WarmRows {
    private let ny: Int, nz: Int
    /// Flags of `temperature` (current) and of `scratch` (the register before it), halo included.
    private var current: UnsafeMutablePointer<UInt8>
    private var previous: UnsafeMutablePointer<UInt8>
    private let haloWarm: Bool

    init(grid: Grid3D, haloTemperature: Double, floor: Double) {
        ny = grid.ny; nz = grid.nz
        let count = (ny + 2) * (nz + 2)
        haloWarm = haloTemperature >= floor
        current = .allocate(capacity: count); previous = .allocate(capacity: count)
        current.initialize(repeating: haloWarm ? 1 : 0, count: count)
        previous.initialize(repeating: 0, count: count)
    }

    deinit { current.deallocate(); previous.deallocate() }

    @inline(__always) private func index(_ j: Int, _ k: Int) -> Int { (k + 1) * (ny + 2) + j + 1 }

    /// Whether row (j, k) of the current register and its four neighbour rows are warm (and
    /// the x halo); with `andPrevious`, also row (j, k) of the previous register.
    @inline(__always) func stencilWarm(_ j: Int, _ k: Int, andPrevious: Bool) -> Bool {
        guard haloWarm else { return false }
        let c = index(j, k), s = ny + 2
        return current[c] & current[c - 1] & current[c + 1] & current[c - s] & current[c + s] != 0
            && (!andPrevious || previous[c] != 0)
    }

    /// Records row (j, k) of the register being written (it replaces `previous`).
    @inline(__always) func recordWritten(_ j: Int, _ k: Int, warm: Bool) { previous[index(j, k)] = warm ? 1 : 0 }

    /// After a stage: the written register becomes the current one.
    func swapRegisters() { swap(&current, &previous) }

    /// Recounts the current register (after anything wrote temperatures directly: sources
    /// holding probe voxels, a restore); the previous register's flags are cleared.
    func recount<S>(_ t: Field3D<S>, tables: PhaseChangeTables<S>, executor: SlabExecutor) {
        let nx = t.nx, ny = self.ny
        let cur = current, prev = previous, rowLength = ny + 2
        executor.forEachSlab(planes: nz) { planes in
            for k in planes { for j in 0..<ny {
                let c = (k + 1) * rowLength + j + 1
                cur[c] = phaseChangeRowIsWarm(t.row(j, k), count: nx, tables: tables) ? 1 : 0
                prev[c] = 0
            } }
        }
    }
}
