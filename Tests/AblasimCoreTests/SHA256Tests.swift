import XCTest
import AblasimCore

final class SHA256Tests: XCTestCase {
    /// FIPS 180-4 example digests (NIST CSRC "SHA256.pdf" examples).
    func testKnownDigests() {
        XCTAssertEqual(SHA256.hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(SHA256.hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(SHA256.hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
                       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        // One million 'a' (FIPS 180-2, appendix B.3).
        XCTAssertEqual(SHA256.hex([UInt8](repeating: 0x61, count: 1_000_000)),
                       "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    /// Fed in pieces of every awkward size, the digest equals the one-shot digest.
    func testStreamingInPiecesMatchesOneShot() {
        var g = UInt64(0x9E37_79B9_7F4A_7C15)
        let message = (0..<1000).map { _ -> UInt8 in g = g &* 6364136223846793005 &+ 1442695040888963407; return UInt8(truncatingIfNeeded: g >> 56) }
        let whole = SHA256.hex(message)
        for piece in [1, 3, 55, 56, 63, 64, 65, 127, 999] {
            var s = SHA256()
            var i = 0
            while i < message.count {
                let j = min(message.count, i + piece)
                message[i..<j].withUnsafeBytes { s.update($0) }
                i = j
            }
            XCTAssertEqual(s.finalize(), whole, "pieces of \(piece)")
        }
    }
}
