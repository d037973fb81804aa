import Columnar
import Foundation
import Query
import TestSupport
import XCTest

/// End to end from a store on disk: the golden case through the library and the binary, the
/// Parquet output against the CSV, determinism, and every error exit code.
///
/// The store here is written by pyarrow (`LearningBaseReference` mode `store`), independent of
/// our ingest and writer; `LearningBaseIngestGoldenTests` runs the same golden through Ingest.
final class LearningBaseStoreTests: XCTestCase {
    static let start = "2019-10-01 00:00:00", end = "2019-10-03 23:59:59"
    static let window = try! TimeWindow(start: start, end: end)
    static var events: String { TestPaths.fixture("golden/learning-base/events.csv").path }
    static var expectedCSV: String {
        try! String(contentsOf: TestPaths.fixture("golden/learning-base/expected.csv"), encoding: .utf8)
    }

    func goldenStore(rowGroup: Int = 64) throws -> (store: String, facts: LearningBaseComparison.Facts, dir: URL) {
        let dir = try TestPaths.temporaryDirectory(self, "lbstore")
        let store = dir.appendingPathComponent("store").path
        setenv("LB_ROW_GROUP", String(rowGroup), 1)
        try InteropPython.run(LearningBaseReference.python, args: ["store", "0", "0", store, Self.events])
        try Self.writeManifest(store: store)
        let facts = try LearningBaseComparison.Facts(json: LearningBaseReference.run(
            mode: "facts", start: Self.window.startMicros, end: Self.window.endMicros, inputs: [Self.events],
            out: dir.appendingPathComponent("facts.json").path))
        return (store, facts, dir)
    }

    /// Writes the `_manifest.json` our store keeps, describing the pyarrow-written files.
    static func writeManifest(store: String) throws {
        let root = store + "/events"
        var schema: Schema?
        var partitions: [PartitionRecord] = []
        for dir in try FileManager.default.contentsOfDirectory(atPath: root).sorted() where dir.hasPrefix("date=") {
            let day = CivilTime.dayNumber(micros: CivilTime.parseStrict(String(dir.dropFirst(5)))!)
            var record = PartitionRecord(key: dir, day: day)
            for name in try FileManager.default.contentsOfDirectory(atPath: root + "/" + dir).sorted() {
                let file = try ParquetFile(path: root + "/" + dir + "/" + name)
                schema = file.schema
                var lo = Int64.max, hi = Int64.min
                for g in 0..<file.rowGroupCount {
                    if let s = file.statistics(rowGroup: g, column: "event_time"), case .int(let a)? = s.min, case .int(let b)? = s.max {
                        lo = min(lo, a); hi = max(hi, b)
                    }
                }
                record.files.append(PartFile(path: dir + "/" + name, rows: file.rowCount, bytes: try FileIO.size(root + "/" + dir + "/" + name),
                                             source: "pyarrow", minTime: lo, maxTime: hi))
            }
            partitions.append(record)
        }
        var manifest = DatasetManifest(dataset: "events", schema: schema!, sortedBy: ["user_id", "event_time"])
        manifest.partitions = partitions
        try JSONEncoder().encode(manifest).write(to: URL(fileURLWithPath: root + "/_manifest.json"))
    }

