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
        XCTAssertTrue(lines[1].contains("ETA 2:55"), String(lines[1]))   // 5 s for 10 of 360 s
        XCTAssertTrue(lines[1].contains("cord max 37.5 C") && lines[1].contains("root max 38.0 C"))
        XCTAssertTrue(lines[0].contains("root max n/a"))
    }

    func testTerminalRewritesTheLineAndFinishPrintsTheTable() throws {
        var now = 0.0
        var text = ""
        let p = ProgressReporter(totalSimulated: 60, quiet: false, isTerminal: true, write: { text += $0 }, clock: { now })
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
}
