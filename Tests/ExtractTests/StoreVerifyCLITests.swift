import Columnar
import Foundation
import Query
import TestSupport
import XCTest

/// The store as the CLI sees it (#13 defects 2, 7, 14, 15, 19, 20): `info --check` reads every
/// footer and reports every problem (exit 4), plain `info` notices missing parts, readers write
/// nothing in the store, damaged manifests and missing parts exit 4 naming the file, and the
/// learning base runs over a thousand part files under `ulimit -n 256`.
final class StoreVerifyCLITests: XCTestCase {
    static let start = "2019-10-01 00:00:00", end = "2019-10-03 23:59:59"

    private func run(_ args: [String]) throws -> (status: Int32, out: String, err: String) {
        try CLITests.run(args)
    }

    private func goldenStore(_ dir: URL, _ name: String = "store", extra: [String] = []) throws -> String {
        let store = dir.appendingPathComponent(name).path
        let r = try run(["ingest", LearningBaseStoreTests.events, "--store", store] + extra)
        XCTAssertEqual(r.status, 0, r.err)
        return store
    }

    private func snapshot(_ dir: String) -> [String: Int] {
        var out: [String: Int] = [:]
        for p in FileManager.default.enumerator(atPath: dir)?.allObjects as? [String] ?? [] {
            out[p] = (try? FileManager.default.attributesOfItem(atPath: dir + "/" + p)[.size] as? Int) ?? -1
        }
        return out
    }

    private func parts(_ store: String) throws -> [String] {
        let m = try XCTUnwrap(Store(readingAt: store).manifest(dataset: "events"))
        return m.allFiles.map { store + "/events/" + $0.file.path }
    }

