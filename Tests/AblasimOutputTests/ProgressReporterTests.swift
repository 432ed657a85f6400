import XCTest
@testable import AblasimOutput

final class ProgressReporterTests: XCTestCase {
    func testPlainLinesAtTheIntervalWhenNotATerminal() throws {
        var now = 100.0
        var text = ""
        let p = ProgressReporter(totalSimulated: 360, quiet: false, isTerminal: false, write: { text += $0 }, clock: { now })
        p.update(simulated: 0.1, cord: 37, root: nil)
        for step in 1...40 { now += 0.5; p.update(simulated: Double(step), cord: 37.5, root: 38) }
        let lines = text.split(separator: "\n")
        XCTAssertEqual(lines.count, 5)   // at 0 s and every 5 s of wall time over 20 s
        XCTAssertFalse(text.contains("\r") || text.contains("\u{1B}"))
        XCTAssertTrue(lines[1].contains("t 10.0/360 s   3%"), String(lines[1]))
        XCTAssertLessThan(lines[1].count, 80)
        XCTAssertTrue(lines[1].contains("wall 0:05"))
        XCTAssertTrue(lines[1].contains("ETA 2:57"), String(lines[1]))   // 5 s for 9.9 of 360 s since the first update
        XCTAssertTrue(lines[0].contains("ETA --:--"), "no rate yet at the first update: \(lines[0])")
        XCTAssertTrue(lines[1].contains("cord max 37.5 C") && lines[1].contains("root max 38.0 C"))
        XCTAssertTrue(lines[0].contains("root max n/a"))
    }

    func testTerminalRewritesTheLineAndFinishPrintsTheTable() throws {
        var now = 0.0
        var text = ""
        let p = ProgressReporter(totalSimulated: 60, quiet: false, isTerminal: true, environment: [:], write: { text += $0 }, clock: { now })
        for step in 1...10 { now += 0.2; p.update(simulated: Double(step), cord: 40, root: 39) }
        XCTAssertEqual(text.components(separatedBy: "\r\u{1B}[K").count - 1, 10)
        XCTAssertFalse(text.contains("\n"))
        text = ""
        p.finish(summary: try makeRunOutput().summary)
        XCTAssertTrue(text.hasPrefix("\r\u{1B}[K"))
        XCTAssertTrue(text.contains("\u{1B}[1;31m3 flags:"), text)
        XCTAssertTrue(text.contains("cord_anterior heat-45 (threshold 45) at 30.2 s") || text.contains("cord_anterior heat-45 (threshold 45) at 30.3 s"), text)
        XCTAssertTrue(text.contains("zones: ablation 0.01 ml"))
    }

    func testQuietPrintsNothingAndPlainTableHasNoEscapes() throws {
        var text = ""
        let q = ProgressReporter(totalSimulated: 10, quiet: true, isTerminal: true, write: { text += $0 }, clock: { 0 })
        q.update(simulated: 5, cord: 50, root: 50)
        q.finish(summary: try makeRunOutput().summary)
        XCTAssertEqual(text, "")
        let table = ProgressReporter.table(try makeRunOutput().summary, colour: false)
        XCTAssertFalse(table.contains("\u{1B}"))
        XCTAssertTrue(table.contains("3 flags:"))
        XCTAssertTrue(table.contains("interlock (cut, 45 C): not tripped"))
    }

    /// The first step carries the setup (a 40 s potential solve here): the ETA is measured
    /// from the first update, so it does not start at 40 s x 360 steps.
    func testFirstETAIgnoresTheSetupStep() {
        var now = 0.0
        var text = ""
        let p = ProgressReporter(totalSimulated: 360, quiet: false, isTerminal: false, write: { text += $0 }, clock: { now })
        p.plainInterval = 1
        now = 40; p.update(simulated: 1, cord: 37, root: 37)             // setup + first step
        for step in 2...20 { now += 0.25; p.update(simulated: Double(step), cord: 37, root: 37) }
        let etas = text.split(separator: "\n").map { String($0.split(separator: " ").drop { $0 != "ETA" }.dropFirst().first ?? "") }
        XCTAssertEqual(etas.first, "--:--")
        // 0.25 s per simulated second from then on: 340 s left at 20 s -> 85 s.
        XCTAssertTrue(["1:25", "1:26"].contains(etas.last ?? ""), text)
        XCTAssertFalse(etas.contains { $0.hasPrefix("1:0") && $0.count > 4 }, "no hour-long first ETA: \(etas)")
    }

    func testCryoLineShowsTheColdestReadings() {
        var text = ""
        let p = ProgressReporter(totalSimulated: 60, quiet: false, isTerminal: false, cold: true, write: { text += $0 }, clock: { 0 })
        p.update(simulated: 1, cord: 31.5, root: 12)
        XCTAssertTrue(text.contains("cord min 31.5 C") && text.contains("root min 12.0 C"), text)
        XCTAssertFalse(text.contains("max"))
    }

    func testNoColorTurnsOffTheTableColours() throws {
        var text = ""
        let p = ProgressReporter(totalSimulated: 10, quiet: false, isTerminal: true, environment: ["NO_COLOR": "1"], write: { text += $0 }, clock: { 0 })
        XCTAssertFalse(p.colour)
        p.finish(summary: try makeRunOutput().summary)
        XCTAssertTrue(text.contains("3 flags:"))
        XCTAssertFalse(text.contains("\u{1B}[1;31m") || text.contains("\u{1B}[0m"), "NO_COLOR: no ANSI colour")
        XCTAssertTrue(ProgressReporter(totalSimulated: 10, quiet: false, isTerminal: true, environment: ["NO_COLOR": ""], write: { _ in }).colour,
                      "an empty NO_COLOR does not count (no-color.org)")
    }
}
