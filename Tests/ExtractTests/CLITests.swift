import XCTest
import Foundation

/// Runs the built `extract` binary as a user would.
final class CLITests: XCTestCase {
    /// The `extract` executable next to the test bundle (same build folder).
    static var binary: URL {
        var dir = Bundle(for: CLITests.self).bundleURL
        while !FileManager.default.fileExists(atPath: dir.appendingPathComponent("extract").path) {
            let parent = dir.deletingLastPathComponent()
            if parent.path == dir.path { break }
            dir = parent
        }
        return dir.appendingPathComponent("extract")
    }

    /// Starts the CLI with extra environment (added to this process's), an optional working
    /// directory and optional bytes on standard input; the caller reads the pipes and waits.
    static func start(_ args: [String], cwd: String? = nil, env: [String: String] = [:],
                      stdin: Data? = nil) throws -> (process: Process, out: Pipe, err: Pipe) {
        let p = Process()
        p.executableURL = binary
        p.arguments = args
        if let cwd { p.currentDirectoryURL = URL(fileURLWithPath: cwd) }
        var e = ProcessInfo.processInfo.environment
        for (k, v) in env { e[k] = v }
        p.environment = e
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        guard let stdin else {
            try p.run()
            return (p, out, err)
        }
        let inPipe = Pipe()
        p.standardInput = inPipe
        try p.run()
        inPipe.fileHandleForWriting.write(stdin)
        try inPipe.fileHandleForWriting.close()
        return (p, out, err)
    }

    /// Runs the CLI to completion; returns exit status, stdout and stderr.
    static func run(_ args: [String], cwd: String? = nil, env: [String: String] = [:],
                    stdin: Data? = nil) throws -> (status: Int32, out: String, err: String) {
        let (p, out, err) = try start(args, cwd: cwd, env: env, stdin: stdin)
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    func testHelpListsEveryVerb() throws {
        let r = try Self.run(["--help"])
        XCTAssertEqual(r.status, 0)
        for verb in ["learning-base", "ingest", "info", "bench", "generate", "star-schema", "shards"] {
            XCTAssertTrue(r.out.contains(verb), "help lacks \(verb):\n\(r.out)")
        }
        let sub = try Self.run(["ingest", "--help"])
        XCTAssertEqual(sub.status, 0)
        XCTAssertTrue(sub.out.contains("--store"))
    }

    func testMissingRequiredOptionIsAUsageError() throws {
        let r = try Self.run(["--store", "/nonexistent"])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.err.contains("--start"), r.err)
        XCTAssertFalse(r.err.contains("Fatal error"))
    }
}
