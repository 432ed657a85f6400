#if canImport(Glibc)
import Glibc
#endif

/// SIGTERM (Slurm's warning before it kills a job) sets a flag the time loop polls, so the
/// run can write a checkpoint and exit instead of dying mid-step.
enum TerminationSignal {
    nonisolated(unsafe) static var flag: sig_atomic_t = 0

    static func install() {
        signal(SIGTERM) { _ in TerminationSignal.flag = 1 }
    }

    static var requested: Bool { flag != 0 }
}
