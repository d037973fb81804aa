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
        let p = Process()
        p.executableURL = URL(fileURLWithPath: python)
        p.arguments = ["-c", script] + args
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        // Read both pipes concurrently so a large stderr cannot block the child.
        final class Box: @unchecked Sendable { var data = Data() }
        let errBox = Box()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async { errBox.data = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        let errData = errBox.data
        p.waitUntilExit()
        let stdout = String(decoding: outData, as: UTF8.self)
        if p.terminationStatus != 0 {
            let stderr = String(decoding: errData, as: UTF8.self)
            XCTFail("python exited \(p.terminationStatus):\n\(stderr)", file: file, line: line)
            throw InteropError.failed(stderr)
        }
        return stdout
    }

    public enum InteropError: Error { case noPython, failed(String) }
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
