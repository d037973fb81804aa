import Foundation
import XCTest
@testable import Columnar
import TestSupport

/// Reads the parquet-lab reference files (written by the from-scratch Python writer, with the
/// values in `files/expected.json`) and the pyarrow reference files, value for value.
final class ParquetReaderLabTests: XCTestCase {
    static let lab = TestPaths.fixture("parquet-lab")
    static let columns = ["user_id", "ts", "day", "product", "price", "ok", "note"]

    func labFile(_ name: String) -> String { Self.lab.appendingPathComponent("files/\(name).parquet").path }

    func expectedRows() throws -> [[Any]] {
        let data = try Data(contentsOf: Self.lab.appendingPathComponent("files/expected.json"))
        return try JSONSerialization.jsonObject(with: data) as! [[Any]]
    }

    func assertReadsExpected(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let pf = try ParquetFile(path: labFile(name))
        XCTAssertEqual(pf.schema, Schema([
            Field("user_id", .int64, nullable: false), Field("ts", .timestampMicros), Field("day", .date, nullable: false),
            Field("product", .string), Field("price", .double), Field("ok", .bool, nullable: false), Field("note", .string),
        ]), name, file: file, line: line)
        XCTAssertEqual(pf.rowGroupCount, 2, file: file, line: line)
        XCTAssertEqual(pf.rowCount, 1777, file: file, line: line)
        XCTAssertEqual(pf.rowCount(rowGroup: 1), 777, file: file, line: line)
        let batches = try pf.readAll()
        assertRows(batches, equal: try expectedRows(), columns: Self.columns, file: file, line: line)
        // The dictionary-encoded column stays dictionary-encoded.
        guard case .dictionary = batches[0].column(named: "product")! else {
            return XCTFail("product should be a dictionary column", file: file, line: line)
        }
    }

    func testUncompressed() throws { try assertReadsExpected("ok_uncompressed") }
    func testGzip() throws { try assertReadsExpected("ok_gzip") }
    func testZstd() throws { try assertReadsExpected("ok_zstd") }
    func testZstdOnePageRLEOnly() throws { try assertReadsExpected("ok_zstd_onepage_rleonly") }
    func testVersion2() throws { try assertReadsExpected("ok_version2") }
    func testNoConvertedType() throws { try assertReadsExpected("ok_no_converted_type") }
    func testOnlyConvertedType() throws { try assertReadsExpected("ok_only_converted_type") }
    func testNoCreatedBy() throws { try assertReadsExpected("ok_no_created_by") }
    func testNoColumnOrders() throws { try assertReadsExpected("ok_no_column_orders") }
    func testLegacyPlainDictionary() throws { try assertReadsExpected("ok_legacy_plain_dictionary") }

    /// Legacy writers point `data_page_offset` at the dictionary page: all 4 reference readers
    /// accept it, and so do we.
    func testDataPageOffsetAtDictionaryIsAccepted() throws {
        try assertReadsExpected("bad_data_page_offset_points_at_dict")
    }

    /// GZIP codec holding a raw zlib stream: pyarrow reads it, DuckDB/Polars/Spark reject it.
    /// We accept it (zlib auto-detects the wrapper), like pyarrow.
    func testGzipRawZlibIsAccepted() throws {
        try assertReadsExpected("bad_gzip_is_raw_zlib")
    }

    func assertCorrupt(_ name: String, column: String? = nil, contains text: String,
                       file: StaticString = #filePath, line: UInt = #line) {
        do {
            let pf = try ParquetFile(path: labFile(name))
            _ = try pf.readAll(columns: column.map { [$0] })
            XCTFail("\(name) should fail", file: file, line: line)
        } catch {
            guard case .corrupt(let loc, let reason) = error else {
                return XCTFail("\(name): expected .corrupt, got \(error)", file: file, line: line)
            }
            XCTAssertTrue(loc.file.hasSuffix("\(name).parquet"), file: file, line: line)
            XCTAssertTrue(reason.contains(text), "\(name): reason '\(reason)' lacks '\(text)'", file: file, line: line)
            if let column { XCTAssertEqual(loc.column, column, file: file, line: line) }
        }
    }

    func testNoNumChildrenIsCorrupt() {
        assertCorrupt("bad_no_num_children", contains: "num_children")
    }

    func testMissingLevelLengthPrefixIsCorrupt() {
        assertCorrupt("bad_no_level_len_prefix", column: "ts", contains: "definition levels: truncated")
    }

    func testNonNullNumValuesIsCorrupt() {
        assertCorrupt("bad_num_values_nonnull", column: "ts", contains: "num_values")
    }

