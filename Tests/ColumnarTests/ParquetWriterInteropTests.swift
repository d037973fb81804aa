import Foundation
import XCTest
import TestSupport
@testable import Columnar

/// Interop: files from `ParquetWriter` are read back by pyarrow AND DuckDB with exactly our
/// values, types and statistics, for every codec × dictionary on/off × {one row group, many row
/// groups with many small pages (and DELTA_BINARY_PACKED)}, over tables covering every
/// `ColumnType` with nulls, empty strings, unicode, NaN/±inf/-0.0, extreme integers, and 0 / 1 rows.
/// The `k*` columns are low-cardinality numbers (RLE_DICTIONARY with the dictionary on); the
/// near-unique numeric columns must fall back to PLAIN (the numeric dictionary's trial).
final class ParquetWriterInteropTests: XCTestCase {
    /// One generated table: the schema, its columns, and the canonical expected cells.
    struct Table {
        var schema: Schema
        var columns: [AnyColumn]
        var rows: Int
        /// Canonical cell values per column (see `ParquetInteropScript`), nil = null.
        var cells: [[String?]]
        /// Typed values for computing statistics independently.
        var raw: [[RawValue?]]
    }

    enum RawValue {
        case int(Int64), double(Double), bool(Bool), bytes([UInt8])
    }

    static let fields: [Field] = [
        Field("flag", .bool), Field("i32", .int32), Field("i64", .int64), Field("price", .double),
        Field("name", .string), Field("cat", .string), Field("blob", .binary), Field("ts", .timestampMicros),
        Field("day", .date), Field("id", .uuid), Field("uid", .int64, nullable: false),
        Field("tag", .string, nullable: false), Field("seq", .int64, nullable: false),
        Field("k32", .int32), Field("k64", .int64), Field("kd", .double), Field("kts", .timestampMicros),
        Field("kday", .date, nullable: false),
    ]

    /// Low-cardinality values of the `k*` columns (13...17).
    static let k32: [Int32] = [.min, -1, 0, 7, .max]
    static let k64: [Int64] = [.min, -42, 0, 1 << 40, .max]
    static let kd: [Double] = [-0.0, 0.0, .nan, .infinity, -.infinity, 2.5]

    static let duckTypes: [ColumnType: String] = [
        .bool: "BOOLEAN", .int32: "INTEGER", .int64: "BIGINT", .double: "DOUBLE", .string: "VARCHAR",
        .binary: "BLOB", .timestampMicros: "TIMESTAMP WITH TIME ZONE", .date: "DATE", .uuid: "UUID",
    ]

    static func hex(_ b: [UInt8]) -> String { b.map { String(format: "%02x", $0) }.joined() }

    static func canonical(_ v: RawValue?) -> String? {
        guard let v else { return nil }
        switch v {
        case .int(let i): return String(i)
        case .double(let d): return d.isNaN ? "nan" : String(d.bitPattern)
        case .bool(let b): return b ? "true" : "false"
        case .bytes(let b): return hex(b)
        }
    }

