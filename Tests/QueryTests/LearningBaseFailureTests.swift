import Columnar
import Foundation
@testable import Query
import TestSupport
import XCTest

/// A run whose batch `failing` cannot be loaded (a corrupt row group).
private struct FailingRun: EventRun {
    let inner: any EventRun
    let failing: Int
    var name: String { inner.name }
    var batchCount: Int { inner.batchCount }
    func bounds(batch: Int) -> BatchBounds { inner.bounds(batch: batch) }
    func load(batch: Int) throws(QueryError) -> RecordBatch {
        if batch == failing { throw .columnar(.corrupt(ParquetLocation(file: name), reason: "injected failure")) }
        return try inner.load(batch: batch)
    }
}

/// Failures in the middle of a chunk: the error is reported, nothing is freed twice or leaked.
final class LearningBaseFailureTests: XCTestCase {
    /// A chunk that formats a user with a 600-byte session (growing the worker's scratch texts)
    /// and then fails to load the next row group: the run throws the load error (before the
    /// fix, the worker freed its stale scratch pointer: a double free that aborted the process).
    func testAFailureAfterScratchGrowthThrowsTheError() throws {
        let long = String(repeating: "x", count: 600)
        let events = [
            Ev("2019-10-01 10:00:00", user: 1, session: long),
            Ev("2019-10-01 10:01:00", user: 2, session: "s2"),
            Ev("2019-10-01 10:02:00", user: 3, session: "s3"),
        ]
        let window = try TimeWindow(start: "2019-10-01 00:00:00", end: "2019-10-01 23:59:59")
        let runs: [any EventRun] = EventFixture.runs(events, batchRows: 2).map { FailingRun(inner: $0, failing: 1) }
        XCTAssertGreaterThan(runs[0].batchCount, 1)
        let path = try TestPaths.temporaryDirectory(self).path + "/out.csv"
        for workers in [1, 2] {
            XCTAssertThrowsError(try LearningBase.writeCSV(runs: runs, window: window, chunks: [UserSplit.all], workers: workers,
                                                           to: WriteHandle(path: path), reportedAs: path)) { error in
                XCTAssertTrue("\(error)".contains("injected failure"), "\(error)")
            }
        }
    }
}
