import Foundation
import XCTest

/// Shared helpers for every test target: paths to the package and to its fixtures, temporary
/// directories, a seeded PRNG, and running the interop Python (pyarrow + duckdb venv).
public enum TestPaths {
    /// The package root (the folder holding Package.swift).
    public static let packageRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        fatalError("Package.swift not found above \(#filePath)")
    }()

    /// `Tests/Fixtures`: the real samples, golden files and reference Parquet files the tests read
    /// (provenance in `Tests/Fixtures/README.md`). The repository needs nothing beside it.
    public static let fixtures: URL = packageRoot.appendingPathComponent("Tests/Fixtures")

    /// A file or folder under `Tests/Fixtures`, e.g. `fixture("rees46/2019-Oct-head.csv")`.
    public static func fixture(_ relative: String) -> URL { fixtures.appendingPathComponent(relative) }

    /// A fresh, empty temporary directory, removed at the end of the test.
    public static func temporaryDirectory(_ test: XCTestCase, _ label: String = "tmp") throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("extract-tests-\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        test.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }
}

/// Runs Python code in the interop venv (pyarrow, duckdb). The venv is created by `./run test`;
/// `EXTRACT_TEST_PYTHON` overrides its path. A missing venv FAILS the test (never a silent skip).
public enum InteropPython {
    public static var executable: String? {
        if let env = ProcessInfo.processInfo.environment["EXTRACT_TEST_PYTHON"], !env.isEmpty { return env }
        let venv = TestPaths.packageRoot.appendingPathComponent(".venv-test/bin/python").path
        return FileManager.default.isExecutableFile(atPath: venv) ? venv : nil
    }

    /// Runs `script` with `args`; returns stdout. Fails the test (and throws) on a non-zero exit.
    @discardableResult
    public static func run(_ script: String, args: [String] = [], file: StaticString = #filePath,
                           line: UInt = #line) throws -> String {
        guard let python = executable else {
            XCTFail("interop Python not found: run `./run test` (creates .venv-test with pyarrow and duckdb) "
                    + "or set EXTRACT_TEST_PYTHON", file: file, line: line)
            throw InteropError.noPython
        }
        let r = try ChildProcess.run(URL(fileURLWithPath: python), ["-c", script] + args)
        if r.status != 0 {
            XCTFail("python exited \(r.status):\n\(r.err)", file: file, line: line)
            throw InteropError.failed(r.err)
        }
        return r.out
    }

    public enum InteropError: Error { case noPython, failed(String) }
}

/// Runs a child process to its end, reading its standard output and error concurrently (so a
/// large stderr cannot block the child). The one process runner of the test helpers.
public enum ChildProcess {
    /// Runs `executable` with `args`, in `cwd` (default: ours) with `environment` (default:
    /// ours, inherited); returns the exit status and both outputs as UTF-8 text.
    public static func run(_ executable: URL, _ args: [String], cwd: URL? = nil,
                           environment: [String: String]? = nil) throws -> (status: Int32, out: String, err: String) {
        let p = Process()
        p.executableURL = executable
        p.arguments = args
        if let cwd { p.currentDirectoryURL = cwd }
        if let environment { p.environment = environment }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        final class Box: @unchecked Sendable { var data = Data() }
        let errBox = Box()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async { errBox.data = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errBox.data, as: UTF8.self))
    }
}

/// A tiny deterministic PRNG for tests (SplitMix64).
public struct SeededRandom: RandomNumberGenerator {
    public var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE5_E9B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Where a store's manifest is on disk (docs/store-format.md §2), for tests that read or damage
/// it by hand: the newest version of the dataset's log (`<dataset>/_manifests/<n>.json`), or
/// `<dataset>/_manifest.json` in a format 1 store.
public enum StoreFiles {
    public static func latestManifest(_ store: String, _ dataset: String = "events") -> String {
        let log = store + "/" + dataset + "/_manifests"
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: log)) ?? [])
            .filter { $0.count == 15 && $0.hasSuffix(".json") && $0.first!.isNumber }.sorted()
        return names.last.map { log + "/" + $0 } ?? store + "/" + dataset + "/_manifest.json"
    }
}
