import Columnar
import Foundation
@testable import Query
import TestSupport
import XCTest

/// A run that counts how often each batch is loaded (shared by the workers of one execution).
final class CountingRun: EventRun, @unchecked Sendable {
    let inner: any EventRun
    private let lock = NSLock()
    private var loads: [Int]

    init(_ inner: any EventRun) {
        self.inner = inner
        loads = Array(repeating: 0, count: inner.batchCount)
    }

    var name: String { inner.name }
    var batchCount: Int { inner.batchCount }
    func bounds(batch: Int) -> BatchBounds { inner.bounds(batch: batch) }
    func load(batch: Int) throws(QueryError) -> RecordBatch {
        lock.lock(); loads[batch] += 1; lock.unlock()
        return try inner.load(batch: batch)
    }
    var loadCounts: [Int] { lock.lock(); defer { lock.unlock() }; return loads }
    func reset() { lock.lock(); loads = Array(repeating: 0, count: loads.count); lock.unlock() }
}

/// Workers whose user ranges split a batch decode it once and still produce the same output.
final class SharedBatchesTests: XCTestCase {
    /// Events from 2019-10-01 over `days` days: views and purchases of `products` products by
    /// `users` users, each in up to `sessionsPerUser` sessions, with category, brand and price.
    static func randomEvents(seed: UInt64, count: Int, users: UInt64, products: UInt64, days: UInt64,
                             sessionsPerUser: UInt64) -> [Ev] {
        var rng = SeededRandom(seed: seed)
        let base = CivilTime.parseStrict("2019-10-01 00:00:00")!
        return (0..<count).map { _ in
            let user = Int64(rng.next() % users) + 1
            let product = Int64(rng.next() % products)
            let t = base + Int64(rng.next() % (days * 86_400)) * 1_000_000
            return Ev(time: t, type: rng.next() % 4 == 0 ? "purchase" : "view", product: product,
                      category: "c\(product % 7)", brand: "b\(product % 5)", price: Double(product) + 0.25,
                      user: user, session: "s\(user)-\(rng.next() % sessionsPerUser)")
        }
    }

    func testStraddlingBatchesAreLoadedOnceWithIdenticalOutput() throws {
        let events = Self.randomEvents(seed: 5, count: 3000, users: 400, products: 30, days: 3, sessionsPerUser: 3)
        let window = try TimeWindow(start: "2019-10-01 06:00:00", end: "2019-10-03 18:00:00")
        let reference = try LearningBase.csv(runs: EventFixture.runs(events), window: window, workers: 1)
        for (batchRows, workers) in [(1 << 20, 2), (1 << 20, 3), (97, 2)] {
            let runs = EventFixture.runs(events, batchRows: batchRows, dictionary: true).map { CountingRun($0) }
            let csv = try LearningBase.csv(runs: runs, window: window, workers: workers)
            XCTAssertEqual(csv, reference, "batchRows \(batchRows) workers \(workers)")
            let ranges = UserSplit.ranges(runs: runs, window: window, workers: workers)
            XCTAssertEqual(ranges.count, workers)
            let shared = SharedBatches(runs: runs, window: window, ranges: ranges)
            if batchRows == 1 << 20 { XCTAssertEqual(shared.count, runs.count, "one batch per run, all straddling") }
            for run in runs {
                for (b, n) in run.loadCounts.enumerated() {
                    XCTAssertLessThanOrEqual(n, 1, "\(run.name) batch \(b) loaded \(n) times")
                }
            }
        }
    }