    func testGoldenThroughLibraryAndBinary() throws {
        let (store, facts, dir) = try goldenStore()
        let out = dir.appendingPathComponent("lib.csv").path
        let report = try LearningBase.run(store: store, window: Self.window, output: out, format: .csv)
        XCTAssertEqual(report.stats.outputRows, 350)
        let lib = try String(contentsOfFile: out, encoding: .utf8)
        XCTAssertEqual(LearningBaseComparison.differences(candidate: lib, expected: Self.expectedCSV, facts: facts), [])

        let binOut = dir.appendingPathComponent("bin.csv").path
        let r = try CLITests.run(["--store", store, "--start", Self.start, "--end", Self.end, "--output", binOut])
        XCTAssertEqual(r.status, 0, r.err)
        let bin = try String(contentsOfFile: binOut, encoding: .utf8)
        XCTAssertEqual(LearningBaseComparison.differences(candidate: bin, expected: Self.expectedCSV, facts: facts), [])
        XCTAssertEqual(bin, lib, "same query, same bytes")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix(".") }, [],
                       "no temporary file left")
    }

    func testOutputIsDeterministicAcrossWorkersAndRowGroupSizes() throws {
        let (store, _, dir) = try goldenStore(rowGroup: 7)
        var outputs: [Data] = []
        var reports: [LearningBaseReport] = []
        for workers in [1, 2, 3] {
            let out = dir.appendingPathComponent("w\(workers).csv").path
            reports.append(try LearningBase.run(store: store, window: Self.window, output: out, format: .csv, workers: workers))
            outputs.append(try Data(contentsOf: URL(fileURLWithPath: out)))
        }
        XCTAssertEqual(Set(outputs).count, 1)
        // Workers merge the same files over disjoint user ranges: row groups outside a chunk's
        // range are skipped by their user_id statistics and a row group shared by chunks is
        // decoded once, so the work is not repeated: the same row groups are read and pruned
        // whatever the split.
        XCTAssertEqual(reports.map(\.workers).prefix(2), [1, 2])
        XCTAssertLessThanOrEqual(reports[2].workers, 3)
        XCTAssertEqual(Set(reports.map(\.stats.batchesPruned)).count, 1)
        XCTAssertEqual(Set(reports.map(\.stats.batchesRead)).count, 1)
        XCTAssertLessThan(reports[1].stats.rowsScanned, reports[0].stats.rowsScanned * 3 / 2)
        XCTAssertEqual(Set(reports.map(\.stats.outputRows)), [350])
        let expectedText = String(decoding: outputs[0], as: UTF8.self)
        XCTAssertEqual(LearningBaseComparison.differences(candidate: expectedText, expected: Self.expectedCSV,
                                                          facts: try goldenStore().facts), [])
    }

    /// pyarrow reads the Parquet output; each value, formatted with the reference's Spark text
    /// rules, equals the CSV output's field.
    func testParquetOutputEqualsCSVValueForValue() throws {
        let (store, _, dir) = try goldenStore()
        let csv = dir.appendingPathComponent("o.csv").path, parquet = dir.appendingPathComponent("o.parquet").path
        _ = try LearningBase.run(store: store, window: Self.window, output: csv, format: nil)
        let report = try LearningBase.run(store: store, window: Self.window, output: parquet, format: nil, workers: 2)
        XCTAssertEqual(report.format, .parquet)
        let script = LearningBaseReference.importing + #"""
            import pyarrow.parquet as pq
            t = pq.read_table(sys.argv[1])
            assert [str(f.type) for f in t.schema] == ['int32', 'string', 'int32', 'double', 'string', 'string', 'int64', 'bool',
                'timestamp[us, tz=UTC]', 'timestamp[us, tz=UTC]', 'int64', 'int32', 'int32', 'int32', 'int32', 'int32', 'int64', 'int64'], t.schema
            lines = open(sys.argv[2]).read().rstrip('\n').split('\n')[1:]
            assert len(lines) == t.num_rows, (len(lines), t.num_rows)
            for mine, line in zip(csv_lines(t), lines):
                assert mine == line, (mine, line)
            print(t.num_rows)
            """#
        let out = try InteropPython.run(script, args: [parquet, csv])
        XCTAssertEqual(out.trimmingCharacters(in: .whitespacesAndNewlines), "350")
        // Row groups are output chunks encoded by the workers and appended in order: several of
        // them here, and the same bytes whatever the worker count.
        XCTAssertGreaterThan(try ParquetFile(path: parquet).rowGroupCount, 1)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: parquet))
        for workers in [1, 3] {
            let other = dir.appendingPathComponent("o\(workers).parquet").path
            _ = try LearningBase.run(store: store, window: Self.window, output: other, format: nil, workers: workers)
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: other)), bytes, "\(workers) workers")
        }
    }

    /// A device is written in place, never renamed over; a symbolic link to a file is followed
    /// (the link stays, its target is replaced); a directory is refused.
    func testOutputToADeviceASymbolicLinkOrADirectory() throws {
        let (store, _, dir) = try goldenStore()
        let reference = dir.appendingPathComponent("ref.csv").path
        _ = try LearningBase.run(store: store, window: Self.window, output: reference, format: .csv)
        for format in OutputFormat.allCases {
            let report = try LearningBase.run(store: store, window: Self.window, output: "/dev/null", format: format)
            XCTAssertEqual(report.stats.outputRows, 350)
            XCTAssertEqual(FileIO.fileType("/dev/null"), .other, "/dev/null is still a device")
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: "/dev").filter { $0.hasPrefix(".null") }, [])

        let target = dir.appendingPathComponent("target.csv").path, link = dir.appendingPathComponent("link.csv").path
        try FileIO.writeAll(target, Array("old".utf8))
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        _ = try LearningBase.run(store: store, window: Self.window, output: link, format: .csv)
        XCTAssertTrue(FileIO.isSymbolicLink(link))
        XCTAssertEqual(try FileIO.readAll(target), try FileIO.readAll(reference))

        XCTAssertThrowsError(try LearningBase.run(store: store, window: Self.window, output: dir.path, format: .csv)) { error in
            XCTAssertTrue("\(error)".contains("is a directory"), "\(error)")
        }
    }

    func testErrorsHaveOneLineMessagesAndExitCodes() throws {
        let (store, _, dir) = try goldenStore()
        func run(_ args: [String], cwd: String? = nil) throws -> (Int32, String) {
            let r = try CLITests.run(args, cwd: cwd)
            XCTAssertFalse(r.err.contains("Fatal error") || r.err.contains("Stack"), r.err)
            return (r.status, r.err)
        }
        let out = dir.appendingPathComponent("e.csv").path
        var (code, err) = try run(["--store", store, "--start", Self.end, "--end", Self.start, "-o", out])
        XCTAssertEqual(code, 2, err)
        (code, err) = try run(["--store", store, "--start", Self.start, "--end", Self.start, "-o", out])
        XCTAssertEqual(code, 2, err)
        (code, err) = try run(["--store", store, "--start", "2019-10-01T00:00:00", "--end", Self.end, "-o", out])
        XCTAssertEqual(code, 2, err)
        (code, err) = try run(["--store", store, "--start", "2019-13-01 00:00:00", "--end", Self.end, "-o", out])
        XCTAssertEqual(code, 2, err)
        (code, err) = try run(["--store", store, "--start", Self.start, "--end", Self.end, "-o", out, "--format", "xlsx"])
        XCTAssertEqual(code, 2, err)
        (code, err) = try run(["--store", dir.appendingPathComponent("nope").path, "--start", Self.start, "--end", Self.end, "-o", out])
        XCTAssertEqual(code, 3, err)
        let empty = dir.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: empty.appendingPathComponent("events"), withIntermediateDirectories: true)
        try JSONEncoder().encode(DatasetManifest(dataset: "events", schema: EventColumns.schema))
            .write(to: empty.appendingPathComponent("events/_manifest.json"))
        (code, err) = try run(["--store", empty.path, "--start", Self.start, "--end", Self.end, "-o", out])
        XCTAssertEqual(code, 3, err)
        (code, err) = try run(["--store", store, "--start", Self.start, "--end", Self.end, "-o", dir.path + "/missing/dir/o.csv"])
        XCTAssertEqual(code, 5, err)
        XCTAssertEqual(err.split(separator: "\n").count, 1, err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))

        // A window with no data: header-only output, a warning, exit 0.
        (code, err) = try run(["--store", store, "--start", "2020-01-01 00:00:00", "--end", "2020-01-02 00:00:00", "-o", out])
        XCTAssertEqual(code, 0, err)
        XCTAssertTrue(err.contains("warning"), err)
        XCTAssertEqual(try String(contentsOfFile: out, encoding: .utf8), LearningBaseColumns.csvHeader)

        // A corrupt store file: exit 4, the message names the file, no output under the final name.
        let victim = store + "/events/date=2019-10-02/part-0000.parquet"
        var bytes = try Data(contentsOf: URL(fileURLWithPath: victim))
        bytes.replaceSubrange(bytes.count - 40 ..< bytes.count - 8, with: Data(repeating: 0xFF, count: 32))
        try bytes.write(to: URL(fileURLWithPath: victim))
        let out2 = dir.appendingPathComponent("never.csv").path
        (code, err) = try run(["--store", store, "--start", Self.start, "--end", Self.end, "-o", out2])
        XCTAssertEqual(code, 4, err)
        XCTAssertTrue(err.contains("part-0000.parquet"), err)
        XCTAssertEqual(err.split(separator: "\n").count, 1, err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out2))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix(".") }, [])
    }

    func testDefaultOutputNameInCurrentDirectory() throws {
        let (store, _, dir) = try goldenStore()
        let cwd = dir.appendingPathComponent("cwd")
        try FileManager.default.createDirectory(at: cwd, withIntermediateDirectories: true)
        let r = try CLITests.run(["--store", store, "--start", Self.start, "--end", Self.end], cwd: cwd.path)
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: cwd.path), ["extracted_20191001_20191003.csv"])
    }
}
