import Foundation

/// Runs a sweep on this machine, `jobs` cases at a time, skipping cases that are done or
/// held by another task, and reports progress for the whole sweep after every case.
public struct LocalExecutor {
    public var runner: CaseRunner
    public var jobs: Int
    /// Receives one progress line per event (case started, finished, skipped).
    public var progress: @Sendable (String) -> Void

    public init(runner: CaseRunner, jobs: Int, progress: @escaping @Sendable (String) -> Void) {
        self.runner = runner; self.jobs = max(1, jobs); self.progress = progress
    }

    public struct Report: Equatable, Sendable {
        public var done = 0, skippedDone = 0, skippedRunning = 0
        public var failed: [Int] = []
        public var notStarted: [Int] = []
        /// The signal that stopped the sweep, if one did.
        public var stoppedBy: Int32?
    }

    /// Shared counters of the workers, guarded by `mutex`.
    private final class State: @unchecked Sendable {
        let mutex = NSLock()
        var next = 0, finished = 0, running = 0
        var wallSum = 0.0, wallCount = 0
        var report = Report()
        let start = Date()
    }

    public func run(_ sweep: Sweep, in output: SweepOutput) -> Report {
        let n = sweep.count
        let state = State()
        let jobs = self.jobs, runner = self.runner, progress = self.progress
        // Called with the mutex held.
        let line: (String) -> Void = { what in
            let left = n - state.finished
            var eta = ""
            if state.wallCount > 0, left > 0 {
                let perCase = state.wallSum / Double(state.wallCount)
                eta = ", ETA " + LocalExecutor.duration(perCase * Double(max(left - state.running, 0)) / Double(jobs) + perCase * 0.5)
            }
            let r = state.report
            progress("[\(state.finished)/\(n)] \(what) | done \(r.done + r.skippedDone), running \(state.running), failed \(r.failed.count), left \(left)\(eta), elapsed \(LocalExecutor.duration(Date().timeIntervalSince(state.start)))")
        }
        let group = DispatchGroup()
        for _ in 0..<min(jobs, n) {
            group.enter()
            let worker = Thread {
                defer { group.leave() }
                while true {
                    state.mutex.lock()
                    if runner.children.stopSignal != nil || state.next >= n {
                        state.mutex.unlock(); return
                    }
                    let i = state.next
                    state.next += 1
                    state.running += 1
                    let name = SweepCase.folderName(i)
                    state.mutex.unlock()
                    let outcome: CaseRunner.Outcome
                    do { outcome = try runner.run(i, of: sweep, in: output) } catch {
                        let code: Int32 = (error as? SweepError)?.isInputError == true ? 2 : 3
                        outcome = .finished(code: code, done: false, wallS: 0)
                        try? AtomicFile.writeJSON(["code": Int(code), "error": "\(error)"], to: output.caseFolder(i).file("exit.json"))
                    }
                    state.mutex.lock()
                    state.running -= 1
                    state.finished += 1
                    switch outcome {
                    case .alreadyDone:
                        state.report.skippedDone += 1
                        line("case \(name) already done")
                    case .alreadyRunning:
                        state.report.skippedRunning += 1
                        line("case \(name) is being run by another task, skipped")
                    case let .finished(code, done, wall):
                        if done {
                            state.report.done += 1
                            state.wallSum += wall; state.wallCount += 1
                            line("case \(name) done in \(LocalExecutor.duration(wall))")
                        } else if runner.children.stopSignal != nil {
                            state.report.notStarted.append(i)
                            line("case \(name) stopped (exit \(code))")
                        } else {
                            state.report.failed.append(i)
                            line("case \(name) FAILED (exit \(code)), see \(output.caseFolder(i).file("run.log"))")
                        }
                    }
                    state.mutex.unlock()
                }
            }
            worker.start()
        }
        group.wait()
        state.mutex.lock()
        defer { state.mutex.unlock() }
        var report = state.report
        report.stoppedBy = runner.children.stopSignal
        if report.stoppedBy != nil { report.notStarted += (state.next..<n) }
        report.notStarted.sort()
        report.failed.sort()
        return report
    }

    static func duration(_ s: Double) -> String {
        if s < 60 { return String(format: "%.1f s", s) }
        let t = Int(s.rounded())
        if t < 3600 { return "\(t / 60)m\(String(format: "%02d", t % 60))s" }
        return "\(t / 3600)h\(String(format: "%02d", t % 3600 / 60))m"
    }
}
