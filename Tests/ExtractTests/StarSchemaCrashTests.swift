import Columnar
import Foundation
import Query
import TestSupport
import XCTest

/// Crash safety of the Sparkify path under `kill -9` (`EXTRACT_TEST_ABORT_AT`, see `CrashPoint`):
/// an interrupted `ingest --format sparkify-*` leaves the store as before or as after (manifest
/// readable, only listed files on disk, DuckDB's count equal to the manifest's) and a re-run
/// completes it; an interrupted `star-schema` leaves the old lake readable or restores it.
final class StarSchemaCrashTests: XCTestCase {
    static var sample: String { TestPaths.fixture("sparkify").path }
    static let ingestPoints = ["after-first-part", "before-commit", "commit-before-manifest", "commit-after-manifest",
                               "commit-mid-renames", "commit-before-clean"]

    /// Runs the binary with extra environment; returns status, stdout, stderr.
    static func run(_ args: [String], env: [String: String] = [:]) throws -> (status: Int32, out: String, err: String) {
        try CLITests.run(args, env: env)
    }

    static func files(under dir: String) -> [String] {
        (FileManager.default.enumerator(atPath: dir)?.allObjects as? [String] ?? []).sorted()
    }

    /// The dataset as a reader sees it after the crash; returns its row count (0 when absent).
    static func assertConsistent(_ store: String, dataset: String, glob: String,
                                 file: StaticString = #filePath, line: UInt = #line) throws -> Int {
        // Killed before it created the store folder: the store is as it was (absent).
        guard FileManager.default.fileExists(atPath: store) else { return 0 }
        let st = try Store(path: store)  // a reader's open: recovers, since no writer is alive
        let onDisk = Set(files(under: store).filter { $0.hasSuffix(".parquet") || $0.hasSuffix(".tmp") }
            .filter { $0.hasPrefix(dataset + "/") })
        guard let m = try st.manifest(dataset: dataset) else {
            XCTAssertEqual(onDisk, [], "files of an uncommitted dataset left behind", file: file, line: line)
            return 0
        }
        XCTAssertNil(m.pending, file: file, line: line)
        XCTAssertEqual(onDisk, Set(m.allFiles.map { dataset + "/" + $0.file.path }), file: file, line: line)
        let rejects = Set(files(under: store + "/_rejects").map { "_rejects/" + $0 })
        XCTAssertEqual(rejects, Set(m.sources.compactMap(\.rejectsFile)), file: file, line: line)
        XCTAssertEqual(m.sources.reduce(0) { $0 + $1.rowsStored }, m.totalRows, file: file, line: line)
        if m.totalRows > 0 {
            let out = try InteropPython.run("""
                import duckdb, sys
                print(duckdb.sql(f"select count(*) from read_parquet('{sys.argv[1]}', hive_partitioning=true)").fetchall()[0][0])
                """, args: [store + "/" + dataset + "/" + glob])
            XCTAssertEqual(Int(out.trimmingCharacters(in: .whitespacesAndNewlines)), m.totalRows, file: file, line: line)
        }
        return m.totalRows
    }

    func testKilledLogIngestLeavesTheStoreConsistentAndARerunCompletesIt() throws {
        let root = try TestPaths.temporaryDirectory(self, "sparkify-crash-logs").path
        let logs = Self.sample + "/log_data"
        let first = logs + "/2018/11/2018-11-01-events.json"
        for point in Self.ingestPoints {
            let store = root + "/" + point
            let base = try Self.run(["ingest", "--format", "sparkify-logs", first, "--store", store, "--quiet"])
            XCTAssertEqual(base.status, 0, base.err)
            let before = try Self.assertConsistent(store, dataset: "sparkify_log", glob: "*/*.parquet")
            XCTAssertGreaterThan(before, 0)
            let crashed = try Self.run(["ingest", "--format", "sparkify-logs", logs, "--store", store, "--quiet"],
                                       env: ["EXTRACT_TEST_ABORT_AT": point])
            XCTAssertEqual(crashed.status, 9, "\(point): killed by SIGKILL \(crashed.err)")
            let after = try Self.assertConsistent(store, dataset: "sparkify_log", glob: "*/*.parquet")
            let committed = point.hasPrefix("commit-") && point != "commit-before-manifest"
            XCTAssertEqual(after, committed ? 8056 : before, point)
            let rerun = try Self.run(["ingest", "--format", "sparkify-logs", logs, "--store", store, "--quiet"])
            XCTAssertEqual(rerun.status, 0, rerun.err)
            XCTAssertEqual(try Self.assertConsistent(store, dataset: "sparkify_log", glob: "*/*.parquet"), 8056, point)
            XCTAssertEqual(try Store(path: store).manifest(dataset: "sparkify_log")?.sources.count, 30, point)
        }
    }

