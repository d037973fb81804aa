import XCTest
import Foundation
import Columnar
import Ingest
import TestSupport

/// `extract ingest` / `extract info` as a user runs them: crash safety under kill -9, interop
/// with DuckDB and pyarrow, stdin, exit codes.
final class IngestCommandTests: XCTestCase {
    static let octHead = TestPaths.fixture("rees46/2019-Oct-head.csv").path

    private func start(_ args: [String], env: [String: String] = [:], stdin: Data? = nil) throws -> (Process, Pipe, Pipe) {
        try CLITests.start(args, env: env, stdin: stdin)
    }

    private func run(_ args: [String], env: [String: String] = [:], stdin: Data? = nil) throws -> (status: Int32, out: String, err: String) {
        try CLITests.run(args, env: env, stdin: stdin)
    }

    /// The store as any reader sees it after the crash: manifest readable, only listed files
    /// present, DuckDB's count over the Hive glob equals the manifest's rows.
    private func assertConsistent(_ store: String, file: StaticString = #filePath, line: UInt = #line) throws -> Int {
        // Killed before it created the store folder: the store is as it was (absent).
        guard FileManager.default.fileExists(atPath: store) else { return 0 }
        let st = try Store(path: store)  // a reader's open (recovers, no writer is alive)
        guard let m = try st.manifest(dataset: "events") else {
            let leftovers = (FileManager.default.enumerator(atPath: store)?.allObjects as? [String] ?? [])
                .filter { $0.hasSuffix(".parquet") || $0.hasSuffix(".tmp") }
            XCTAssertEqual(leftovers, [], file: file, line: line)
            return 0
        }
        XCTAssertNil(m.pending, file: file, line: line)
        let listed = Set(m.allFiles.map { "events/" + $0.file.path })
        let onDisk = Set((FileManager.default.enumerator(atPath: store)?.allObjects as? [String] ?? [])
            .filter { $0.hasSuffix(".parquet") || $0.hasSuffix(".tmp") })
        XCTAssertEqual(onDisk, listed, file: file, line: line)
        if !listed.isEmpty {
            let out = try InteropPython.run("""
                import duckdb, sys
                print(duckdb.sql(f"select count(*) from read_parquet('{sys.argv[1]}/events/*/*.parquet', hive_partitioning=true)").fetchall()[0][0])
                """, args: [store])
            XCTAssertEqual(Int(out.trimmingCharacters(in: .whitespacesAndNewlines)), m.totalRows, file: file, line: line)
        }
        return m.totalRows
    }

    private func bigInput(_ dir: String, copies: Int) throws -> String {
        let lines = try Data(contentsOf: URL(fileURLWithPath: Self.octHead))
        let header = lines.prefix { $0 != 0x0A } + [0x0A]
        let body = lines.dropFirst(header.count).prefix(upTo: lines.lastIndex(of: 0x0A)! + 1)
        var data = Data(header)
        for _ in 0..<copies { data.append(body) }
        let path = dir + "/big.csv"
        try data.write(to: URL(fileURLWithPath: path))
        return path
    }

    func testKillAtNamedPointsLeavesStoreConsistentAndRerunCompletes() throws {
        let dir = try TestPaths.temporaryDirectory(self).path
        for point in ["after-first-part", "before-commit", "commit-before-manifest", "commit-after-manifest", "commit-mid-renames",
                      "commit-before-clean"] {
            let store = dir + "/" + point
            // A committed first source, then a crashing second ingest.
            XCTAssertEqual(try run(["ingest", TestPaths.fixture("rees46/cosmetics-2019-Oct-sample.csv").path,
                                    "--store", store, "--quiet"]).status, 0)
            let before = try assertConsistent(store)
            let crashed = try run(["ingest", Self.octHead, "--store", store, "--quiet"], env: ["EXTRACT_TEST_ABORT_AT": point])
            XCTAssertNotEqual(crashed.status, 0, point)
            let after = try assertConsistent(store)
            let committed = point.hasPrefix("commit-") && point != "commit-before-manifest"
            XCTAssertEqual(after, committed ? before + 17_434 : before, point)
            let rerun = try run(["ingest", Self.octHead, "--store", store, "--quiet"])
            XCTAssertEqual(rerun.status, 0, rerun.err)
            XCTAssertEqual(try assertConsistent(store), before + 17_434, point)
        }
    }

    func testKillAfterRandomDelays() throws {
        let dir = try TestPaths.temporaryDirectory(self).path
        let input = try bigInput(dir, copies: 12)
        for (k, delay) in [0.05, 0.4, 1.0, 2.0].enumerated() {
            let store = dir + "/s\(k)"
            let (p, _, _) = try start(["ingest", input, "--store", store, "--quiet", "--max-buffered-rows", "20000"])
            Thread.sleep(forTimeInterval: delay)
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
            let after = try assertConsistent(store)
            XCTAssertTrue(after == 0 || after == 12 * 17_434, "partial store visible: \(after) rows")
            XCTAssertEqual(try run(["ingest", input, "--store", store, "--quiet"]).status, 0)
            XCTAssertEqual(try assertConsistent(store), 12 * 17_434)
        }
    }

