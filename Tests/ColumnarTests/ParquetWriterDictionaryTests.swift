import Foundation
import XCTest
import TestSupport
@testable import Columnar

/// Dictionary size limit: a high-cardinality string chunk starts with RLE_DICTIONARY pages and
/// continues with PLAIN pages once the dictionary would pass `dictionaryMaxBytes`; pyarrow and
/// DuckDB still read every value back, for `.string` and `.dictionary` inputs.
final class ParquetWriterDictionaryTests: XCTestCase {
    func testHighCardinalityChunkFallsBackToPlainPages() throws {
        let dir = try TestPaths.temporaryDirectory(self, "pq-dict")
        var rng = SeededRandom(seed: 77)
        let n = 3000
        var strings: [String?] = []
        for i in 0..<n {
            strings.append(rng.next() % 10 == 0 ? nil : "value-\(i)-\(rng.next() % 1_000_000)")
        }
        let schema = Schema([Field("s", .string), Field("d", .string)])
        let plain = StringColumn(strings)
        // The same values as a DictionaryColumn (dictionary of every distinct value, in order).
        var codes = ContiguousArray<UInt32>()
        var dictValues: [String?] = []
        for s in strings {
            if let s { codes.append(UInt32(dictValues.count)); dictValues.append(s) } else { codes.append(0) }
        }
        let dict = DictionaryColumn(codes: codes, dictionary: StringColumn(dictValues), validity: plain.validity)
        let batch = try RecordBatch(schema: schema, columns: [.string(plain), .dictionary(dict)])
        var o = ParquetWriterOptions()
        o.dictionaryMaxBytes = 8_000
        o.pageBytes = 2_000
        let path = dir.appendingPathComponent("fallback.parquet").path
        let w = try ParquetWriter(path: path, schema: schema, options: o)
        try w.write(batch)
        try w.close()

        let out = try InteropPython.run(ParquetInteropScript.source, args: [path])
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
        let r = try XCTUnwrap(json[path] as? [String: Any])
        let expected: [String?] = strings.map { $0.map { Array($0.utf8).map { String(format: "%02x", $0) }.joined() } }
        for engine in ["pyarrow", "duckdb"] {
            let cols = try XCTUnwrap(r[engine] as? [String: Any])
            for name in ["s", "d"] {
                XCTAssertEqual((cols[name] as? [Any])?.map { $0 as? String }, expected, "\(engine) \(name)")
            }
        }
        let rg = try XCTUnwrap((r["row_groups"] as? [[String: Any]])?.first)
        let cols = try XCTUnwrap(rg["columns"] as? [String: Any])
        for name in ["s", "d"] {
            let col = try XCTUnwrap(cols[name] as? [String: Any])
            let encodings = try XCTUnwrap(col["encodings"] as? [String])
            XCTAssertTrue(encodings.contains("RLE_DICTIONARY") && encodings.contains("PLAIN"), "\(encodings)")
            let pages = try XCTUnwrap(col["pages"] as? [[String: Any]])
            XCTAssertEqual(pages.first?["type"] as? Int, 2, "dictionary page first")
            let dataEncodings = pages.dropFirst().compactMap { $0["encoding"] as? Int }
            XCTAssertEqual(dataEncodings.count, pages.count - 1)
            let firstPlain = try XCTUnwrap(dataEncodings.firstIndex(of: 0), "some PLAIN pages: \(dataEncodings)")
            XCTAssertGreaterThan(firstPlain, 0, "dictionary pages come first: \(dataEncodings)")
            XCTAssertTrue(dataEncodings[..<firstPlain].allSatisfy { $0 == 8 }, "\(dataEncodings)")
            XCTAssertTrue(dataEncodings[firstPlain...].allSatisfy { $0 == 0 }, "\(dataEncodings)")
            let stats = try XCTUnwrap(col["stats"] as? [String: Any])
            let present = strings.compactMap { $0 }.map { Array($0.utf8) }
            let hex = { (b: [UInt8]) in b.map { String(format: "%02x", $0) }.joined() }
            XCTAssertEqual(stats["min"] as? String, hex(present.min { $0.lexicographicallyPrecedes($1) }!))
            XCTAssertEqual(stats["max"] as? String, hex(present.max { $0.lexicographicallyPrecedes($1) }!))
            XCTAssertEqual(stats["null_count"] as? Int, strings.filter { $0 == nil }.count)
        }
    }

