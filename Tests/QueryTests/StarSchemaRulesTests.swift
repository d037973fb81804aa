import Columnar
import Foundation
@testable import Query
import TestSupport
import XCTest

/// The star-schema rules of docs/star-schema.md on small hand-made batches (each ambiguity of
/// the data has a case here), plus the calendar fields, songplay ids, Hive escaping and the
/// atomic lake swap.
final class StarSchemaRulesTests: XCTestCase {
    struct Event {
        var ts: Int64  // epoch ms
        var userId: String? = "7"
        var session: Int64? = 1
        var item: Int32? = 0
        var page = "NextSong"
        var level = "free"
        var first: String? = "Ann"
        var last: String? = "Lee"
        var gender: String? = "F"
        var song: String? = nil
        var artist: String? = nil
        var length: Double? = nil
        var location: String? = "Here"
        var agent: String? = "Agent"
    }

    func logBatch(_ events: [Event]) throws -> RecordBatch {
        func s(_ f: (Event) -> String?) -> AnyColumn { .string(StringColumn(events.map(f))) }
        var ts = FixedWidthColumn<Int64>(), uid = FixedWidthColumn<Int64>(), sid = FixedWidthColumn<Int64>()
        var item = FixedWidthColumn<Int32>(), length = FixedWidthColumn<Double>()
        for e in events {
            ts.append(e.ts * 1000, placeholder: 0)
            uid.append(e.userId.flatMap { Int64($0) }, placeholder: 0)
            sid.append(e.session, placeholder: 0)
            item.append(e.item, placeholder: 0)
            length.append(e.length, placeholder: 0)
        }
        let schema = Schema([
            Field("ts", .timestampMicros, nullable: false), Field("userId", .string), Field("userIdInt", .int64),
            Field("sessionId", .int64), Field("itemInSession", .int32), Field("page", .string), Field("level", .string),
            Field("firstName", .string), Field("lastName", .string), Field("gender", .string), Field("song", .string),
            Field("artist", .string), Field("length", .double), Field("location", .string), Field("userAgent", .string),
        ])
        return try RecordBatch(schema: schema, columns: [
            .int64(ts), s(\.userId), .int64(uid), .int64(sid), .int32(item), s { $0.page }, s { $0.level }, s(\.first),
            s(\.last), s(\.gender), s(\.song), s(\.artist), .double(length), s(\.location), s(\.agent),
        ])
    }

    struct Song {
        var id: String
        var title: String?
        var artistId: String
        var artistName: String?
        var location: String? = nil
        var lat: Double? = nil
        var lon: Double? = nil
        var duration: Double? = 200
        var year: Int32? = 2000
    }

    func songBatch(_ songs: [Song]) throws -> RecordBatch {
        func s(_ f: (Song) -> String?) -> AnyColumn { .string(StringColumn(songs.map(f))) }
        func d(_ f: (Song) -> Double?) -> AnyColumn {
            var c = FixedWidthColumn<Double>()
            for x in songs { c.append(f(x), placeholder: 0) }
            return .double(c)
        }
        var year = FixedWidthColumn<Int32>()
        for x in songs { year.append(x.year, placeholder: 0) }
        let schema = Schema([
            Field("song_id", .string, nullable: false), Field("title", .string), Field("artist_id", .string, nullable: false),
            Field("artist_name", .string), Field("artist_location", .string), Field("artist_latitude", .double),
            Field("artist_longitude", .double), Field("duration", .double), Field("year", .int32),
        ])
        return try RecordBatch(schema: schema, columns: [
            s { $0.id }, s(\.title), s { $0.artistId }, s(\.artistName), s(\.location), d(\.lat), d(\.lon), d(\.duration),
            .int32(year),
        ])
    }

    func strings(_ batch: RecordBatch, _ name: String) -> [String?] {
        let c = batch.column(named: name)!.stringColumn!
        return (0..<c.count).map { c[$0] }
    }

    func ints(_ batch: RecordBatch, _ name: String) -> [Int64?] {
        if let c = batch.column(named: name)!.int64Column { return (0..<c.count).map { c[$0] } }
        let c = batch.column(named: name)!.int32Column!
        return (0..<c.count).map { c[$0].map(Int64.init) }
    }

