import Columnar
import Foundation
@testable import Query
import TestSupport
import XCTest

/// The hand-written FlatBuffers builder and the Arrow IPC encoder, checked against bytes
/// worked out by hand from the FlatBuffers and Arrow format rules, and against pyarrow.
final class ArrowIPCTests: XCTestCase {
    // MARK: FlatBufferBuilder, known bytes

    /// Root offset, vtable (size 8, table 12, fields at 4 and 8), table (soffset 8 back to the
    /// vtable, int16 4, padding, uoffset 4 to the string), string (length 2, "ab", NUL), padding to 8.
    func testTableWithAScalarAndAStringKnownBytes() {
        var t = FlatTable()
        t.addInt16(0, 4)
        t.addString(1, "ab")
        XCTAssertEqual(FlatBufferBuilder.finish(t), [
            12, 0, 0, 0,
            8, 0, 12, 0, 4, 0, 8, 0,
            8, 0, 0, 0, 4, 0, 0, 0, 4, 0, 0, 0,
            2, 0, 0, 0, 97, 98, 0, 0,
        ])
    }

    /// A struct vector's elements start 8-aligned after its 4-byte count; an absent slot has
    /// vtable entry 0; an 8-byte scalar aligns the table to 8.
    func testStructVectorAlignmentAndAbsentSlotKnownBytes() {
        var t = FlatTable()
        t.addStructs(0, bytes: [1, 2, 3, 4, 5, 6, 7, 8], count: 1, alignment: 8)
        XCTAssertEqual(FlatBufferBuilder.finish(t), [
            12, 0, 0, 0,
            6, 0, 8, 0, 4, 0, 0, 0,
            8, 0, 0, 0, 4, 0, 0, 0,
            1, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8,
        ])
        var u = FlatTable()
        u.addInt64(1, 0x0102)
        XCTAssertEqual(FlatBufferBuilder.finish(u), [
            16, 0, 0, 0,
            8, 0, 16, 0, 0, 0, 8, 0,
            0, 0, 0, 0,
            12, 0, 0, 0, 0, 0, 0, 0, 2, 1, 0, 0, 0, 0, 0, 0,
        ])
    }

    func testFramingPadsTheMetadataToEightBytes() {
        let framed = ArrowFraming.frame(metadata: [1, 2, 3])
        XCTAssertEqual(framed, [0xFF, 0xFF, 0xFF, 0xFF, 8, 0, 0, 0, 1, 2, 3, 0, 0, 0, 0, 0])
        XCTAssertEqual(ArrowFraming.endOfStream, [0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0])
    }

    // MARK: Record batch body, hand-checked

    static let tinySchema = Schema([Field("n", .int32), Field("s", .string), Field("b", .bool, nullable: false)])

    static func tinyBatch() throws -> RecordBatch {
        var n = FixedWidthColumn<Int32>()
        for v in [Int32(1), nil, 3] { n.append(v, placeholder: 0) }
        return try RecordBatch(schema: tinySchema, columns: [
            .int32(n), .string(StringColumn(["a", nil, "ccc"])), .bool(FixedWidthColumn(values: [true, false, true])),
        ])
    }

    /// n = [1, null, 3], s = ["a", null, "ccc"], b = [true, false, true]: validity 0b101, int32
    /// values, string offsets 0,1,1,4 and "accc", no validity buffer for b (no nulls), b's bits
    /// 0b101; every buffer padded to 8.
    func testTinyBatchBodyKnownBytes() throws {
        let encoded = ArrowRecordBatchEncoder.encode(try Self.tinyBatch())
        XCTAssertEqual(encoded.rows, 3)
        XCTAssertEqual(encoded.metadataLength % 8, 0)
        XCTAssertEqual(Array(encoded.bytes[0 ..< 4]), [0xFF, 0xFF, 0xFF, 0xFF])
        let body = Array(encoded.bytes[encoded.metadataLength...])
        XCTAssertEqual(encoded.bodyLength, body.count)
        XCTAssertEqual(body, [
            5, 0, 0, 0, 0, 0, 0, 0,                          // n validity
            1, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0,  // n values (+ padding)
            5, 0, 0, 0, 0, 0, 0, 0,                          // s validity
            0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 4, 0, 0, 0,  // s offsets
            97, 99, 99, 99, 0, 0, 0, 0,                      // s bytes
            5, 0, 0, 0, 0, 0, 0, 0,                          // b values (bits)
        ])
    }

    func testBoolPackingOverSizes() {
        for count in [0, 1, 7, 8, 9, 16, 17, 100] {
            let values = ContiguousArray((0..<count).map { $0 % 3 == 0 || $0 % 7 == 1 })
            var out: [UInt8] = []
            ArrowRecordBatchEncoder.Piece.pack(values, into: &out)
            XCTAssertEqual(out.count, (count + 7) / 8)
            for i in 0..<count { XCTAssertEqual(out[i / 8] >> UInt8(i % 8) & 1 == 1, values[i], "\(count) \(i)") }
            if count % 8 != 0 { XCTAssertEqual(out.last! >> UInt8(count % 8), 0, "high bits zero") }
        }
    }

    // MARK: pyarrow reads what we write

