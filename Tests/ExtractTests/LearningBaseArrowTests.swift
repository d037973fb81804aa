import Columnar
import Foundation
import Query
import TestSupport
import XCTest

/// The learning base as Arrow IPC (`--format arrow`): the golden case ingested by the binary and
/// written as CSV, Parquet, an Arrow file and an Arrow stream read from a real pipe; pyarrow,
/// pandas and Polars read the Arrow outputs, which equal the Parquet output (types included)
/// and the CSV output value for value. Plus the empty result, many small batches, and `-o -`.
final class LearningBaseArrowTests: XCTestCase {
    static let start = LearningBaseIngestGoldenTests.start, end = LearningBaseIngestGoldenTests.end

    /// The golden events ingested by the binary into a new store in a new folder.
    func goldenStore() throws -> (store: String, dir: URL) {
        let dir = try TestPaths.temporaryDirectory(self, "lbarrow")
        let store = dir.appendingPathComponent("store").path
        let ingest = try CLITests.run(["ingest", LearningBaseStoreTests.events, "--store", store])
        XCTAssertEqual(ingest.status, 0, ingest.err)
        return (store, dir)
    }

    func extract(_ store: String, _ output: String, start: String = start, end: String = end, _ extra: [String] = []) throws {
        let r = try CLITests.run(["learning-base", "--store", store, "--start", start, "--end", end, "-o", output] + extra)
        XCTAssertEqual(r.status, 0, r.err)
    }