    /// `nullMode`: 0 = random nulls, 1 = every nullable cell null, 2 = no nulls.
    static func makeTable(rows: Int, seed: UInt64, nullMode: Int) throws -> Table {
        var rng = SeededRandom(seed: seed)
        func isNull(_ f: Field) -> Bool {
            guard f.nullable else { return false }
            switch nullMode {
            case 1: return true
            case 2: return false
            default: return rng.next() % 7 == 0
            }
        }
        let words = ["", "a", "b", "é", "日本語", "🎉 party", "zz", "A", "apple", "\u{0}nul", "longer value with spaces"]
        let dictWords = ["", "ünï", "cat", "dog", "日本", "🐈", "x", "unused-1", "y", "unused-2"]
        let doubles: [Double] = [.nan, .infinity, -.infinity, -0.0, 0.0, 1.5, -2.25, .greatestFiniteMagnitude,
                                 .leastNonzeroMagnitude, -1e300]
        var raw: [[RawValue?]] = Array(repeating: [], count: fields.count)
        var seq: Int64 = -5000
        for _ in 0..<rows {
            for (c, f) in fields.enumerated() {
                if isNull(f) { raw[c].append(nil); continue }
                let r = rng.next()
                let v: RawValue
                switch (c, f.type) {
                case (13, _): v = .int(Int64(k32[Int(r % 5)]))
                case (14, _): v = .int(k64[Int(r % 5)])
                case (15, _): v = .double(kd[Int(r % 6)])
                case (16, _): v = .int(1_700_000_000_000_000 + Int64(r % 6) * 1_000_000)
                case (17, _): v = .int(19_000 + Int64(r % 4))
                case (_, .bool): v = .bool(r & 1 == 1)
                case (_, .int32):
                    let ext: [Int32] = [.min, .max, 0, -1]
                    v = .int(Int64(r % 5 == 0 ? ext[Int(r >> 8) % 4] : Int32(truncatingIfNeeded: r >> 3)))
                case (12, _):
                    seq += Int64(r % 40)
                    v = .int(seq)
                case (_, .int64):
                    let ext: [Int64] = [.min, .max, 0, -1]
                    v = .int(r % 5 == 0 ? ext[Int(r >> 8) % 4] : Int64(bitPattern: r))
                case (_, .double):
                    v = .double(r % 3 == 0 ? doubles[Int(r >> 8) % doubles.count]
                                : Double(Int64(bitPattern: r) % 1_000_000) / 64)
                case (4, _), (11, _):
                    if r % 4 == 0 {
                        let n = Int(r >> 8) % 12
                        v = .bytes((0..<n).map { _ in UInt8(97 + rng.next() % 26) })
                    } else {
                        v = .bytes(Array(words[Int(r >> 8) % words.count].utf8))
                    }
                case (5, _): v = .bytes(Array(dictWords[(Int(r >> 8) % 7 + (r % 5 == 0 ? 8 : 0)) % 10].utf8))
                case (_, .binary): v = .bytes((0..<Int(r % 9)).map { _ in UInt8(truncatingIfNeeded: rng.next()) })
                case (_, .timestampMicros): v = .int(Int64(bitPattern: r) % 90_000_000_000_000_000)
                case (_, .date): v = .int(Int64(bitPattern: r) % 100_000)
                case (_, .uuid): v = .bytes((0..<16).map { _ in UInt8(truncatingIfNeeded: rng.next()) })
                default: fatalError("unhandled test column")
                }
                raw[c].append(v)
            }
        }
        var columns: [AnyColumn] = []
        for (c, f) in fields.enumerated() {
            let vals = raw[c]
            switch f.type {
            case .bool:
                var col = FixedWidthColumn<Bool>()
                for v in vals { if case .bool(let b)? = v { col.append(b, placeholder: false) } else { col.append(nil, placeholder: false) } }
                columns.append(.bool(col))
            case .int32, .date:
                var col = FixedWidthColumn<Int32>()
                for v in vals { if case .int(let i)? = v { col.append(Int32(i), placeholder: 0) } else { col.append(nil, placeholder: 0) } }
                columns.append(.int32(col))
            case .int64, .timestampMicros:
                var col = FixedWidthColumn<Int64>()
                for v in vals { if case .int(let i)? = v { col.append(i, placeholder: 0) } else { col.append(nil, placeholder: 0) } }
                columns.append(.int64(col))
            case .double:
                var col = FixedWidthColumn<Double>()
                for v in vals { if case .double(let d)? = v { col.append(d, placeholder: 0) } else { col.append(nil, placeholder: 0) } }
                columns.append(.double(col))
            case .string, .binary:
                var col = StringColumn()
                for v in vals { if case .bytes(let b)? = v { col.appendBytes(b) } else { col.appendNull() } }
                if c == 5 {
                    // Dictionary input: the dictionary holds every word (some unused), codes index it.
                    let dict = StringColumn(dictWords.map { Optional($0) })
                    var codes = ContiguousArray<UInt32>()
                    for v in vals {
                        if case .bytes(let b)? = v { codes.append(UInt32(dictWords.firstIndex { Array($0.utf8) == b }!)) } else { codes.append(0) }
                    }
                    columns.append(.dictionary(DictionaryColumn(codes: codes, dictionary: dict, validity: col.validity)))
                } else {
                    columns.append(.string(col))
                }
            case .uuid:
                var col = FixedBytesColumn(width: 16)
                for v in vals { if case .bytes(let b)? = v { col.append(b) } else { col.append(nil as [UInt8]?) } }
                columns.append(.fixedBytes(col))
            }
        }
        let schema = Schema(fields)
        return Table(schema: schema, columns: columns, rows: rows, cells: raw.map { $0.map(canonical) }, raw: raw)
    }

