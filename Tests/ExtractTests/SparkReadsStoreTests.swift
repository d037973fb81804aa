import Columnar
import Foundation
import Ingest
import TestSupport
import XCTest

/// The store as the engines users already have read it (issue 17 §1): `STORE/events` read with
/// no schema by PySpark (`local[2]`), DuckDB, Polars, pyarrow and pandas, with hive
/// partitioning, gives `user_session` as a string (the canonical UUID text where it is one),
/// `event_time` as a UTC timestamp and `date` as the partition column; every engine sees the
/// same rows and values.
///
/// Two stores: the golden learning-base events (edge cases: raw and NULL sessions, many days,
/// 40-row row groups so files have several row groups) and the real REES46 sample (17,434
/// rows). One Python process (one JVM) per class run: Spark starts in ~10-20 s. A missing
/// interpreter, pyspark or Java FAILS every test (never a silent skip).
final class SparkReadsStoreTests: XCTestCase {
    /// Per store ("golden", "sample"), per engine: the JSON the script printed.
    struct Reading {
        var stores: [String: [String: [String: Any]]]
        var paths: [String: String]
    }

    nonisolated(unsafe) static var reading: Result<Reading, any Error>?
    nonisolated(unsafe) static var root: URL?

    static let script = #"""
    import hashlib, json, os, re, sys
    os.environ.setdefault('PYSPARK_PYTHON', sys.executable)
    stores = dict(a.split('=', 1) for a in sys.argv[1:])
    out = {}

    def digest(values):
        vs = sorted(v for v in values if v is not None)
        return {'sessions': len(vs), 'sessions_sha256': hashlib.sha256('\n'.join(vs).encode()).hexdigest()}

    from pyspark.sql import SparkSession
    spark = (SparkSession.builder.master('local[2]').appName('extract-store-interop')
             .config('spark.ui.enabled', 'false').config('spark.ui.showConsoleProgress', 'false')
             .config('spark.sql.session.timeZone', 'UTC')
             .config('spark.driver.memory', '512m').config('spark.sql.shuffle.partitions', '2').getOrCreate())
    spark.sparkContext.setLogLevel('ERROR')
    for name, path in stores.items():
        events = path + '/events'
        res = {}
        df = spark.read.parquet(events)
        a = df.selectExpr('count(*) n', 'sum(product_id) sum_product', 'sum(user_id) sum_user',
                          'count(user_session) sessions_nonnull', 'sum(unix_seconds(event_time)) sum_time',
                          'count(distinct date) days', "date_format(min(date), 'yyyy-MM-dd') first_day").collect()[0].asDict()
        a['schema'] = {f.name: f.dataType.simpleString() for f in df.schema.fields}
        a['partition_columns'] = [c for c in df.columns if c == 'date']
        distinct = [r[0] for r in df.select('user_session').distinct().collect()]
        a.update(digest(distinct))
        a['session_values'] = sorted(v for v in distinct if v is not None)
        res['spark'] = a

        import duckdb
        q = f"from read_parquet('{events}/*/*.parquet', hive_partitioning=true)"
        r = duckdb.sql(f'''select count(*), sum(product_id), sum(user_id), count(user_session),
            sum(epoch_us(event_time) // 1000000), count(distinct date), strftime(min(date), '%Y-%m-%d') {q}''').fetchall()[0]
        d = dict(zip(['n', 'sum_product', 'sum_user', 'sessions_nonnull', 'sum_time', 'days', 'first_day'], r))
        d['schema'] = {row[0]: row[1] for row in duckdb.sql(f'describe select * {q}').fetchall()}
        d.update(digest(v for (v,) in duckdb.sql(f'select distinct user_session {q}').fetchall()))
        res['duckdb'] = d

        import polars as pl
        t = pl.read_parquet(events + '/**/*.parquet', hive_partitioning=True)
        p = {'n': t.height, 'sum_product': t['product_id'].sum(), 'sum_user': t['user_id'].sum(),
             'sessions_nonnull': t['user_session'].count(),
             'sum_time': int(t['event_time'].dt.epoch('s').sum()), 'days': t['date'].n_unique(),
             'schema': {k: str(v) for k, v in t.schema.items()}}
        p.update(digest(t['user_session'].unique().to_list()))
        res['polars'] = p