    func testInfoCheckReportsEveryProblemAndExitsFour() throws {
        let dir = try TestPaths.temporaryDirectory(self, "verify")
        let store = try goldenStore(dir)
        var r = try run(["info", "--store", store, "--check"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertTrue(r.out.contains("check: every manifest and part footer agrees"), r.out)
        let help = try run(["info", "--help"])
        XCTAssertTrue(help.out.contains("--check"), help.out)

        let files = try parts(store)
        XCTAssertGreaterThanOrEqual(files.count, 4)
        // Truncated, swapped with another day's, and missing parts.
        let truncated = files[0], swapA = files[1], swapB = files[2], missing = files[3]
        let bytes = try FileIO.readAll(truncated)
        try FileIO.writeAll(truncated, Array(bytes.prefix(bytes.count - 100)))
        let (a, b) = (try FileIO.readAll(swapA), try FileIO.readAll(swapB))
        try FileIO.writeAll(swapA, b)
        try FileIO.writeAll(swapB, a)
        try FileIO.remove(missing)

        r = try run(["info", "--store", store])
        XCTAssertEqual(r.status, 4, "plain info notices the missing part: \(r.err)")
        XCTAssertTrue(r.err.contains("store damaged: \(missing) missing"), r.err)
        XCTAssertFalse(r.err.contains(swapA), "plain info reads no footer")

        r = try run(["info", "--store", store, "--check"])
        XCTAssertEqual(r.status, 4, r.err)
        for f in [truncated, swapA, swapB, missing] {
            XCTAssertTrue(r.err.contains("store damaged: \(f)"), "\(f) not reported:\n\(r.err)")
        }
        let reported = r.err.split(separator: "\n").filter { $0.hasPrefix("extract: store damaged: ") }
        XCTAssertGreaterThanOrEqual(reported.count, 4, r.err)
        XCTAssertTrue(r.err.contains("\(reported.count) problem(s) found"), r.err)

        r = try run(["--store", store, "--start", Self.start, "--end", Self.end, "-o", dir.appendingPathComponent("o.csv").path])
        XCTAssertEqual(r.status, 4, r.err)
        XCTAssertTrue(r.err.contains("store damaged:") || r.err.contains("corrupt"), r.err)
    }

    func testDamagedManifestsExitFourNamingTheManifest() throws {
        let dir = try TestPaths.temporaryDirectory(self, "manifest")
        let store = try goldenStore(dir)
        let manifest = StoreFiles.latestManifest(store)
        let good = try FileIO.readAll(manifest)
        let victim = dir.appendingPathComponent("victim.txt").path
        try FileIO.writeAll(victim, [1])
        var escaping = try JSONSerialization.jsonObject(with: Data(good)) as! [String: Any]
        escaping["pending"] = ["renames": [] as [Any], "deletes": ["../../victim.txt"]]
        let cases: [(String, [UInt8])] = [
            ("empty", []), ("truncated", Array(good.prefix(good.count / 3))),
            ("escaping delete", Array(try JSONSerialization.data(withJSONObject: escaping))),
        ]
        for (label, bytes) in cases {
            try FileIO.writeAll(manifest, bytes)
            for args in [["info", "--store", store], ["--store", store, "--start", Self.start, "--end", Self.end, "-o", "/dev/null"],
                         ["ingest", TestPaths.fixture("rees46/2019-Oct-head.csv").path, "--store", store]] {
                let r = try run(args)
                XCTAssertEqual(r.status, 4, "\(label) \(args[0]): \(r.err)")
                XCTAssertTrue(r.err.contains("store damaged: \(manifest)"), "\(label): \(r.err)")
            }
            XCTAssertTrue(FileIO.exists(victim))
        }
    }

    func testReadersWriteNothingInTheStore() throws {
        let dir = try TestPaths.temporaryDirectory(self, "readonly")
        let store = try goldenStore(dir)
        try FileIO.remove(store + "/.lock")
        // An interrupted clean-up a writer would finish: readers leave it alone.
        try FileIO.writeAll(store + "/events/_manifest.json.tmp-x", [1])
        try FileIO.writeAll(store + "/events/" + "date=2019-10-01/.part-x.parquet.tmp", [1])
        let before = snapshot(store)
        for args in [["info", "--store", store], ["info", "--store", store, "--check"],
                     ["--store", store, "--start", Self.start, "--end", Self.end, "-o", dir.appendingPathComponent("o.csv").path]] {
            let r = try run(args)
            XCTAssertEqual(r.status, 0, "\(args): \(r.err)")
            XCTAssertEqual(snapshot(store), before, "\(args) wrote in the store")
        }
    }

    /// #14: a window of more than a thousand part files, in a child limited to 256 descriptors,
    /// gives the same answer as without the limit.
    func testALearningBaseOverAThousandPartsRunsUnderUlimit256() throws {
        let dir = try TestPaths.temporaryDirectory(self, "ulimit")
        let store = dir.appendingPathComponent("store").path
        // One part per source and day: 12 day-shifted copies of the golden events.
        let lines = try String(contentsOfFile: LearningBaseStoreTests.events, encoding: .utf8).split(separator: "\n")
        var paths: [String] = []
        for k in 0..<90 {
            let p = dir.appendingPathComponent("e\(k).csv").path
            // Each copy's rows shifted by k users: distinct content (not skipped as already ingested).
            var out = [String(lines[0])]
            for line in lines.dropFirst() {
                var f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                if f.count > 7, let u = Int(f[7]) { f[7] = String(u + 1_000_000 * (k + 1)) }
                out.append(f.joined(separator: ","))
            }
            try (out.joined(separator: "\n") + "\n").write(toFile: p, atomically: false, encoding: .utf8)
            paths.append(p)
        }
        let ingest = try run(["ingest"] + paths + ["--store", store])
        XCTAssertEqual(ingest.status, 0, ingest.err)
        let m = try XCTUnwrap(Store(readingAt: store).manifest(dataset: "events"))
        let window = try TimeWindow(start: Self.start, end: Self.end)
        let inWindow = m.partitions.filter { window.dayRange.contains($0.day!) }.flatMap(\.files).count
        XCTAssertGreaterThan(inWindow, 256, "the window must hold more parts than descriptors")

        let exe = CLITests.binary.path
        let free = dir.appendingPathComponent("free.csv").path, limited = dir.appendingPathComponent("limited.csv").path
        var r = try run(["--store", store, "--start", Self.start, "--end", Self.end, "-o", free])
        XCTAssertEqual(r.status, 0, r.err)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", "ulimit -n 256 && exec \"$0\" --store \"$1\" --start \"$2\" --end \"$3\" -o \"$4\"",
                       exe, store, Self.start, Self.end, limited]
        let err = Pipe()
        p.standardError = err
        try p.run()
        let e = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0, e)
        XCTAssertEqual(try FileIO.readAll(limited), try FileIO.readAll(free))
        r = try run(["info", "--store", store, "--check"])
        XCTAssertEqual(r.status, 0, r.err)
    }

