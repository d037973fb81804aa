import Columnar
import Foundation
import Query
import TestSupport
import XCTest

/// The binary as it is shipped: copied away from the build folder and run with an empty
/// environment (only `PATH=/usr/bin:/bin`: no HOME, TMPDIR, LANG, no Swift variables). It must
/// still build the golden learning base (equal to Spark's `expected.csv` under the comparison
/// of docs/learning-base.md) and report its version and commit.
///
/// By default the built (debug) binary is tested, so the suite needs no release build (the
/// static release build takes ~8 minutes on 2 busy cores). `./run package --check` runs this
/// class with `EXTRACT_PACKAGED_BINARY` naming the binary unpacked from the tarball: then that
/// binary is tested, and its output must also be byte-identical to the debug binary's.
final class BareEnvironmentTests: XCTestCase {
    /// The binary under test: `EXTRACT_PACKAGED_BINARY` when set, else the built one.
    private var binaryUnderTest: URL {
        if let p = ProcessInfo.processInfo.environment["EXTRACT_PACKAGED_BINARY"], !p.isEmpty {
            return URL(fileURLWithPath: p)
        }
        return CLITests.binary
    }

    /// Runs `binary` with exactly `PATH=/usr/bin:/bin` in `cwd`; returns status and stderr.
    private func runBare(_ binary: URL, _ args: [String], cwd: URL) throws -> (status: Int32, out: String, err: String) {
        try ChildProcess.run(binary, args, cwd: cwd, environment: ["PATH": "/usr/bin:/bin"])
    }

    func testCopiedBinaryBuildsTheGoldenLearningBaseInAnEmptyEnvironment() throws {
        let dir = try TestPaths.temporaryDirectory(self, "bare-env")
        let binary = dir.appendingPathComponent("extract")
        try FileManager.default.copyItem(at: binaryUnderTest, to: binary)
        let golden = TestPaths.fixture("golden/learning-base")
        try FileManager.default.copyItem(at: golden.appendingPathComponent("events.csv"),
                                         to: dir.appendingPathComponent("events.csv"))

        let ingest = try runBare(binary, ["ingest", "events.csv", "--store", "store"], cwd: dir)
        XCTAssertEqual(ingest.status, 0, ingest.err)
        let base = try runBare(binary, ["--store", "store", "--start", "2019-10-01 00:00:00",
                                        "--end", "2019-10-03 23:59:59", "-o", "out.csv"], cwd: dir)
        XCTAssertEqual(base.status, 0, base.err)
        let produced = try String(contentsOf: dir.appendingPathComponent("out.csv"), encoding: .utf8)
        XCTAssertEqual(produced.split(separator: "\n").count, 351, "header + 350 rows")
        let window = try TimeWindow(start: "2019-10-01 00:00:00", end: "2019-10-03 23:59:59")
        let facts = try LearningBaseComparison.Facts(json: LearningBaseReference.run(
            mode: "facts", start: window.startMicros, end: window.endMicros, inputs: [LearningBaseStoreTests.events],
            out: dir.appendingPathComponent("facts.json").path))
        XCTAssertEqual(LearningBaseComparison.differences(candidate: produced, expected: LearningBaseStoreTests.expectedCSV,
                                                          facts: facts), [])

        // A packaged binary must write exactly the bytes of the binary the suite tests.
        if binaryUnderTest.path != CLITests.binary.path {
            let reference = dir.appendingPathComponent("reference.csv").path
            let r = try CLITests.run(["--store", dir.appendingPathComponent("store").path, "--start", "2019-10-01 00:00:00",
                                      "--end", "2019-10-03 23:59:59", "-o", reference])
            XCTAssertEqual(r.status, 0, r.err)
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: reference)), Data(produced.utf8),
                           "the packaged binary's learning base differs from the debug binary's")
        }
    }

    /// `--version` is "<semver> (commit <c>)": `dev` for a plain `swift build`, the git commit
    /// when `./run package` defined EXTRACT_GIT_COMMIT (Sources/CBuildInfo).
    func testVersionPrintsTheSemverAndTheCommit() throws {
        let dir = try TestPaths.temporaryDirectory(self, "version")
        let r = try runBare(binaryUnderTest, ["--version"], cwd: dir)
        XCTAssertEqual(r.status, 0, r.err)
        let line = r.out.trimmingCharacters(in: .whitespacesAndNewlines)
        let prefix = "\(ExtractVersion.semver) (commit "
        XCTAssertTrue(line.hasPrefix(prefix) && line.hasSuffix(")"), "unexpected --version output: '\(line)'")
        let commit = line.dropFirst(prefix.count).dropLast()
        XCTAssertFalse(commit.isEmpty, "empty commit in '\(line)'")
        XCTAssertTrue(commit.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" }, "odd commit text in '\(line)'")
    }
}