    /// Python helpers: `same(a, b)` (schemas equal, values equal with NaN equal to NaN) and the
    /// reference's (`LearningBaseReference`): `csv_lines(table)` (each row in the CSV text).
    static let helpers = LearningBaseReference.importing + #"""
        import subprocess, datetime, pyarrow as pa, pyarrow.ipc as ipc, pyarrow.parquet as pq, pandas, polars
        def norm(v): return 'NaN' if isinstance(v, float) and math.isnan(v) else v
        def same(a, b, what):
            assert a.schema.equals(b.schema), (what, a.schema, b.schema)
            for name in a.column_names:
                x, y = a.column(name).to_pylist(), b.column(name).to_pylist()
                assert [norm(v) for v in x] == [norm(v) for v in y], (what, name)
        def stream_from_binary(args):
            p = subprocess.Popen(args, stdout=subprocess.PIPE)
            t = ipc.open_stream(p.stdout).read_all()
            assert p.wait() == 0
            return t
        """# + "\n"

    func testGoldenAsArrowStreamAndFileEqualsParquetAndCSV() throws {
        let (store, dir) = try goldenStore()
        let csv = dir.appendingPathComponent("o.csv").path, parquet = dir.appendingPathComponent("o.parquet").path
        let arrow = dir.appendingPathComponent("o.arrow").path
        for out in [csv, parquet, arrow] { try extract(store, out) }
        XCTAssertEqual(Array(try FileIO.readAll(arrow).prefix(8)), Array("ARROW1".utf8) + [0, 0])
        let out = try InteropPython.run(Self.helpers + #"""
            binary, store, start, end, csv, parquet, arrow = sys.argv[1:8]
            p = pq.read_table(parquet)
            s = stream_from_binary([binary, 'learning-base', '--store', store, '--start', start, '--end', end,
                                    '--format', 'arrow', '-o', '-'])
            f = ipc.open_file(arrow).read_all()
            for t in (s, f):
                t.validate(full=True)
                same(t, p, 'arrow vs parquet')
            assert [str(x.type) for x in f.schema] == ['int32', 'string', 'int32', 'double', 'string', 'string', 'int64',
                'bool', 'timestamp[us, tz=UTC]', 'timestamp[us, tz=UTC]', 'int64', 'int32', 'int32', 'int32', 'int32',
                'int32', 'int64', 'int64'], f.schema
            nullable = [x.name for x in f.schema if x.nullable]
            assert nullable == ['product_id', 'price', 'category_code', 'brand'], nullable
            for name in nullable: assert f.column(name).null_count > 0, name
            lines = open(csv).read().rstrip('\n').split('\n')
            assert lines[0] == ','.join(f.column_names)
            assert csv_lines(f) == lines[1:]
            assert csv_lines(s) == lines[1:]
            pd_f = pandas.read_feather(arrow)
            pd_p = pandas.read_parquet(parquet)
            pandas.testing.assert_frame_equal(pd_f, pd_p)
            pl_f = polars.read_ipc(arrow)
            assert pl_f.equals(polars.read_parquet(parquet), null_equal=True)
            assert pl_f.schema == polars.read_parquet(parquet).schema
            assert pl_f.equals(polars.from_arrow(s), null_equal=True)
            print(f.num_rows, s.num_rows, len(pd_f), pl_f.height)
            """#, args: [CLITests.binary.path, store, Self.start, Self.end, csv, parquet, arrow])
        XCTAssertEqual(out, "350 350 350 350\n")
    }

    /// A window without events: the stream and the file hold the schema and no rows, as the
    /// (header-only) Parquet output; every reader agrees.
    func testEmptyWindowIsTheSchemaWithoutRows() throws {
        let (store, dir) = try goldenStore()
        let (start, end) = ("2019-11-01 00:00:00", "2019-11-02 00:00:00")
        let parquet = dir.appendingPathComponent("e.parquet").path, arrow = dir.appendingPathComponent("e.arrow").path
        for out in [parquet, arrow] { try extract(store, out, start: start, end: end) }
        let r = try CLITests.run(["learning-base", "--store", store, "--start", start, "--end", end, "-o", arrow + "2", "--format", "arrow"])
        XCTAssertTrue(r.err.contains("warning: no events in the window"), r.err)
        let out = try InteropPython.run(Self.helpers + #"""
            binary, store, start, end, parquet, arrow = sys.argv[1:7]
            p = pq.read_table(parquet)
            s = stream_from_binary([binary, 'learning-base', '--store', store, '--start', start, '--end', end,
                                    '--format', 'arrow', '-o', '-'])
            f = ipc.open_file(arrow)
            assert f.num_record_batches == 0
            for t in (s, f.read_all()):
                same(t, p, 'empty')
                assert t.num_rows == 0 and t.num_columns == 18
            assert len(pandas.read_feather(arrow)) == 0 and polars.read_ipc(arrow).shape == (0, 18)
            print('ok')
            """#, args: [CLITests.binary.path, store, start, end, parquet, arrow])
        XCTAssertEqual(out, "ok\n")
    }

    /// Record batches of at most 5 rows (plus the rest of a user's; a chunk's last batch may be
    /// smaller): many batches, no empty one, users never
    /// split across two, the same table as one default-sized run, the same bytes for 1 and 2
    /// workers, for the file and the stream.
    func testManySmallBatchesKeepTheTableAndUsersWhole() throws {
        let (store, dir) = try goldenStore()
        let window = try TimeWindow(start: Self.start, end: Self.end)
        let reference = dir.appendingPathComponent("ref.arrow").path
        _ = try LearningBase.run(store: store, window: window, output: reference, format: .arrow)
        var paths: [String] = []
        for name in ["small.arrow", "small.arrows"] {
            var bytes: [[UInt8]] = []
            for workers in [1, 2] {
                let path = dir.appendingPathComponent("\(workers)-\(name)").path
                let report = try LearningBase.run(store: store, window: window, output: path, workers: workers, arrowBatchRows: 5)
                XCTAssertEqual(report.format, .arrow)
                XCTAssertEqual(report.stats.outputRows, 350)
                bytes.append(try FileIO.readAll(path))
                paths.append(path)
            }
            XCTAssertEqual(bytes[0], bytes[1], name)
        }
        let out = try InteropPython.run(Self.helpers + #"""
            ref, file1, file2, stream1, stream2 = sys.argv[1:6]
            r = ipc.open_file(ref).read_all()
            f = ipc.open_file(file1)
            batches = [f.get_batch(i) for i in range(f.num_record_batches)]
            with ipc.open_stream(open(stream1, 'rb')) as reader: streamed = list(reader)
            for bs in (batches, streamed):
                assert len(bs) > 20, len(bs)
                assert sum(b.num_rows for b in bs) == 350
                for b in bs:
                    users = b.column(0).to_pylist()
                    assert 0 < b.num_rows and users.index(users[-1]) < 5, users  # 5 rows at most before the last user
                for a, b in zip(bs, bs[1:]):
                    assert a.column(0)[-1] != b.column(0)[0], 'a user split across batches'
                    assert a.column(0)[-1].as_py() < b.column(0)[0].as_py(), 'user order'
                same(pa.Table.from_batches(bs), r, 'small batches')
            print('ok')
            """#, args: [reference] + paths)
        XCTAssertEqual(out, "ok\n")
    }

    /// Runs the binary with standard output going to `stdoutFile` (a regular file the test
    /// opened, as a shell's `>` does); returns the exit status and stderr.
    func runToFile(_ args: [String], stdoutFile: String, cwd: String) throws -> (Int32, String) {
        FileManager.default.createFile(atPath: stdoutFile, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: stdoutFile))
        defer { try? handle.close() }
        let p = Process()
        p.executableURL = CLITests.binary
        p.arguments = args
        p.currentDirectoryURL = URL(fileURLWithPath: cwd)
        p.standardOutput = handle
        let err = Pipe()
        p.standardError = err
        try p.run()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: e, as: UTF8.self))
    }

    /// `-o -` writes every format to standard output, the same bytes as the named output
    /// (`.arrows` for the Arrow stream); with standard output a regular file nothing is renamed,
    /// no file named `-` and no temporary file appears, and the report goes to stderr.
    func testStandardOutputForEveryFormat() throws {
        let (store, dir) = try goldenStore()
        let work = dir.appendingPathComponent("cwd")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        for (format, named) in [("csv", "n.csv"), ("parquet", "n.parquet"), ("arrow", "n.arrows")] {
            let namedPath = dir.appendingPathComponent(named).path
            try extract(store, namedPath)
            let captured = dir.appendingPathComponent("stdout-\(format)").path
            let (status, err) = try runToFile(["learning-base", "--store", store, "--start", Self.start, "--end", Self.end,
                                               "--format", format, "-o", "-"], stdoutFile: captured, cwd: work.path)
            XCTAssertEqual(status, 0, err)
            XCTAssertTrue(err.contains("wrote 350 rows") && err.contains("to standard output"), err)
            XCTAssertEqual(try FileIO.readAll(captured), try FileIO.readAll(namedPath), format)
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: work.path), [], "nothing created in the cwd")
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix(".") }, [])
        }
        // Through a pipe: CSV by default.
        let r = try CLITests.run(["learning-base", "--store", store, "--start", Self.start, "--end", Self.end, "-o", "-"], cwd: work.path)
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertEqual(Array(r.out.utf8), try FileIO.readAll(dir.appendingPathComponent("n.csv").path))
    }

    /// An output that cannot be created: exit 5, one line naming it, nothing left behind.
    func testUnwritableArrowOutputExitsFive() throws {
        let (store, dir) = try goldenStore()
        let missing = dir.appendingPathComponent("no/such/dir/o.arrow").path
        let r = try CLITests.run(["learning-base", "--store", store, "--start", Self.start, "--end", Self.end, "-o", missing])
        XCTAssertEqual(r.status, 5, r.err)
        XCTAssertTrue(r.err.contains(missing), r.err)
        XCTAssertEqual(r.err.split(separator: "\n").count, 1, r.err)
    }

    func testHelpNamesTheArrowFormat() throws {
        let r = try CLITests.run(["learning-base", "--help"])
        XCTAssertEqual(r.status, 0)
        let text = r.out.split(whereSeparator: \.isWhitespace).joined(separator: " ")  // help wraps lines
        XCTAssertTrue(text.contains("csv, parquet or arrow") && text.contains("- for standard output"), r.out)
    }

    func testFormatFromTheExtension() throws {
        XCTAssertEqual(try OutputFormat.resolve(nil, path: "a.arrow"), .arrow)
        XCTAssertEqual(try OutputFormat.resolve(nil, path: "a.FEATHER"), .arrow)
        XCTAssertEqual(try OutputFormat.resolve(nil, path: "a.arrows"), .arrow)
        XCTAssertEqual(try OutputFormat.resolve(nil, path: "-"), .csv)
        XCTAssertEqual(try OutputFormat.resolve("ARROW", path: "-"), .arrow)
        XCTAssertThrowsError(try OutputFormat.resolve("feather", path: "x.csv")) { error in
            guard case QueryError.unknownOutputFormat("feather") = error else {
                return XCTFail("an unknown --format is its own error case, not \(error)")
            }
            XCTAssertEqual("\(error)", "--format 'feather' is not one of: csv, parquet, arrow")
        }
    }
}
