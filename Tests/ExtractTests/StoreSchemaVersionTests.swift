import Columnar
import Foundation
import Ingest
import Query
import TestSupport
import XCTest

/// Both events layouts (`EventsDataset.schemas`): a store created by the version before
/// (schema version 1: user_session as 16-byte UUIDs plus user_session_raw, no `schemaVersion`
/// in its manifest) keeps that layout when more is ingested into it and gives the same learning
/// base, byte for byte, as a store of version 2; a store of a newer version is refused.
final class StoreSchemaVersionTests: XCTestCase {
    static let inputs = [TestPaths.fixture("golden/learning-base/events.csv").path,
                         TestPaths.fixture("rees46/2019-Oct-head.csv").path]

    /// A store whose events manifest is what the version before wrote: schema 1, no version.
    func makeVersion1Store(_ path: String) throws {
        let store = try Store(path: path, create: true)
        let txn = try store.begin(dataset: EventsDataset.name, schema: EventsDataset.schemas[1]!, sortedBy: EventsDataset.sortedBy)
        try txn.commit(sources: [])
        let json = try String(contentsOfFile: path + "/events/_manifest.json", encoding: .utf8)
        XCTAssertFalse(json.contains("schemaVersion"), "a version 1 manifest has no schemaVersion key")
    }

    func ingest(_ store: String, rowGroupRows: Int) throws {
        _ = try Ingestor(store: try Store(path: store, create: true),
                         options: IngestOptions(encoder: ParquetPartEncoder(rowGroupRows: rowGroupRows)))
            .ingest(sources: Self.inputs.map { .file($0) })
    }

    func testVersion1StoreKeepsItsLayoutAndGivesTheSameLearningBase() throws {
        let dir = try TestPaths.temporaryDirectory(self, "schemaversion")
        for rowGroupRows in [40, 128 * 1024] {
            let v1 = dir.appendingPathComponent("v1-\(rowGroupRows)").path, v2 = dir.appendingPathComponent("v2-\(rowGroupRows)").path
            try makeVersion1Store(v1)
            try ingest(v1, rowGroupRows: rowGroupRows)
            try ingest(v2, rowGroupRows: rowGroupRows)
            for (path, version) in [(v1, 1), (v2, 2)] {
                let store = try Store(path: path)
                let m = try XCTUnwrap(try store.manifest(dataset: "events"))
                XCTAssertEqual(EventsDataset.version(of: m), version)
                XCTAssertEqual(m.schema, EventsDataset.schemas[version])
                XCTAssertEqual(m.totalRows, 17_434 + 1_213)
                for p in try store.partPaths(dataset: "events") {
                    XCTAssertEqual(try ParquetFile(path: p).schema, EventsDataset.schemas[version], p)
                }
            }
            // The same rows, session for session: version 1's 16 bytes or raw text is version 2's text.
            XCTAssertEqual(try sessions(v1), try sessions(v2))
            for (start, end) in [("2019-10-01 00:00:00", "2019-10-03 23:59:59"), ("2019-09-01 00:00:00", "2019-11-01 00:00:00")] {
                let window = try TimeWindow(start: start, end: end)
                for format in [OutputFormat.csv, .parquet] {
                    var outputs: [Data] = []
                    for (store, name) in [(v1, "a"), (v2, "b")] {
                        let out = dir.appendingPathComponent("\(name)-\(rowGroupRows).\(format.rawValue)").path
                        let r = try LearningBase.run(store: store, window: window, output: out, format: format)
                        XCTAssertGreaterThan(r.stats.outputRows, 300)
                        outputs.append(try Data(contentsOf: URL(fileURLWithPath: out)))
                    }
                    XCTAssertEqual(outputs[0], outputs[1], "\(format) \(start) row groups of \(rowGroupRows)")
                }
            }
        }
    }

    /// Per row of the store (files in manifest order), the session as text: version 1's UUID
    /// formatted, or its raw text; version 2's text as stored.
    func sessions(_ path: String) throws -> [String?] {
        let store = try Store(path: path)
        var out: [String?] = []
        for p in try store.partPaths(dataset: "events") {
            for batch in try ParquetFile(path: p).readAll() {
                let s = try XCTUnwrap(batch.column(named: "user_session"))
                if let fixed = s.fixedBytesColumn {
                    let raw = try XCTUnwrap(batch.column(named: "user_session_raw")?.stringColumn)
                    for i in 0..<batch.rowCount { out.append(fixed[i].map { UUIDParser.format($0) } ?? raw[i]) }
                } else {
                    let text = try XCTUnwrap(s.stringColumn)
                    for i in 0..<batch.rowCount { out.append(text[i]) }
                }
            }
        }
        XCTAssertTrue(out.contains { $0.map { UUIDParser.parse($0) == nil } ?? false }, "raw sessions present")
        XCTAssertTrue(out.contains(nil), "NULL sessions present")
        return out
    }

    func testNewerSchemaVersionIsRefusedAndLeftAlone() throws {
        let dir = try TestPaths.temporaryDirectory(self, "schemanewer")
        let store = dir.appendingPathComponent("s").path
        try ingest(store, rowGroupRows: 1024)
        let manifestPath = StoreFiles.latestManifest(store)
        var m = try JSONDecoder().decode(DatasetManifest.self, from: Data(contentsOf: URL(fileURLWithPath: manifestPath)))
        m.schemaVersion = EventsDataset.currentSchemaVersion + 1
        try JSONEncoder().encode(m).write(to: URL(fileURLWithPath: manifestPath))
        let before = try Data(contentsOf: URL(fileURLWithPath: manifestPath))
        let r = try CLITests.run(["ingest", TestPaths.fixture("rees46/2019-Oct-head.csv").path, "--replace", "--store", store])
        XCTAssertEqual(r.status, 3, r.err)
        XCTAssertTrue(r.err.contains("events schema version \(EventsDataset.currentSchemaVersion + 1) is newer"), r.err)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: manifestPath)), before)
    }
}
