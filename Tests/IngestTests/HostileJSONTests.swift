import Columnar
import Foundation
import TestSupport
import XCTest
@testable import Ingest

/// Hostile Sparkify JSON input (issue #13): results that must not depend on read sizes, and
/// timestamps that must be validated, never trapped on. Each test fails without its fix.
final class HostileJSONTests: XCTestCase {
    private func write(_ text: String, _ name: String) throws -> String {
        let path = try TestPaths.temporaryDirectory(self, "json").appendingPathComponent(name).path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Every row as text, and every reject as (line, category, text).
    private func read(_ format: SparkifyFormat, _ path: String, chunkBytes: Int) throws -> (rows: [String], rejects: [String]) {
        let reader = SparkifyJSONReader(format: format, chunkBytes: chunkBytes, batchRows: 1000)
        var rows: [String] = []
        let rejects = try reader.read(path: path, onBatch: { b in
            for r in 0..<b.rowCount {
                rows.append(b.schema.names.map { name -> String in
                    let c = b.column(named: name)!
                    if let s = c.stringColumn { return s[r] ?? "null" }
                    if let i = c.int64Column { return i[r].map(String.init) ?? "null" }
                    if let i = c.int32Column { return i[r].map(String.init) ?? "null" }
                    return c.doubleColumn![r].map { "\($0)" } ?? "null"
                }.joined(separator: "|"))
            }
        })
        return (rows, rejects.map { "\($0.line)|\($0.category)|\($0.text)" })
    }

    private func song(_ id: String, extra: String = "") -> String {
        "{\"num_songs\": 1, \"artist_id\": \"AR\(id)\", \"artist_name\": \"N\", \"song_id\": \"SO\(id)\", \"title\": \"T\(id)\", \"duration\": 1.5, \"year\": 2000\(extra)}"
    }

    /// #9: a valid songs object larger than the 8 MiB read chunk whose nested object starts a
    /// line is one song; the nested object is never taken for a song.
    func testSongObjectLargerThanAChunkWithANestedObjectStartingALine() throws {
        let padding = String(repeating: "x", count: 9 << 20)
        let nested = ",\n\"extra\":\n{\"song_id\": \"SOFAKE\", \"artist_id\": \"ARFAKE\", \"pad\": \"\(padding)\"}\n"
        let path = try write(song("1", extra: nested) + "\n" + song("2") + "\n", "big.json")
        XCTAssertGreaterThan(try FileIO.size(path), 8 << 20)
        for chunk in [8 << 20, 1 << 20] {
            let (rows, rejects) = try read(.songs, path, chunkBytes: chunk)
            XCTAssertEqual(rejects, [], "chunk \(chunk)")
            XCTAssertEqual(rows.count, 2, "chunk \(chunk)")
            XCTAssertTrue(rows.first?.hasPrefix("SO1|T1|AR1|") ?? false, rows.first.map { String($0.prefix(80)) } ?? "none")
            XCTAssertFalse(rows.contains { $0.contains("SOFAKE") })
        }
    }

    /// #9: rows and rejects are the same for every read size, on input mixing pretty-printed
    /// songs with nested objects at column 0, JSON lines, a truncated line, garbage lines,
    /// literals and numbers cut anywhere.
    func testResultDoesNotDependOnTheChunkSize() throws {
        var songs = song("1") + "\n"
        songs += "{\n\"song_id\": \"SO2\",\n\"artist_id\": \"AR2\",\n\"nested\":\n{\"a\": [1, 2, {\"b\": null}]},\n\"title\": \"x\"\n}\n"
        songs += "{\"song_id\": \"SO3\", \"artist_id\": \"AR3\", \"flag\": true, \"n\": -12.5e3\n"     // truncated object
        songs += song("4") + song("5") + "\n   \n"
        songs += "garbage line\nmore garbage\n"
        songs += "{\"song_id\": \"SO6\", \"artist_id\": \"AR6\", \"flag\": tru}\n"                  // bad literal
        songs += "{\"song_id\": \"SO7\", \"artist_id\": \"AR7\", \"year\": \"not a number\"}\n"    // type error
        songs += song("8", extra: ", \"deep\":\n{\n\"x\":\n{\"song_id\": \"SOFAKE\"}\n}") + "\n"
        songs += "{\"song_id\": \"SO9\", \"artist_id\": \"AR9\", \"title\": \"unterminated\n"
        songs += song("10")
        let path = try write(songs, "mixed.json")
        let whole = try read(.songs, path, chunkBytes: 1 << 20)
        XCTAssertEqual(whole.rows.count, 6, whole.rows.joined(separator: "\n"))
        XCTAssertEqual(whole.rejects.count, 5, whole.rejects.joined(separator: "\n"))
        XCTAssertFalse(whole.rows.contains { $0.contains("SOFAKE") })
        for chunk in [16, 17, 23, 31, 64, 100, 257, 1000] {
            let r = try read(.songs, path, chunkBytes: chunk)
            XCTAssertEqual(r.rows, whole.rows, "chunk \(chunk)")
            XCTAssertEqual(r.rejects, whole.rejects, "chunk \(chunk)")
        }
    }

    /// #11: an epoch-milliseconds value whose day number would overflow is rejected as out of
    /// range (the ingest must not trap); the bounds of years 1 and 9999 are accepted.
    func testExtremeTimestampsAreRejectedNotTrapped() throws {
        let line = try String(contentsOfFile: TestPaths.fixture("sparkify/log_data/2018/11/2018-11-30-events.json").path, encoding: .utf8)
            .split(separator: "\n")[0]
        let ts = line.range(of: #""ts":\d+"#, options: .regularExpression)!
        func with(_ value: String) -> String { line.replacingCharacters(in: ts, with: "\"ts\":\(value)") }
        let values = ["-9223372036854775", "9223372036854775", "-62135596800000", "253402300799999",
                      "-62135596800001", "253402300800000", "1543537327796"]
        let path = try write(values.map(with).joined(separator: "\n") + "\n", "ts.json")
        let (rows, rejects) = try read(.logs, path, chunkBytes: 8 << 20)
        XCTAssertEqual(rows.count, 3)
        XCTAssertEqual(rejects.count, 4)
        XCTAssertTrue(rejects.allSatisfy { $0.contains("\"ts\": out of range") }, rejects.joined(separator: "\n"))
        // Through the ingest (where the day number is computed): no trap, the store holds 3 rows.
        let store = try TestPaths.temporaryDirectory(self, "store").path
        let report = try SparkifyIngestor(store: try Store(path: store, create: true), format: .logs,
                                          options: IngestOptions(encoder: ParquetPartEncoder())).ingest(inputs: [path])
        XCTAssertEqual(report.rowsStored, 3)
        XCTAssertEqual(report.rowsRejected, 4)
        let days = try Store(path: store).manifest(dataset: "sparkify_log")!.partitions.map(\.key)
        XCTAssertEqual(days, ["date=0001-01-01", "date=2018-11-30", "date=9999-12-31"])
    }
}
