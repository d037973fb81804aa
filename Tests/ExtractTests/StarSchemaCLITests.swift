import Columnar
import Foundation
import Ingest
import Query
import TestSupport
import XCTest
@testable import extract

/// The Sparkify path through the store: JSON ingest (idempotent, rejects, --max-rejects), then
/// `extract star-schema` as a user runs it, checked against the DuckDB reference.
final class StarSchemaCLITests: XCTestCase {
    static var sample: String { TestPaths.fixture("sparkify").path }

    func ingest(_ format: SparkifyFormat, _ inputs: [String], store: String, replace: Bool = false,
                maxRejects: Int? = nil) throws -> IngestReport {
        var options = IngestOptions(encoder: ParquetPartEncoder.sparkify)
        options.replace = replace
        options.maxRejects = maxRejects
        return try SparkifyIngestor(store: try Store(path: store, create: true), format: format, options: options)
            .ingest(inputs: inputs)
    }

    func manifestText(_ store: String, _ dataset: String) throws -> String {
        try String(contentsOfFile: store + "/" + dataset + "/_manifest.json", encoding: .utf8)
    }

    func testIngestIsIdempotentAndTheStarSchemaFromTheStoreMatchesTheReference() throws {
        let root = try TestPaths.temporaryDirectory(self, "sparkify-store").path
        let store = root + "/store"
        let songs = try ingest(.songs, [Self.sample + "/song_data"], store: store)
        XCTAssertEqual(songs.rowsStored, 71)
        XCTAssertEqual(songs.sources.count, 71)
        let logs = try ingest(.logs, [Self.sample + "/log_data"], store: store)
        XCTAssertEqual(logs.rowsStored, 8056)
        XCTAssertEqual(logs.rowsRejected, 0)
        let manifest = try XCTUnwrap(try Store(path: store).manifest(dataset: "sparkify_log"))
        XCTAssertEqual(manifest.partitions.count, 30)
        XCTAssertEqual(manifest.partitions.first?.key, "date=2018-11-01")
        XCTAssertEqual(manifest.totalRows, 8056)
        XCTAssertEqual(manifest.schema, SparkifySchemas.logSchema)

        // Same content again: a no-op that leaves the manifests byte for byte as they were.
        let before = try manifestText(store, "sparkify_log") + manifestText(store, "songs")
        let again = try ingest(.logs, [Self.sample + "/log_data"], store: store)
        XCTAssertTrue(again.sources.allSatisfy(\.skipped))
        XCTAssertEqual(try ingest(.songs, [Self.sample + "/song_data"], store: store).rowsStored, 0)
        XCTAssertEqual(try manifestText(store, "sparkify_log") + manifestText(store, "songs"), before)
        // --replace redoes a source without duplicating its rows.
        let day = Self.sample + "/log_data/2018/11/2018-11-05-events.json"
        XCTAssertGreaterThan(try ingest(.logs, [day], store: store, replace: true).rowsStored, 0)
        XCTAssertEqual(try Store(path: store).manifest(dataset: "sparkify_log")?.totalRows, 8056)

        // The CLI builds the lake from the store; DuckDB and pyarrow read it like the reference.
        let lake = root + "/lake"
        let r = try CLITests.run(["star-schema", "--store", store, "--output", lake])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertTrue(r.out.contains("songplays: 6820 rows"), r.out)
        let out = try InteropPython.run(StarSchemaInteropTests.referenceScript,
                                        args: [Self.sample + "/song_data/**/*.json", Self.sample + "/log_data/**/*.json", lake])
        let checks = try JSONDecoder().decode([String: StarSchemaInteropTests.TableCheck].self, from: Data(out.utf8))
        for (table, check) in checks {
            XCTAssertTrue(check.duckdb_equal && check.pyarrow_equal, "\(table): \(check.first_diff ?? "")")
            XCTAssertEqual(check.duckdb, check.ref, table)
        }

        // A window: only its days are read, re-running replaces the lake.
        let w = try CLITests.run(["star-schema", "--store", store, "-o", lake, "--start", "2018-11-10 00:00:00",
                                  "--end", "2018-11-20 12:00:00"])
        XCTAssertEqual(w.status, 0, w.err)
        let windowed = try InteropPython.run(StarSchemaInteropTests.referenceScript, args: [
            Self.sample + "/song_data/**/*.json", Self.sample + "/log_data/**/*.json", lake,
            String(CivilTime.parseStrict("2018-11-10 00:00:00")!), String(CivilTime.parseStrict("2018-11-20 12:00:00")!),
        ])
        let wc = try JSONDecoder().decode([String: StarSchemaInteropTests.TableCheck].self, from: Data(windowed.utf8))
        XCTAssertEqual(wc["songplays"]?.duckdb_equal, true, wc["songplays"]?.first_diff ?? "")
        XCTAssertLessThan(wc["songplays"]!.ref, 6820)
        XCTAssertEqual(Set(try FileManager.default.contentsOfDirectory(atPath: root)), ["store", "lake"])
    }