    /// The CSV writer's path: many small chunks computed by two workers that decode shared
    /// batches ahead (`warm`). Same bytes as one worker, every batch loaded at most once, and
    /// the read counters (cursors' plus warmed) equal to a single pass's.
    func testWarmingAheadInTheChunkWriterLoadsEachBatchOnceWithIdenticalOutput() throws {
        let events = Self.randomEvents(seed: 9, count: 4000, users: 900, products: 40, days: 4, sessionsPerUser: 4)
        let window = try TimeWindow(start: "2019-10-01 12:00:00", end: "2019-10-04 06:00:00")
        let reference = try LearningBase.csv(runs: EventFixture.runs(events), window: window, workers: 1)
        var single = SinkCounter()
        let singleStats = try MergeEngine.execute(runs: EventFixture.runs(events, batchRows: 300, dictionary: true), window: window,
                                                  users: UserSplit.all, sink: &single)
        let dir = try TestPaths.temporaryDirectory(self).path
        for chunkCount in [3, 17, 60] {
            let runs = EventFixture.runs(events, batchRows: 300, dictionary: true).map { CountingRun($0) }
            let chunks = UserSplit.ranges(runs: runs, window: window, workers: chunkCount)
            XCTAssertGreaterThan(chunks.count, chunkCount / 2)
            let path = dir + "/out-\(chunkCount).csv"
            let stats = try LearningBase.writeCSV(runs: runs, window: window, chunks: chunks, workers: 2, to: WriteHandle(path: path), reportedAs: path)
            XCTAssertEqual(try FileIO.readAll(path), reference, "\(chunkCount) chunks")
            var total = ExecutionStats()
            for s in stats { total.add(s) }
            XCTAssertEqual(total.rowsScanned, singleStats.rowsScanned, "\(chunkCount) chunks")
            XCTAssertEqual(total.batchesRead, singleStats.batchesRead, "\(chunkCount) chunks")
            XCTAssertEqual(total.outputRows, singleStats.outputRows)
            for run in runs {
                for (b, n) in run.loadCounts.enumerated() {
                    XCTAssertLessThanOrEqual(n, 1, "\(run.name) batch \(b) loaded \(n) times with \(chunkCount) chunks")
                }
            }
        }
    }

    /// `warm` called from two threads at once, for ranges far ahead and out of order, decodes
    /// each shared batch once, and the workers then take those batches without loading again.
    func testConcurrentWarmCallsClaimEachBatchOnce() throws {
        var rng = SeededRandom(seed: 10)
        var events: [Ev] = []
        let base = CivilTime.parseStrict("2019-10-01 00:00:00")!
        for _ in 0..<2000 {
            let user = Int64(rng.next() % 500) + 1
            events.append(Ev(time: base + Int64(rng.next() % 86_400) * 1_000_000, type: "view", product: Int64(rng.next() % 9),
                             category: nil, brand: "b", price: 1, user: user, session: "s\(user)"))
        }
        let window = try TimeWindow(start: "2019-10-01 00:00:00", end: "2019-10-01 23:59:59")
        let runs = EventFixture.runs(events, batchRows: 97, dictionary: true).map { CountingRun($0) }
        let ranges = UserSplit.ranges(runs: runs, window: window, workers: 12)
        let shared = SharedBatches(runs: runs, window: window, ranges: ranges)
        XCTAssertGreaterThan(shared.count, 0)
        DispatchQueue.concurrentPerform(iterations: 4) { i in shared.warm(throughRange: i % 2 == 0 ? ranges.count : 3, current: 0) }
        var outputs: [Int] = []
        for r in ranges {
            var sink = SinkCounter()
            _ = try MergeEngine.execute(runs: runs, window: window, users: r, shared: shared, sink: &sink)
            outputs.append(sink.rows)
        }
        var all = SinkCounter()
        _ = try MergeEngine.execute(runs: EventFixture.runs(events), window: window, users: UserSplit.all, sink: &all)
        XCTAssertEqual(outputs.reduce(0, +), all.rows)
        XCTAssertEqual(shared.warmedStats.batchesRead, shared.count, "every shared batch warmed once")
        for run in runs {
            for (b, n) in run.loadCounts.enumerated() { XCTAssertLessThanOrEqual(n, 1, "\(run.name) batch \(b)") }
        }
    }
}

/// Counts output rows (no text).
private struct SinkCounter: LearningBaseSink {
    var rows = 0
    mutating func consume(_ user: UserAccumulator) throws(QueryError) { rows += user.outGroups.count }
}