    /// Slices rows `r` of every column into a new batch (test helper; copies).
    static func slice(_ t: Table, _ r: Range<Int>) throws -> RecordBatch {
        var cols: [AnyColumn] = []
        for (c, col) in t.columns.enumerated() {
            let vals = Array(t.raw[c][r])
            switch col {
            case .bool:
                var o = FixedWidthColumn<Bool>()
                for v in vals { if case .bool(let b)? = v { o.append(b, placeholder: false) } else { o.append(nil, placeholder: false) } }
                cols.append(.bool(o))
            case .int32:
                var o = FixedWidthColumn<Int32>()
                for v in vals { if case .int(let i)? = v { o.append(Int32(i), placeholder: 0) } else { o.append(nil, placeholder: 0) } }
                cols.append(.int32(o))
            case .int64:
                var o = FixedWidthColumn<Int64>()
                for v in vals { if case .int(let i)? = v { o.append(i, placeholder: 0) } else { o.append(nil, placeholder: 0) } }
                cols.append(.int64(o))
            case .double:
                var o = FixedWidthColumn<Double>()
                for v in vals { if case .double(let d)? = v { o.append(d, placeholder: 0) } else { o.append(nil, placeholder: 0) } }
                cols.append(.double(o))
            case .string:
                var o = StringColumn()
                for v in vals { if case .bytes(let b)? = v { o.appendBytes(b) } else { o.appendNull() } }
                cols.append(.string(o))
            case .dictionary(let d):
                var validity = Bitmap(reservingCapacity: r.count)
                for row in r { validity.append(d.isValid(row)) }
                cols.append(.dictionary(DictionaryColumn(codes: ContiguousArray(d.codes[r]), dictionary: d.dictionary,
                                                         validity: validity)))
            case .fixedBytes:
                var o = FixedBytesColumn(width: 16)
                for v in vals { if case .bytes(let b)? = v { o.append(b) } else { o.append(nil as [UInt8]?) } }
                cols.append(.fixedBytes(o))
            }
        }
        return try RecordBatch(schema: t.schema, columns: cols)
    }

    /// Expected statistics of rows `r` of column `c`, computed from the raw values.
    static func expectedStats(_ t: Table, column c: Int, rows r: Range<Int>) -> (nulls: Int, min: String?, max: String?) {
        let vals = t.raw[c][r]
        let nulls = vals.filter { $0 == nil }.count
        let present = vals.compactMap { $0 }
        switch t.schema.fields[c].type {
        case .double:
            let ds = present.compactMap { if case .double(let d) = $0, !d.isNaN { d } else { nil } }
            guard var lo = ds.min(), var hi = ds.max() else { return (nulls, nil, nil) }
            if lo == 0 { lo = -0.0 }
            if hi == 0 { hi = 0.0 }
            return (nulls, canonical(.double(lo)), canonical(.double(hi)))
        case .bool:
            let bs = present.compactMap { if case .bool(let b) = $0 { b } else { nil } }
            guard !bs.isEmpty else { return (nulls, nil, nil) }
            return (nulls, canonical(.bool(!bs.contains(false))), canonical(.bool(bs.contains(true))))
        case .int32, .int64, .date, .timestampMicros:
            let xs = present.compactMap { if case .int(let i) = $0 { i } else { nil } }
            guard let lo = xs.min(), let hi = xs.max() else { return (nulls, nil, nil) }
            return (nulls, String(lo), String(hi))
        case .string, .binary, .uuid:
            let bs = present.compactMap { if case .bytes(let b) = $0 { b } else { nil } }
            guard let lo = bs.min(by: { $0.lexicographicallyPrecedes($1) }),
                  let hi = bs.max(by: { $0.lexicographicallyPrecedes($1) }) else { return (nulls, nil, nil) }
            return (nulls, hex(lo), hex(hi))
        }
    }

