/// Text from files (phantom, tissue and landmark names, sweep values, paths) made safe to
/// print on a terminal: a name holding ESC could recolour or rewrite the screen, a NUL cut
/// a line, a right-to-left override (U+202E) reverse what follows. Every such character is
/// shown as a visible escape (`\u{1B}`) instead; everything else passes unchanged. The CLI
/// sends all it prints through this one function.
public enum TerminalText {
    /// `text` with control and bidirectional-formatting characters as `\u{XX}` escapes.
    /// - Parameter keepLayout: keep newline and tab (for multi-line messages the program
    ///   itself composes); false escapes them too (for one value inside a line).
    public static func sanitized(_ text: String, keepLayout: Bool = true) -> String {
        guard text.unicodeScalars.contains(where: { isUnsafe($0, keepLayout: keepLayout) }) else { return text }
        var out = String.UnicodeScalarView()
        for u in text.unicodeScalars {
            if isUnsafe(u, keepLayout: keepLayout) {
                out.append(contentsOf: "\\u{\(String(u.value, radix: 16, uppercase: true))}".unicodeScalars)
            } else {
                out.append(u)
            }
        }
        return String(out)
    }

    /// C0 controls and DEL, C1 controls (U+0080-U+009F; U+009B is an 8-bit CSI), the Unicode
    /// bidirectional controls (UAX #9: U+061C, U+200E-U+200F, U+202A-U+202E, U+2066-U+2069),
    /// the line and paragraph separators (U+2028, U+2029) and the byte-order mark / zero
    /// width no-break space (U+FEFF).
    static func isUnsafe(_ u: Unicode.Scalar, keepLayout: Bool) -> Bool {
        let v = u.value
        if keepLayout && (v == 0x0A || v == 0x09) { return false }
        switch v {
        case 0x00...0x1F, 0x7F...0x9F: return true
        case 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069, 0x2028, 0x2029, 0xFEFF: return true
        default: return false
        }
    }
}
