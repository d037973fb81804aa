import Columnar
import Foundation
import Query
import TestSupport
import XCTest

/// The golden case on in-memory input: `events.csv` converted by the reference's Python
/// conversions (docs/learning-base.md §3), sorted into day runs, computed by `LearningBase.csv` and
/// compared with Spark's `expected.csv` under the documented tolerances.
final class LearningBaseGoldenMemoryTests: XCTestCase {
    static let window = try! TimeWindow(start: "2019-10-01 00:00:00", end: "2019-10-03 23:59:59")

    func goldenInputs() throws -> (runs: [any EventRun], facts: LearningBaseComparison.Facts, expected: String) {
        let dir = try TestPaths.temporaryDirectory(self, "golden")
        let events = TestPaths.fixture("golden/learning-base/events.csv").path
        let w = Self.window
        let normalized = try LearningBaseReference.run(mode: "normalized", start: w.startMicros, end: w.endMicros,
                                                       inputs: [events], out: dir.appendingPathComponent("n.jsonl").path)
        let factsData = try LearningBaseReference.run(mode: "facts", start: w.startMicros, end: w.endMicros,
                                                      inputs: [events], out: dir.appendingPathComponent("f.json").path)
        let expected = try String(contentsOf: TestPaths.fixture("golden/learning-base/expected.csv"), encoding: .utf8)
        return (EventFixture.runs(try EventFixture.events(normalizedJSONLines: normalized), batchRows: 50),
                try LearningBaseComparison.Facts(json: factsData), expected)
    }

    func testGoldenMatchesSparkOnInMemoryRuns() throws {
        let (runs, facts, expected) = try goldenInputs()
        for workers in [1, 2] {
            let csv = String(decoding: try LearningBase.csv(runs: runs, window: Self.window, workers: workers), as: UTF8.self)
            let diffs = LearningBaseComparison.differences(candidate: csv, expected: expected, facts: facts)
            XCTAssertEqual(diffs, [], "workers \(workers)")
        }
    }
}
