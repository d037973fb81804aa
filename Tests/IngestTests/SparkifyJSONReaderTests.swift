import Columnar
import Foundation
import Ingest
import TestSupport
import XCTest

/// The Sparkify JSON reader on the real sample and on hand-made edge cases: typed columns,
/// rejects with file, line and reason, chunking, and the generator's determinism.
final class SparkifyJSONReaderTests: XCTestCase {
    static var sample: String { TestPaths.fixture("sparkify").path }

    func readAll(_ format: SparkifyFormat, _ inputs: [String], chunkBytes: Int = 8 << 20)
        throws -> (batches: [RecordBatch], rejects: [JSONReject]) {
        let reader = SparkifyJSONReader(format: format, chunkBytes: chunkBytes, batchRows: 1000)
        var batches: [RecordBatch] = []
        var rejects: [JSONReject] = []
        for file in try SparkifyJSONReader.expandInputs(inputs) {
            rejects += try reader.read(path: file, onBatch: { batches.append($0) })
        }
        return (batches, rejects)
    }

    func write(_ text: String, _ name: String) throws -> String {
        let dir = try TestPaths.temporaryDirectory(self, "json")
        let path = dir.appendingPathComponent(name).path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    func testRealLogsAreTypedAndComplete() throws {
        let (batches, rejects) = try readAll(.logs, [Self.sample + "/log_data"])
        XCTAssertEqual(rejects, [])
        XCTAssertEqual(batches.reduce(0) { $0 + $1.rowCount }, 8056)
        let first = try XCTUnwrap(batches.first)
        XCTAssertEqual(first.schema, SparkifySchemas.logSchema)
        // First line of 2018-11-01-events.json.
        XCTAssertEqual(first.column(named: "ts")?.int64Column?[0], 1_541_105_830_796_000)
        XCTAssertEqual(first.column(named: "userId")?.stringColumn?[0], "39")
        XCTAssertEqual(first.column(named: "userIdInt")?.int64Column?[0], 39)
        XCTAssertEqual(first.column(named: "firstName")?.stringColumn?[0], "Walter")
        XCTAssertEqual(first.column(named: "sessionId")?.int64Column?[0], 38)
        XCTAssertEqual(first.column(named: "registration")?.int64Column?[0], 1_540_919_166_796_000)
        XCTAssertNil(first.column(named: "length")?.doubleColumn?[0])
        XCTAssertNil(first.column(named: "song")?.stringColumn?[0])
        XCTAssertEqual(first.column(named: "userAgent")?.stringColumn?[0],
                       "\"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_9_4) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/36.0.1985.143 Safari/537.36\"")
        XCTAssertEqual(first.column(named: "length")?.doubleColumn?[2], 246.30812)
        // Logged-out events keep userId "" and have no parsed id.
        var loggedOut = 0
        for b in batches {
            let ids = b.column(named: "userId")!.stringColumn!, ints = b.column(named: "userIdInt")!.int64Column!
            for r in 0..<b.rowCount where ids[r] == "" {
                loggedOut += 1
                XCTAssertNil(ints[r])
            }
        }
        XCTAssertEqual(loggedOut, 286)
    }

    func testRealSongsIncludingEscapedTitles() throws {
        let (batches, rejects) = try readAll(.songs, [Self.sample + "/song_data"])
        XCTAssertEqual(rejects, [])
        XCTAssertEqual(batches.reduce(0) { $0 + $1.rowCount }, 71)
        var titles: [String] = []
        for b in batches { titles += (0..<b.rowCount).compactMap { b.column(named: "title")!.stringColumn![$0] } }
        XCTAssertTrue(titles.contains("Clementina Santafè"), "\\u00e8 must be unescaped")
    }

    func testSeveralPrettyPrintedAndCompactObjectsPerFile() throws {
        let text = """
        {
          "song_id": "SO1", "title": "One", "artist_id": "AR1", "duration": 1.5, "year": 2001,
          "artist_latitude": null, "num_songs": 1
        }
        {"song_id":"SO2","title":"Two","artist_id":"AR2","year":0}{"song_id":"SO3","title":"Thr\\u00e9e","artist_id":"AR3"}
        """
        let path = try write(text, "songs.json")
        let (batches, rejects) = try readAll(.songs, [path])
        XCTAssertEqual(rejects, [])
        let b = try XCTUnwrap(batches.first)
        XCTAssertEqual(b.rowCount, 3)
        XCTAssertEqual((0..<3).map { b.column(named: "song_id")!.stringColumn![$0] }, ["SO1", "SO2", "SO3"])
        XCTAssertEqual(b.column(named: "title")?.stringColumn?[2], "Thrée")
        XCTAssertEqual(b.column(named: "duration")?.doubleColumn?[0], 1.5)
        XCTAssertEqual(b.column(named: "year")?.int32Column?[1], 0)
        XCTAssertNil(b.column(named: "year")?.int32Column?[2])
    }

    func testRejectsNameFileLineAndReasonAndKeepGoodLines() throws {
        let lines = [
            #"{"ts": 1541105830796, "userId": "39", "page": "Home", "sessionId": 38}"#,
            #"{"ts": 1541105830797, "userId": "39", "page": "Home""#,                 // 2: truncated
            #"{"ts": "1541105830798", "userId": "39"}"#,                               // 3: ts is a string
            #"{"userId": "39", "page": "Home"}"#,                                      // 4: ts missing
            #"{"ts": 1541105830799, "sessionId": 1.5}"#,                               // 5: not an integer
            "",
            #"{"ts": 1541105830800, "userId": 42, "itemInSession": 3000000000}"#,      // 7: out of Int32
            #"not json at all"#,                                                       // 8
            #"{"ts": 1541105830801, "userId": 42, "status": 200, "song": "\u00e9"}"#,  // 9: good, numeric userId
            #"{"ts": 1541105830802, "page": ["NextSong"]}"#,                           // 10: wrong type
        ]
        let path = try write(lines.joined(separator: "\n") + "\n", "2018-11-01-events.json")
        let (batches, rejects) = try readAll(.logs, [path])
        XCTAssertEqual(rejects.map(\.line), [2, 3, 4, 5, 7, 8, 10])
        XCTAssertTrue(rejects.allSatisfy { $0.source == path })
        XCTAssertTrue(rejects[0].reason.hasPrefix("malformed JSON"), rejects[0].reason)
        XCTAssertEqual(rejects[1].reason, #""ts": expected epoch milliseconds, found a string"#)
        XCTAssertEqual(rejects[2].reason, #"missing "ts""#)
        XCTAssertEqual(rejects[3].reason, #""sessionId": 1.5 is not an integer"#)
        XCTAssertTrue(rejects[4].reason.contains("out of the 32-bit range"), rejects[4].reason)
        XCTAssertEqual(rejects[6].reason, #""page": expected a string, found an array"#)
        XCTAssertEqual(rejects[1].text, lines[2])
        XCTAssertEqual(rejects[0].description, "\(path):2: \(rejects[0].reason)")
        let rows = batches.reduce(0) { $0 + $1.rowCount }
        XCTAssertEqual(rows, 2)
        let b = try XCTUnwrap(batches.last)
        XCTAssertEqual(b.column(named: "userId")?.stringColumn?[1], "42")
        XCTAssertEqual(b.column(named: "userIdInt")?.int64Column?[1], 42)
        XCTAssertEqual(b.column(named: "song")?.stringColumn?[1], "é")
        XCTAssertEqual(b.column(named: "status")?.int32Column?[1], 200)
    }

    func testSmallChunksGiveTheSameRowsAsOneChunk() throws {
        let whole = try readAll(.logs, [Self.sample + "/log_data/2018/11/2018-11-05-events.json"])
        let chunked = try readAll(.logs, [Self.sample + "/log_data/2018/11/2018-11-05-events.json"], chunkBytes: 700)
        XCTAssertEqual(chunked.rejects, [])
        func flatten(_ batches: [RecordBatch]) -> [String?] {
            batches.flatMap { b in (0..<b.rowCount).map { r in
                b.schema.names.map { name -> String in
                    let c = b.column(named: name)!
                    if let s = c.stringColumn { return s[r] ?? "null" }
                    if let i = c.int64Column { return i[r].map(String.init) ?? "null" }
                    if let i = c.int32Column { return i[r].map(String.init) ?? "null" }
                    return c.doubleColumn![r].map { "\($0)" } ?? "null"
                }.joined(separator: "|")
            } }
        }
        XCTAssertGreaterThan(whole.batches.reduce(0) { $0 + $1.rowCount }, 100)
        XCTAssertEqual(flatten(chunked.batches), flatten(whole.batches))
    }

    func testMissingInputIsAnIOError() {
        XCTAssertThrowsError(try SparkifyJSONReader.expandInputs(["/nonexistent/sparkify"])) { error in
            guard case IngestError.io = error else { return XCTFail("\(error)") }
        }
    }

    func testGeneratorIsDeterministicAndParsesWithoutRejects() throws {
        var options = SparkifyGenerator.Options()
        options.events = 3000
        options.days = 3
        options.catalogueSongs = 50
        let a = try TestPaths.temporaryDirectory(self, "gen-a").path
        let b = try TestPaths.temporaryDirectory(self, "gen-b").path
        let countA = try SparkifyGenerator(options: options).writeLogs(to: a)
        let countB = try SparkifyGenerator(options: options).writeLogs(to: b)
        XCTAssertEqual(countA, countB)
        let files = try SparkifyJSONReader.expandInputs([a])
        XCTAssertEqual(files.count, 3)
        for f in files {
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: f)),
                           try Data(contentsOf: URL(fileURLWithPath: f.replacingOccurrences(of: a, with: b))))
        }
        XCTAssertEqual(try SparkifyGenerator(options: options).writeSongs(to: a + "/songs"), 50)
        let logs = try readAll(.logs, [a + "/2018"])
        XCTAssertEqual(logs.rejects, [])
        XCTAssertEqual(logs.batches.reduce(0) { $0 + $1.rowCount }, countA)
        let songs = try readAll(.songs, [a + "/songs"])
        XCTAssertEqual(songs.rejects, [])
        XCTAssertEqual(songs.batches.reduce(0) { $0 + $1.rowCount }, 50)
        // Other seeds give other data.
        options.seed = 43
        let c = try TestPaths.temporaryDirectory(self, "gen-c").path
        try SparkifyGenerator(options: options).writeLogs(to: c)
        XCTAssertNotEqual(try Data(contentsOf: URL(fileURLWithPath: files[0])),
                          try Data(contentsOf: URL(fileURLWithPath: files[0].replacingOccurrences(of: a, with: c))))
    }
}