    func testSongMatchingNeedsTitleArtistAndDurationWithinOneSecond() throws {
        let songs = try songBatch([
            Song(id: "SO2", title: "Song", artistId: "AR1", artistName: "Band", duration: 200.0),
            Song(id: "SO1", title: "Song", artistId: "AR1", artistName: "Band", duration: 200.6),
            Song(id: "SO3", title: "Other", artistId: "AR2", artistName: "Band", duration: 100),
        ])
        let logs = try logBatch([
            Event(ts: 1000, item: 0, song: "Song", artist: "Band", length: 200.5),   // SO1 (0.1) beats SO2 (0.5)
            Event(ts: 2000, item: 1, song: "Song", artist: "Band", length: 201.0),   // SO1 (0.4)
            Event(ts: 3000, item: 2, song: "Song", artist: "Band", length: 201.7),   // none: SO1 is 1.1 away
            Event(ts: 4000, item: 3, song: "song", artist: "Band", length: 200.0),   // case differs: none
            Event(ts: 5000, item: 4, song: "Other", artist: "Band", length: nil),    // no length: none
            Event(ts: 6000, item: 5, song: "Song", artist: "Band", length: 199.0),   // SO2 exactly 1.0 away
            Event(ts: 7000, item: 6, page: "Home"),                                  // not a songplay
        ])
        let t = try StarSchema.build(logs: [logs], songs: [songs])
        XCTAssertEqual(t.songplays.rowCount, 6)
        XCTAssertEqual(strings(t.songplays, "song_id"), ["SO1", "SO1", nil, nil, nil, "SO2"])
        XCTAssertEqual(strings(t.songplays, "artist_id"), ["AR1", "AR1", nil, nil, nil, "AR1"])
        XCTAssertEqual(ints(t.songplays, "start_time"), [1_000_000, 2_000_000, 3_000_000, 4_000_000, 5_000_000, 6_000_000])
    }

    func testUsersTakeTheLatestEventAndSkipLoggedOutOnes() throws {
        let logs = try logBatch([
            Event(ts: 5000, userId: "7", session: 2, item: 0, page: "Home", level: "paid", first: "Annie"),
            Event(ts: 1000, userId: "7", session: 1, item: 0, level: "free"),
            Event(ts: 5000, userId: "7", session: 2, item: 1, page: "Logout", level: "paid", first: "Ann"),  // latest
            Event(ts: 3000, userId: "", session: 9, item: 0, page: "Home", first: nil, last: nil, gender: nil),
            Event(ts: 4000, userId: "12", session: 3, item: 0, level: "free", first: "Bo", last: "Ek", gender: "M"),
        ])
        let t = try StarSchema.build(logs: [logs], songs: [try songBatch([])])
        XCTAssertEqual(ints(t.users, "user_id"), [7, 12])
        XCTAssertEqual(strings(t.users, "level"), ["paid", "free"])
        XCTAssertEqual(strings(t.users, "first_name"), ["Ann", "Bo"])
        XCTAssertEqual(strings(t.users, "gender"), ["F", "M"])
        // Across batches (store order): an exact tie goes to the later batch, an older event never wins.
        let b1 = try logBatch([Event(ts: 9000, userId: "7", session: 3, item: 1, page: "Home", level: "free", first: "First")])
        let b2 = try logBatch([Event(ts: 9000, userId: "7", session: 3, item: 1, page: "Home", level: "paid", first: "Second"),
                               Event(ts: 8000, userId: "7", session: 3, item: 0, page: "Home", level: "free", first: "Old")])
        let across = try StarSchema.build(logs: [b1, b2], songs: [try songBatch([])])
        XCTAssertEqual(strings(across.users, "first_name"), ["Second"])
        XCTAssertEqual(strings(across.users, "level"), ["paid"])
        // Songplays keep a null user_id for an event without a numeric userId.
        let anonymous = try logBatch([Event(ts: 1, userId: "")])
        let a = try StarSchema.build(logs: [anonymous], songs: [try songBatch([])])
        XCTAssertEqual(ints(a.songplays, "user_id"), [nil])
        XCTAssertEqual(a.users.rowCount, 0)
    }

    func testDuplicateSongsAndConflictingArtistRecords() throws {
        let songs = try songBatch([
            Song(id: "SO1", title: "B", artistId: "AR1", artistName: "X", duration: 10),
            Song(id: "SO1", title: "A", artistId: "AR1", artistName: "X", duration: 12),   // kept: smallest title
            Song(id: "SO2", title: "C", artistId: "AR1", artistName: "X", location: "Paris", lat: 1, lon: 2),  // most complete
            Song(id: "SO3", title: "D", artistId: "AR1", artistName: "X", location: ""),
            Song(id: "SO4", title: "E", artistId: "AR2", artistName: "Y", location: "", lat: nil),
            Song(id: "SO0", title: "F", artistId: "AR2", artistName: "Y", location: "", lat: nil),   // tie: smallest song_id
        ])
        let t = try StarSchema.build(logs: [try logBatch([])], songs: [songs])
        XCTAssertEqual(strings(t.songs, "song_id"), ["SO0", "SO1", "SO2", "SO3", "SO4"])
        XCTAssertEqual(strings(t.songs, "title"), ["F", "A", "C", "D", "E"])
        XCTAssertEqual(t.songs.column(named: "duration")?.doubleColumn?[1], 12)
        XCTAssertEqual(strings(t.artists, "artist_id"), ["AR1", "AR2"])
        XCTAssertEqual(strings(t.artists, "location"), ["Paris", ""])
        XCTAssertEqual(t.artists.column(named: "latitude")?.doubleColumn?[0], 1)
        XCTAssertNil(t.artists.column(named: "latitude")?.doubleColumn?[1])
    }

