import Foundation
import XCTest

/// The package root (three levels above this file).
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

/// The built `ablasim` executable next to the test bundle; skips the test when it is not built.
func ablasimExecutable() throws -> String {
    var candidates: [String] = []
    if let env = ProcessInfo.processInfo.environment["ABLASIM_EXECUTABLE"] { candidates.append(env) }
    candidates.append(Bundle.main.bundleURL.appendingPathComponent("ablasim").path)
    candidates.append(URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("ablasim").path)
    for configuration in ["debug", "release"] { candidates.append("\(packageRoot)/.build/\(configuration)/ablasim") }
    for c in candidates where FileManager.default.isExecutableFile(atPath: c) { return c }
    throw XCTSkip("the ablasim executable is not built (looked at \(candidates.joined(separator: ", "))); run `swift build` first")
}

struct CommandResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs a program to completion (bounded by `timeout` seconds) and returns its exit status and output.
@discardableResult
func runCommand(_ executable: String, _ arguments: [String], environment: [String: String] = [:],
                directory: String? = nil, timeout: Double = 300) throws -> CommandResult {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: executable)
    p.arguments = arguments
    p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    if let directory { p.currentDirectoryURL = URL(fileURLWithPath: directory) }
    let dir = try makeTemporaryFolder("command")
    let outPath = (dir as NSString).appendingPathComponent("out"), errPath = (dir as NSString).appendingPathComponent("err")
    FileManager.default.createFile(atPath: outPath, contents: nil)
    FileManager.default.createFile(atPath: errPath, contents: nil)
    let out = FileHandle(forWritingAtPath: outPath)!, err = FileHandle(forWritingAtPath: errPath)!
    p.standardOutput = out
    p.standardError = err
    p.standardInput = FileHandle.nullDevice
    try p.run()
    let deadline = Date().addingTimeInterval(timeout)
    while p.isRunning && Date() < deadline { usleep(20_000) }
    if p.isRunning {
        p.terminate()
        p.waitUntilExit()
        XCTFail("\(executable) \(arguments.joined(separator: " ")) did not finish within \(timeout) s")
    }
    p.waitUntilExit()
    try? out.close(); try? err.close()
    let result = CommandResult(status: p.terminationStatus,
                               stdout: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
                               stderr: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "")
    try? FileManager.default.removeItem(atPath: dir)
    return result
}
