import XCTest
@testable import Columnar

final class ColumnTests: XCTestCase {
    func testBitmapAppendAndCounts() {
        var bitmap = Bitmap()
        for i in 0..<130 { bitmap.append(i % 3 != 0) }
        XCTAssertEqual(bitmap.count, 130)
        XCTAssertEqual(bitmap.clearCount, 44)
        XCTAssertFalse(bitmap[129])
        XCTAssertTrue(bitmap[128])
        XCTAssertEqual(Bitmap(count: 70, value: true).setCount, 70)
    }

    func testStringColumnNullsAndUnicode() {
        let column = StringColumn(["a", nil, "", "héllo, wörld"])
        XCTAssertEqual(column.count, 4)
        XCTAssertEqual(column.nullCount, 1)
        XCTAssertEqual(column[0], "a")
        XCTAssertNil(column[1])
        XCTAssertEqual(column[2], "")
        XCTAssertEqual(column[3], "héllo, wörld")
    }

    func testRecordBatchRejectsMismatches() throws {
        let schema = Schema([Field("id", .int64, nullable: false), Field("name", .string)])
        var ids = FixedWidthColumn<Int64>()
        ids.append(1, placeholder: 0)
        ids.append(2, placeholder: 0)
        let ok = try RecordBatch(schema: schema, columns: [.int64(ids), .string(StringColumn(["x", nil]))])
        XCTAssertEqual(ok.rowCount, 2)
        XCTAssertThrowsError(try RecordBatch(schema: schema, columns: [.int64(ids), .string(StringColumn(["x"]))]))
        XCTAssertThrowsError(try RecordBatch(schema: schema, columns: [.double(FixedWidthColumn()), .string(StringColumn())]))
        var withNull = ids
        withNull.append(nil, placeholder: 0)
        XCTAssertThrowsError(try RecordBatch(schema: schema, columns: [.int64(withNull), .string(StringColumn(["a", "b", "c"]))]))
    }
}
