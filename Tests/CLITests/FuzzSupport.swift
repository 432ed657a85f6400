import AblasimCore
import Foundation
import XCTest
import AblasimSweep
#if canImport(Glibc)
import Glibc
#endif

/// Deterministic mutators for the fuzz suite: every mutant is a pure function of the seed
/// input and a SplitMix64 seed, so a failing case is reproduced from its seed alone.
struct Mutator {
    var rng: SplitMix64
    init(seed: UInt64) { rng = SplitMix64(seed: seed) }

    mutating func below(_ n: Int) -> Int { n <= 1 ? 0 : Int(rng.next() % UInt64(n)) }
    mutating func chance(_ p: Double) -> Bool { rng.nextUnit() < p }
    mutating func pick<T>(_ a: [T]) -> T { a[below(a.count)] }

    /// Numbers that break parsers and arithmetic: zero, signs, the edges of Int and Double,
    /// NaN and infinities, huge and tiny magnitudes, and malformed numerals.
    static let interestingNumbers = ["0", "-0", "-1", "1", "255", "256", "65535", "2147483647", "2147483648", "-2147483649",
                                     "9223372036854775807", "99999999999999999999999", "1e30", "1e300", "1e308", "1e309", "-1e300",
                                     "1e-300", "5e-324", "nan", "NaN", "inf", "-inf", ".inf", "0x10", "1_000", "1e", "--1", "0.0000001",
                                     "1e12", "1e9", "3.4e38", ""]
    /// Characters a careless or hostile file may hold: controls, terminal escapes, bidi
    /// overrides, a byte-order mark, invalid UTF-8.
    static let hostileBytes: [[UInt8]] = [[0x00], [0x1B, 0x5B, 0x32, 0x4A], [0x0D], [0x0D, 0x0A], [0x07], [0xE2, 0x80, 0xAE],
                                          [0xEF, 0xBB, 0xBF], [0xFF], [0xC3], [0x9B], [0x09], [0x7F], [0x0A, 0x0A]]

    /// One to three random edits of a byte string.
    mutating func mutateBytes(_ input: [UInt8]) -> [UInt8] {
        var b = input
        for _ in 0..<(1 + below(3)) {
            if b.isEmpty { b = [UInt8(truncatingIfNeeded: rng.next())]; continue }
            switch below(7) {
            case 0: b[below(b.count)] ^= UInt8(1 << below(8))
            case 1: b[below(b.count)] = pick([0, 0xFF, 0x7F, 0x80, 0x01, 0x1F])
            case 2: b.insert(contentsOf: (0..<(1 + below(16))).map { _ in UInt8(truncatingIfNeeded: rng.next()) }, at: below(b.count + 1))
            case 3: let i = below(b.count); b.removeSubrange(i..<min(b.count, i + 1 + below(64)))
            case 4: let i = below(b.count); let j = min(b.count, i + 1 + below(64)); b.insert(contentsOf: Array(b[i..<j]), at: below(b.count + 1))
            case 5: b = Array(b.prefix(below(b.count)))
            default: b.insert(contentsOf: pick(Mutator.hostileBytes), at: below(b.count + 1))
            }
        }
        return b
    }

    /// One to three edits of a line-oriented text (YAML, a .vox header): numbers replaced by
    /// interesting ones, lines deleted, doubled, swapped or added from `vocabulary`, hostile
    /// characters inserted, CRLF line ends, byte edits.
    mutating func mutateText(_ text: String, vocabulary: [String]) -> [UInt8] {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var bytesEdit = false
        // Two in five mutants only change values: the file stays well-formed and the values
        // reach the checks behind the parser.
        let valuesOnly = chance(0.4)
        for _ in 0..<(1 + below(3)) {
            guard !lines.isEmpty else { lines = [pick(vocabulary)]; continue }
            var l = below(lines.count)
            let numeral = #"-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?"#
            if valuesOnly {
                let numbered = lines.indices.filter { !lines[$0].ranges(of: numeral).isEmpty }
                guard !numbered.isEmpty else { continue }
                l = pick(numbered)
            }
            switch valuesOnly ? 0 : below(8) {
            case 0, 1:
                // Replace one numeral of the line (or append a number to a line without one).
                let numerals = lines[l].ranges(of: numeral)
                if numerals.isEmpty { lines[l] += " " + pick(Mutator.interestingNumbers) }
                else { lines[l].replaceSubrange(pick(numerals), with: pick(Mutator.interestingNumbers)) }
            case 2: lines.remove(at: l)
            case 3: lines.insert(lines[l], at: below(lines.count + 1))
            case 4: let m = below(lines.count); lines.swapAt(l, m)
            case 5:
                let value = pick(Mutator.interestingNumbers)
                lines.insert(pick(vocabulary).replacingOccurrences(of: "$N", with: value), at: below(lines.count + 1))
            case 6:
                let chars = String(decoding: pick(Mutator.hostileBytes), as: UTF8.self)
                let line = lines[l]
                let at = line.index(line.startIndex, offsetBy: below(line.count + 1))
                lines[l].insert(contentsOf: chars, at: at)
            default: bytesEdit = true
            }
        }
        var bytes = Array(lines.joined(separator: !valuesOnly && chance(0.05) ? "\r\n" : "\n").utf8)
        if bytesEdit { bytes = mutateBytes(bytes) }
        return bytes
    }
}

