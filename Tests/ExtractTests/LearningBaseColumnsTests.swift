import Columnar
import Foundation
import Query
import TestSupport
import XCTest

/// The learning base's output column table (`LearningBaseColumns`, Columnar/Datasets) is the one
/// place its columns are declared: the CSV header, the Parquet schema and the Arrow schema of a
/// real run all equal it (read back by our reader and by pyarrow), and the hand-written row
/// writers (`CSVSink` for the text, `OutputColumns` for Parquet and Arrow) put each row's value
/// in the column the table names, spelled as the table says.
final class LearningBaseColumnsTests: XCTestCase {
    static let start = LearningBaseStoreTests.start, end = LearningBaseStoreTests.end

    /// How pyarrow spells each output type: Parquet physical type, Arrow type (also the type
    /// pyarrow gives the Parquet column). The Arrow and Parquet columns of the table in
    /// Columnar/Datasets/LearningBaseColumns.swift, as an independent reader sees them.
    static let pyarrowSpelling: [ColumnType: (physical: String, arrow: String)] = [
        .int32: ("INT32", "int32"), .int64: ("INT64", "int64"), .double: ("DOUBLE", "double"),
        .bool: ("BOOLEAN", "bool"), .timestampMicros: ("INT64", "timestamp[us, tz=UTC]"), .string: ("BYTE_ARRAY", "string"),
    ]

    func testTableDerivations() {
        let all = LearningBaseColumns.all
        XCTAssertEqual(all.count, 18)
        XCTAssertEqual(Set(LearningBaseColumns.names).count, all.count, "names are unique")
        XCTAssertEqual(LearningBaseColumns.names, all.map(\.name))
        XCTAssertEqual(LearningBaseColumns.csvHeader, all.map(\.name).joined(separator: ",") + "\n")
        XCTAssertEqual(LearningBaseColumns.schema, Schema(all.map { Field($0.name, $0.type, nullable: $0.nullable) }))
        for c in all {
            XCTAssertNotNil(c.csv, "\(c.name): a type the CSV text can spell")
            XCTAssertNotNil(Self.pyarrowSpelling[c.type], "\(c.name): a type the Parquet and Arrow outputs have")
        }
        // The golden file's header (the reference job's) is the table's.
        let expected = try? String(contentsOf: TestPaths.fixture("golden/learning-base/expected.csv"), encoding: .utf8)
        XCTAssertEqual(expected?.split(separator: "\n").first.map { String($0) + "\n" }, LearningBaseColumns.csvHeader)

        // The spec's column table (docs/learning-base.md §5.2: `| # | `name` | TYPE, required |`).
        let spec = try? String(contentsOf: TestPaths.packageRoot.appendingPathComponent("docs/learning-base.md"), encoding: .utf8)
        let types = ["INT32": ColumnType.int32, "INT64": .int64, "DOUBLE": .double, "BOOLEAN": .bool,
                     "STRING": .string, "TIMESTAMP(µs, UTC)": .timestampMicros]
        let documented: [OutputColumn] = (spec ?? "").split(separator: "\n").compactMap { line in
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 3, Int(cells[0]) != nil, cells[1].hasPrefix("`") else { return nil }
            let kind = cells[2].components(separatedBy: ", ")
            guard kind.count >= 2, let type = types[kind.dropLast().joined(separator: ", ")] else { return nil }
            return OutputColumn(cells[1].trimmingCharacters(in: CharacterSet(charactersIn: "`")), type,
                                nullable: kind.last == "optional")
        }
        XCTAssertEqual(documented, LearningBaseColumns.all, "docs/learning-base.md §5.2")
    }

