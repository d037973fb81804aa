import Columnar
import Foundation
import Ingest
import TestSupport
import XCTest

/// The song catalogue is batched: thousands of one-song files become a few parts, each row
/// tagged with its file's content hash, and idempotence and `--replace` still work per file.
final class StarSchemaSongBatchTests: XCTestCase {
    func ingest(_ inputs: [String], store: String, replace: Bool = false, rowsPerPart: Int? = nil) throws -> IngestReport {
        var options = IngestOptions(encoder: ParquetPartEncoder.sparkify)
        options.replace = replace
        var ingestor = SparkifyIngestor(store: try Store(path: store, create: true), format: .songs, options: options)
        if let rowsPerPart { ingestor.songRowsPerPart = rowsPerPart }
        return try ingestor.ingest(inputs: inputs)
    }

    /// (source_hash → [song_id]) over the dataset, read by DuckDB.
    func songsBySource(_ store: String) throws -> [String: [String]] {
        let out = try InteropPython.run("""
            import duckdb, sys
            for h, s in duckdb.sql(f"select source_hash, song_id from read_parquet('{sys.argv[1]}/songs/*.parquet')").fetchall():
                print(h, s)
            """, args: [store])
        var result: [String: [String]] = [:]
        for line in out.split(separator: "\n") {
            let f = line.split(separator: " ")
            result[String(f[0]), default: []].append(String(f[1]))
        }
        return result
    }

    /// Every manifest source owns exactly the song of its file (`TRxxx.json` holds `SOxxx`).
    func assertEachSourceHoldsItsOwnSong(_ store: String, expectedSources: Int,
                                         file: StaticString = #filePath, line: UInt = #line) throws {
        let m = try XCTUnwrap(try Store(path: store).manifest(dataset: "songs"), file: file, line: line)
        XCTAssertEqual(m.sources.count, expectedSources, file: file, line: line)
        XCTAssertEqual(m.totalRows, expectedSources, file: file, line: line)
        let data = try songsBySource(store)
        XCTAssertEqual(Set(data.keys), Set(m.sources.map(\.contentHash)), file: file, line: line)
        for s in m.sources {
            let name = (s.path as NSString).lastPathComponent
            let expected = "SO" + name.dropFirst(2).dropLast(5)
            XCTAssertEqual(data[s.contentHash], [expected], s.path, file: file, line: line)
        }
        XCTAssertEqual(try StarSchemaCrashTests.assertConsistent(store, dataset: "songs", glob: "*.parquet"),
                       expectedSources, file: file, line: line)
    }

    func testThousandsOfSongFilesMakeFewPartsAndReplaceRewritesOnlyTheirParts() throws {
        let root = try TestPaths.temporaryDirectory(self, "sparkify-song-batch").path
        var o = SparkifyGenerator.Options()
        o.seed = 11
        o.catalogueSongs = 2500
        XCTAssertEqual(try SparkifyGenerator(options: o).writeSongs(to: root + "/all"), 2500)
        let all = StarSchemaCrashTests.files(under: root + "/all").filter { $0.hasSuffix(".json") }.map { root + "/all/" + $0 }
        XCTAssertEqual(all.count, 2500)
        // 2,000 files in one folder, the 500 others in a second one.
        let first = root + "/first", second = root + "/second"
        for (k, path) in all.enumerated() {
            let dir = k < 2000 ? first : second
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            try FileManager.default.moveItem(atPath: path, toPath: dir + "/" + (path as NSString).lastPathComponent)
        }
        let store = root + "/store"

        let a = try ingest([first], store: store)
        XCTAssertEqual(a.rowsStored, 2000)
        XCTAssertEqual(a.sources.filter { !$0.skipped }.count, 2000)
        var m = try XCTUnwrap(try Store(path: store).manifest(dataset: "songs"))
        XCTAssertEqual(m.allFiles.count, 1, "2,000 files, one part")
        XCTAssertTrue(m.allFiles[0].file.source.hasPrefix("batch:"))
        XCTAssertEqual(m.schema, SparkifySchemas.songDatasetSchema)
        try assertEachSourceHoldsItsOwnSong(store, expectedSources: 2000)

        // Re-ingest: a no-op, the manifest byte for byte as it was.
        let manifestPath = store + "/songs/_manifest.json"
        let before = try String(contentsOfFile: manifestPath, encoding: .utf8)
        let again = try ingest([first], store: store)
        XCTAssertTrue(again.sources.allSatisfy(\.skipped))
        XCTAssertEqual(again.sources.count, 2000)
        XCTAssertEqual(try String(contentsOfFile: manifestPath, encoding: .utf8), before)

        // 500 more, 200 rows per part: three parts.
        XCTAssertEqual(try ingest([second], store: store, rowsPerPart: 200).rowsStored, 500)
        m = try XCTUnwrap(try Store(path: store).manifest(dataset: "songs"))
        XCTAssertEqual(m.allFiles.map(\.file.rows), [2000, 200, 200, 100])
        try assertEachSourceHoldsItsOwnSong(store, expectedSources: 2500)
        let untouched = Set(m.allFiles.suffix(2).map(\.file.path))
        let rewritten = Set(m.allFiles.prefix(2).map(\.file.path))

        // --replace of three files of the big part and the first file of the second call:
        // those two parts are rewritten without the old rows, the other two kept as they are.
        let secondFiles = try FileManager.default.contentsOfDirectory(atPath: second).sorted().map { second + "/" + $0 }
        let firstFiles = try FileManager.default.contentsOfDirectory(atPath: first).sorted().map { first + "/" + $0 }
        let redo = [firstFiles[0], firstFiles[999], firstFiles[1999], secondFiles[0]]
        let r = try ingest(redo, store: store, replace: true)
        XCTAssertEqual(r.rowsStored, 4)
        m = try XCTUnwrap(try Store(path: store).manifest(dataset: "songs"))
        let paths = Set(m.allFiles.map(\.file.path))
        XCTAssertTrue(untouched.isSubset(of: paths))
        XCTAssertTrue(rewritten.isDisjoint(with: paths))
        for p in rewritten { XCTAssertFalse(FileManager.default.fileExists(atPath: store + "/songs/" + p)) }
        XCTAssertEqual(m.totalRows, 2500)
        XCTAssertEqual(m.allFiles.count, 3, "the two rewritten parts and the new rows share one new part")
        try assertEachSourceHoldsItsOwnSong(store, expectedSources: 2500)
        let redone = Set(m.sources.filter { $0.transaction == m.sources.last!.transaction }.map(\.path))
        XCTAssertEqual(redone, Set(redo))
    }
}
