import Columnar
import Foundation
import Ingest
@testable import Query
import TestSupport
import XCTest

/// `--users LO:HI`, `--no-header` and `extract shards` (issue 17 §2): the header plus every
/// shard's body, in range order, equals the single-run CSV byte for byte, and the shards'
/// Parquet files hold the single-run Parquet's rows value for value, for N = 1, 2, 3, 7 from
/// `extract shards` and for random cuts (empty shards, cuts inside row groups, the ends of the
/// 32-bit range, absent users), on the golden events (ids 2147483647, 2147483648, 3000000000,
/// a missing id) and on a generated month, both ingested with small row groups so that cuts
/// fall inside them.
final class UserShardTests: XCTestCase {
    struct Case { var store: String; var start: String; var end: String; var ids: [Int64] }

    nonisolated(unsafe) static var root: URL?
    nonisolated(unsafe) static var golden: Case?
    nonisolated(unsafe) static var generated: Case?

    /// Builds both stores once for the class (ingested by the library with small row groups).
    override class func setUp() {
        super.setUp()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("extract-tests-shards-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        root = dir
        let goldenStore = dir.appendingPathComponent("golden").path
        ingest([LearningBaseStoreTests.events], into: goldenStore, rowGroup: 40)
        golden = Case(store: goldenStore, start: "2019-10-01 00:00:00", end: "2019-10-03 23:59:59",
                      ids: userIds(csv: LearningBaseStoreTests.events))
        let csv = dir.appendingPathComponent("gen.csv").path
        let handle = FileManager.default.createFile(atPath: csv, contents: nil) ? FileHandle(forWritingAtPath: csv)! : nil
        _ = REES46Generator(month: 10, scale: 0.001, seed: 17).generate(sink: { handle!.write(Data($0)) })
        try! handle!.close()
        let genStore = dir.appendingPathComponent("generated").path
        ingest([csv], into: genStore, rowGroup: 256)
        generated = Case(store: genStore, start: "2019-10-03 06:00:00", end: "2019-10-08 18:00:00", ids: userIds(csv: csv))
    }

    override class func tearDown() {
        if let root { try? FileManager.default.removeItem(at: root) }
        super.tearDown()
    }

    static func ingest(_ files: [String], into store: String, rowGroup: Int) {
        let options = IngestOptions(encoder: ParquetPartEncoder(rowGroupRows: rowGroup))
        _ = try! Ingestor(store: try! Store(path: store, create: true), options: options).ingest(sources: files.map { .file($0) })
    }

    /// The distinct integer user ids of a REES46 CSV (column 8), sorted.
    static func userIds(csv: String) -> [Int64] {
        let text = try! String(contentsOfFile: csv, encoding: .utf8)
        var ids = Set<Int64>()
        for line in text.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            if fields.count > 7, let v = Int64(fields[7]) { ids.insert(v) }
        }
        return ids.sorted()
    }

    func dir() throws -> URL { try TestPaths.temporaryDirectory(self, "shards") }

    // MARK: - helpers

    /// The single-run output of `c` as `format` (library, two workers).
    func whole(_ c: Case, _ out: String, format: OutputFormat = .csv) throws -> [UInt8] {
        _ = try LearningBase.run(store: c.store, window: try TimeWindow(start: c.start, end: c.end), output: out, format: format)
        return try FileIO.readAll(out)
    }

    /// Shards from cut points (sorted, distinct): the ranges :c1, c1:c2, …, cN:.
    static func ranges(cuts: [Int64]) throws -> [UserRange] {
        var bounds: [Int64?] = [nil] + cuts.map { Optional($0) } + [nil]
        var out: [UserRange] = []
        for k in 0..<(bounds.count - 1) { out.append(try UserRange(lower: bounds[k], upper: bounds[k + 1])) }
        bounds.removeAll()
        return out
    }