    func testMissingDictionaryPageOffsetIsCorrupt() {
        assertCorrupt("bad_no_dictionary_page_offset", column: "product", contains: "dictionary")
    }

    func testMinInt64() throws {
        let pf = try ParquetFile(path: Self.lab.appendingPathComponent("min_int64.parquet").path)
        XCTAssertEqual(pf.schema, Schema([Field("x", .int64, nullable: false)]))
        let b = try pf.read(rowGroup: 0)
        XCTAssertEqual(b.columns[0].int64Column?.values, [1, 2, 3])
        XCTAssertNil(b.columns[0].validity)
        XCTAssertEqual(pf.metadata.createdBy, "extract version 0.1.0 (build 0000000)")
        XCTAssertEqual(pf.statistics(rowGroup: 0, column: "x"), ColumnStatistics(nullCount: 0, min: .int(1), max: .int(3)))
    }

    func testPyarrowInt64() throws {
        let pf = try ParquetFile(path: Self.lab.appendingPathComponent("pa_int64.parquet").path)
        XCTAssertEqual(pf.schema.fields.map(\.type), [.int64])
        XCTAssertTrue(pf.schema.fields[0].nullable)
        let b = try pf.read(rowGroup: 0)
        XCTAssertEqual(b.columns[0].int64Column?.values, [1, 2, 3])
        XCTAssertEqual(pf.statistics(rowGroup: 0, column: pf.schema.fields[0].name)?.min, .int(1))
        XCTAssertEqual(pf.statistics(rowGroup: 0, column: pf.schema.fields[0].name)?.max, .int(3))
    }

    func testPyarrowSingleEntryDictionary() throws {
        let pf = try ParquetFile(path: Self.lab.appendingPathComponent("pa_single_dict.parquet").path)
        let b = try pf.readAll()
        XCTAssertEqual(b.count, 1)
        let col = b[0].columns[0]
        XCTAssertGreaterThan(col.count, 0)
        let strings = try XCTUnwrap(col.stringColumn)
        let values = (0..<strings.count).map { strings[$0] }
        XCTAssertEqual(Set(values).count, 1, "single-entry dictionary: \(values)")
    }

    func testPyarrowDictionaryWidth2() throws {
        let pf = try ParquetFile(path: Self.lab.appendingPathComponent("pa_dict3_required.parquet").path)
        let b = try pf.read(rowGroup: 0)
        guard case .dictionary(let d) = b.columns[0] else { return XCTFail("expected dictionary column") }
        XCTAssertEqual((0..<d.count).map { d[$0] }, ["a", "b", "c", "a", "b", "c", "a", "b", "c"])
    }

    func testStatisticsOfLabFile() throws {
        let pf = try ParquetFile(path: labFile("ok_zstd"))
        let rows = try expectedRows()
        let firstGroup = rows[0..<1000]
        let ts = firstGroup.compactMap { ($0[1] as? NSNumber)?.int64Value }
        let s = try XCTUnwrap(pf.statistics(rowGroup: 0, column: "ts"))
        XCTAssertEqual(s.nullCount, Int64(1000 - ts.count))
        XCTAssertEqual(s.min, .int(ts.min()!))
        XCTAssertEqual(s.max, .int(ts.max()!))
        let notes = firstGroup.compactMap { $0[6] as? String }.map { Array($0.utf8) }
        let ns = try XCTUnwrap(pf.statistics(rowGroup: 0, column: "note"))
        XCTAssertEqual(ns.min, .bytes(notes.min { $0.lexicographicallyPrecedes($1) }!))
        XCTAssertEqual(ns.max, .bytes(notes.max { $0.lexicographicallyPrecedes($1) }!))
        XCTAssertNil(pf.statistics(rowGroup: 0, column: "nope"))
    }

    func testProjectionOrderAndUnknownColumn() throws {
        let pf = try ParquetFile(path: labFile("ok_zstd"))
        let b = try pf.read(rowGroup: 1, columns: ["ok", "user_id"])
        XCTAssertEqual(b.schema.names, ["ok", "user_id"])
        XCTAssertEqual(b.rowCount, 777)
        XCTAssertThrowsError(try pf.read(rowGroup: 0, columns: ["nope"])) { e in
            guard case ColumnarError.invalidArgument = e else { return XCTFail("\(e)") }
        }
        XCTAssertThrowsError(try pf.read(rowGroup: 2)) { e in
            guard case ColumnarError.invalidArgument = e else { return XCTFail("\(e)") }
        }
    }
}