    struct Variant {
        var codec: CompressionCodec
        var dictionary: Bool
        var multi: Bool
        var options: ParquetWriterOptions {
            var o = ParquetWriterOptions()
            o.codec = codec
            o.dictionary = dictionary
            if multi {
                o.rowGroupRows = 97
                o.pageBytes = 100
                o.deltaEncodeSortedIntegers = true
            }
            return o
        }
    }

    static let variants: [Variant] = {
        var v: [Variant] = []
        for codec in [CompressionCodec.zstd, .gzip, .uncompressed] {
            for dictionary in [true, false] { for multi in [false, true] { v.append(Variant(codec: codec, dictionary: dictionary, multi: multi)) } }
        }
        return v
    }()

    func testPyarrowAndDuckDBReadEveryVariantExactly() throws {
        let dir = try TestPaths.temporaryDirectory(self, "pq-interop")
        let tables = [
            try Self.makeTable(rows: 0, seed: 1, nullMode: 0),
            try Self.makeTable(rows: 1, seed: 2, nullMode: 1),
            try Self.makeTable(rows: 1, seed: 3, nullMode: 2),
            try Self.makeTable(rows: 600, seed: 4, nullMode: 0),
        ]
        var files: [(path: String, table: Table, variant: Variant)] = []
        for (ti, t) in tables.enumerated() {
            for (vi, variant) in Self.variants.enumerated() {
                let path = dir.appendingPathComponent("t\(ti)-v\(vi).parquet").path
                let w = try ParquetWriter(path: path, schema: t.schema, options: variant.options)
                if variant.multi {
                    // Uneven batches so pages and row groups span batch boundaries.
                    var start = 0
                    for size in [1, 50, 123] where start < t.rows {
                        let end = min(t.rows, start + size)
                        try w.write(Self.slice(t, start..<end))
                        start = end
                    }
                    if start < t.rows { try w.write(Self.slice(t, start..<t.rows)) }
                    if t.rows == 0 { try w.write(Self.slice(t, 0..<0)) }
                } else {
                    try w.write(RecordBatch(schema: t.schema, columns: t.columns))
                }
                let md = try w.closeReturningFooter()
                XCTAssertEqual(md.numRows, Int64(t.rows))
                files.append((path, t, variant))
            }
        }
        let out = try InteropPython.run(ParquetInteropScript.source, args: files.map(\.path))
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
        for (path, t, variant) in files {
            let name = "\(URL(fileURLWithPath: path).lastPathComponent) \(variant.codec) dict=\(variant.dictionary) multi=\(variant.multi) rows=\(t.rows)"
            let r = try XCTUnwrap(json[path] as? [String: Any], name)
            try checkValues(r, t, name)
            try checkMetadata(r, t, variant, name)
        }
    }

    private func cells(_ any: Any?) -> [String?]? {
        guard let arr = any as? [Any] else { return nil }
        return arr.map { $0 as? String }
    }

    private func checkValues(_ r: [String: Any], _ t: Table, _ name: String) throws {
        let pa = try XCTUnwrap(r["pyarrow"] as? [String: Any])
        let dd = try XCTUnwrap(r["duckdb"] as? [String: Any])
        let duckTypes = try XCTUnwrap(r["duckdb_types"] as? [String: String])
        for (c, f) in t.schema.fields.enumerated() {
            XCTAssertEqual(cells(pa[f.name]), t.cells[c], "pyarrow \(f.name) in \(name)")
            XCTAssertEqual(cells(dd[f.name]), t.cells[c], "duckdb \(f.name) in \(name)")
            XCTAssertEqual(duckTypes[f.name], Self.duckTypes[f.type], "duckdb type of \(f.name) in \(name)")
        }
        XCTAssertEqual(Set(duckTypes.keys), Set(t.schema.names), name)
    }