    /// #19: `ingest --replace` whose old part cannot be removed commits, warns, and leaves a
    /// store every verb still uses; the next ingest retries the removal.
    func testReplaceWhoseOldPartCannotBeRemovedWarnsAndTheStoreStaysUsable() throws {
        let dir = try TestPaths.temporaryDirectory(self, "replace")
        let store = try goldenStore(dir)
        let old = try parts(store)[1]
        // unlink() fails on a non-empty folder (root ignores permissions, so it stands in for an
        // undeletable file).
        try FileIO.remove(old)
        try FileIO.makeDirectories(old)
        try FileIO.writeAll(old + "/x", [1])
        var r = try run(["ingest", LearningBaseStoreTests.events, "--store", store, "--replace"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertTrue(r.err.contains("warning: could not remove replaced file \(old)"), r.err)
        XCTAssertFalse(try parts(store).contains(old))
        r = try run(["info", "--store", store, "--check"])
        XCTAssertEqual(r.status, 0, r.err)
        r = try run(["--store", store, "--start", Self.start, "--end", Self.end, "-o", dir.appendingPathComponent("o.csv").path])
        XCTAssertEqual(r.status, 0, r.err)
        r = try run(["ingest", TestPaths.fixture("rees46/2019-Oct-head.csv").path, "--store", store])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertTrue(r.err.contains("will retry"), "the next ingest retries: \(r.err)")
        try FileManager.default.removeItem(atPath: old)
        r = try run(["ingest", TestPaths.fixture("rees46/cosmetics-2019-Oct-sample.csv").path, "--store", store])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertNil(try Store(readingAt: store).manifest(dataset: "events")?.pending)
    }

    /// In-process: more part files than the pool's limit are read with a bounded number of
    /// descriptors (evicted and reopened), and the answer is unchanged.
    func testDescriptorPoolBoundsOpenFilesAndReopens() throws {
        let dir = try TestPaths.temporaryDirectory(self, "pool")
        let store = try goldenStore(dir)
        let pool = DescriptorPool(limit: 2)
        let files = try parts(store).map { try ParquetFile(path: $0, pool: pool) }
        XCTAssertGreaterThan(files.count, 2)
        XCTAssertLessThanOrEqual(pool.openCount, 2)
        for _ in 0..<2 {
            for (f, path) in zip(files, try parts(store)) {
                XCTAssertEqual(try f.readAll().map(\.rowCount), try ParquetFile(path: path).readAll().map(\.rowCount))
                XCTAssertLessThanOrEqual(pool.openCount, 2)
            }
        }
        XCTAssertGreaterThan(pool.reopens, 0)
        XCTAssertGreaterThan(pool.evictions, 0)
        // A file replaced while its descriptor was closed is refused, not read.
        let path = try parts(store)[0]
        let bytes = try FileIO.readAll(path)
        try FileIO.writeAll(path + ".new", bytes)  // a new inode (written while the old one exists)
        try FileIO.rename(path + ".new", path)
        _ = try files[1].readAll()
        _ = try files[2].readAll()  // files[0] evicted
        XCTAssertThrowsError(try files[0].readAll()) { error in
            XCTAssertEqual(error as? ColumnarError, .damaged(path: path, problem: "was replaced while being read"))
        }
    }
}