    /// DuckDB reading our files returns the values our parser computed: count and checksums of
    /// typed values, the Swift side computed straight from the CSV with the value parsers.
    func testDuckDBReadsTheSameTypedValues() throws {
        let dir = try TestPaths.temporaryDirectory(self).path
        let store = dir + "/s"
        XCTAssertEqual(try run(["ingest", Self.octHead, "--store", store, "--quiet"]).status, 0)
        let data = try Data(contentsOf: URL(fileURLWithPath: Self.octHead))
        var count = 0, sumProduct: Int64 = 0, sumUser: Int64 = 0, sumCategory: Int64 = 0, sumSeconds: Int64 = 0
        var sumCents: Int64 = 0, brands = 0, codes = 0
        for raw in data.split(separator: 0x0A).dropFirst() {
            let line = raw.last == 0x0D ? raw.dropLast() : raw
            let f = line.split(separator: 0x2C, omittingEmptySubsequences: false).map { Array($0) }
            guard f.count == 9 else { continue }
            func bytes<T>(_ b: [UInt8], _ body: (UnsafeRawBufferPointer) -> T) -> T { b.withUnsafeBytes(body) }
            guard let t = bytes(f[0], TimestampParser.parse) else { continue }
            count += 1
            sumSeconds &+= t.micros / 1_000_000
            if case .exact(let v) = bytes(f[2], IntegerParser.parse) { sumProduct &+= v }
            if case .exact(let v) = bytes(f[3], IntegerParser.parse) { sumCategory &+= v % 1_000_003 }
            if case .exact(let v) = bytes(f[7], IntegerParser.parse) { sumUser &+= v }
            if case .exact(let v) = bytes(f[6], DoubleParser.parse) { sumCents &+= Int64((v * 100).rounded()) }
            if !f[4].isEmpty { codes += 1 }
            if !f[5].isEmpty { brands += 1 }
        }
        let out = try InteropPython.run("""
            import duckdb, sys
            r = duckdb.sql(f'''select count(*), sum(product_id), sum(user_id), sum(category_id % 1000003),
                sum(epoch(event_time)::bigint), sum(round(price * 100)::bigint), count(brand), count(category_code),
                count(user_session), count(distinct date)
                from read_parquet('{sys.argv[1]}/events/*/*.parquet', hive_partitioning=true)''').fetchall()[0]
            print(",".join(str(int(x)) for x in r))
            """, args: [store])
        let got = out.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ",").map { Int64($0)! }
        XCTAssertEqual(got, [Int64(count), sumProduct, sumUser, sumCategory, sumSeconds, sumCents, Int64(brands), Int64(codes),
                             Int64(count), 1])
        XCTAssertEqual(count, 17_434)
        // pyarrow reads the same dataset, with the fixed schema.
        let schema = try InteropPython.run("""
            import pyarrow.dataset as ds, sys
            d = ds.dataset(sys.argv[1] + '/events', format='parquet', partitioning='hive')
            t = d.to_table()
            print(t.num_rows)
            print(",".join(f.name for f in d.schema))
            print(d.schema.field('event_time').type, d.schema.field('user_session').type)
            """, args: [store])
        let lines = schema.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines[0], "17434")
        XCTAssertTrue(lines[1].hasPrefix("event_time,event_type,product_id,category_id,category_code,brand,price,user_id,user_session,date"),
                      lines[1])
        XCTAssertTrue(lines[2].hasPrefix("timestamp[us"), lines[2])
        XCTAssertTrue(lines[2].hasSuffix(" string"), lines[2])
    }

    func testStdinSummaryInfoAndExitCodes() throws {
        let dir = try TestPaths.temporaryDirectory(self).path
        let store = dir + "/s"
        let data = try Data(contentsOf: URL(fileURLWithPath: Self.octHead))
        let r = try run(["ingest", "-", "--store", store], stdin: data)
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertTrue(r.out.contains("17435 rows read, 17434 stored, 1 rejected, 0 coerced"), r.out)
        XCTAssertTrue(r.out.contains("wrong field count"), r.out)
        XCTAssertEqual(r.err, "", "no progress line when stderr is not a terminal")
        // The same content from a file is recognised as already ingested.
        let again = try run(["ingest", Self.octHead, "--store", store])
        XCTAssertEqual(again.status, 0)
        XCTAssertTrue(again.err.contains("already ingested"), again.err)
        let info = try run(["info", "--store", store])
        XCTAssertEqual(info.status, 0, info.err)
        for needle in ["dataset events", "17434 rows", "date=2019-10-01", "compression ratio", "time range: 2019-10-01 00:00:00",
                       "1 rejected"] {
            XCTAssertTrue(info.out.contains(needle), "info lacks \(needle):\n\(info.out)")
        }
        let tooMany = try run(["ingest", TestPaths.fixture("golden/learning-base/events.csv").path, "--store", store,
                               "--max-rejects", "2"])
        XCTAssertEqual(tooMany.status, 6, tooMany.err)
        let missing = try run(["ingest", dir + "/nope.csv", "--store", store])
        XCTAssertEqual(missing.status, 3, missing.err)
        XCTAssertEqual(try run(["info", "--store", dir + "/none"]).status, 3)
    }
}