    func testKilledSongIngestLeavesTheStoreConsistentAndARerunCompletesIt() throws {
        let root = try TestPaths.temporaryDirectory(self, "sparkify-crash-songs").path
        let songs = Self.sample + "/song_data"
        for point in Self.ingestPoints {
            let store = root + "/" + point
            let base = try Self.run(["ingest", "--format", "sparkify-songs", songs + "/A/A/A", "--store", store, "--quiet"])
            XCTAssertEqual(base.status, 0, base.err)
            let before = try Self.assertConsistent(store, dataset: "songs", glob: "*.parquet")
            XCTAssertGreaterThan(before, 0)
            // --replace also rewrites the part holding the replaced sources: still all or nothing.
            let crashed = try Self.run(["ingest", "--format", "sparkify-songs", songs, "--store", store, "--quiet", "--replace"],
                                       env: ["EXTRACT_TEST_ABORT_AT": point])
            XCTAssertEqual(crashed.status, 9, "\(point): killed by SIGKILL \(crashed.err)")
            let after = try Self.assertConsistent(store, dataset: "songs", glob: "*.parquet")
            let committed = point.hasPrefix("commit-") && point != "commit-before-manifest"
            XCTAssertEqual(after, committed ? 71 : before, point)
            let rerun = try Self.run(["ingest", "--format", "sparkify-songs", songs, "--store", store, "--quiet"])
            XCTAssertEqual(rerun.status, 0, rerun.err)
            XCTAssertEqual(try Self.assertConsistent(store, dataset: "songs", glob: "*.parquet"), 71, point)
        }
    }

    /// Every file of a lake with its bytes.
    static func snapshot(_ lake: String) throws -> [String: Data] {
        var out: [String: Data] = [:]
        for f in files(under: lake) where !FileIO.isDirectory(lake + "/" + f) {
            out[f] = try Data(contentsOf: URL(fileURLWithPath: lake + "/" + f))
        }
        return out
    }

