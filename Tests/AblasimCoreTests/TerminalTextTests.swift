import XCTest
import AblasimCore

final class TerminalTextTests: XCTestCase {
    func testEscapesControlAndBidiCharactersOnly() {
        XCTAssertEqual(TerminalText.sanitized("cord \u{1B}[31mred\u{0}"), "cord \\u{1B}[31mred\\u{0}")
        XCTAssertEqual(TerminalText.sanitized("abc\u{202E}def"), "abc\\u{202E}def")
        XCTAssertEqual(TerminalText.sanitized("\u{9B}2J"), "\\u{9B}2J")
        XCTAssertEqual(TerminalText.sanitized("line 1\nline 2\tx"), "line 1\nline 2\tx")
        XCTAssertEqual(TerminalText.sanitized("a\nb\r", keepLayout: false), "a\\u{A}b\\u{D}")
        XCTAssertEqual(TerminalText.sanitized("Wirbelkörper 5 °C µm"), "Wirbelkörper 5 °C µm")
    }
}
