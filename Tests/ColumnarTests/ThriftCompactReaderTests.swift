import Foundation
import XCTest
@testable import Columnar
import TestSupport

final class ThriftCompactReaderTests: XCTestCase {
    func decodeSchemaElement(_ bytes: [UInt8]) throws -> SchemaElement {
        var r = CompactReader(bytes)
        return try SchemaElement.decode(from: &r, depth: 0)
    }

    func minInt64File() throws -> [UInt8] {
        try FileIO.readAll(TestPaths.fixture("parquet-lab/min_int64.parquet").path)
    }

    /// The 151-byte footer of the worked example (docs/parquet.md §10).
    func minInt64Footer() throws -> [UInt8] { Array(try minInt64File()[45..<196]) }

    func testDecodesWorkedExampleFooter() throws {
        let m = try FileMetaData.decode(footer: try minInt64Footer())
        XCTAssertEqual(m.version, 1)
        XCTAssertEqual(m.numRows, 3)
        XCTAssertEqual(m.schema.map(\.name), ["schema", "x"])
        XCTAssertEqual(m.schema[0].numChildren, 1)
        XCTAssertEqual(m.schema[1].type, .int64)
        XCTAssertEqual(m.schema[1].repetitionType, .required)
        let c = try XCTUnwrap(m.rowGroups.first?.columns.first?.metaData)
        XCTAssertEqual(c.encodings, [.plain])
        XCTAssertEqual(c.pathInSchema, ["x"])
        XCTAssertEqual(c.totalCompressedSize, 41)
        XCTAssertEqual(c.dataPageOffset, 4)
        XCTAssertEqual(c.statistics?.minValue, [1, 0, 0, 0, 0, 0, 0, 0])
        XCTAssertEqual(c.statistics?.nullCount, 0)
        XCTAssertEqual(m.rowGroups[0].fileOffset, 4)
        XCTAssertEqual(m.createdBy, "extract version 0.1.0 (build 0000000)")
        XCTAssertEqual(m.columnOrders, [.typeOrder])
        XCTAssertFalse(m.isEncrypted)
    }

    func testSkipsUnknownNestedFields() throws {
        var inner: [UInt8] = []
        inner += [0x19, 0x2C, 0x18, 0x02, 0x61, 0x62, 0x00, 0x00]          // 1: list<struct>[{1:"ab"}, {}]
        inner += [0x1B, 0x01, 0x58, 0x0A, 0x01, 0x7A]                      // 2: map<i32,binary>{5:"z"}
        inner += [0x17] + [UInt8](repeating: 0x40, count: 8)               // 3: double
        inner += [0x11]                                                    // 4: bool true (in the nibble)
        inner += [0x19, 0x21, 0x01, 0x02]                                  // 5: list<bool> typed 1: [true, false]
        inner += [0x19, 0x12, 0x00]                                        // 6: list<bool> typed 2: [false]
        inner += [0x19, 0x00]                                              // 7: empty list as a 0x00 byte
        inner += [0x1A, 0x16, 0x04]                                        // 8: set<i64>{2}
        inner += [0x00]
        var bytes: [UInt8] = [0x15, 0x04]                                  // 1: type INT64
        bytes += [0x0C, 0x28] + inner                                      // 20: unknown struct (long form id)
        bytes += [0x08, 0x08, 0x01, 0x78]                                  // 4: name "x" (long form, id going down)
        bytes += [0x05, 0x06, 0x02]                                        // 3: repetition OPTIONAL
        bytes += [0x00]
        let e = try decodeSchemaElement(bytes)
        XCTAssertEqual(e.type, .int64)
        XCTAssertEqual(e.name, "x")
        XCTAssertEqual(e.repetitionType, .optional)
    }

    func nested(depth: Int) -> [UInt8] {
        // SchemaElement { 30: struct { 1: struct { 1: … } } , 4: name }
        var bytes: [UInt8] = [0x0C, 0x3C]
        bytes += [UInt8](repeating: 0x1C, count: depth)
        bytes += [UInt8](repeating: 0x00, count: depth + 1)
        bytes += [0x08, 0x08, 0x01, 0x78, 0x00]
        return bytes
    }

