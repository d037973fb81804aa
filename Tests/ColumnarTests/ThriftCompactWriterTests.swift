import XCTest
import TestSupport
@testable import Columnar

/// The Thrift compact writer against hand-derived bytes (docs/parquet.md §2, §3, §10).
final class ThriftCompactWriterTests: XCTestCase {
    private func bytes(_ build: (inout ThriftCompactWriter) -> Void) -> [UInt8] {
        var w = ThriftCompactWriter()
        build(&w)
        return w.finish()
    }

    func testZigzagVarints() {
        let cases: [(Int32, [UInt8])] = [
            (0, [0x00]), (-1, [0x01]), (1, [0x02]), (63, [0x7e]), (-64, [0x7f]), (64, [0x80, 0x01]),
            (24, [0x30]), (Int32.max, [0xfe, 0xff, 0xff, 0xff, 0x0f]), (Int32.min, [0xff, 0xff, 0xff, 0xff, 0x0f]),
        ]
        for (v, enc) in cases {
            XCTAssertEqual(bytes { $0.fieldI32(1, v) }, [0x15] + enc + [0x00], "i32 \(v)")
        }
        XCTAssertEqual(bytes { $0.fieldI64(1, .min) },
                       [0x16, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0x00])
        XCTAssertEqual(bytes { $0.fieldI64(1, .max) },
                       [0x16, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0x00])
        XCTAssertEqual(bytes { $0.fieldI16(1, -3) }, [0x14, 0x05, 0x00])
        XCTAssertEqual(bytes { $0.fieldI8(1, -1) }, [0x13, 0xff, 0x00])
        var sink = ByteSink()
        sink.appendVarint(300)
        XCTAssertEqual(sink.bytes, [0xac, 0x02])
    }

    func testFieldDeltaShortAndLongForms() {
        let out = bytes { w in
            w.fieldI32(1, 1)    // delta 1
            w.fieldI32(16, 1)   // delta 15: still short
            w.fieldI32(40, 1)   // delta 24: long form, type byte then zigzag i16 id
            w.fieldI32(41, 1)   // delta 1 after the long form
        }
        XCTAssertEqual(out, [0x15, 0x02, 0xf5, 0x02, 0x05, 0x50, 0x02, 0x15, 0x02, 0x00])
    }

    func testBoolsLiveInTheTypeNibbleAndAreBytesInLists() {
        XCTAssertEqual(bytes { w in
            w.fieldBool(1, true)
            w.fieldBool(2, false)
            w.fieldI32(3, 0)
        }, [0x11, 0x12, 0x15, 0x00, 0x00])
        XCTAssertEqual(bytes { w in
            w.fieldList(1, .boolTrue, count: 2)
            w.valueBool(true)
            w.valueBool(false)
        }, [0x19, 0x21, 0x01, 0x02, 0x00])
    }

    func testShortAndLongLists() {
        XCTAssertEqual(bytes { w in
            w.fieldList(1, .i32, count: 3)
            for v: Int32 in [0, 3, 8] { w.valueI32(v) }
        }, [0x19, 0x35, 0x00, 0x06, 0x10, 0x00])
        let long = bytes { w in
            w.fieldList(1, .i64, count: 20)
            for v in 0..<20 { w.valueI64(Int64(v)) }
        }
        XCTAssertEqual(Array(long.prefix(3)), [0x19, 0xf6, 0x14])
        XCTAssertEqual(Array(long.dropFirst(3).dropLast()), (0..<20).map { UInt8($0 * 2) })
        XCTAssertEqual(bytes { w in
            w.fieldList(2, .binary, count: 14)
            for _ in 0..<14 { w.valueString("") }
        }, [0x29, 0xe8] + Array(repeating: 0, count: 14) + [0x00])
        XCTAssertEqual(bytes { w in
            w.fieldList(1, .binary, count: 15)
            for _ in 0..<15 { w.valueString("a") }
        }, [0x19, 0xf8, 0x0f] + Array(repeating: [0x01, 0x61], count: 15).flatMap { $0 } + [0x00])
    }

    func testNestedStructsHaveTheirOwnFieldNumberingAndStop() {
        let out = bytes { w in
            w.fieldI32(1, 0)
            w.beginStruct(field: 3)
            w.fieldI32(1, 5)
            w.beginStruct(field: 2)
            w.endStruct()
            w.endStruct()
            w.fieldI32(4, 1)   // delta 1 from field 3, not from the nested field ids
            w.fieldList(5, .struct, count: 2)
            w.beginListStruct()
            w.fieldString(1, "k")
            w.endStruct()
            w.beginListStruct()
            w.endStruct()
        }
        XCTAssertEqual(out, [0x15, 0x00, 0x2c, 0x15, 0x0a, 0x1c, 0x00, 0x00, 0x15, 0x02,
                             0x19, 0x2c, 0x18, 0x01, 0x6b, 0x00, 0x00, 0x00])
    }

    func testLogicalTypeBytesFromTheSpecTable() {
        func leaf(_ converted: ConvertedType?, _ logical: LogicalType) -> [UInt8] {
            var e = SchemaElement(name: "c")
            e.convertedType = converted
            e.logicalType = logical
            var w = ThriftCompactWriter()
            e.write(to: &w)
            return w.sink.bytes
        }
        // name "c" = 48 01 63; converted_type = 65 xx; then field 10 (delta 4) and the outer STOP.
        XCTAssertEqual(leaf(.utf8, .string), [0x48, 0x01, 0x63, 0x25, 0x00, 0x4c, 0x1c, 0x00, 0x00, 0x00])
        XCTAssertEqual(leaf(.date, .date), [0x48, 0x01, 0x63, 0x25, 0x0c, 0x4c, 0x6c, 0x00, 0x00, 0x00])
        XCTAssertEqual(leaf(.timestampMicros, .timestamp(isAdjustedToUTC: true, unit: .micros)),
                       [0x48, 0x01, 0x63, 0x25, 0x14, 0x4c, 0x8c, 0x11, 0x1c, 0x2c, 0x00, 0x00, 0x00, 0x00, 0x00])
        XCTAssertEqual(leaf(.int64, .integer(bitWidth: 64, isSigned: true)),
                       [0x48, 0x01, 0x63, 0x25, 0x24, 0x4c, 0xac, 0x13, 0x40, 0x11, 0x00, 0x00, 0x00])
    }

    func testPageHeaderOfTheGoldenFile() {
        var h = PageHeader(type: .dataPage, uncompressedPageSize: 24, compressedPageSize: 24)
        h.dataPageHeader = DataPageHeader(numValues: 3, encoding: .plain)
        XCTAssertEqual(h.serialized(), [0x15, 0x00, 0x15, 0x30, 0x15, 0x30, 0x2c, 0x15, 0x06, 0x15, 0x00,
                                        0x15, 0x06, 0x15, 0x06, 0x00, 0x00])
        h.crc = -1
        XCTAssertEqual(Array(h.serialized()[6..<8]), [0x15, 0x01], "crc is field 4, zigzag i32")
    }
}