    func testWindowAndTimeTable() throws {
        // 2018-11-15 (Thursday) 10:20:30 UTC and 2018-12-31 (Monday) 23:00:00 UTC, twice.
        let a: Int64 = 1_542_277_230_000, b: Int64 = 1_546_297_200_000
        let logs = try logBatch([Event(ts: a, item: 0), Event(ts: b, item: 1), Event(ts: b, item: 2), Event(ts: 1000, item: 3)])
        let window = try TimeWindow(start: "2018-11-01 00:00:00", end: "2018-12-31 23:00:00")
        let t = try StarSchema.build(logs: [logs], songs: [try songBatch([])], window: window)
        XCTAssertEqual(t.songplays.rowCount, 3, "the 1970 event is outside the window")
        XCTAssertEqual(ints(t.time, "start_time"), [a * 1000, b * 1000])
        XCTAssertEqual(ints(t.time, "hour"), [10, 23])
        XCTAssertEqual(ints(t.time, "day"), [15, 31])
        XCTAssertEqual(ints(t.time, "week"), [46, 1])
        XCTAssertEqual(ints(t.time, "month"), [11, 12])
        XCTAssertEqual(ints(t.time, "year"), [2018, 2018])
        XCTAssertEqual(ints(t.time, "weekday"), [4, 1])
        XCTAssertEqual(ints(t.songplays, "year"), [2018, 2018, 2018])
        XCTAssertEqual(ints(t.songplays, "month"), [11, 12, 12])
    }

    func testISOWeeksAndWeekdaysAtYearBoundaries() {
        func micros(_ y: Int64, _ m: Int64, _ d: Int64) -> Int64 { CivilTime.daysFromCivil(year: y, month: m, day: d) * CivilTime.microsPerDay }
        // Expected values from Python's date.isocalendar().
        let cases: [(Int64, Int64, Int64, Int32, Int32)] = [
            (2018, 12, 31, 1, 1), (2021, 1, 3, 53, 7), (2020, 12, 31, 53, 4), (2018, 11, 15, 46, 4), (2016, 1, 1, 53, 5),
            (1969, 12, 31, 1, 3),
        ]
        for (y, m, d, week, weekday) in cases {
            let f = TimeFields(micros: micros(y, m, d))
            XCTAssertEqual(f.week, week, "\(y)-\(m)-\(d)")
            XCTAssertEqual(f.weekday, weekday, "\(y)-\(m)-\(d)")
            XCTAssertEqual(f.year, Int32(y))
        }
    }

    func testSongplayIDIsFNV1aOfTheEventKey() {
        // FNV-1a 64 of "1541106106796|8|139|1", computed independently in Python.
        let id = Array("8".utf8).withUnsafeBytes { SongplayID.make(tsMillis: 1_541_106_106_796, userId: $0, sessionId: 139, itemInSession: 1) }
        XCTAssertEqual(id, 6_215_680_172_050_043_608)
    }

    func testHivePartitionValuesAreEscapedLikeSpark() {
        XCTAssertEqual(HivePartitioning.escape("AR5KOSW1187FB35FF4"), "AR5KOSW1187FB35FF4")
        XCTAssertEqual(HivePartitioning.escape("a/b=c%d"), "a%2Fb%3Dc%25d")
        XCTAssertEqual(HivePartitioning.escape("x:y?\n"), "x%3Ay%3F%0A")
        XCTAssertEqual(HivePartitioning.escape("café"), "café")
        XCTAssertEqual(HivePartitioning.escape(nil), "__HIVE_DEFAULT_PARTITION__")
        XCTAssertEqual(HivePartitioning.escape(""), "__HIVE_DEFAULT_PARTITION__")
    }

