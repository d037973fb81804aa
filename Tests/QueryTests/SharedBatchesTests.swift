import Columnar
import Foundation
@testable import Query
import TestSupport
import XCTest

/// A run that counts how often each batch is loaded (shared by the workers of one execution).
private final class CountingRun: EventRun, @unchecked Sendable {
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
}

/// Workers whose user ranges split a batch decode it once and still produce the same output.
final class SharedBatchesTests: XCTestCase {
    func testStraddlingBatchesAreLoadedOnceWithIdenticalOutput() throws {
        var rng = SeededRandom(seed: 5)
        var events: [Ev] = []
        let base = CivilTime.parseStrict("2019-10-01 00:00:00")!
        for _ in 0..<3000 {
            let user = Int64(rng.next() % 400) + 1
            let product = Int64(rng.next() % 30)
            let t = base + Int64(rng.next() % (3 * 86_400)) * 1_000_000
            events.append(Ev(time: t, type: rng.next() % 4 == 0 ? "purchase" : "view", product: product,
                             category: "c\(product % 7)", brand: "b\(product % 5)", price: Double(product) + 0.25,
                             user: user, session: "s\(user)-\(rng.next() % 3)"))
        }
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
}
