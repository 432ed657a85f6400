import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// The real `ablasim` binary, run the way a user runs it, for the hostile-input tests.
enum CLI {
    struct Result {
        var status: Int32
        /// The signal that ended the process, nil when it exited.
        var signal: Int32?
        var stdout: String
        var stderr: String
        var timedOut: Bool
    }

    static func binary() throws -> String { try PhantomCommandTests.binary().path }

    /// Runs `ablasim arguments` through /bin/sh with `ulimit -v memoryKB` (virtual memory
    /// bound) and a wall-time bound; output goes to files (no pipe can fill and stall it).
    static func run(_ arguments: [String], memoryKB: Int? = nil, timeout: Double = 60, directory: String? = nil) throws -> Result {
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("ablasim-cli-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: tmp) }
        let outURL = tmp.appendingPathComponent("out"), errURL = tmp.appendingPathComponent("err")
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let p = Process()
        if let memoryKB {
            p.executableURL = URL(fileURLWithPath: "/bin/sh")
            // exec: the measured process is ablasim itself, so a signal is seen as such.
            p.arguments = ["-c", "ulimit -v \(memoryKB) && exec \"$0\" \"$@\"", try binary()] + arguments
        } else {
            p.executableURL = URL(fileURLWithPath: try binary())
            p.arguments = arguments
        }
        if let directory { p.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let deadline = Date().addingTimeInterval(timeout)
        while p.isRunning && Date() < deadline { usleep(2_000) }
        let timedOut = p.isRunning
        if timedOut { kill(p.processIdentifier, SIGKILL) }
        p.waitUntilExit()
        try? out.close(); try? err.close()
        let signalled = p.terminationReason == .uncaughtSignal
        return Result(status: p.terminationStatus, signal: signalled ? p.terminationStatus : nil,
                      stdout: (try? String(contentsOf: outURL, encoding: .utf8)) ?? "",
                      stderr: String(decoding: (try? Data(contentsOf: errURL)) ?? Data(), as: UTF8.self), timedOut: timedOut)
    }

    /// A fresh temporary folder.
    static func temporaryFolder(_ name: String = #function) throws -> URL {
        let safe = name.filter { $0.isLetter || $0.isNumber }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ablasim-\(safe)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// The tiny generated L1 phantom (38x46x24 voxels at 2 mm) in `dir`.
    static func tinyPhantom(in dir: URL) throws -> String {
        let vox = dir.appendingPathComponent("tiny.vox").path
        let r = try run(["phantom", "generate", "--level", "L1", "--voxel", "2", "--margin", "2", "-o", vox])
        XCTAssertEqual(r.status, 0, r.stderr)
        return vox
    }
}