    func testLakeIsReplacedAtomicallyAndLeavesNothingBehind() throws {
        let root = try TestPaths.temporaryDirectory(self, "lake").path
        let lake = root + "/lake"
        let songs = try songBatch([Song(id: "SO1", title: "T", artistId: "AR/1", artistName: "A", year: nil)])
        let first = try StarSchema.build(logs: [try logBatch([Event(ts: 1000)])], songs: [songs])
        var summary = try StarSchemaLake.write(first, to: lake)
        XCTAssertEqual(summary.rows["songplays"], 1)
        XCTAssertTrue(FileManager.default.fileExists(atPath: lake + "/songs/year=__HIVE_DEFAULT_PARTITION__/artist_id=AR%2F1/part-00000.parquet"))
        XCTAssertTrue(FileManager.default.fileExists(atPath: lake + "/songplays/year=1970/month=1/part-00000.parquet"))
        XCTAssertTrue(FileManager.default.fileExists(atPath: lake + "/users/_SUCCESS"))
        let marker = lake + "/songplays/stale.txt"
        _ = FileManager.default.createFile(atPath: marker, contents: Data())
        let second = try StarSchema.build(logs: [try logBatch([Event(ts: 1000), Event(ts: 90_000_000_000, item: 1)])], songs: [songs])
        summary = try StarSchemaLake.write(second, to: lake)
        XCTAssertEqual(summary.rows["songplays"], 2)
        XCTAssertFalse(FileManager.default.fileExists(atPath: marker), "the old lake is gone")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: root), ["lake"], "no temporary or old folder left")
        XCTAssertEqual(Set(try FileManager.default.contentsOfDirectory(atPath: lake + "/songplays")), ["_SUCCESS", "year=1970", "year=1972"])
        // The files are readable Parquet with the partition columns left out.
        let file = try ParquetFile(path: lake + "/songplays/year=1972/month=11/part-00000.parquet")
        let batch = try XCTUnwrap(try file.readAll().first)
        XCTAssertEqual(batch.schema.names, ["songplay_id", "start_time", "user_id", "level", "song_id", "artist_id", "session_id",
                                            "location", "user_agent"])
        XCTAssertEqual(batch.rowCount, 1)
        // A file in the way is an output error, and is left alone.
        let blocker = root + "/blocker"
        _ = FileManager.default.createFile(atPath: blocker, contents: Data("x".utf8))
        XCTAssertThrowsError(try StarSchemaLake.write(second, to: blocker)) { error in
            guard case QueryError.outputNotWritable = error else { return XCTFail("\(error)") }
        }
        XCTAssertEqual(try String(contentsOfFile: blocker, encoding: .utf8), "x")
        XCTAssertEqual(Set(try FileManager.default.contentsOfDirectory(atPath: root)), ["lake", "blocker"])
    }
    func testInterruptedWritesAreCleanedUpAndAMissingLakeIsRestored() throws {
        let root = try TestPaths.temporaryDirectory(self, "lake-recover").path
        let fm = FileManager.default
        let dead = 4_194_304 + 7  // above Linux's pid_max: no such process
        // A crash between "rename LAKE away" and "rename new in": the old lake is hidden.
        try fm.createDirectory(atPath: root + "/.lake.old-\(dead)/users", withIntermediateDirectories: true)
        _ = fm.createFile(atPath: root + "/.lake.old-\(dead)/users/marker", contents: Data())
        // Every lake this tool writes carries its marker (the next write replaces only such a lake).
        _ = fm.createFile(atPath: root + "/.lake.old-\(dead)/" + LakeMarker.fileName, contents: Data(LakeMarker.contents))
        try fm.createDirectory(atPath: root + "/.lake.tmp-\(dead)/songs", withIntermediateDirectories: true)
        // A live process's temporary folder (this test's own pid counts as live for others).
        try fm.createDirectory(atPath: root + "/.lake.tmp-1", withIntermediateDirectories: true)
        try StarSchemaLake.recover(lake: root + "/lake")
        XCTAssertTrue(fm.fileExists(atPath: root + "/lake/users/marker"), "the previous lake is back")
        XCTAssertEqual(Set(try fm.contentsOfDirectory(atPath: root)), ["lake", ".lake.tmp-1"])
        // A crash after the swap: the old lake is left beside the new one; the next write removes it.
        try fm.createDirectory(atPath: root + "/.lake.old-\(dead)", withIntermediateDirectories: true)
        let tables = try StarSchema.build(logs: [try logBatch([Event(ts: 1000)])], songs: [try songBatch([])])
        _ = try StarSchemaLake.write(tables, to: root + "/lake")
        XCTAssertEqual(Set(try fm.contentsOfDirectory(atPath: root)), ["lake", ".lake.tmp-1"])
        XCTAssertFalse(fm.fileExists(atPath: root + "/lake/users/marker"))
        XCTAssertTrue(fm.fileExists(atPath: root + "/lake/users/part-00000.parquet"))
        // An empty unpartitioned table still has one (empty) file with its schema.
        let artists = try ParquetFile(path: root + "/lake/artists/part-00000.parquet")
        XCTAssertEqual(try artists.readAll().reduce(0) { $0 + $1.rowCount }, 0)
        XCTAssertEqual(artists.schema, StarSchemaLayout.artists.schema)
        XCTAssertEqual(Set(try fm.contentsOfDirectory(atPath: root + "/lake/songs")), ["_SUCCESS"])
    }
}
