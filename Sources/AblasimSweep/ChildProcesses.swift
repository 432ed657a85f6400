import Foundation
import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// The case processes this process started, and what to do on SIGTERM / SIGINT / SIGHUP:
/// pass the signal on to every child (an `ablasim run` writes its checkpoint and exits) and
/// start no new case. Slurm sends SIGTERM before it kills a preempted or timed-out task.
/// Process supervision, not computation: the signal sources are the only Dispatch use here.
public final class ChildProcesses: @unchecked Sendable {
    public static let shared = ChildProcesses()

    private let mutex = NSLock()
    private var pids = Set<Int32>()
    private var received: Int32?
    private var sources: [DispatchSourceSignal] = []
    private let queue = DispatchQueue(label: "ablasim.sweep.signals")

    public init() {}

    /// The signal that asked this process to stop, nil while none came.
    public var stopSignal: Int32? { mutex.lock(); defer { mutex.unlock() }; return received }

    /// Routes SIGTERM, SIGINT and SIGHUP to `stop(_:)` (idempotent).
    public func installSignalHandlers() {
        mutex.lock(); defer { mutex.unlock() }
        guard sources.isEmpty else { return }
        for sig in [SIGTERM, SIGINT, SIGHUP] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: queue)
            source.setEventHandler { [weak self] in self?.stop(sig) }
            source.resume()
            sources.append(source)
        }
    }

    /// Records the signal and forwards it to every running child.
    public func stop(_ sig: Int32) {
        mutex.lock()
        if received == nil { received = sig }
        let targets = pids
        mutex.unlock()
        for pid in targets { kill(pid, sig) }
    }

    /// Registers a started child; when a stop signal already came, the child gets it at once.
    public func register(_ pid: Int32) {
        mutex.lock()
        pids.insert(pid)
        let sig = received
        mutex.unlock()
        if let sig { kill(pid, sig) }
    }

    public func unregister(_ pid: Int32) {
        mutex.lock(); pids.remove(pid); mutex.unlock()
    }
}