    /// Header + every shard's --no-header body (library), in order.
    func concatenated(_ c: Case, _ shards: [UserRange], in dir: URL) throws -> [UInt8] {
        var header = ContiguousArray<UInt8>()
        CSVSink.appendHeader(to: &header)
        var all = Array(header)
        let window = try TimeWindow(start: c.start, end: c.end)
        for (k, s) in shards.enumerated() {
            let out = dir.appendingPathComponent("shard-\(k).csv").path
            _ = try LearningBase.run(store: c.store, window: window, output: out, format: .csv, workers: 1 + k % 2,
                                     users: s, header: false)
            all += try FileIO.readAll(out)
        }
        return all
    }

    // MARK: - extract shards + the binary, N = 1, 2, 3, 7

    func testShardsFromThePlannerConcatenateToTheWholeThroughTheBinary() throws {
        for c in [Self.golden!, Self.generated!] {
            let d = try dir()
            let whole = d.appendingPathComponent("whole.csv").path
            let w = try CLITests.run(["--store", c.store, "--start", c.start, "--end", c.end, "-o", whole])
            XCTAssertEqual(w.status, 0, w.err)
            let expected = try FileIO.readAll(whole)
            XCTAssertGreaterThan(expected.count, 10_000)
            for n in [1, 2, 3, 7] {
                let r = try CLITests.run(["shards", "--store", c.store, "--start", c.start, "--end", c.end, "-n", String(n)])
                XCTAssertEqual(r.status, 0, r.err)
                let list = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [[String: Any]])
                XCTAssertEqual(list.count, n)
                let texts = list.map { $0["users"] as! String }
                let shards = try texts.map { try UserRange(parsing: $0) }
                XCTAssertNil(shards.first!.lower)
                XCTAssertNil(shards.last!.upper)
                for k in 1..<n {
                    XCTAssertEqual(shards[k - 1].upper, shards[k].lower, "contiguous: \(texts)")
                    let cut = try XCTUnwrap(shards[k].lower)
                    XCTAssertTrue(cut > Int64(Int32.min) && cut <= Int64(Int32.max), "cut \(cut) in the 32-bit domain")
                }
                XCTAssertEqual(list.map { $0["shard"] as! Int }, Array(0..<n))
                XCTAssertNotNil(list.first?["rows"] as? Int)
                var joined = [UInt8]()
                for (k, text) in texts.enumerated() {
                    let out = d.appendingPathComponent("n\(n)-\(k).csv").path
                    var args = ["--store", c.store, "--start", c.start, "--end", c.end, "--users=\(text)", "-o", out]
                    if k > 0 { args.append("--no-header") }
                    let s = try CLITests.run(args)
                    XCTAssertEqual(s.status, 0, s.err)
                    joined += try FileIO.readAll(out)
                }
                XCTAssertTrue(joined == expected, "\(c.store) n=\(n) \(texts): concatenation differs from the whole")
            }
        }
    }

    /// The planner's estimates: every shard's rows sum to the rows of the window's row groups
    /// (by statistics) and no shard of the generated store gets much more than its share.
    func testPlannerBalancesByRowGroupStatistics() throws {
        let c = Self.generated!
        let window = try TimeWindow(start: c.start, end: c.end)
        let runs = try StoreScan.plan(store: c.store, window: window).runs
        let total = ShardPlanner.segments(runs: runs, window: window).reduce(0) { $0 + $1.rows }
        XCTAssertGreaterThan(total, 5_000)
        XCTAssertGreaterThan(runs.map(\.batchCount).reduce(0, +), 3 * runs.count, "several row groups per day")
        for n in [1, 2, 3, 7, 25] {
            let shards = try ShardPlanner.plan(store: c.store, window: window, shards: n)
            XCTAssertEqual(shards.count, n)
            XCTAssertEqual(shards.reduce(0) { $0 + $1.rows }, total, "n=\(n)")
            for s in shards {
                XCTAssertLessThanOrEqual(s.rows, total / n + total / (5 * n) + 1, "n=\(n) \(shards.map(\.rows))")
                XCTAssertLessThanOrEqual(s.rows, s.rowGroupRows)
            }
        }
        // Rows actually in each shard's users (decoded here, not by the planner) are near the estimate.
        let shards = try ShardPlanner.plan(store: c.store, window: window, shards: 4)
        for s in shards {
            var sink = CountingSink()
            _ = try MergeEngine.execute(runs: runs, window: window, users: s.users.effective, sink: &sink)
            XCTAssertGreaterThan(sink.users, 0, "\(s.users) has users")
        }
    }

    /// Cut points with no rows at all (an empty window) and more shards than distinct ids still
    /// make N strictly increasing integer cuts inside the domain.
    func testCutPointsAreStrictlyIncreasingIntegersInTheDomain() throws {
        let none = ShardPlanner.cutPoints([], shards: 5)
        XCTAssertEqual(none.count, 4)
        let crowded = ShardPlanner.cutPoints([.init(lo: 10, hi: 12, rows: 1000)], shards: 9)
        let top = ShardPlanner.cutPoints([.init(lo: Int64(Int32.max), hi: Int64(Int32.max) + 1, rows: 50)], shards: 6)
        let bottom = ShardPlanner.cutPoints([.init(lo: Int64(Int32.min), hi: Int64(Int32.min) + 1, rows: 50)], shards: 6)
        for cuts in [none, crowded, top, bottom] {
            for (a, b) in zip(cuts, cuts.dropFirst()) { XCTAssertLessThan(a, b, "\(cuts)") }
            XCTAssertGreaterThan(cuts.first!, Int64(Int32.min), "\(cuts)")
            XCTAssertLessThanOrEqual(cuts.last!, Int64(Int32.max), "\(cuts)")
        }
        XCTAssertEqual(crowded.count, 8)
        XCTAssertTrue(crowded.contains(11), "\(crowded): a cut between the two ids")
        XCTAssertEqual(ShardPlanner.cutPoints([.init(lo: 0, hi: 100, rows: 100)], shards: 4), [25, 50, 75])
        XCTAssertEqual(ShardPlanner.cutPoints([.init(lo: 0, hi: 100, rows: 100), .init(lo: 0, hi: 10, rows: 90)], shards: 2), [10])
    }

    /// The worker chunks of a shard cover exactly its effective range, contiguously, in order.
    func testWorkerChunksCoverTheShardExactly() throws {
        let c = Self.generated!
        let window = try TimeWindow(start: c.start, end: c.end)
        let runs = try StoreScan.plan(store: c.store, window: window).runs
        var rng = SeededRandom(seed: 99)
        for _ in 0..<50 {
            let a = c.ids[Int(rng.next() % UInt64(c.ids.count))], b = c.ids[Int(rng.next() % UInt64(c.ids.count))]
            let shard = try UserRange(lower: rng.next() % 4 == 0 ? nil : min(a, b), upper: rng.next() % 4 == 0 ? nil : max(a, b) + 1)
            let within = shard.effective
            for workers in [1, 2, 8, 40] {
                let chunks = UserSplit.ranges(runs: runs, window: window, workers: workers, within: within)
                XCTAssertEqual(chunks.first?.lowerBound, within.lowerBound, "\(shard)")
                XCTAssertEqual(chunks.last?.upperBound, within.upperBound, "\(shard)")
                for (x, y) in zip(chunks, chunks.dropFirst()) {
                    XCTAssertEqual(x.upperBound, y.lowerBound)
                    XCTAssertFalse(x.isEmpty)
                }
                XCTAssertLessThanOrEqual(chunks.count, workers)
            }
        }
        XCTAssertEqual(UserSplit.ranges(runs: runs, window: window, workers: 4, within: 7..<7), [7..<7])
    }

    // MARK: - random cuts (library), CSV byte for byte

    func testRandomCutsConcatenateToTheWholeByteForByte() throws {
        var rng = SeededRandom(seed: 1717)
        for c in [Self.golden!, Self.generated!] {
            let d = try dir()
            let expected = try whole(c, d.appendingPathComponent("whole.csv").path)
            let edges: [Int64] = [Int64(Int32.min), Int64(Int32.min) + 1, Int64(Int32.max), Int64(Int32.max) + 1,
                                  3_000_000_000, Int64.min, Int64.max, -1, 0, 1]
            for round in 0..<8 {
                var cuts = Set<Int64>()
                let count = Int(rng.next() % 8) + (round == 0 ? 0 : 1)
                for _ in 0..<count {
                    switch rng.next() % 5 {
                    case 0: cuts.insert(edges[Int(rng.next() % UInt64(edges.count))])
                    case 1, 2: // at a present user (inside its row group), or just after it
                        let id = c.ids[Int(rng.next() % UInt64(c.ids.count))]
                        cuts.insert(id + Int64(rng.next() % 2))
                    case 3: // an absent user between two present ones, and the next (an empty shard)
                        let i = Int(rng.next() % UInt64(c.ids.count - 1))
                        if c.ids[i + 1] - c.ids[i] > 2 { cuts.insert(c.ids[i] + 1); cuts.insert(c.ids[i] + 2) }
                    default:
                        let lo = c.ids.first!, hi = c.ids.last!
                        cuts.insert(lo + Int64(rng.next() % UInt64(hi - lo + 1)))
                    }
                }
                let shards = try Self.ranges(cuts: cuts.sorted())
                let got = try concatenated(c, shards, in: d)
                XCTAssertTrue(got == expected, "\(c.store) cuts \(cuts.sorted()): concatenation differs (\(got.count) vs \(expected.count) bytes)")
            }
        }
    }

    /// A shard reads only the row groups whose user_id statistics overlap it.
    func testAShardDecodesOnlyOverlappingRowGroups() throws {
        let c = Self.generated!
        let d = try dir()
        let window = try TimeWindow(start: c.start, end: c.end)
        let all = try LearningBase.run(store: c.store, window: window, output: d.appendingPathComponent("a.csv").path, format: .csv)
        let mid = c.ids[c.ids.count / 2]
        let one = try LearningBase.run(store: c.store, window: window, output: d.appendingPathComponent("o.csv").path,
                                       format: .csv, users: try UserRange(lower: mid, upper: mid + 1))
        XCTAssertLessThan(one.stats.batchesRead * 3, all.stats.batchesRead, "\(one.stats) vs \(all.stats)")
        XCTAssertLessThan(one.stats.users, 2)
        let outside = try LearningBase.run(store: c.store, window: window, output: d.appendingPathComponent("x.csv").path,
                                           format: .csv, users: try UserRange(lower: 3_000_000_000, upper: nil))
        XCTAssertEqual(outside.stats.batchesRead, 0)
        XCTAssertEqual(outside.stats.outputRows, 0)
        XCTAssertEqual(outside.warnings.count, 1)
        XCTAssertTrue(outside.warnings[0].contains("of users 3000000000:"), outside.warnings[0])
        var header = ContiguousArray<UInt8>()
        CSVSink.appendHeader(to: &header)
        XCTAssertEqual(try FileIO.readAll(d.appendingPathComponent("x.csv").path), Array(header))
    }

    // MARK: - Parquet, value for value

    func testParquetShardsHoldTheWholeRowsValueForValue() throws {
        for c in [Self.golden!, Self.generated!] {
            let d = try dir()
            let window = try TimeWindow(start: c.start, end: c.end)
            let wholePath = d.appendingPathComponent("whole.parquet").path
            _ = try whole(c, wholePath, format: .parquet)
            let cuts = [c.ids[c.ids.count / 3], c.ids[c.ids.count / 3] + 1, c.ids[2 * c.ids.count / 3], Int64(Int32.max)]
            var parts: [String] = []
            for (k, s) in try Self.ranges(cuts: cuts).enumerated() {
                let out = d.appendingPathComponent("part-\(k).parquet").path
                _ = try LearningBase.run(store: c.store, window: window, output: out, format: .parquet, users: s)
                parts.append(out)
            }
            let out = try InteropPython.run("""
                import sys, math, pyarrow as pa, pyarrow.parquet as pq
                whole = pq.read_table(sys.argv[1])
                parts = pa.concat_tables([pq.read_table(p) for p in sys.argv[2:]])
                assert whole.schema == parts.schema, (whole.schema, parts.schema)
                assert whole.num_rows > 0
                def same(a, b):  # NaN (a NaN price) equals NaN, else exact equality
                    return a == b or (isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b))
                for name in whole.column_names:
                    a, b = whole[name].to_pylist(), parts[name].to_pylist()
                    assert len(a) == len(b)
                    bad = [i for i in range(len(a)) if not same(a[i], b[i])]
                    assert not bad, (name, bad[:3], a[bad[0]], b[bad[0]])
                print(whole.num_rows, parts.num_rows)
                """, args: [wholePath] + parts)
            let counts = out.split(separator: " ").map { Int($0.trimmingCharacters(in: .whitespacesAndNewlines))! }
            XCTAssertEqual(counts[0], counts[1])
        }
    }

    // MARK: - usage errors

    func testBadUsersAndShardCountsAreUsageErrors() throws {
        let c = Self.golden!
        let base = ["--store", c.store, "--start", c.start, "--end", c.end, "-o", try dir().appendingPathComponent("o.csv").path]
        for bad in ["5:5", "6:5", "a:5", "5", "1.5:", "+5:", "5:1e3", "99999999999999999999:", "1:2:3", " 1:2", "--5:"] {
            let r = try CLITests.run(base + ["--users", bad])
            XCTAssertEqual(r.status, 2, "--users '\(bad)': \(r.err)")
            XCTAssertTrue(r.err.hasPrefix("extract: ") && r.err.contains("--users"), r.err)
        }
        let both = try CLITests.run(base + ["--users", ":"])
        XCTAssertEqual(both.status, 0, "':' is every user: \(both.err)")
        let neg = try CLITests.run(base + ["--users", "-5:600000000"])
        XCTAssertEqual(neg.status, 0, "a negative lower bound after a space: \(neg.err)")
        let pq = try CLITests.run(["--store", c.store, "--start", c.start, "--end", c.end, "--no-header",
                                   "-o", try dir().appendingPathComponent("o.parquet").path])
        XCTAssertEqual(pq.status, 2, pq.err)
        for n in ["0", "10001"] {
            let r = try CLITests.run(["shards", "--store", c.store, "--start", c.start, "--end", c.end, "-n", n])
            XCTAssertEqual(r.status, 2, "-n \(n): \(r.err)")
            XCTAssertTrue(r.err.contains("shard count"), r.err)
        }
        let word = try CLITests.run(["shards", "--store", c.store, "--start", c.start, "--end", c.end, "-n", "x"])
        XCTAssertNotEqual(word.status, 0, "the argument parser refuses a non-integer count")
        let missing = try CLITests.run(["shards", "--store", "/nonexistent/store", "--start", c.start, "--end", c.end, "-n", "2"])
        XCTAssertEqual(missing.status, 3, missing.err)
        let help = try CLITests.run(["--help"])
        XCTAssertTrue(help.out.contains("shards") && help.out.contains("--users"), help.out)
    }
}

/// Counts the users a merge produces (the rows are not kept).
struct CountingSink: LearningBaseSink {
    var users = 0
    mutating func consume(_ user: UserAccumulator) throws(QueryError) { users += 1 }
}