    func testDepthLimit() throws {
        XCTAssertEqual(try decodeSchemaElement(nested(depth: 10)).name, "x")
        XCTAssertThrowsError(try decodeSchemaElement(nested(depth: 100))) { e in
            XCTAssertTrue("\(e)".contains("nesting"), "\(e)")
        }
        // Lists of lists are limited the same way.
        var lists: [UInt8] = [0x09, 0x3C]
        lists += [UInt8](repeating: 0x19, count: 200)
        XCTAssertThrowsError(try decodeSchemaElement(lists))
    }

    func testEveryTruncationThrows() throws {
        let footer = try minInt64Footer()
        for cut in 0..<footer.count {
            XCTAssertThrowsError(try FileMetaData.decode(footer: Array(footer[0..<cut])), "cut at \(cut)")
        }
    }

    func testUnknownUnionMemberFallsBackToConvertedType() throws {
        // type BYTE_ARRAY, name "s", converted UTF8, logicalType {16: {}}
        let bytes: [UInt8] = [0x15, 0x0C, 0x38, 0x01, 0x73, 0x25, 0x00, 0x4C, 0x0C, 0x20, 0x00, 0x00, 0x00]
        let e = try decodeSchemaElement(bytes)
        XCTAssertEqual(e.logicalType, .other(fieldId: 16))
        XCTAssertEqual(e.convertedType, .utf8)
        XCTAssertEqual(ParquetColumnDescriptor.leaf(e, leafIndex: 0).type, .string)
    }

    func testOutOfRangeIntegersAndBadTypes() {
        // i32 field holding 2^40
        XCTAssertThrowsError(try decodeSchemaElement([0x15, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20, 0x00]))
        // field type nibble 13 is invalid
        XCTAssertThrowsError(try decodeSchemaElement([0x1D, 0x00]))
        // list count larger than the bytes left
        XCTAssertThrowsError(try decodeSchemaElement([0x09, 0x3C, 0xF5, 0xFF, 0xFF, 0x0F]))
        // string length larger than the bytes left
        XCTAssertThrowsError(try decodeSchemaElement([0x48, 0x7F, 0x61]))
    }

    /// Field 8 (encryption_algorithm) marks the footer encrypted; ParquetFile rejects it.
    func testEncryptionFieldIsRejected() throws {
        let file = try minInt64File()
        var footer = Array(try minInt64Footer().dropLast())   // drop FileMetaData's STOP
        footer += [0x1C, 0x00, 0x00]                          // 8: struct {} then STOP
        let m = try FileMetaData.decode(footer: footer)
        XCTAssertTrue(m.isEncrypted)
        let dir = try TestPaths.temporaryDirectory(self, "thrift")
        let path = dir.appendingPathComponent("enc.parquet").path
        let n = UInt32(footer.count)
        try FileIO.writeAll(path, Array(file[0..<45]) + footer + [UInt8(n & 0xff), UInt8(n >> 8), 0, 0] + Array("PAR1".utf8))
        XCTAssertThrowsError(try ParquetFile(path: path)) { e in
            guard case ColumnarError.unsupported(_, let feature) = e else { return XCTFail("\(e)") }
            XCTAssertTrue(feature.contains("encryption"))
        }
    }

    func testPageHeaderOfWorkedExample() throws {
        let file = try minInt64File()
        var r = CompactReader(ByteReader(file, start: 4))
        let h = try PageHeader.decode(from: &r)
        XCTAssertEqual(r.position, 21)
        XCTAssertEqual(h.type, .dataPage)
        XCTAssertEqual(h.uncompressedPageSize, 24)
        XCTAssertEqual(h.compressedPageSize, 24)
        XCTAssertEqual(h.dataPageHeader?.numValues, 3)
        XCTAssertEqual(h.dataPageHeader?.encoding, .plain)
        XCTAssertNil(h.crc)
    }
}