    func testKilledStarSchemaKeepsOrRestoresTheOldLake() throws {
        let root = try TestPaths.temporaryDirectory(self, "sparkify-crash-lake").path
        let store = root + "/store"
        XCTAssertEqual(try Self.run(["ingest", "--format", "sparkify-songs", Self.sample + "/song_data", "--store", store,
                                     "--quiet"]).status, 0)
        XCTAssertEqual(try Self.run(["ingest", "--format", "sparkify-logs", Self.sample + "/log_data", "--store", store,
                                     "--quiet"]).status, 0)
        let window = ["--start", "2018-11-10", "--end", "2018-11-12 23:59:59"]
        // The lake the crashed run would have written, built elsewhere.
        let expectedRun = try Self.run(["star-schema", "--store", store, "-o", root + "/expected"] + window)
        XCTAssertEqual(expectedRun.status, 0, expectedRun.err)
        let expected = try Self.snapshot(root + "/expected")
        for point in ["lake-after-first-table", "lake-between-renames", "lake-before-old-removed"] {
            let parent = root + "/" + point
            try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
            let lake = parent + "/lake"
            XCTAssertEqual(try Self.run(["star-schema", "--store", store, "-o", lake]).status, 0)
            let old = try Self.snapshot(lake)
            XCTAssertNotEqual(old, expected)
            let crashed = try Self.run(["star-schema", "--store", store, "-o", lake] + window,
                                       env: ["EXTRACT_TEST_ABORT_AT": point])
            XCTAssertEqual(crashed.status, 9, "\(point): killed by SIGKILL \(crashed.err)")
            switch point {
            case "lake-after-first-table":
                XCTAssertEqual(try Self.snapshot(lake), old, "the old lake is untouched while the new one is written")
            case "lake-between-renames":
                XCTAssertFalse(FileManager.default.fileExists(atPath: lake))
            default:
                XCTAssertEqual(try Self.snapshot(lake), expected, "the new lake is complete once renamed")
            }
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: parent).count, 2, "a hidden folder remains")
            // Recovery (run by every write, callable alone): the old lake back, or the new one kept.
            try StarSchemaLake.recover(lake: lake)
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: parent), ["lake"], point)
            XCTAssertEqual(try Self.snapshot(lake), point == "lake-before-old-removed" ? expected : old, point)
            // A failed build still restores the old lake before reporting its error.
            if point == "lake-between-renames" {
                XCTAssertEqual(try Self.run(["star-schema", "--store", store, "-o", lake] + window,
                                            env: ["EXTRACT_TEST_ABORT_AT": point]).status, 9)
                let failed = try Self.run(["star-schema", "--store", root + "/no-store", "-o", lake])
                XCTAssertEqual(failed.status, 3, failed.err)
                XCTAssertEqual(try Self.snapshot(lake), old, "restored by the next run even when it fails")
                XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: parent), ["lake"])
            }
            let rerun = try Self.run(["star-schema", "--store", store, "-o", lake] + window)
            XCTAssertEqual(rerun.status, 0, rerun.err)
            XCTAssertEqual(try Self.snapshot(lake), expected, point)
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: parent), ["lake"], point)
        }
    }

    /// Starts the binary without waiting for it.
    static func start(_ args: [String]) throws -> Process {
        let p = Process()
        p.executableURL = CLITests.binary
        p.arguments = args
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        return p
    }

    /// kill -9 at arbitrary moments (not only the named points) of a larger generated ingest
    /// and star-schema: the store holds all or none of the run, the lake is the old or the new one.
    func testKillsAtRandomMomentsOfALargerRun() throws {
        let root = try TestPaths.temporaryDirectory(self, "sparkify-crash-random").path
        for (format, name) in [("sparkify-songs", "songs"), ("sparkify-logs", "logs")] {
            let r = try CLITests.run(["generate", "--format", format, "--scale", "0.06", "--seed", "9", "-o", root + "/" + name, "--quiet"])
            XCTAssertEqual(r.status, 0, r.err)
        }
        let full = root + "/full"
        XCTAssertEqual(try Self.run(["ingest", "--format", "sparkify-songs", root + "/songs", "--store", full, "--quiet"]).status, 0)
        XCTAssertEqual(try Self.run(["ingest", "--format", "sparkify-logs", root + "/logs", "--store", full, "--quiet"]).status, 0)
        let total = try Self.assertConsistent(full, dataset: "sparkify_log", glob: "*/*.parquet")
        XCTAssertGreaterThan(total, 60_000)
        var outcomes = Set<Int>()
        for (k, delay) in [0.1, 0.5, 1.5].enumerated() {
            let store = root + "/s\(k)"
            let p = try Self.start(["ingest", "--format", "sparkify-logs", root + "/logs", "--store", store, "--quiet"])
            Thread.sleep(forTimeInterval: delay)
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
            let after = try Self.assertConsistent(store, dataset: "sparkify_log", glob: "*/*.parquet")
            XCTAssertTrue(after == 0 || after == total, "partial store visible: \(after) rows")
            outcomes.insert(after)
            XCTAssertEqual(try Self.run(["ingest", "--format", "sparkify-logs", root + "/logs", "--store", store, "--quiet"]).status, 0)
            XCTAssertEqual(try Self.assertConsistent(store, dataset: "sparkify_log", glob: "*/*.parquet"), total)
        }
        XCTAssertTrue(outcomes.contains(0), "at least one kill landed before the commit")

        let window = ["--start", "2018-11-05", "--end", "2018-11-09 23:59:59"]
        XCTAssertEqual(try Self.run(["star-schema", "--store", full, "-o", root + "/expected"] + window).status, 0)
        let expected = try Self.snapshot(root + "/expected")
        for (k, delay) in [0.3, 1.2].enumerated() {
            let parent = root + "/lake\(k)"
            try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
            let lake = parent + "/lake"
            XCTAssertEqual(try Self.run(["star-schema", "--store", full, "-o", lake]).status, 0)
            let old = try Self.snapshot(lake)
            let p = try Self.start(["star-schema", "--store", full, "-o", lake] + window)
            Thread.sleep(forTimeInterval: delay)
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
            try StarSchemaLake.recover(lake: lake)
            let now = try Self.snapshot(lake)
            XCTAssertTrue(now == old || now == expected, "lake \(k): neither the old nor the new lake")
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: parent), ["lake"])
        }
    }
}