    /// The golden events ingested by the binary, then one window written as CSV, Parquet, an
    /// Arrow file and an Arrow stream by the binary.
    func goldenOutputs() throws -> (store: String, csv: String, parquet: String, arrow: String, stream: String) {
        let dir = try TestPaths.temporaryDirectory(self, "lbcolumns")
        let store = dir.appendingPathComponent("store").path
        let ingest = try CLITests.run(["ingest", LearningBaseStoreTests.events, "--store", store])
        XCTAssertEqual(ingest.status, 0, ingest.err)
        let paths = ["o.csv", "o.parquet", "o.arrow", "o.arrows"].map { dir.appendingPathComponent($0).path }
        for path in paths {
            let r = try CLITests.run(["learning-base", "--store", store, "--start", Self.start, "--end", Self.end, "-o", path])
            XCTAssertEqual(r.status, 0, r.err)
        }
        return (store, paths[0], paths[1], paths[2], paths[3])
    }

    func testCSVHeaderParquetSchemaAndArrowSchemaOfARunEqualTheTable() throws {
        let o = try goldenOutputs()
        let csv = try String(contentsOfFile: o.csv, encoding: .utf8)
        XCTAssertEqual(csv.split(separator: "\n", omittingEmptySubsequences: false).first.map { $0 + "\n" },
                       LearningBaseColumns.csvHeader)
        XCTAssertEqual(try ParquetFile(path: o.parquet).schema, LearningBaseColumns.schema, "our reader")

        // pyarrow: (name, Parquet physical type, Parquet optional, Arrow type) of the Parquet file
        // and (name, Arrow type, nullable) of the Arrow file and stream; the Arrow values equal
        // the Parquet values.
        let out = try InteropPython.run(#"""
            import sys, json, pyarrow as pa, pyarrow.ipc as ipc, pyarrow.parquet as pq
            parquet, arrow, stream = sys.argv[1:4]
            meta = pq.ParquetFile(parquet).metadata.schema
            read = pq.read_table(parquet)
            cols = [[meta.column(i).name, meta.column(i).physical_type, 'optional' if meta.column(i).max_definition_level == 1 else 'required',
                     str(read.schema.field(i).type)] for i in range(len(meta))]
            a = ipc.open_file(arrow).read_all()
            with open(stream, 'rb') as f: s = ipc.open_stream(f).read_all()
            norm = lambda t: [[('NaN' if v != v else v) for v in c.to_pylist()] for c in t.columns]  # NaN == NaN
            assert norm(a) == norm(read) and norm(s) == norm(read), 'Arrow values differ from Parquet values'
            spell = lambda t: [[f.name, str(f.type), 'nullable' if f.nullable else 'not null'] for f in t.schema]
            print(json.dumps({'parquet': cols, 'arrow': spell(a), 'stream': spell(s), 'rows': read.num_rows}))
            """#, args: [o.parquet, o.arrow, o.stream])
        let seen = try JSONSerialization.jsonObject(with: Data(out.utf8)) as! [String: Any]
        let expectedParquet = LearningBaseColumns.all.map { c in
            [c.name, Self.pyarrowSpelling[c.type]!.physical, c.nullable ? "optional" : "required", Self.pyarrowSpelling[c.type]!.arrow]
        }
        let expectedArrow = LearningBaseColumns.all.map { [$0.name, Self.pyarrowSpelling[$0.type]!.arrow, $0.nullable ? "nullable" : "not null"] }
        XCTAssertEqual(seen["parquet"] as? [[String]], expectedParquet)
        XCTAssertEqual(seen["arrow"] as? [[String]], expectedArrow)
        XCTAssertEqual(seen["stream"] as? [[String]], expectedArrow)
        XCTAssertGreaterThan(seen["rows"] as! Int, 0)
    }

    /// Row by row, column by column: the typed rows of the same window (`LearningBase.rows`,
    /// read through `LearningBaseRow.value(of:)` by the table's names) equal the Parquet file's
    /// values, and spelled as each column's `csv` says they equal the CSV file's lines.
    func testWritersPutEachValueInTheColumnTheTableNames() throws {
        let o = try goldenOutputs()
        let window = try TimeWindow(start: Self.start, end: Self.end)
        let rows = try LearningBase.rows(runs: StoreScan.plan(store: o.store, window: window).runs, window: window)
        XCTAssertGreaterThan(rows.count, 50)
        let table = LearningBaseColumns.all

        // Every column has a typed value of its type, NULL only where the table allows it; the
        // golden case has NULLs in each nullable column, so their spelling is exercised.
        for c in table {
            var nulls = 0
            for r in rows {
                guard let v = r.value(of: c.name) else { return XCTFail("no value for column \(c.name)") }
                XCTAssertTrue(Self.fits(v, c), "\(c.name): \(v)")
                if v == .null { nulls += 1 }
            }
            if c.nullable { XCTAssertGreaterThan(nulls, 0, "\(c.name): the golden case has a NULL") }
        }
        XCTAssertNil(rows[0].value(of: "no_such_column"))

        // CSV: the hand-written row writer against the table's spellings.
        let lines = try String(contentsOfFile: o.csv, encoding: .utf8).split(separator: "\n").dropFirst().map(String.init)
        let spelled = rows.map { r in table.map { Self.spell(r.value(of: $0.name)!, $0.csv!) }.joined(separator: ",") }
        XCTAssertEqual(lines.count, spelled.count)
        for (i, (line, expected)) in zip(lines, spelled).enumerated() where line != expected {
            XCTFail("CSV row \(i): \(line) != \(expected)")
            break
        }

        // Parquet (the Arrow output has the same columns: compared with it by pyarrow above).
        var row = 0
        for batch in try ParquetFile(path: o.parquet).readAll() {
            XCTAssertEqual(batch.schema, LearningBaseColumns.schema)
            for (k, c) in table.enumerated() {
                for i in 0..<batch.rowCount where !Self.same(Self.value(batch.columns[k], i, c.type), rows[row + i].value(of: c.name)!) {
                    XCTFail("Parquet row \(row + i) column \(c.name): \(Self.value(batch.columns[k], i, c.type))")
                    break
                }
            }
            row += batch.rowCount
        }
        XCTAssertEqual(row, rows.count)
    }

    /// Whether `v` is a value of column `c`'s type (or NULL where allowed).
    static func fits(_ v: OutputValue, _ c: OutputColumn) -> Bool {
        switch (v, c.type) {
        case (.null, _): return c.nullable
        case (.int(let x), .int32): return Int64(Int32(truncatingIfNeeded: x)) == x
        case (.int, .int64), (.double, .double), (.bool, .bool), (.timestamp, .timestampMicros), (.string, .string): return true
        default: return false
        }
    }

    /// `v` spelled as the CSV text spells `how` (docs/learning-base.md §5.3), through the public
    /// single-value formatters.
    static func spell(_ v: OutputValue, _ how: CSVSpelling) -> String {
        var out = ContiguousArray<UInt8>()
        switch (v, how) {
        case (.null, _): break
        case (.int(let x), .integer): CSVText.appendInt(x, to: &out)
        case (.double(let x), .javaDouble): JavaDouble.append(x, to: &out)
        case (.bool(let b), .boolean): out.append(contentsOf: (b ? "true" : "false").utf8)
        case (.timestamp(let t), .timestamp): CSVText.appendTimestamp(t, to: &out)
        case (.string(let s), .text): CSVText.appendString(s, to: &out)
        default: return "<\(v) is not spelled \(how)>"
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Row `i` of a Parquet column read back, as an `OutputValue` of `type`.
    static func value(_ column: AnyColumn, _ i: Int, _ type: ColumnType) -> OutputValue {
        if let v = column.validity, !v[i] { return .null }
        switch column {
        case .int32(let c): return .int(Int64(c.values[i]))
        case .int64(let c): return type == .timestampMicros ? .timestamp(c.values[i]) : .int(c.values[i])
        case .double(let c): return .double(c.values[i])
        case .bool(let c): return .bool(c.values[i])
        case .string(let c): return .string(c[i]!)
        case .dictionary(let c): return .string(c.materialized()[i]!)
        case .fixedBytes: return .string("<fixed bytes>")
        }
    }

    /// Equal values, doubles compared by bits (NaN equals NaN).
    static func same(_ a: OutputValue, _ b: OutputValue) -> Bool {
        if case .double(let x) = a, case .double(let y) = b { return x.bitPattern == y.bitPattern }
        return a == b
    }
}