    private func checkMetadata(_ r: [String: Any], _ t: Table, _ variant: Variant, _ name: String) throws {
        let rgs = try XCTUnwrap(r["row_groups"] as? [[String: Any]])
        let rgRows = variant.options.rowGroupRows
        let expectedGroups = (t.rows + rgRows - 1) / rgRows
        XCTAssertEqual(rgs.count, expectedGroups, name)
        var start = 0
        for (g, rg) in rgs.enumerated() {
            let rows = try XCTUnwrap(rg["rows"] as? Int)
            XCTAssertEqual(rows, min(rgRows, t.rows - start), "\(name) rg \(g)")
            let cols = try XCTUnwrap(rg["columns"] as? [String: Any])
            for (c, f) in t.schema.fields.enumerated() {
                let where_ = "\(name) rg \(g) column \(f.name)"
                let col = try XCTUnwrap(cols[f.name] as? [String: Any], where_)
                XCTAssertEqual(col["num_values"] as? Int, rows, where_)
                let encodings = try XCTUnwrap(col["encodings"] as? [String])
                let pages = try XCTUnwrap(col["pages"] as? [[String: Any]])
                XCTAssertFalse(pages.isEmpty, where_)
                for p in pages { XCTAssertEqual(p["crc_ok"] as? Bool, true, "page CRC in \(where_)") }
                XCTAssertEqual(pages.compactMap { $0["rows"] as? Int }.reduce(0, +), rows, where_)
                let isDictionaryColumn = f.type == .string || f.type == .binary
                let nonNull = t.raw[c][start..<(start + rows)].filter { $0 != nil }.count
                let hasDictionaryPage = pages.contains { $0["type"] as? Int == 2 }
                XCTAssertEqual(encodings.contains("RLE_DICTIONARY"), hasDictionaryPage, "\(where_): \(encodings)")
                if hasDictionaryPage { XCTAssertEqual(pages.first?["type"] as? Int, 2, where_) }
                if variant.dictionary && isDictionaryColumn && nonNull > 0 {
                    XCTAssertTrue(encodings.contains("RLE_DICTIONARY"), "\(where_): \(encodings)")
                } else if variant.dictionary && f.name.hasPrefix("k") && nonNull >= 16 {
                    // Low-cardinality numbers: a dictionary; pages cut during the dictionary's
                    // trial (small pages) are PLAIN, the rest indexed.
                    XCTAssertTrue(encodings.contains("RLE_DICTIONARY"), "\(where_): \(encodings)")
                    XCTAssertEqual(pages.last?["encoding"] as? Int, 8, where_)
                    if !variant.multi { XCTAssertTrue(pages.dropFirst().allSatisfy { $0["encoding"] as? Int == 8 }, where_) }
                } else if !variant.dictionary || nonNull == 0 || (["i64", "ts", "seq"].contains(f.name) && nonNull > 20) {
                    // Dictionary off, nothing to index, or near-unique numbers (the trial fails).
                    XCTAssertFalse(hasDictionaryPage, "\(where_): \(encodings)")
                }
                if variant.multi && f.name == "seq" && rows > 20 {
                    XCTAssertTrue(encodings.contains("DELTA_BINARY_PACKED"), "\(where_): \(encodings)")
                }
                if variant.multi && f.name == "i64" && rows > 20 {
                    XCTAssertGreaterThan(pages.count, 3, "many small pages in \(where_)")
                }
                let stats = try XCTUnwrap(col["stats"] as? [String: Any], where_)
                let exp = Self.expectedStats(t, column: c, rows: start..<(start + rows))
                XCTAssertEqual(stats["null_count"] as? Int, exp.nulls, where_)
                XCTAssertEqual(stats["has_min_max"] as? Bool, exp.min != nil, where_)
                XCTAssertEqual(stats["min"] as? String, exp.min, "min of \(where_)")
                XCTAssertEqual(stats["max"] as? String, exp.max, "max of \(where_)")
            }
            start += rows
        }
        XCTAssertEqual(start, t.rows, name)
    }
}
