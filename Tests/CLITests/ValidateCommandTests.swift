import XCTest
import Foundation

/// Runs the built `ablasim` binary. The test target depends on the `ablasim` target so
/// `swift test` builds it; the binary sits next to the test bundle in the products
/// directory (or is named by ABLASIM_BINARY).
final class ValidateCommandTests: XCTestCase {
    /// Where `swift build` puts products: next to the test bundle.
    static var productsDirectory: URL {
        #if os(macOS)
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            return bundle.bundleURL.deletingLastPathComponent()
        }
        #endif
        return Bundle.main.bundleURL
    }

    func binary() throws -> URL {
        let env = ProcessInfo.processInfo.environment
        var candidates = [env["ABLASIM_BINARY"], env["ABLASIM_EXECUTABLE"]].compactMap { $0 }
        candidates.append(Self.productsDirectory.appendingPathComponent("ablasim").path)
        candidates.append(URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("ablasim").path)
        if let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) {
            return URL(fileURLWithPath: found)
        }
        XCTFail("the ablasim binary is not built (looked at \(candidates.joined(separator: ", "))): run `swift build` first, or set ABLASIM_BINARY")
        throw XCTSkip("no ablasim binary")
    }

    func run(_ arguments: [String]) throws -> (status: Int32, out: String, err: String) {
        let p = Process()
        p.executableURL = try binary()
        p.arguments = arguments
        let out = Pipe(), err = Pipe()
        p.standardOutput = out; p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    func testValidatePassesAndPrintsTable() throws {
        let r = try run(["validate", "--case", "thermal-dose-closed-form", "--case", "energy-conservation"])
        XCTAssertEqual(r.status, 0, r.out + r.err)
        XCTAssertTrue(r.out.contains("thermal-dose-closed-form") && r.out.contains("tolerance") && r.out.contains("pass"), r.out)
        XCTAssertTrue(r.out.contains("all 2 cases passed"), r.out)
    }

    func testValidateJSONWithRefinementOrder() throws {
        let r = try run(["validate", "--json", "--quick", "--case", "perfused-half-space-1d"])
        XCTAssertEqual(r.status, 0, r.out + r.err)
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])
        XCTAssertEqual(json["schema"] as? String, "ablasim.validate/1")
        XCTAssertEqual(json["passed"] as? Bool, true)
        let cases = try XCTUnwrap(json["cases"] as? [[String: Any]])
        XCTAssertEqual(cases.count, 1)
        let c = cases[0]
        XCTAssertEqual(c["name"] as? String, "perfused-half-space-1d")
        let error = try XCTUnwrap(c["error"] as? Double), tolerance = try XCTUnwrap(c["tolerance"] as? Double)
        XCTAssertLessThanOrEqual(error, tolerance)
        let order = try XCTUnwrap(c["observedOrder"] as? Double)
        XCTAssertEqual(order, 2, accuracy: 0.3)
    }

    func testBadOptionsExitTwo() throws {
        let unknownOption = try run(["validate", "--no-such-option"])
        XCTAssertEqual(unknownOption.status, 2, unknownOption.err)
        let unknownCase = try run(["validate", "--case", "no-such-case"])
        XCTAssertEqual(unknownCase.status, 2, unknownCase.err)
        XCTAssertTrue(unknownCase.err.contains("no-such-case") && unknownCase.err.contains("energy-conservation"), unknownCase.err)
        let threads = try run(["validate", "--threads", "0"])
        XCTAssertEqual(threads.status, 2, threads.err)
    }
}
