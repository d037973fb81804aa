import Columnar
import Foundation
import Ingest
import TestSupport
import XCTest

/// `extract generate --format sparkify-logs|sparkify-songs`: seeded folders in the sample's
/// layout that the JSON ingest stores without a reject and the star schema matches.
final class StarSchemaGenerateTests: XCTestCase {
    func testGeneratedSparkifyDataIsReproducibleAndFlowsThroughIngestAndStarSchema() throws {
        let root = try TestPaths.temporaryDirectory(self, "sparkify-generate").path
        for (format, name) in [("sparkify-songs", "songs"), ("sparkify-logs", "logs"), ("sparkify-logs", "logs2")] {
            let r = try CLITests.run(["generate", "--format", format, "--scale", "0.02", "--seed", "5", "-o", root + "/" + name, "--quiet"])
            XCTAssertEqual(r.status, 0, r.err)
        }
        let songFiles = StarSchemaCrashTests.files(under: root + "/songs").filter { $0.hasSuffix(".json") }
        XCTAssertEqual(songFiles.count, 200, "scale 0.02: 200 catalogue songs")
        let logFiles = StarSchemaCrashTests.files(under: root + "/logs").filter { $0.hasSuffix(".json") }
        XCTAssertEqual(logFiles.count, 30)
        XCTAssertTrue(logFiles.first!.hasPrefix("2018/11/2018-11-01-events.json"), logFiles.first!)
        for f in logFiles {  // same (scale, seed): same bytes
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: root + "/logs/" + f)),
                           try Data(contentsOf: URL(fileURLWithPath: root + "/logs2/" + f)), f)
        }
        XCTAssertEqual(Set(try FileManager.default.contentsOfDirectory(atPath: root)), ["songs", "logs", "logs2"], "no temporary left")
        let again = try CLITests.run(["generate", "--format", "sparkify-logs", "-o", root + "/logs", "--quiet"])
        XCTAssertEqual(again.status, 5, "an existing folder is not overwritten (output refused): \(again.err)")
        XCTAssertEqual(try CLITests.run(["generate", "--format", "sparkify-xml", "-o", root + "/x"]).status, 2)

        let store = root + "/store"
        let s = try CLITests.run(["ingest", "--format", "sparkify-songs", root + "/songs", "--store", store])
        XCTAssertEqual(s.status, 0, s.err)
        XCTAssertTrue(s.out.contains("200 records read, 200 stored, 0 rejected"), s.out)
        let l = try CLITests.run(["ingest", "--format", "sparkify-logs", root + "/logs", "--store", store])
        XCTAssertEqual(l.status, 0, l.err)
        let m = try XCTUnwrap(try Store(path: store).manifest(dataset: "sparkify_log"))
        XCTAssertGreaterThanOrEqual(m.totalRows, 20_000)
        XCTAssertLessThan(m.totalRows, 20_500)
        XCTAssertEqual(m.sources.reduce(0) { $0 + $1.rowsRejected }, 0)
        let lake = root + "/lake"
        XCTAssertEqual(try CLITests.run(["star-schema", "--store", store, "-o", lake]).status, 0)
        let out = try InteropPython.run("""
            import duckdb, sys
            print(duckdb.sql(f"select count(*), count(song_id) from read_parquet('{sys.argv[1]}/songplays/**/*.parquet', hive_partitioning=true)").fetchall()[0])
            """, args: [lake])
        let counts = out.trimmingCharacters(in: .whitespacesAndNewlines).dropFirst().dropLast().split(separator: ",")
            .map { Int($0.trimmingCharacters(in: .whitespaces))! }
        XCTAssertGreaterThan(counts[0], 20_000 / 2, "most events are NextSong")
        XCTAssertGreaterThan(counts[1], counts[0] / 2, "most songplays name a catalogue song of the same seed")
    }

    /// Streaming across a month and a year boundary: songplays and time are written day by day
    /// into year=2018/month=12 and year=2019/month=1, every value equal to the DuckDB reference.
    func testStreamedLakeAcrossMonthsMatchesTheReference() throws {
        let root = try TestPaths.temporaryDirectory(self, "sparkify-months").path
        var o = SparkifyGenerator.Options()
        o.seed = 3
        o.events = 6000
        o.users = 120
        o.catalogueSongs = 300
        o.firstDay = 17885  // 2018-12-20
        o.days = 20
        let generator = SparkifyGenerator(options: o)
        try generator.writeSongs(to: root + "/songs")
        try generator.writeLogs(to: root + "/logs")
        let store = root + "/store"
        XCTAssertEqual(try CLITests.run(["ingest", "--format", "sparkify-songs", root + "/songs", "--store", store]).status, 0)
        XCTAssertEqual(try CLITests.run(["ingest", "--format", "sparkify-logs", root + "/logs", "--store", store]).status, 0)
        let lake = root + "/lake"
        let r = try CLITests.run(["star-schema", "--store", store, "-o", lake])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertTrue(r.out.contains("songplays: ") && r.out.contains("in 2 file(s)"), r.out)
        for table in ["songplays", "time"] {
            XCTAssertEqual(StarSchemaCrashTests.files(under: lake + "/" + table).filter { $0.hasSuffix(".parquet") },
                           ["year=2018/month=12/part-00000.parquet", "year=2019/month=1/part-00000.parquet"], table)
        }
        let out = try InteropPython.run(StarSchemaInteropTests.referenceScript,
                                        args: [root + "/songs/**/*.json", root + "/logs/**/*.json", lake])
        let checks = try JSONDecoder().decode([String: StarSchemaInteropTests.TableCheck].self, from: Data(out.utf8))
        XCTAssertEqual(Set(checks.keys), ["songplays", "users", "songs", "artists", "time"])
        for (table, check) in checks {
            XCTAssertTrue(check.duckdb_equal && check.pyarrow_equal, "\(table): \(check.first_diff ?? "")")
            XCTAssertGreaterThan(check.ref, 0, table)
        }
        XCTAssertGreaterThan(checks["songplays"]!.matched, 0)
    }
}
