import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// A local S3 server for the tests: `Tests/Scripts/s3_test_server.py` run by the interop Python
/// (moto's server on 127.0.0.1 with signature checking on, a bucket, an IAM key, and a
/// fault-injecting proxy in front; see the script). No network beyond loopback. `shared` is
/// started once per test process and lives until it ends (the script exits when its stdin
/// closes); `start()` gives a private one a test may kill. A missing venv or moto FAILS (throws),
/// never skips.
public final class S3TestServer: @unchecked Sendable {
    /// `http://127.0.0.1:PORT` of moto itself.
    public let endpoint: String
    /// `http://127.0.0.1:PORT` of the fault-injecting proxy (forwards to `endpoint`).
    public let proxy: String
    public let bucket: String
    public let accessKey: String
    public let secretKey: String
    public let region: String
    private let process: Process
    private let input: FileHandle
    private let output: FileHandle
    private let lock = NSLock()

    public enum Failure: Error, CustomStringConvertible {
        case noPython, startFailed(String), commandFailed(String)
        public var description: String {
            switch self {
            case .noPython: "interop Python not found: run `./run test` (creates .venv-test with moto[server]) or set EXTRACT_TEST_PYTHON"
            case .startFailed(let m): "the S3 test server did not start: \(m)"
            case .commandFailed(let m): "S3 test server command failed: \(m)"
            }
        }
    }

    private init(process: Process, input: FileHandle, output: FileHandle, info: [String: String]) {
        self.process = process
        self.input = input
        self.output = output
        endpoint = info["endpoint"] ?? ""
        proxy = info["proxy"] ?? ""
        bucket = info["bucket"] ?? ""
        accessKey = info["access_key"] ?? ""
        secretKey = info["secret_key"] ?? ""
        region = info["region"] ?? ""
    }

    nonisolated(unsafe) private static var sharedServer: S3TestServer?
    private static let sharedLock = NSLock()

    /// The server shared by every test of this process (started at first use).
    public static func shared() throws -> S3TestServer {
        sharedLock.lock()
        defer { sharedLock.unlock() }
        if let s = sharedServer { return s }
        let s = try start()
        sharedServer = s
        return s
    }

    /// A new server of its own (a test that stops it uses this one).
    public static func start() throws -> S3TestServer {
        guard let python = InteropPython.executable else { throw Failure.noPython }
        let script = TestPaths.packageRoot.appendingPathComponent("Tests/Scripts/s3_test_server.py").path
        let p = Process()
        p.executableURL = URL(fileURLWithPath: python)
        p.arguments = [script]
        let stdinPipe = Pipe(), stdoutPipe = Pipe()
        p.standardInput = stdinPipe
        p.standardOutput = stdoutPipe
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("extract-s3-server-\(UUID().uuidString).log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        p.standardError = try FileHandle(forWritingTo: log)
        try p.run()
        let out = stdoutPipe.fileHandleForReading
        guard let line = readLine(out), let data = line.data(using: .utf8),
              let info = try? JSONSerialization.jsonObject(with: data) as? [String: String] else {
            p.terminate()
            p.waitUntilExit()
            let err = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            throw Failure.startFailed(String(err.suffix(2000)))
        }
        try? FileManager.default.removeItem(at: log)
        return S3TestServer(process: p, input: stdinPipe.fileHandleForWriting, output: out, info: info)
    }

    private static func readLine(_ handle: FileHandle) -> String? {
        var bytes: [UInt8] = []
        var b: UInt8 = 0
        while true {
            let n = Glibc.read(handle.fileDescriptor, &b, 1)
            if n <= 0 { return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self) }
            if b == UInt8(ascii: "\n") { return String(decoding: bytes, as: UTF8.self) }
            bytes.append(b)
        }
    }

    /// Sends one command (`fault 503 3`, `fault truncate 2`, `fault drop 1`, `clear`,
    /// `bucket NAME`); throws unless the script answers "ok".
    public func command(_ line: String) throws {
        lock.lock()
        defer { lock.unlock() }
        input.write(Data((line + "\n").utf8))
        let answer = Self.readLine(output)
        guard answer == "ok" else { throw Failure.commandFailed("\(line): \(answer ?? "no answer (the server ended)")") }
    }

    /// Kills the server (SIGKILL): every later request finds the port closed.
    public func kill() {
        Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// The environment a child `extract` needs to reach this server's bucket as the AWS tools would.
    public func environment(endpoint: String? = nil) -> [String: String] {
        var env = ProcessInfo.processInfo.environment
        for k in env.keys where k.hasPrefix("AWS_") { env[k] = nil }
        env["AWS_ACCESS_KEY_ID"] = accessKey
        env["AWS_SECRET_ACCESS_KEY"] = secretKey
        env["AWS_REGION"] = region
        env["AWS_ENDPOINT_URL"] = endpoint ?? self.endpoint
        return env
    }
}
