import Foundation
import XCTest
import TestSupport
@testable import Columnar

/// `ParquetFile.read(uuidText:)` (the unsafe PLAIN loop of `UUIDTextColumnBuilder`, its
/// dictionary and run-copy paths) against its safe twin: the ordinary text read followed by
/// `UUIDParser.parseScalar` per row. Every position of a non-canonical character, uppercase
/// hex, wrong lengths, empty texts and NULLs, in PLAIN and dictionary pages, many pages and
/// row groups; and a value running past its page is an error, never a read out of bounds.
final class UUIDTextColumnBuilderTests: XCTestCase {
    static let canonical = ["0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", "abcdef01-2345-6789-abcd-ef0123456789",
                            "00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff"]

    /// Hostile and ordinary session texts, in runs like a store sorted by user.
    static func texts() -> [String?] {
        var out: [String?] = []
        let base = canonical[1]
        for u in canonical { out += [u, u, u] }
        // Each position broken in turn, right after the canonical text it differs from (so the
        // run copy must not take it for the previous row's session).
        for i in 0..<36 {
            for bad: Character in ["g", "A", "-", "x", "/", ":", "`", "G", "é"] {
                var chars = Array(base)
                chars[i] = bad
                out += [base, String(chars), String(chars), base]
            }
        }
        out += [base.uppercased(), base, String(base.dropLast()), String(base.dropLast()) + "0a", base + " ",
                "", nil, base, nil, nil, base, "{\(base)}", " " + base.dropLast(), base, base]
        for u in canonical { out += [nil, u, u, nil, u] }
        return out
    }

    func testUUIDTextReadMatchesTextReadParsedByTheScalarTwin() throws {
        let texts = Self.texts()
        let schema = Schema([Field("s", .string), Field("n", .int64, nullable: false)])
        let column = StringColumn(texts)
        let numbers = FixedWidthColumn<Int64>(values: ContiguousArray((0..<Int64(texts.count))))
        let batch = try RecordBatch(schema: schema, columns: [.string(column), .int64(numbers)])
        let dir = try TestPaths.temporaryDirectory(self)
        for (name, plain) in [("plain", true), ("dictionary", false)] {
            for (pageBytes, groupRows) in [(1 << 20, 1 << 20), (300, 97)] {
                var o = ParquetWriterOptions()
                if plain { o.plainColumns = ["s"] }
                o.pageBytes = pageBytes
                o.rowGroupRows = groupRows
                let path = dir.appendingPathComponent("\(name)-\(pageBytes).parquet").path
                let w = try ParquetWriter(path: path, schema: schema, options: o)
                try w.write(batch)
                _ = try w.close()
                let file = try ParquetFile(path: path)
                let split = UUIDTextSplit(column: "s", rawColumn: "s_raw")
                var sawRaw = false
                for g in 0..<file.rowGroupCount {
                    let fast = try file.read(rowGroup: g, columns: ["s", "n"], uuidText: split)
                    let text = try file.read(rowGroup: g, columns: ["s", "n"])
                    let expected = try XCTUnwrap(text.columns[0].stringColumn)
                    XCTAssertEqual(fast.schema.fields.first?.type, .uuid)
                    let bytes = try XCTUnwrap(fast.column(named: "s").flatMap { if case .fixedBytes(let c) = $0 { c } else { nil } })
                    XCTAssertEqual(bytes.width, 16)
                    XCTAssertEqual(bytes.bytes.count, expected.count * 16)
                    let raw = fast.column(named: "s_raw")?.stringColumn
                    if raw != nil { sawRaw = true; XCTAssertEqual(fast.schema.fields.map(\.name), ["s", "s_raw", "n"]) }
                    XCTAssertEqual(fast.column(named: "n")?.int64Column?.values, text.columns[1].int64Column?.values)
                    for row in 0..<expected.count {
                        var want = [UInt8](repeating: 0, count: 16)
                        var wantRaw: [UInt8]? = nil
                        var valid = false
                        if expected.isValid(row) {
                            let t = Array(expected.bytes[expected.range(row)])
                            valid = t.withUnsafeBytes { src in want.withUnsafeMutableBytes { UUIDParser.parseScalar(src, into: $0) } }
                            if !valid { want = [UInt8](repeating: 0, count: 16); wantRaw = t }
                        }
                        let where_ = "\(name) pages \(pageBytes) group \(g) row \(row)"
                        XCTAssertEqual(Array(bytes.bytes[(row * 16)..<(row * 16 + 16)]), want, where_)
                        XCTAssertEqual(bytes.validity.map { $0[row] } ?? true, valid, where_)
                        let gotRaw = raw.flatMap { $0.isValid(row) ? Array($0.bytes[$0.range(row)]) : nil }
                        XCTAssertEqual(gotRaw, wantRaw, where_)
                    }
                }
                XCTAssertTrue(sawRaw, "\(name): the hostile texts come back as raw texts")
            }
        }
    }

    func testAllCanonicalGroupHasNoRawColumnAndNoValidity() throws {
        let texts: [String?] = Self.canonical + Self.canonical
        let schema = Schema([Field("s", .string)])
        let batch = try RecordBatch(schema: schema, columns: [.string(StringColumn(texts))])
        var o = ParquetWriterOptions()
        o.plainColumns = ["s"]
        let path = try TestPaths.temporaryDirectory(self).appendingPathComponent("c.parquet").path
        let w = try ParquetWriter(path: path, schema: schema, options: o)
        try w.write(batch)
        _ = try w.close()
        let fast = try ParquetFile(path: path).read(rowGroup: 0, uuidText: UUIDTextSplit(column: "s", rawColumn: "r"))
        XCTAssertEqual(fast.schema.fields.map(\.name), ["s"])
        guard case .fixedBytes(let c)? = fast.column(named: "s") else { return XCTFail("not 16 bytes") }
        XCTAssertNil(c.validity)
        XCTAssertEqual(Array(c.bytes), texts.flatMap { UUIDParser.parse($0!)! })
    }

    /// A PLAIN length pointing past the page end: both reads refuse the file (corrupt), the
    /// fast one without reading outside the page.
    func testValueLengthPastThePageEndIsCorrupt() throws {
        let texts: [String?] = [Self.canonical[0], Self.canonical[0], Self.canonical[2]]
        let schema = Schema([Field("s", .string, nullable: false)])
        let batch = try RecordBatch(schema: schema, columns: [.string(StringColumn(texts))])
        var o = ParquetWriterOptions()
        o.plainColumns = ["s"]
        o.codec = .uncompressed
        o.pageCRC = false
        let path = try TestPaths.temporaryDirectory(self).appendingPathComponent("bad.parquet").path
        let w = try ParquetWriter(path: path, schema: schema, options: o)
        try w.write(batch)
        _ = try w.close()
        var data = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        // The third value's length prefix: 36 little-endian before the last text.
        let needle = [UInt8]([36, 0, 0, 0]) + Array(Self.canonical[2].utf8)
        let at = try XCTUnwrap((0...(data.count - needle.count)).first { Array(data[$0..<($0 + needle.count)]) == needle })
        data[at] = 37  // one byte more than the page holds
        try Data(data).write(to: URL(fileURLWithPath: path))
        let file = try ParquetFile(path: path)
        XCTAssertThrowsError(try file.read(rowGroup: 0, uuidText: UUIDTextSplit(column: "s", rawColumn: "r"))) { error in
            guard case ColumnarError.corrupt = error else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try file.read(rowGroup: 0)) { error in
            guard case ColumnarError.corrupt = error else { return XCTFail("\(error)") }
        }
    }
}
