import Columnar
import Foundation
import Ingest
import Query
import TestSupport
import XCTest

/// The star schema built by `extract` against an independent DuckDB SQL implementation of the
/// same rules (docs/star-schema.md) reading the raw JSON with `read_json`; the lake is read back
/// both by DuckDB (`hive_partitioning=true`) and by `pyarrow.dataset(..., partitioning='hive')`.
final class StarSchemaInteropTests: XCTestCase {
    /// The reference: argv = songs glob, logs glob, lake, [window start micros, end micros].
    /// Prints one JSON object: per table the row counts of reference / DuckDB / pyarrow reads and
    /// whether every value is equal.
    static let referenceScript = #"""
import sys, json, duckdb, pyarrow.dataset as ds
songs_glob, logs_glob, lake = sys.argv[1], sys.argv[2], sys.argv[3]
win = (int(sys.argv[4]), int(sys.argv[5])) if len(sys.argv) > 5 else None
c = duckdb.connect()
c.execute("SET TimeZone='UTC'")
c.execute(f"""create table logs as select * from read_json(?, format='newline_delimited', columns={{
 'artist':'VARCHAR','auth':'VARCHAR','firstName':'VARCHAR','gender':'VARCHAR','itemInSession':'BIGINT',
 'lastName':'VARCHAR','length':'DOUBLE','level':'VARCHAR','location':'VARCHAR','method':'VARCHAR','page':'VARCHAR',
 'registration':'DOUBLE','sessionId':'BIGINT','song':'VARCHAR','status':'BIGINT','ts':'BIGINT','userAgent':'VARCHAR',
 'userId':'VARCHAR'}})""", [logs_glob])
if win:
    c.execute("delete from logs where ts*1000 < ? or ts*1000 > ?", [win[0], win[1]])
c.execute("""create table songs_raw as select * from read_json(?, format='auto', columns={
 'num_songs':'BIGINT','artist_id':'VARCHAR','artist_latitude':'DOUBLE','artist_longitude':'DOUBLE',
 'artist_location':'VARCHAR','artist_name':'VARCHAR','song_id':'VARCHAR','title':'VARCHAR','duration':'DOUBLE','year':'BIGINT'})""", [songs_glob])
c.execute("""create table ev as select row_number() over () as eid, *,
  case when regexp_full_match(userId, '-?[0-9]{1,18}') then userId::BIGINT end as uid from logs""")
c.execute("""create table songs_d as select * exclude (rn) from (select *, row_number() over (partition by song_id
  order by title asc nulls last, artist_id, year asc nulls last, duration asc nulls last) rn from songs_raw) where rn = 1""")
c.execute("""create table ref_songs as select song_id, title, artist_id, year, duration from songs_d""")
c.execute("""create table ref_artists as select artist_id, artist_name as name, artist_location as location,
  artist_latitude as latitude, artist_longitude as longitude from (select *, row_number() over (partition by artist_id order by
  ((coalesce(artist_name,'') <> '')::INT + (coalesce(artist_location,'') <> '')::INT + (artist_latitude is not null)::INT
   + (artist_longitude is not null)::INT) desc, song_id, artist_name nulls last, artist_location nulls last,
   artist_latitude nulls last, artist_longitude nulls last) rn from songs_raw) where rn = 1""")
c.execute("""create table matches as select eid, song_id, artist_id from (select e.eid, s.song_id, s.artist_id,
  row_number() over (partition by e.eid order by abs(s.duration - e.length), s.song_id) rn
  from ev e join songs_d s on s.title = e.song and s.artist_name = e.artist and abs(s.duration - e.length) <= 1
  where e.page = 'NextSong') where rn = 1""")
c.execute("""create table ref_songplays as select e.ts, e.userId, e.sessionId, e.itemInSession,
  e.ts * 1000 as start_time, e.uid as user_id, e.level, m.song_id, m.artist_id, e.sessionId as session_id,
  e.location, e.userAgent as user_agent, year(make_timestamp(e.ts*1000)) as year, month(make_timestamp(e.ts*1000)) as month
  from ev e left join matches m using (eid) where e.page = 'NextSong'""")
c.execute("""create table ref_users as select uid as user_id, firstName as first_name, lastName as last_name, gender, level
  from (select *, row_number() over (partition by uid order by ts desc, sessionId desc nulls last, itemInSession desc nulls last, eid desc) rn
  from ev where uid is not null) where rn = 1""")
c.execute("""create table ref_time as select t as start_time, hour(ts) as hour, day(ts) as day, week(ts) as week,
  month(ts) as month, year(ts) as year, isodow(ts) as weekday from (select distinct start_time as t,
  make_timestamp(start_time) as ts from ref_songplays)""")

def fnv(ts, uid, sid, item):
    h = 0xcbf29ce484222325
    text = f"{ts}|{uid if uid is not None else ''}|{'' if sid is None else sid}|{'' if item is None else item}"
    for b in text.encode():
        h ^= b
        h = (h * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return h - (1 << 64) if h >= 1 << 63 else h

cols = {
 'songplays': ['songplay_id','start_time','user_id','level','song_id','artist_id','session_id','location','user_agent','year','month'],
 'users': ['user_id','first_name','last_name','gender','level'],
 'songs': ['song_id','title','artist_id','year','duration'],
 'artists': ['artist_id','name','location','latitude','longitude'],
 'time': ['start_time','hour','day','week','month','year','weekday'],
}
def norm(v):
    if hasattr(v, 'timestamp'):
        return round(v.timestamp() * 1_000_000)
    return v
def key(r):
    return tuple((x is None, x if x is not None else 0) if not isinstance(x, str) else (False, x) for x in r)
ref = {}
rows = c.execute("select ts, userId, sessionId, itemInSession, start_time, user_id, level, song_id, artist_id, session_id, location, user_agent, year, month from ref_songplays").fetchall()
ref['songplays'] = [(fnv(r[0], r[1], r[2], r[3]),) + tuple(r[4:]) for r in rows]
for t in ['users','songs','artists','time']:
    ref[t] = c.execute(f"select {', '.join(cols[t])} from ref_{t}").fetchall()
out = {}
for t, names in cols.items():
    d = duckdb.connect(); d.execute("SET TimeZone='UTC'")
    sel = ', '.join(f'"{n}"' for n in names)
    duck = [tuple(norm(v) for v in r) for r in d.execute(f"select {sel} from read_parquet('{lake}/{t}/**/*.parquet', hive_partitioning=true)").fetchall()]
    tab = ds.dataset(f"{lake}/{t}", format='parquet', partitioning='hive').to_table()
    arrow = [tuple(norm(v) for v in r) for r in zip(*[tab.column(n).to_pylist() for n in names])] if tab.num_rows else []
    a, b, e = sorted(ref[t], key=key), sorted(duck, key=key), sorted(arrow, key=key)
    first = next((str((x, y)) for x, y in zip(a, b) if x != y), None)
    out[t] = {'ref': len(a), 'duckdb': len(b), 'pyarrow': len(e), 'duckdb_equal': a == b, 'pyarrow_equal': a == e,
              'first_diff': first, 'matched': sum(1 for r in a if t == 'songplays' and r[4] is not None)}
print(json.dumps(out))
"""#

    struct TableCheck: Decodable {
        let ref: Int
        let duckdb: Int
        let pyarrow: Int
        let duckdb_equal: Bool
        let pyarrow_equal: Bool
        let first_diff: String?
        let matched: Int
    }

    /// Reads every JSON file under `dir` with the Sparkify reader; fails on any reject.
    static func read(_ format: SparkifyFormat, _ dir: String) throws -> [RecordBatch] {
        let reader = SparkifyJSONReader(format: format)
        var batches: [RecordBatch] = []
        for file in try SparkifyJSONReader.expandInputs([dir]) {
            let rejects = try reader.read(path: file, onBatch: { batches.append($0) })
            XCTAssertEqual(rejects, [], file)
        }
        return batches
    }

    /// Builds and writes the lake, runs the reference and returns its per-table verdicts.
    func buildAndCompare(songs: String, logs: String, window: TimeWindow? = nil) throws -> [String: TableCheck] {
        let songBatches = try Self.read(.songs, songs)
        let logBatches = try Self.read(.logs, logs)
        let tables = try StarSchema.build(logs: logBatches, songs: songBatches, window: window)
        let lake = try TestPaths.temporaryDirectory(self, "lake").appendingPathComponent("lake").path
        _ = try StarSchemaLake.write(tables, to: lake)
        var args = [songs + "/**/*.json", logs + "/**/*.json", lake]
        if let window { args += [String(window.startMicros), String(window.endMicros)] }
        let out = try InteropPython.run(Self.referenceScript, args: args)
        let checks = try JSONDecoder().decode([String: TableCheck].self, from: Data(out.utf8))
        XCTAssertEqual(Set(checks.keys), ["songplays", "users", "songs", "artists", "time"])
        for (table, check) in checks {
            XCTAssertGreaterThan(check.ref, 0, table)
            XCTAssertEqual(check.duckdb, check.ref, "\(table): DuckDB hive read row count")
            XCTAssertEqual(check.pyarrow, check.ref, "\(table): pyarrow dataset row count")
            XCTAssertTrue(check.duckdb_equal, "\(table) differs from the reference: \(check.first_diff ?? "")")
            XCTAssertTrue(check.pyarrow_equal, "\(table) (pyarrow) differs from the reference")
        }
        return checks
    }

    static var sample: String { TestPaths.fixture("sparkify").path }

    func testRealSampleMatchesDuckDBReference() throws {
        let checks = try buildAndCompare(songs: Self.sample + "/song_data", logs: Self.sample + "/log_data")
        // Counts DuckDB finds on the raw sample (8,056 events, 6,820 NextSong, 71 songs, 69 artists).
        XCTAssertEqual(checks["songplays"]?.ref, 6820)
        XCTAssertEqual(checks["songs"]?.ref, 71)
        XCTAssertEqual(checks["artists"]?.ref, 69)
        XCTAssertEqual(checks["songplays"]?.matched, 1)
    }

    func testWindowedBuildMatchesDuckDBReference() throws {
        let window = try TimeWindow(start: "2018-11-10 00:00:00", end: "2018-11-20 12:00:00")
        let checks = try buildAndCompare(songs: Self.sample + "/song_data", logs: Self.sample + "/log_data", window: window)
        XCTAssertLessThan(checks["songplays"]!.ref, 6820)
    }
    /// Synthetic data (many catalogue matches, escapes, logged-out sessions, upgrades) against
    /// the same reference.
    func testSyntheticDataMatchesDuckDBReference() throws {
        var options = SparkifyGenerator.Options()
        options.seed = 7
        options.events = 20_000
        options.users = 150
        options.catalogueSongs = 300
        options.days = 5
        let generator = SparkifyGenerator(options: options)
        let root = try TestPaths.temporaryDirectory(self, "sparkify-synthetic").path
        XCTAssertEqual(try generator.writeSongs(to: root + "/song_data"), 300)
        let events = try generator.writeLogs(to: root + "/log_data")
        XCTAssertGreaterThanOrEqual(events, 20_000)
        let checks = try buildAndCompare(songs: root + "/song_data", logs: root + "/log_data")
        let plays = try XCTUnwrap(checks["songplays"])
        // About 82% NextSong, 70% of them from the catalogue.
        XCTAssertGreaterThan(plays.ref, events / 2)
        XCTAssertGreaterThan(plays.matched, plays.ref / 2)
        XCTAssertLessThan(plays.matched, plays.ref)
    }
}
