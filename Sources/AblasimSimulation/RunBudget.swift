import Foundation
import AblasimCore
import AblasimPhysics
import AblasimPhantom
#if canImport(Glibc)
import Glibc
#endif

/// Limits a run must fit before any large allocation or any time step: the memory its
/// fields need and the number of time steps. A run beyond either is refused (exit 2) with
/// the estimate, instead of dying allocating ("out of memory allocating a field") or running
/// for hours because a property shrank the stable time step.
public struct RunBudget: Sendable {
    /// Bytes the run may use.
    public var maxMemoryBytes: Double
    /// Time steps the run may take (super-steps count once).
    public var maxSteps: Int

    public init(maxMemoryBytes: Double = RunBudget.defaultMemoryBytes, maxSteps: Int = RunBudget.defaultMaxSteps) {
        self.maxMemoryBytes = maxMemoryBytes; self.maxSteps = maxSteps
    }

    /// Default step budget: 10 million steps. The longest standard runs take about 5e4 steps
    /// (the explicit full cryo protocol reference, 47,951 steps, docs/cryo.md; RF 600 s at
    /// 0.5 mm about 1e4-6e4), so this leaves a factor of 200 and refuses only runs whose
    /// step was shrunk by orders of magnitude (e.g. perfusion 1e12 ml/min/kg).
    public static let defaultMaxSteps = 10_000_000

    /// Default memory budget: 80 % of physical memory (sysconf pages x page size), leaving
    /// room for the system and the page cache.
    public static var defaultMemoryBytes: Double { 0.8 * physicalMemoryBytes }

    /// Physical memory of this machine [bytes] (sysconf(_SC_PHYS_PAGES) x _SC_PAGESIZE).
    public static var physicalMemoryBytes: Double {
        let pages = sysconf(Int32(_SC_PHYS_PAGES)), size = sysconf(Int32(_SC_PAGESIZE))
        return pages > 0 && size > 0 ? Double(pages) * Double(size) : 8 * 1024 * 1024 * 1024
    }

    /// A rough wall-time guess for `voxelSteps` voxel updates: 5e7 updates per second, the
    /// order of the full step (Pennes + dose) of a release build on a few cores (assumed;
    /// `bench` measures the real figure, docs/performance.md). Only for messages.
    static let assumedVoxelUpdatesPerSecond = 5e7

    public static func bytesText(_ b: Double) -> String {
        b >= 1e9 ? String(format: "%.1f GB", b / 1e9) : String(format: "%.0f MB", b / 1e6)
    }
}

/// The memory a run needs, counted from the fields each part allocates, per voxel of the
/// grid (`n`) or of the grid with its one-voxel halo (`padded`, every `Field3D`).
public struct RunMemoryEstimate: Sendable {
    public var parts: [(what: String, bytes: Double)]
    public var total: Double { parts.map(\.bytes).reduce(0, +) }

    /// Estimates a run of `scenario` on `grid`; with `phantom` the modality can bound its
    /// part more tightly (the RF potential box around the planned tips).
    public static func estimate(grid: Grid3D, scenario: Scenario, phantom: Phantom? = nil) -> RunMemoryEstimate {
        let n = Double(grid.nx) * Double(grid.ny) * Double(grid.nz)
        let padded = Double(grid.nx + 2) * Double(grid.ny + 2) * Double(grid.nz + 2)
        var parts: [(String, Double)] = []
        // PennesSolver<Float>.init: temperature, scratch, source, tMax, tMin (Float, 4 B),
        // cem43 and omega (Double, 8 B), codes (UInt8): 5*4 + 2*8 + 1 = 37 B per padded voxel.
        parts.append(("thermal solver fields (37 B/voxel)", 37 * padded))
        // The phantom's labels, the model's material codes, the tumour mask: 1 B each.
        parts.append(("phantom labels, material codes, tumour mask (3 B/voxel)", 3 * n))
        // At the end: ResultVolumes copies tMax, tMin (4 B each) and cem43, omega (a Double
        // interior copy narrowed to Float: 8 + 4 B each); AblationZone: zone and ablated
        // masks (1 B each) and component ids (Int32); a NIfTI volume being encoded and
        // compressed (4 B raw + up to 4 B gzip).
        parts.append(("result volumes, zones, file encoding (46 B/voxel)", (4 + 4 + 12 + 12 + 1 + 1 + 4 + 8) * n))
        parts += ModalityRegistry.named(scenario.modality)?.memoryEstimate(grid: grid, phantom: phantom, scenario: scenario) ?? []
        return RunMemoryEstimate(parts: parts)
    }

    /// Throws (input error) when the estimate exceeds the budget, with the breakdown.
    public func check(against budget: RunBudget, grid: Grid3D) throws {
        guard total > budget.maxMemoryBytes else { return }
        let lines = parts.map { "\($0.what): \(RunBudget.bytesText($0.bytes))" }.joined(separator: "; ")
        throw SimulationError.invalidInput("this run needs about \(RunBudget.bytesText(total)) of memory for \(grid.nx)x\(grid.ny)x\(grid.nz) = \(grid.voxelCount) voxels (\(lines)), more than the budget of \(RunBudget.bytesText(budget.maxMemoryBytes)) (--max-memory, default 80 % of the \(RunBudget.bytesText(RunBudget.physicalMemoryBytes)) of physical memory); resample the phantom to larger voxels (8x fewer voxels per doubling), crop it, or raise --max-memory on a larger machine")
    }
}