        import pyarrow.dataset as ds, pyarrow.compute as pc
        t = ds.dataset(events, format='parquet', partitioning='hive').to_table()
        p = {'n': t.num_rows, 'sum_product': pc.sum(t['product_id']).as_py(), 'sum_user': pc.sum(t['user_id']).as_py(),
             'sessions_nonnull': pc.count(t['user_session']).as_py(),
             'sum_time': pc.sum(pc.divide(pc.cast(t['event_time'], 'int64'), 1000000)).as_py(),
             'days': pc.count_distinct(t['date']).as_py(), 'schema': {f.name: str(f.type) for f in t.schema}}
        p.update(digest(pc.unique(t['user_session']).to_pylist()))
        res['pyarrow'] = p

        import pandas as pd
        t = pd.read_parquet(events)
        p = {'n': len(t), 'sum_product': int(t['product_id'].sum()), 'sum_user': int(t['user_id'].sum()),
             'sessions_nonnull': int(t['user_session'].count()),
             'sum_time': int((t['event_time'].dt.tz_convert(None).values.astype('datetime64[us]').astype('int64') // 1000000).sum()),
             'days': int(t['date'].nunique()), 'schema': {c: str(t[c].dtype) for c in t.columns}}
        p.update(digest(v for v in t['user_session'].unique().tolist() if isinstance(v, str)))
        res['pandas'] = p
        out[name] = res
    spark.stop()
    print(json.dumps(out, default=str))
    """#

    override class func setUp() {
        super.setUp()
        reading = Result { try makeReading() }
    }

    override class func tearDown() {
        if let root { try? FileManager.default.removeItem(at: root) }
        super.tearDown()
    }

    static func makeReading() throws -> Reading {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("extract-tests-spark-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        root = dir
        let golden = dir.appendingPathComponent("golden").path, sample = dir.appendingPathComponent("sample").path
        _ = try Ingestor(store: try Store(path: golden, create: true),
                         options: IngestOptions(encoder: ParquetPartEncoder(rowGroupRows: 40)))
            .ingest(sources: [.file(TestPaths.fixture("golden/learning-base/events.csv").path)])
        _ = try Ingestor(store: try Store(path: sample, create: true), options: IngestOptions(encoder: ParquetPartEncoder()))
            .ingest(sources: [.file(TestPaths.fixture("rees46/2019-Oct-head.csv").path)])
        let out = try InteropPython.run(script, args: ["golden=" + golden, "sample=" + sample])
        guard let json = try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: [String: [String: Any]]] else {
            throw InteropPython.InteropError.failed("unexpected output: \(out.prefix(500))")
        }
        return Reading(stores: json, paths: ["golden": golden, "sample": sample])
    }

    /// The reading, or a failure of the calling test (the class set-up's error).
    func reading(file: StaticString = #filePath, line: UInt = #line) throws -> Reading {
        switch Self.reading {
        case .success(let r)?: return r
        case .failure(let e)?:
            XCTFail("the store could not be read by the engines: \(e)", file: file, line: line)
            throw e
        case nil:
            XCTFail("class set-up did not run", file: file, line: line)
            throw InteropPython.InteropError.failed("no set-up")
        }
    }

    static let engines = ["spark", "duckdb", "polars", "pyarrow", "pandas"]

    func testSparkInfersTheSchemaWithoutOne() throws {
        let r = try reading()
        for store in ["golden", "sample"] {
            let spark = try XCTUnwrap(r.stores[store]?["spark"])
            let schema = try XCTUnwrap(spark["schema"] as? [String: String])
            XCTAssertEqual(schema, [
                "event_time": "timestamp", "event_type": "string", "product_id": "bigint", "category_id": "bigint",
                "category_code": "string", "brand": "string", "price": "double", "user_id": "bigint",
                "user_session": "string", "date": "date",
            ], store)
            XCTAssertEqual(spark["partition_columns"] as? [String], ["date"], store)
        }
    }

    func testEveryEngineReadsTheSameValues() throws {
        let r = try reading()
        for store in ["golden", "sample"] {
            let engines = try XCTUnwrap(r.stores[store])
            let spark = try XCTUnwrap(engines["spark"])
            for engine in Self.engines.dropFirst() {
                let other = try XCTUnwrap(engines[engine], engine)
                for key in ["n", "sum_product", "sum_user", "sessions_nonnull", "sum_time", "days", "sessions", "sessions_sha256"] {
                    XCTAssertEqual("\(other[key] ?? "missing")", "\(spark[key] ?? "missing")", "\(store) \(engine) \(key)")
                }
            }
            XCTAssertEqual("\(engines["duckdb"]?["first_day"] ?? "")", "\(spark["first_day"] ?? "-")", store)
        }
        // The same counts as the store's manifest.
        for store in ["golden", "sample"] {
            let m = try XCTUnwrap(try Store(path: r.paths[store]!).manifest(dataset: "events"))
            XCTAssertEqual(r.stores[store]?["spark"]?["n"] as? Int, m.totalRows, store)
            XCTAssertEqual(r.stores[store]?["spark"]?["days"] as? Int, m.partitions.count, store)
            XCTAssertEqual(m.schemaVersion, EventsDataset.currentSchemaVersion)
        }
        XCTAssertEqual(r.stores["sample"]?["spark"]?["n"] as? Int, 17_434)
        XCTAssertEqual(r.stores["sample"]?["spark"]?["first_day"] as? String, "2019-10-01")
    }

    func testTypesSeenByTheOtherEngines() throws {
        let r = try reading()
        let engines = try XCTUnwrap(r.stores["sample"])
        let duck = try XCTUnwrap(engines["duckdb"]?["schema"] as? [String: String])
        XCTAssertEqual(duck["user_session"], "VARCHAR")
        XCTAssertEqual(duck["event_time"], "TIMESTAMP WITH TIME ZONE")
        XCTAssertEqual(duck["date"], "DATE")
        let polars = try XCTUnwrap(engines["polars"]?["schema"] as? [String: String])
        XCTAssertEqual(polars["user_session"], "String")
        XCTAssertEqual(polars["event_time"], "Datetime(time_unit='us', time_zone='UTC')")
        XCTAssertNotNil(polars["date"])
        let arrow = try XCTUnwrap(engines["pyarrow"]?["schema"] as? [String: String])
        XCTAssertEqual(arrow["user_session"], "string")
        XCTAssertEqual(arrow["event_time"], "timestamp[us, tz=UTC]")
        XCTAssertNotNil(arrow["date"])
        let pandas = try XCTUnwrap(engines["pandas"]?["schema"] as? [String: String])
        XCTAssertTrue(["object", "str", "string"].contains(pandas["user_session"] ?? "-"), pandas["user_session"] ?? "-")
        XCTAssertTrue(pandas["event_time"]?.hasSuffix("UTC]") ?? false, pandas["event_time"] ?? "-")
        XCTAssertNotNil(pandas["date"])
    }

    /// Spark's session strings are the CSV's session texts: canonical UUIDs as they are, and
    /// the golden file's non-canonical texts (uppercase, braces, other lengths) verbatim.
    func testSparkSessionsAreTheIngestedTexts() throws {
        let r = try reading()
        // The real sample: every line but the cut last one is stored; its sessions are all canonical.
        let lines = try String(contentsOfFile: TestPaths.fixture("rees46/2019-Oct-head.csv").path, encoding: .utf8)
            .split(whereSeparator: \.isNewline).dropFirst()
        var expected = Set<String>()
        for line in lines {
            let f = line.split(separator: ",", omittingEmptySubsequences: false)
            if f.count == 9, !f[8].isEmpty { expected.insert(String(f[8])) }
        }
        let spark = try XCTUnwrap(r.stores["sample"]?["spark"]?["session_values"] as? [String])
        XCTAssertEqual(Set(spark), expected)
        XCTAssertGreaterThan(expected.count, 4000)
        XCTAssertTrue(spark.allSatisfy { UUIDParser.parse($0) != nil }, "every sample session is a canonical UUID")
        // The golden file: canonical and raw sessions side by side, as strings.
        let golden = try XCTUnwrap(r.stores["golden"]?["spark"]?["session_values"] as? [String])
        let canonical = golden.filter { UUIDParser.parse($0) != nil }
        XCTAssertFalse(canonical.isEmpty)
        XCTAssertTrue(golden.contains { UUIDParser.parse($0) == nil }, "the golden file has non-canonical sessions")
        let csv = try String(contentsOfFile: TestPaths.fixture("golden/learning-base/events.csv").path, encoding: .utf8)
        for s in golden { XCTAssertTrue(csv.contains(s), "session '\(s)' is a text of the CSV") }
    }
}