private extension String {
    func ranges(of pattern: String) -> [Range<String.Index>] {
        guard let re = try? NSRegularExpression(pattern: pattern) else { return [] }
        return re.matches(in: self, range: NSRange(startIndex..., in: self)).compactMap { Range($0.range, in: self) }
    }
}

/// Runs the real binary on many inputs, two at a time, each under a virtual-memory bound
/// (`ulimit -v`) and a wall-time bound, and checks the outcome: exit 0, 1, 2 or 3 within the
/// bounds; never a signal (a Swift trap is SIGILL or SIGTRAP) or a hang; for 2 and 3 a
/// message on stderr that starts with "error:" and is not a runtime trap; no raw terminal
/// escape in anything printed.
enum Fuzz {
    /// Cases per format: a few hundred normally, thousands with ABLASIM_LONG_TESTS=1.
    static func cases(_ normal: Int) -> Int {
        ProcessInfo.processInfo.environment["ABLASIM_LONG_TESTS"] == "1" ? normal * 10 : normal
    }

    /// 1.5 GB of address space: a debug binary maps about 0.3 GB at start; a run on the
    /// fuzz phantoms needs far less than the rest. An attempt to allocate gigabytes fails
    /// here instead of swapping the machine, and must be refused before it happens.
    static let memoryKB = 1_500_000
    static let timeoutS = 30.0

    struct Case {
        var name: String
        var file: URL
        var arguments: [String]
    }

    /// Runs every case and fails the test for each bad outcome, keeping the input in
    /// `keep` (printed) so it can be rerun by hand.
    static func check(_ cases: [Case], keep: URL, file: StaticString = #filePath, line: UInt = #line) throws {
        let lock = NSLock()
        var failures: [String] = []
        var next = 0
        var codes: [Int32: Int] = [:]
        var messages: [String: Int] = [:]   // what the refusals say, to see how deep the mutants get
        func work() {
            while true {
                lock.lock(); let i = next; next += 1; lock.unlock()
                guard i < cases.count else { return }
                let c = cases[i]
                let problem: String?
                var code: Int32 = -1
                do {
                    let r = try CLI.run(c.arguments, memoryKB: memoryKB, timeout: timeoutS)
                    code = r.status
                    problem = verdict(r)
                    if r.status >= 2, let e = r.stderr.range(of: "error: ") {
                        // The message without the file name: its first words after the last ": ".
                        let text = r.stderr[e.upperBound...].split(separator: "\n").first.map(String.init) ?? ""
                        let gist = text.split(separator: ":").dropFirst(text.hasPrefix("/") ? 1 : 0).joined(separator: ":")
                        lock.lock(); messages[String(gist.prefix(48)), default: 0] += 1; lock.unlock()
                    }
                } catch {
                    problem = "could not run: \(error)"
                }
                lock.lock()
                codes[code, default: 0] += 1
                if let problem {
                    let kept = keep.appendingPathComponent(c.name + "-" + c.file.lastPathComponent)
                    try? FileManager.default.removeItem(at: kept)
                    try? FileManager.default.copyItem(at: c.file, to: kept)
                    failures.append("\(c.name): \(problem) [input kept at \(kept.path); ablasim \(c.arguments.joined(separator: " "))]")
                }
                lock.unlock()
            }
        }
        DispatchQueue.concurrentPerform(iterations: 2) { _ in work() }
        for f in failures.prefix(20) { XCTFail(f, file: file, line: line) }
        if failures.count > 20 { XCTFail("\(failures.count - 20) more failures", file: file, line: line) }
        print("fuzz: \(cases.count) cases, exit codes \(codes.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", "))")
        for (m, n) in messages.sorted(by: { $0.value > $1.value }).prefix(12) { print("fuzz:   \(n) x \(m)") }
    }

    /// nil when the outcome is allowed; otherwise what is wrong.
    static func verdict(_ r: CLI.Result) -> String? {
        if r.timedOut { return "no result within \(timeoutS) s" }
        if let s = r.signal { return "killed by signal \(s): \(r.stderr.suffix(400))" }
        guard [0, 1, 2, 3].contains(r.status) else { return "exit \(r.status): \(r.stderr.suffix(400))" }
        for trap in ["Fatal error", "Illegal instruction", "Stack dump", "Segmentation fault", "Swift runtime failure"] where r.stderr.contains(trap) {
            return "exit \(r.status) with a runtime trap on stderr: \(r.stderr.suffix(400))"
        }
        if r.status >= 2 {
            let text = r.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
            guard text.hasPrefix("error:") || text.contains("\nerror:") || text.hasPrefix("Error:") || text.contains("Usage:") else {
                return "exit \(r.status) without an error message: '\(text.suffix(300))'"
            }
            guard text.count > 12 else { return "exit \(r.status) with an empty message: '\(text)'" }
        }
        if r.stdout.contains("\u{1B}") || r.stderr.contains("\u{1B}") { return "a raw ESC reached the terminal" }
        return nil
    }
}
