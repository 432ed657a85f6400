import XCTest
@testable import AblasimSimulation

/// The one YAML reader of scenario settings refuses hostile documents with a message
/// instead of exhausting memory or stack, and never takes a setting twice.
final class ScenarioYAMLTests: XCTestCase {
    func error(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> String {
        do { _ = try ScenarioYAML.parse(text, file: "s.yaml"); XCTFail("accepted:\n\(text.prefix(200))", file: file, line: line); return "" } catch {
            XCTAssertTrue((error as? SimulationError)?.isInputError == true, "\(error)", file: file, line: line)
            return "\(error)"
        }
    }

    /// "Billion laughs": nine levels of nine aliases each, as lists (the 446-byte classic)
    /// and as maps, which nest like scenario keys and so reach the expansion budget.
    func testBillionLaughsIsRefusedQuickly() {
        var lists = "a0: &a0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
        for i in 1...9 { lists += "a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 9).joined(separator: ",") + "]\n" }
        XCTAssertTrue(error(lists).contains("must be a plain value here, not a list or a map"))
        var maps = "a0: &a0 {x: lol}\n"
        for i in 1...9 { maps += "a\(i): &a\(i) {" + (0..<9).map { "k\($0): *a\(i - 1)" }.joined(separator: ", ") + "}\n" }
        XCTAssertTrue(error(maps).contains("expands to more than 100000 values"))
    }

    func testDeepNestingIsRefusedBeforeTheParser() {
        XCTAssertTrue(error(String(repeating: "[", count: 3000) + String(repeating: "]", count: 3000)).contains("nest deeper"))
        var block = ""
        for i in 0..<300 { block += String(repeating: " ", count: i) + "k\(i):\n" }
        XCTAssertTrue(error(block).contains("nesting deeper"))
        XCTAssertTrue(error(String(repeating: "- ", count: 3000) + "x\n").contains("nesting deeper"))
    }

    func testDuplicateKeysInEitherFormAreRefused() {
        let m = error("rf:\n  power_w: 5\nrf.power_w: 6\n")
        XCTAssertTrue(m.contains("s.yaml:3: rf.power_w is set twice (first at s.yaml:2)"), m)
        XCTAssertTrue(error("duration_s: 10\nduration_s: 20\n").contains("duration_s is set twice"))
    }

    func testUnknownTagsAndNonUTF8AreRefused() {
        XCTAssertTrue(error("duration_s: !python/object 10\n").contains("tag '!python/object' is not supported"))
        let bytes = Data("duration_s: 10\nrf:\n  power_w: \u{00}".utf8) + Data([0xFF, 0xFE])
        XCTAssertThrowsError(try ScenarioYAML.decode(bytes, file: "bad.yaml")) { e in
            XCTAssertTrue("\(e)".contains("bad.yaml:3: not UTF-8 text"), "\(e)")
        }
    }

    func testEntriesCarryLinesAndTheDocumentedListForms() throws {
        let entries = try ScenarioYAML.parse("""
            duration_s: 60
            cryo:
              protocol_min: [5, 3, 5]
            trajectories:
              - {name: p1, entry_mm: [-30, -45, 0], tip_mm: [-6, -2, 0]}
              - p2@30,-45,0->6,-2,0
            thermocouples:
              - {name: t1, position_mm: [1, 2, 3]}
            """, file: "s.yaml")
        XCTAssertEqual(entries.map(\.key), ["duration_s", "cryo.protocol_min", "trajectories", "thermocouples"])
        XCTAssertEqual(entries[1].value, "5,3,5")
        XCTAssertEqual(entries[1].location, "s.yaml:3")
        XCTAssertEqual(entries[2].value, "p1@-30,-45,0->-6,-2,0;p2@30,-45,0->6,-2,0")
        XCTAssertEqual(entries[3].value, "t1@1,2,3:other")
    }

    func testAReadErrorSaysWhy() {
        XCTAssertThrowsError(try ScenarioYAML.read(path: "/nonexistent/s.yaml")) { e in XCTAssertTrue("\(e)".contains("no such file"), "\(e)") }
        XCTAssertThrowsError(try ScenarioYAML.read(path: "/tmp")) { e in XCTAssertTrue("\(e)".contains("is a directory"), "\(e)") }
    }
}
