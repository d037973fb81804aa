import Columnar
import Foundation
import Ingest
import Query
import TestSupport
import XCTest

/// The golden case of docs/learning-base.md through the real pipeline: `events.csv` ingested by
/// the Ingest module (library, then the binary) and extracted over
/// 2019-10-01 00:00:00 .. 2019-10-03 23:59:59; the result matches Spark's `expected.csv` under
/// the documented tolerances (`LearningBaseComparison`).
final class LearningBaseIngestGoldenTests: XCTestCase {
    static let start = "2019-10-01 00:00:00", end = "2019-10-03 23:59:59"

    func facts(_ dir: URL) throws -> LearningBaseComparison.Facts {
        let w = try TimeWindow(start: Self.start, end: Self.end)
        return try LearningBaseComparison.Facts(json: LearningBaseReference.run(
            mode: "facts", start: w.startMicros, end: w.endMicros, inputs: [LearningBaseStoreTests.events],
            out: dir.appendingPathComponent("facts.json").path))
    }

    func testGoldenThroughIngestLibrary() throws {
        let dir = try TestPaths.temporaryDirectory(self, "lbingest")
        let storePath = dir.appendingPathComponent("store").path
        let options = IngestOptions(encoder: ParquetPartEncoder(rowGroupRows: 40))
        _ = try Ingestor(store: try Store(path: storePath, create: true), options: options)
            .ingest(sources: [.file(LearningBaseStoreTests.events)])
        let facts = try facts(dir)
        for (format, workers) in [(OutputFormat.csv, 1), (.csv, 2)] {
            let out = dir.appendingPathComponent("lb-\(workers).csv").path
            let report = try LearningBase.run(store: storePath, window: try TimeWindow(start: Self.start, end: Self.end),
                                              output: out, format: format, workers: workers)
            XCTAssertEqual(report.stats.outputRows, 350)
            let text = try String(contentsOfFile: out, encoding: .utf8)
            XCTAssertEqual(LearningBaseComparison.differences(candidate: text, expected: LearningBaseStoreTests.expectedCSV, facts: facts), [])
        }
    }

    func testGoldenThroughTheBinary() throws {
        let dir = try TestPaths.temporaryDirectory(self, "lbingestbin")
        let storePath = dir.appendingPathComponent("store").path
        let ingest = try CLITests.run(["ingest", LearningBaseStoreTests.events, "--store", storePath])
        XCTAssertEqual(ingest.status, 0, ingest.err)
        let out = dir.appendingPathComponent("base.csv").path
        let r = try CLITests.run(["--store", storePath, "--start", Self.start, "--end", Self.end, "--output", out])
        XCTAssertEqual(r.status, 0, r.err)
        let text = try String(contentsOfFile: out, encoding: .utf8)
        XCTAssertEqual(LearningBaseComparison.differences(candidate: text, expected: LearningBaseStoreTests.expectedCSV,
                                                          facts: try facts(dir)), [])
        let pq = dir.appendingPathComponent("base.parquet").path
        let p = try CLITests.run(["learning-base", "--store", storePath, "--start", Self.start, "--end", Self.end, "-o", pq])
        XCTAssertEqual(p.status, 0, p.err)
        XCTAssertEqual(try ParquetFile(path: pq).rowCount, 350)
    }
}
