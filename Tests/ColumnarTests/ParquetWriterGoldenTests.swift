import XCTest
import TestSupport
@testable import Columnar

/// Byte-exact golden file (docs/parquet.md §10): `x INT64 REQUIRED` = [1, 2, 3], UNCOMPRESSED, PLAIN,
/// no page CRC, no dictionary must equal `tools/parquet-lab/min_int64.parquet` (204 bytes),
/// which pyarrow, DuckDB and Polars read back.
final class ParquetWriterGoldenTests: XCTestCase {
    private func goldenOptions() -> ParquetWriterOptions {
        var o = ParquetWriterOptions()
        o.codec = .uncompressed
        o.pageCRC = false
        o.dictionary = false
        o.annotateIntegers = false  // the golden leaf is a bare INT64
        return o
    }

    private func goldenBatch() throws -> (Schema, RecordBatch) {
        let schema = Schema([Field("x", .int64, nullable: false)])
        let batch = try RecordBatch(schema: schema, columns: [.int64(FixedWidthColumn(values: [1, 2, 3]))])
        return (schema, batch)
    }

    func testMinimalInt64FileIsByteExact() throws {
        let expected = try [UInt8](Data(contentsOf: TestPaths.fixture("parquet-lab/min_int64.parquet")))
        XCTAssertEqual(expected.count, 204)
        let (schema, batch) = try goldenBatch()
        let bytes = try ParquetWriter.encode(schema: schema, batches: [batch], options: goldenOptions())
        XCTAssertEqual(bytes.count, expected.count)
        if let i = (0..<min(bytes.count, expected.count)).first(where: { bytes[$0] != expected[$0] }) {
            XCTFail("first difference at byte \(i): got \(bytes[i]), expected \(expected[i])")
        }
        XCTAssertEqual(bytes, expected)
    }

    func testFileWriterProducesTheSameBytesAsEncode() throws {
        let dir = try TestPaths.temporaryDirectory(self)
        let path = dir.appendingPathComponent("x.parquet").path
        let (schema, batch) = try goldenBatch()
        let w = try ParquetWriter(path: path, schema: schema, options: goldenOptions())
        try w.write(batch)
        XCTAssertEqual(w.rowsWritten, 3)
        let md = try w.closeReturningFooter()
        XCTAssertEqual(md.numRows, 3)
        XCTAssertEqual(w.bytesWritten, 204)
        let expected = try [UInt8](Data(contentsOf: TestPaths.fixture("parquet-lab/min_int64.parquet")))
        XCTAssertEqual(try FileIO.readAll(path), expected)
        XCTAssertThrowsError(try w.write(batch))
    }

    func testAbandonDeletesThePartialFile() throws {
        let dir = try TestPaths.temporaryDirectory(self)
        let path = dir.appendingPathComponent("partial.parquet").path
        let (schema, batch) = try goldenBatch()
        let w = try ParquetWriter(path: path, schema: schema, options: goldenOptions())
        try w.write(batch)
        try w.flushRowGroup()
        XCTAssertTrue(FileIO.exists(path))
        XCTAssertGreaterThan(w.bytesWritten, 4)
        w.abandon()
        XCTAssertFalse(FileIO.exists(path))
    }

    func testMismatchedSchemaAndUnsupportedCodecAreRejected() throws {
        let (schema, _) = try goldenBatch()
        let other = Schema([Field("y", .int64, nullable: false)])
        let b = try RecordBatch(schema: other, columns: [.int64(FixedWidthColumn(values: [1]))])
        XCTAssertThrowsError(try ParquetWriter.encode(schema: schema, batches: [b])) { e in
            guard case ColumnarError.invalidArgument = e else { return XCTFail("\(e)") }
        }
        var o = ParquetWriterOptions()
        o.codec = .snappy
        XCTAssertThrowsError(try ParquetWriter.encode(schema: schema, batches: [], options: o))
    }
}
