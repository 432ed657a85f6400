import Foundation
import AblasimCore
import AblasimSimulation
#if canImport(Glibc)
import Glibc
#endif

/// The live progress line of a run: simulated time, wall time, ETA and the hottest cord and
/// root readings (the coldest in cryo, where the cold is the hazard). On a terminal it
/// rewrites itself in place (at most ~10 times a second); otherwise (logs, CI, pipes) it
/// prints a plain line every `plainInterval` seconds of wall time. `quiet` silences it and
/// the closing table.
/// `finish` prints a short table of zones and flags, flags highlighted (ANSI colour only on
/// a terminal, and never when `NO_COLOR` is set, https://no-color.org).
public final class ProgressReporter {
    public let totalSimulated: Double
    public let quiet: Bool
    public let isTerminal: Bool
    /// True for cryo: the line shows the coldest cord and root readings ("cord min").
    public let cold: Bool
    /// ANSI colour in the closing table: on a terminal without NO_COLOR.
    public let colour: Bool
    /// The ETA is shown once the run has advanced this fraction of its simulated time and
    /// this many wall seconds past the first update: the first step carries the setup (RF
    /// potential solves), so a rate from it alone overestimates the run many times.
    static let etaMinimumFraction = 0.01, etaMinimumWall = 2.0
    /// Seconds of wall time between plain lines when not on a terminal.
    public var plainInterval = 5.0
    private let write: (String) -> Void
    private let clock: () -> Double
    private let start: Double
    private var lastPrint = -Double.infinity
    private var lineOpen = false
    /// (wall, simulated) at the first update: the ETA's rate is measured from there.
    private var firstSample: (wall: Double, simulated: Double)?

    /// - Parameters:
    ///   - totalSimulated: simulated time the run will reach [s] (for the ETA).
    ///   - isTerminal: nil detects whether standard error is a terminal.
    ///   - write: where text goes (default: standard error).
    ///   - clock: wall clock [s] (default: monotonic uptime), injectable for tests.
    ///   - cold: cryo: show the coldest protected readings.
    ///   - environment: where `NO_COLOR` is looked up (default: the process environment).
    public init(totalSimulated: Double, quiet: Bool, isTerminal: Bool? = nil, cold: Bool = false,
                environment: [String: String] = ProcessInfo.processInfo.environment,
                write: ((String) -> Void)? = nil, clock: (() -> Double)? = nil) {
        self.totalSimulated = totalSimulated
        self.quiet = quiet
        self.isTerminal = isTerminal ?? (isatty(STDERR_FILENO) != 0)
        self.cold = cold
        colour = self.isTerminal && (environment["NO_COLOR"] ?? "").isEmpty
        self.write = write ?? { s in FileHandle.standardError.write(Data(s.utf8)) }
        self.clock = clock ?? { Double(DispatchTime.now().uptimeNanoseconds) * 1e-9 }
        start = self.clock()
    }

    /// Wall time since the reporter was made [s].
    public var wallTime: Double { clock() - start }

    /// The cord and root readings the line shows: the hottest of each structure, or the
    /// coldest when `cold` (nil without a thermocouple there).
    public static func protectedExtremes(_ monitor: ThermocoupleMonitor, cold: Bool) -> (cord: Double?, root: Double?) {
        guard cold else { return monitor.hottest }
        var cord: Double?, root: Double?
        for (t, v) in zip(monitor.thermocouples, monitor.readings) {
            switch t.structure {
            case .cord: cord = min(cord ?? .infinity, v)
            case .root: root = min(root ?? .infinity, v)
            case .other: break
            }
        }
        return (cord, root)
    }

    /// The progress text (without line control).
    public func line(simulated: Double, cord: Double?, root: Double?) -> String {
        let wall = wallTime
        let frac = totalSimulated > 0 ? min(max(simulated / totalSimulated, 0), 1) : 1
        if firstSample == nil { firstSample = (wall, simulated) }
        var eta = frac < 1 ? Double.nan : 0
        if let f = firstSample, frac < 1, simulated - f.simulated >= ProgressReporter.etaMinimumFraction * totalSimulated,
           wall - f.wall >= ProgressReporter.etaMinimumWall {
            eta = (wall - f.wall) / (simulated - f.simulated) * (totalSimulated - simulated)
        }
        func temp(_ t: Double?) -> String { t.map { String(format: "%.1f C", $0) } ?? "n/a" }
        let extreme = cold ? "min" : "max"
        // Kept under 80 columns so a terminal never wraps the line being rewritten.
        return String(format: "t %.1f/%.0f s %3.0f%%  wall %@  ETA %@  cord %@ %@  root %@ %@",
                      simulated, totalSimulated, 100 * frac, ProgressReporter.clockText(wall), ProgressReporter.clockText(eta),
                      extreme, temp(cord), extreme, temp(root))
    }