    func testRejectsAreRecordedWithLineAndMaxRejectsLeavesTheStoreUnchanged() throws {
        let root = try TestPaths.temporaryDirectory(self, "sparkify-rejects").path
        let store = root + "/store"
        let input = root + "/logs"
        try FileManager.default.createDirectory(atPath: input, withIntermediateDirectories: true)
        let good = #"{"ts":1541105830796,"userId":"39","page":"NextSong","sessionId":38,"itemInSession":0}"#
        let text = [good, #"{"ts":"oops","userId":"39"}"#, #"{"ts":1541105830797,"#, good.replacingOccurrences(of: "796", with: "900")]
            .joined(separator: "\n")
        try Data(text.utf8).write(to: URL(fileURLWithPath: input + "/a.json"))

        XCTAssertThrowsError(try ingest(.logs, [input], store: store, maxRejects: 1)) { error in
            guard case IngestError.tooManyRejects(_, 2, 1) = error else { return XCTFail("\(error)") }
        }
        XCTAssertNil(try Store(path: store).manifest(dataset: "sparkify_log"), "nothing committed")
        let dayDir = store + "/sparkify_log/date=2018-11-01"
        let leftovers = (try? FileManager.default.contentsOfDirectory(atPath: dayDir)) ?? []
        XCTAssertEqual(leftovers, [], "no part file left behind")

        let report = try ingest(.logs, [input], store: store, maxRejects: 2)
        XCTAssertEqual(report.rowsStored, 2)
        XCTAssertEqual(report.rowsRejected, 2)
        let source = try XCTUnwrap(report.sources.first)
        XCTAssertEqual(source.reasons, [#""ts": wrong type"#: 1, "malformed JSON": 1])
        let rejects = try String(contentsOfFile: store + "/" + source.rejectsFile!, encoding: .utf8)
        let lines = rejects.split(separator: "\n")
        XCTAssertEqual(lines.first, "source,line,kind,reason,raw")
        XCTAssertTrue(lines[1].hasPrefix("\"\(input)/a.json\",2,REJECTED,"), String(lines[1]))
        XCTAssertTrue(lines[2].hasPrefix("\"\(input)/a.json\",3,REJECTED,\"malformed JSON"), String(lines[2]))
        XCTAssertTrue(rejects.contains(#""{""ts"":""oops"",""userId"":""39""}""#), rejects)
        let manifest = try XCTUnwrap(try Store(path: store).manifest(dataset: "sparkify_log"))
        XCTAssertEqual(manifest.sources.first?.rowsRejected, 2)
        XCTAssertEqual(manifest.sources.first?.rejectsFile, source.rejectsFile)
    }

    func testIngestEntryPointForTheCLI() throws {
        let store = try TestPaths.temporaryDirectory(self, "sparkify-entry").path + "/store"
        try runSparkifyIngest(format: .sparkifySongs, inputs: [Self.sample + "/song_data/A/A"], store: store,
                              quiet: true, replace: false, maxRejects: nil)
        let manifest = try XCTUnwrap(try Store(path: store).manifest(dataset: "songs"))
        XCTAssertGreaterThan(manifest.totalRows, 0)
        XCTAssertEqual(manifest.partitions.map(\.key), [""])
        XCTAssertThrowsError(try runSparkifyIngest(format: .rees46, inputs: ["x"], store: store, quiet: true,
                                                   replace: false, maxRejects: nil)) { error in
            XCTAssertEqual(ErrorReporting.exitCode(for: error).code, 2)
        }
        XCTAssertThrowsError(try runSparkifyIngest(format: .sparkifyLogs, inputs: ["/nonexistent"], store: store,
                                                   quiet: true, replace: false, maxRejects: nil)) { error in
            XCTAssertEqual(ErrorReporting.exitCode(for: error).code, 3)
        }
    }

    func testStarSchemaCommandErrors() throws {
        let root = try TestPaths.temporaryDirectory(self, "sparkify-errors").path
        var r = try CLITests.run(["star-schema", "--store", root + "/nostore", "-o", root + "/lake"])
        XCTAssertEqual(r.status, 3, r.err)
        r = try CLITests.run(["star-schema", "--store", root, "-o", root + "/lake"])
        XCTAssertEqual(r.status, 3, r.err)
        XCTAssertTrue(r.err.contains("sparkify_log"), r.err)
        r = try CLITests.run(["star-schema", "--store", root, "-o", root + "/lake", "--start", "2018-13-01"])
        XCTAssertEqual(r.status, 2, r.err)
        r = try CLITests.run(["star-schema", "--store", root, "-o", root + "/lake", "--start", "2018-11-02", "--end", "2018-11-01"])
        XCTAssertEqual(r.status, 2, r.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: root + "/lake"))
    }
}