    func testZeroLimitNeverBuildsADictionaryAndSmallChunksUseOne() throws {
        let schema = Schema([Field("s", .string, nullable: false)])
        let batch = try RecordBatch(schema: schema, columns: [.string(StringColumn(["a", "b", "a"]))])
        var o = ParquetWriterOptions()
        o.dictionaryMaxBytes = 0
        let bytes = try ParquetWriter.encode(schema: schema, batches: [batch], options: o)
        XCTAssertEqual(Array(bytes.suffix(4)), Array("PAR1".utf8))
        let w = try ParquetWriter(path: try TestPaths.temporaryDirectory(self).appendingPathComponent("z.parquet").path,
                                  schema: schema, options: o)
        try w.write(batch)
        let footer = try w.closeReturningFooter()
        let chunk = try XCTUnwrap(footer.rowGroups.first?.columns.first?.metaData)
        XCTAssertNil(chunk.dictionaryPageOffset)
        XCTAssertEqual(chunk.encodings, [.plain])
        o.dictionaryMaxBytes = 1 << 20
        let w2 = try ParquetWriter(path: try TestPaths.temporaryDirectory(self).appendingPathComponent("y.parquet").path,
                                   schema: schema, options: o)
        try w2.write(batch)
        let f2 = try w2.closeReturningFooter()
        let c2 = try XCTUnwrap(f2.rowGroups.first?.columns.first?.metaData)
        XCTAssertEqual(c2.dictionaryPageOffset, 4)
        XCTAssertGreaterThan(c2.dataPageOffset, 4)
        XCTAssertEqual(c2.encodings, [.plain, .rle, .rleDictionary])
        XCTAssertEqual(c2.statistics?.minValue, Array("a".utf8))
        XCTAssertEqual(c2.statistics?.maxValue, Array("b".utf8))
    }

    /// `plainColumns` turns the dictionary off for the named columns only (the store's
    /// session texts), string or numeric; the values read back the same.
    func testPlainColumnsHaveNoDictionaryOthersKeepTheirs() throws {
        let schema = Schema([Field("s", .string, nullable: false), Field("t", .string), Field("n", .int64)])
        let s = StringColumn(["a", "b", "a", "a"]), t = StringColumn(["x", nil, "x", "y"])
        let n = FixedWidthColumn<Int64>(values: [7, 7, 7, 8])
        let batch = try RecordBatch(schema: schema, columns: [.string(s), .string(t), .int64(n)])
        var o = ParquetWriterOptions()
        o.plainColumns = ["s", "n"]
        o.numericTrialValues = 1
        let path = try TestPaths.temporaryDirectory(self).appendingPathComponent("p.parquet").path
        let w = try ParquetWriter(path: path, schema: schema, options: o)
        try w.write(batch)
        let footer = try w.closeReturningFooter()
        let chunks = try footer.rowGroups[0].columns.map { try XCTUnwrap($0.metaData) }
        XCTAssertNil(chunks[0].dictionaryPageOffset)
        XCTAssertEqual(chunks[0].encodings, [.plain])
        XCTAssertNotNil(chunks[1].dictionaryPageOffset)
        XCTAssertTrue(chunks[1].encodings.contains(.rleDictionary))
        XCTAssertNil(chunks[2].dictionaryPageOffset)
        XCTAssertFalse(chunks[2].encodings.contains(.rleDictionary))
        let back = try ParquetFile(path: path).readAll()
        XCTAssertEqual(back.count, 1)
        XCTAssertEqual(back[0].columns[0].stringColumn, s)
        XCTAssertEqual(back[0].columns[1].stringColumn, t)
        XCTAssertEqual(back[0].columns[2].int64Column?.values, n.values)
    }
}
