#if canImport(Glibc)
import Glibc
#endif
import Dispatch

/// Runs work over z-planes in parallel slabs. The only place in the project that uses
/// Dispatch, so thread count and partitioning are decided once.
///
/// Determinism: work items write disjoint planes, and reductions are computed per plane
/// and combined in plane order by the caller, so results do not depend on the thread count.
public struct SlabExecutor: Sendable {
    /// Number of concurrent slabs (>= 1).
    public let threads: Int

    public init(threads: Int) {
        self.threads = max(1, threads)
    }

    /// One thread per available core.
    public static var allCores: SlabExecutor { SlabExecutor(threads: ProcessInfoShim.activeProcessorCount) }

    /// Calls `body(kRange)` for contiguous ranges of z-planes covering 0..<nz.
    /// `slabsPerThread` > 1 cuts finer slabs that Dispatch hands to whichever thread is free:
    /// for work concentrated in a few planes (a cryo ice ball), where equal slabs leave one
    /// thread idle.
    public func forEachSlab(planes nz: Int, slabsPerThread: Int = 1, _ body: (Range<Int>) -> Void) {
        let slabs = min(threads == 1 ? 1 : threads * max(slabsPerThread, 1), nz)
        if slabs <= 1 {
            body(0..<nz)
            return
        }
        DispatchQueue.concurrentPerform(iterations: slabs) { s in
            let lo = nz * s / slabs, hi = nz * (s + 1) / slabs
            if lo < hi { body(lo..<hi) }
        }
    }

    /// Sums `perPlane(k)` over planes in double, combining in plane order: bitwise the same
    /// for every thread count.
    public func sumPlanes(planes nz: Int, _ perPlane: (Int) -> Double) -> Double {
        var partial = [Double](repeating: 0, count: nz)
        partial.withUnsafeMutableBufferPointer { buf in
            let p = buf.baseAddress!
            forEachSlab(planes: nz) { range in
                for k in range { p[k] = perPlane(k) }
            }
        }
        return partial.reduce(0, +)
    }
}

/// Core count without Foundation.
enum ProcessInfoShim {
    static var activeProcessorCount: Int {
        #if canImport(Glibc)
        return max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        #else
        return 1
        #endif
    }
}