    /// Call after steps; prints only when due.
    public func update(simulated: Double, cord: Double?, root: Double?) {
        guard !quiet else { return }
        if firstSample == nil { firstSample = (wallTime, simulated) }
        let now = clock()
        if isTerminal {
            guard now - lastPrint >= 0.1 else { return }
            lastPrint = now
            write("\r\u{1B}[K" + line(simulated: simulated, cord: cord, root: root))
            lineOpen = true
        } else {
            guard now - lastPrint >= plainInterval else { return }
            lastPrint = now
            write(line(simulated: simulated, cord: cord, root: root) + "\n")
        }
    }

    /// Ends the progress line and prints the zones and flags table.
    public func finish(summary s: RunSummary) {
        guard !quiet else { return }
        if lineOpen { write("\r\u{1B}[K"); lineOpen = false }
        write(ProgressReporter.table(s, colour: colour))
    }

    /// The closing table: zones, thermocouple peaks, flags (highlighted), interlock.
    public static func table(_ s: RunSummary, colour: Bool) -> String {
        let red = colour ? "\u{1B}[1;31m" : "", green = colour ? "\u{1B}[32m" : "", reset = colour ? "\u{1B}[0m" : ""
        var o = String(format: "done: %.1f s simulated in %@ wall (%d steps)\n", s.simulatedS, clockText(s.wallS), s.steps)
        let z = s.zones
        o += String(format: "zones: ablation %.2f ml, T>=42 C %.2f ml, T>=60 C %.2f ml, components %d, coalescent %@", z.ablationMl, z.t42Ml, z.t60Ml,
                    z.components, z.coalescent ? "yes" : "no")
        // The same fraction as summary.json's tumor_coverage, with its percentage.
        if let c = z.tumorCoverage { o += String(format: ", tumour %.2f ml, tumor_coverage %.3g (%.1f %%)", z.tumorMl, c, 100 * c) }
        if z.iceMl > 0 { o += String(format: ", ice %.2f ml, lethal ice %.2f ml", z.iceMl, z.lethalIce20Ml) }
        o += "\n"
        let width = max(12, (s.thermocouples.map(\.name.count).max() ?? 0) + 2)
        func pad(_ t: String, _ n: Int) -> String { t.count >= n ? t : t + String(repeating: " ", count: n - t.count) }
        o += pad("thermocouple", width) + pad("structure", 11) + pad("T max [C]", 11) + pad("CEM43", 10) + "flags\n"
        for t in s.thermocouples {
            let flags = t.flags.isEmpty ? "-" : t.flags.joined(separator: ", ")
            // Thermocouple names come from the phantom file: shown sanitized.
            let row = pad(TerminalText.sanitized(t.name, keepLayout: false), width) + pad(t.structure, 11) + pad(String(format: "%.2f", t.tMaxC), 11) + pad(String(format: "%.3g", t.cem43Min), 10) + flags
            o += (t.flags.isEmpty ? row : red + row + reset) + "\n"
        }
        if s.flags.isEmpty {
            o += green + "no flags at the cord or roots" + reset + "\n"
        } else {
            o += red + "\(s.flags.count) flag\(s.flags.count == 1 ? "" : "s"):" + reset + "\n"
            for f in s.flags {
                o += red + String(format: "  %@ %@ (threshold %@) at %.1f s", TerminalText.sanitized(f.thermocouple, keepLayout: false), f.kind, TemperaturePlot.fmt(f.threshold), f.timeS) + reset + "\n"
            }
        }
        let il = s.interlock
        o += "interlock" + TerminalText.sanitized(InterlockText.line(il), keepLayout: false) + "\n"
        return o
    }

    /// "m:ss" or "h:mm:ss".
    static func clockText(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "--:--" }
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
    }
}