    /// Writes `batches` with `schema` as a stream and as a file into `dir`.
    func write(_ schema: Schema, _ batches: [RecordBatch], in dir: URL) throws -> (stream: String, file: String) {
        let stream = dir.appendingPathComponent("t.arrows").path, file = dir.appendingPathComponent("t.arrow").path
        for (path, flavor) in [(stream, ArrowIPCWriter.Flavor.stream), (file, .file)] {
            let handle = try WriteHandle(path: path)
            let writer = try ArrowIPCWriter(handle: handle, schema: schema, flavor: flavor)
            for b in batches { try writer.append(ArrowRecordBatchEncoder.encode(b)) }
            try writer.finish()
            try handle.close()
        }
        return (stream, file)
    }

    /// pyarrow parses the Schema message alone (`read_schema`), and reads the tiny table (two
    /// batches, one of them empty) from the stream and the file, values and types.
    func testPyarrowReadsTheSchemaMessageAndTheTinyTable() throws {
        let dir = try TestPaths.temporaryDirectory(self, "arrowtiny")
        let schemaFile = dir.appendingPathComponent("schema.bin")
        try Data(ArrowSchemaMessage.encoded(Self.tinySchema)).write(to: schemaFile)
        let empty = try RecordBatch(schema: Self.tinySchema, columns: [.int32(.init()), .string(.init()), .bool(.init())])
        let (stream, file) = try write(Self.tinySchema, [try Self.tinyBatch(), empty, try Self.tinyBatch()], in: dir)
        let out = try InteropPython.run(#"""
            import sys, pyarrow as pa, pyarrow.ipc as ipc
            s = ipc.read_schema(pa.py_buffer(open(sys.argv[1], 'rb').read()))
            assert str(s) == 'n: int32\ns: string\nb: bool not null', str(s)
            expected = {'n': [1, None, 3] * 2, 's': ['a', None, 'ccc'] * 2, 'b': [True, False, True] * 2}
            st = ipc.open_stream(open(sys.argv[2], 'rb')).read_all()
            f = ipc.open_file(sys.argv[3])
            assert f.num_record_batches == 3, f.num_record_batches
            assert [f.get_batch(i).num_rows for i in range(3)] == [3, 0, 3]
            ft = f.read_all()
            for t in (st, ft):
                t.validate(full=True)
                assert t.schema.equals(s), t.schema
                assert t.to_pydict() == expected, t.to_pydict()
            print('ok')
            """#, args: [schemaFile.path, stream, file])
        XCTAssertEqual(out, "ok\n")
    }

    /// Every `ColumnType` (and a dictionary column, written materialized) with nulls, read
    /// by pyarrow with the documented Arrow types.
    func testEveryColumnTypeAsPyarrowReadsIt() throws {
        let schema = Schema(ColumnType.allCases.map { Field($0.rawValue, $0) } + [Field("dict", .string)])
        func fixed<T>(_ a: T, _ b: T) -> FixedWidthColumn<T> {
            var c = FixedWidthColumn<T>()
            c.append(a, placeholder: a); c.append(nil, placeholder: a); c.append(b, placeholder: a)
            return c
        }
        var uuidValidity = Bitmap(count: 3, value: true)
        uuidValidity[1] = false
        let columns: [AnyColumn] = [
            .bool(fixed(true, false)), .int32(fixed(-7, Int32.max)), .int64(fixed(Int64.min, 42)), .double(fixed(1.5, -0.0)),
            .string(StringColumn(["é", nil, ""])), .string(StringColumn(["\u{0}x", nil, "y"])),
            .int64(fixed(1_569_888_000_123_456, -1)), .int32(fixed(18_170, -1)),
            .fixedBytes(FixedBytesColumn(width: 16, bytes: ContiguousArray((0..<48).map { UInt8($0) }), validity: uuidValidity)),
            .dictionary(DictionaryColumn(codes: [1, 0, 1], dictionary: StringColumn(["p", "q"]),
                                         validity: { var b = Bitmap(count: 3, value: true); b[1] = false; return b }())),
        ]
        let dir = try TestPaths.temporaryDirectory(self, "arrowtypes")
        let (stream, file) = try write(schema, [try RecordBatch(schema: schema, columns: columns)], in: dir)
        let out = try InteropPython.run(#"""
            import sys, datetime, pyarrow as pa, pyarrow.ipc as ipc
            for t in (ipc.open_stream(open(sys.argv[1], 'rb')).read_all(), ipc.open_file(sys.argv[2]).read_all()):
                t.validate(full=True)
                assert [str(f.type) for f in t.schema] == ['bool', 'int32', 'int64', 'double', 'string', 'binary',
                    'timestamp[us, tz=UTC]', 'date32[day]', 'fixed_size_binary[16]', 'string'], t.schema
                assert all(f.nullable for f in t.schema)
                d = t.to_pydict()
                assert d['bool'] == [True, None, False] and d['int32'] == [-7, None, 2**31 - 1], d
                assert d['int64'] == [-2**63, None, 42] and d['double'] == [1.5, None, -0.0], d
                assert d['string'] == ['é', None, ''] and d['binary'] == [b'\x00x', None, b'y'], d
                utc = datetime.timezone.utc
                assert d['timestampMicros'] == [datetime.datetime(2019, 10, 1, 0, 0, 0, 123456, tzinfo=utc), None,
                                                datetime.datetime(1969, 12, 31, 23, 59, 59, 999999, tzinfo=utc)], d
                assert d['date'] == [datetime.date(2019, 10, 1), None, datetime.date(1969, 12, 31)], d
                assert d['uuid'] == [bytes(range(16)), None, bytes(range(32, 48))], d
                assert d['dict'] == ['q', None, 'q'], d
            print('ok')
            """#, args: [stream, file])
        XCTAssertEqual(out, "ok\n")
    }
}
