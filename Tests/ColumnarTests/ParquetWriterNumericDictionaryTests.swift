import XCTest
import TestSupport
@testable import Columnar

/// Numeric dictionaries (`ParquetWriterOptions.numericDictionary`): the 64-bit hash table
/// against its scalar twin, and random INT32/INT64/DOUBLE/timestamp/date columns (nulls,
/// all-null, one value, few values, many values that force the PLAIN fallback mid-chunk,
/// near-unique values that fail the trial; -0.0, NaN payloads, ±inf) written over several row
/// groups and pages and read back by our reader bit for bit, with exact statistics and the
/// chunk encodings the rules promise. (Without numeric dictionaries every encoding check fails.)
final class ParquetWriterNumericDictionaryTests: XCTestCase {
    // MARK: the hash table

    func testBuilderMatchesScalarTwin() {
        var rng = SeededRandom(seed: 31)
        for trial in 0..<40 {
            let width = trial % 2 == 0 ? 8 : 4
            let distinct = [1, 3, 200, 5000, 40_000][trial % 5]
            let limit = [Int.max / 2, 64, 1000, 0, 30_000][Int(rng.next() % 5)]
            let n = Int(rng.next() % 20_000)
            // Keys with structure (consecutive, same high bits) and random ones.
            let pool: [Int64] = (0..<distinct).map { i in
                switch trial % 3 {
                case 0: return Int64(i)
                case 1: return Int64(i) << 32
                default: return Int64(bitPattern: rng.next())
                }
            }
            let values: [Int64] = (0..<n).map { _ in pool[Int(rng.next() % UInt64(distinct))] }
            var fast = NumericDictionaryBuilder(width: width)
            var slow = NumericDictionaryBuilder(width: width)
            var got: [UInt32] = [7]   // output is appended after existing elements
            // Feed in uneven slices.
            var start = 0
            var consumed = 0
            while start < n {
                let end = min(n, start + Int(rng.next() % 3000) + 1)
                let taken = values.withUnsafeBufferPointer {
                    fast.indices(of: UnsafeBufferPointer(rebasing: $0[start..<end]), into: &got, limit: limit)
                }
                consumed += taken
                if taken < end - start { break }
                start = end
            }
            var expected: [UInt32] = [7]
            var expectedConsumed = 0
            for v in values {
                guard let i = slow.indexScalar(of: v, limit: limit) else { break }
                expected.append(i)
                expectedConsumed += 1
            }
            let label = "trial \(trial) width \(width) distinct \(distinct) limit \(limit) n \(n)"
            XCTAssertEqual(consumed, expectedConsumed, label)
            XCTAssertEqual(got, expected, label)
            XCTAssertEqual(fast.keys, slow.keys, label)
            XCTAssertLessThanOrEqual(fast.plainSize, limit, label)
            // Entries are the distinct values in first-use order.
            var seen = Set<Int64>()
            let order = values.prefix(consumed).filter { seen.insert($0).inserted }
            XCTAssertEqual(fast.keys, order.map { UInt64(bitPattern: $0) }, label)
            fast.reset()
            XCTAssertEqual(fast.count, 0)
        }
    }

    func testDoublesAreKeyedOnTheirBitPattern() {
        let nan1 = Double(nan: 1, signaling: false), nan2 = Double(nan: 2, signaling: false)
        let values: [Double] = [0.0, -0.0, nan1, nan2, -nan1, .infinity, -.infinity, 0.0, nan2, -0.0]
        var b = NumericDictionaryBuilder(width: 8)
        var out: [UInt32] = []
        let taken = values.withUnsafeBufferPointer { b.indices(of: $0, into: &out, limit: 1 << 20) }
        XCTAssertEqual(taken, values.count)
        XCTAssertEqual(out, [0, 1, 2, 3, 4, 5, 6, 0, 3, 1])
        var sink = ByteSink()
        b.writePlain(into: &sink)
        XCTAssertEqual(sink.count, 7 * 8)
        var b4 = NumericDictionaryBuilder(width: 4)
        out = []
        _ = [Int32.min, -1, Int32.max, -1].withUnsafeBufferPointer { b4.indices(of: $0, into: &out, limit: 1 << 20) }
        XCTAssertEqual(out, [0, 1, 2, 1])
        sink = ByteSink()
        b4.writePlain(into: &sink)
        XCTAssertEqual(sink.bytes, [0, 0, 0, 0x80, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f])
    }

    // MARK: files

    /// How a test column's values are drawn.
    enum Shape: CaseIterable {
        case allNull, oneValue, fewValues, lowThenUnique, nearUnique
    }

    static let specialDoubles: [Double] = [-0.0, 0.0, .infinity, -.infinity, .nan, Double(nan: 0x5a5a, signaling: false),
                                           -Double(nan: 7, signaling: false), 1.5, -2.75, .leastNonzeroMagnitude]

    /// Raw 64-bit patterns (nil = null) of one column of `rows` rows.
    static func draw(_ shape: Shape, type: ColumnType, rows: Int, nullEvery: Int, rng: inout SeededRandom) -> [UInt64?] {
        func value(_ i: Int, _ r: UInt64) -> UInt64 {
            let small = r % 6
            let unique = UInt64(i) &* 0x1_0000_0001 &+ 12_345
            let pick: UInt64
            switch shape {
            case .allNull, .oneValue: pick = 0
            case .fewValues: pick = small
            case .lowThenUnique: pick = i < rows / 3 ? small : unique
            case .nearUnique: pick = unique
            }
            switch type {
            case .double:
                if shape == .nearUnique || (shape == .lowThenUnique && i >= rows / 3) {
                    return r % 5 == 0 ? specialDoubles[Int(r >> 8) % specialDoubles.count].bitPattern
                        : Double(Int64(truncatingIfNeeded: pick) % 1_000_000_007).bitPattern
                }
                return specialDoubles[Int(pick) % specialDoubles.count].bitPattern
            case .int32, .date:
                let v = Int32(truncatingIfNeeded: Int64(bitPattern: pick) &* (pick % 2 == 0 ? 1 : -1))
                return UInt64(UInt32(bitPattern: pick == 5 ? .min : v))
            default:
                return pick == 5 ? UInt64(bitPattern: .min) : (pick == 4 ? UInt64(bitPattern: .max) : pick &* 0x1_0001)
            }
        }
        return (0..<rows).map { i in
            let r = rng.next()
            if shape == .allNull || (nullEvery > 0 && Int(r % UInt64(nullEvery)) == 0) { return nil }
            return value(i, r >> 8)
        }
    }

    static func column(_ type: ColumnType, _ bits: [UInt64?]) -> AnyColumn {
        switch type {
        case .int32, .date:
            var c = FixedWidthColumn<Int32>()
            for b in bits { c.append(b.map { Int32(bitPattern: UInt32(truncatingIfNeeded: $0)) }, placeholder: 0) }
            return .int32(c)
        case .double:
            var c = FixedWidthColumn<Double>()
            for b in bits { c.append(b.map { Double(bitPattern: $0) }, placeholder: 0) }
            return .double(c)
        default:
            var c = FixedWidthColumn<Int64>()
            for b in bits { c.append(b.map { Int64(bitPattern: $0) }, placeholder: 0) }
            return .int64(c)
        }
    }

    static func bits(_ column: AnyColumn, _ row: Int) -> UInt64? {
        switch column {
        case .int32(let c): return c[row].map { UInt64(UInt32(bitPattern: $0)) }
        case .int64(let c): return c[row].map { UInt64(bitPattern: $0) }
        case .double(let c): return c[row].map { $0.bitPattern }
        default: return nil
        }
    }

    /// Expected (min, max) statistics of one chunk as `StatValue`s (doubles: NaN excluded,
    /// zero minimum -0.0, zero maximum +0.0).
    static func expectedBounds(_ type: ColumnType, _ bits: ArraySlice<UInt64?>) -> (StatValue, StatValue)? {
        let present = bits.compactMap { $0 }
        switch type {
        case .double:
            let ds = present.map { Double(bitPattern: $0) }.filter { !$0.isNaN }
            guard var lo = ds.min(), var hi = ds.max() else { return nil }
            if lo == 0 { lo = -0.0 }
            if hi == 0 { hi = 0.0 }
            return (.double(lo), .double(hi))
        case .int32, .date:
            let xs = present.map { Int64(Int32(bitPattern: UInt32(truncatingIfNeeded: $0))) }
            guard let lo = xs.min(), let hi = xs.max() else { return nil }
            return (.int(lo), .int(hi))
        default:
            let xs = present.map { Int64(bitPattern: $0) }
            guard let lo = xs.min(), let hi = xs.max() else { return nil }
            return (.int(lo), .int(hi))
        }
    }

    static func same(_ a: StatValue?, _ b: StatValue?) -> Bool {
        switch (a, b) {
        case (nil, nil): return true
        case (.double(let x)?, .double(let y)?): return x.bitPattern == y.bitPattern
        case (.int(let x)?, .int(let y)?): return x == y
        default: return false
        }
    }

    func testRandomNumericColumnsRoundTripBitForBit() throws {
        let dir = try TestPaths.temporaryDirectory(self, "pq-numdict")
        var rng = SeededRandom(seed: 4242)
        let types: [ColumnType] = [.int32, .int64, .double, .timestampMicros, .date]
        for trial in 0..<24 {
            let rows = trial == 0 ? 1 : Int(rng.next() % 6000) + 200
            var fields: [Field] = []
            var raw: [[UInt64?]] = []
            var shapes: [Shape] = []
            for (k, shape) in Shape.allCases.enumerated() {
                for type in types {
                    let nullable = shape == .allNull || rng.next() % 3 != 0
                    fields.append(Field("c\(k)_\(type)", type, nullable: nullable))
                    raw.append(Self.draw(shape, type: type, rows: rows, nullEvery: nullable ? [0, 2, 9][Int(rng.next() % 3)] : 0,
                                         rng: &rng))
                    shapes.append(shape)
                }
            }
            let schema = Schema(fields)
            var o = ParquetWriterOptions()
            o.codec = [.zstd, .uncompressed][Int(rng.next() % 2)]
            o.pageBytes = [64, 700, 1 << 20][Int(rng.next() % 3)]
            o.rowGroupRows = [rows, 1000, 333][Int(rng.next() % 3)]
            o.dictionaryMaxBytes = [1 << 20, 4000][Int(rng.next() % 2)]
            o.deltaEncodeSortedIntegers = rng.next() % 2 == 0
            let label = "trial \(trial) rows \(rows) page \(o.pageBytes) rg \(o.rowGroupRows) dictMax \(o.dictionaryMaxBytes)"
            let path = dir.appendingPathComponent("n\(trial).parquet").path
            let w = try ParquetWriter(path: path, schema: schema, options: o)
            var start = 0
            while start < rows {   // uneven batches: pages and row groups span them
                let end = min(rows, start + Int(rng.next() % 2500) + 1)
                try w.write(RecordBatch(schema: schema, columns: zip(fields, raw).map { Self.column($0.type, Array($1[start..<end])) }))
                start = end
            }
            try w.close()

            let file = try ParquetFile(path: path)
            var row = 0
            for g in 0..<file.rowGroupCount {
                let batch = try file.read(rowGroup: g)
                let n = batch.rowCount
                for (c, f) in fields.enumerated() {
                    let where_ = "\(label) rg \(g) \(f.name)"
                    let got = (0..<n).map { Self.bits(batch.columns[c], $0) }
                    XCTAssertEqual(got, Array(raw[c][row..<(row + n)]), where_)
                    let chunk = raw[c][row..<(row + n)]
                    let st = try XCTUnwrap(file.statistics(rowGroup: g, column: f.name), where_)
                    XCTAssertEqual(st.nullCount, Int64(chunk.filter { $0 == nil }.count), where_)
                    let exp = Self.expectedBounds(f.type, chunk)
                    XCTAssertTrue(Self.same(st.min, exp?.0), "min \(String(describing: st.min)) vs \(String(describing: exp?.0)) \(where_)")
                    XCTAssertTrue(Self.same(st.max, exp?.1), "max \(String(describing: st.max)) vs \(String(describing: exp?.1)) \(where_)")
                    if f.type == .double {
                        XCTAssertEqual(file.metadata.rowGroups[g].columns[c].metaData?.statistics?.nanCount,
                                       Int64(chunk.filter { $0.map { Double(bitPattern: $0).isNaN } ?? false }.count), where_)
                    }
                    // Encodings the rules promise.
                    let md = try XCTUnwrap(file.metadata.rowGroups[g].columns[c].metaData, where_)
                    let nonNull = chunk.filter { $0 != nil }.count
                    let dictionary = md.encodings.contains(.rleDictionary)
                    XCTAssertEqual(dictionary, md.dictionaryPageOffset != nil, where_)
                    switch shapes[c] {
                    case .allNull:
                        XCTAssertFalse(dictionary, where_)
                    case .oneValue, .fewValues:
                        // (With small pages the chunk may end while the trial still writes PLAIN pages.)
                        if nonNull >= 64 && o.pageBytes == 1 << 20 { XCTAssertTrue(dictionary, "\(where_): \(md.encodings)") }
                    case .nearUnique:
                        if nonNull >= 64 { XCTAssertFalse(dictionary, "\(where_): \(md.encodings)") }
                    case .lowThenUnique:
                        break
                    }
                }
                row += n
            }
            XCTAssertEqual(row, rows, label)
        }
    }

    /// A chunk whose first page is low-cardinality and whose later values are all distinct
    /// starts with RLE_DICTIONARY pages and continues PLAIN once the dictionary is full; a
    /// near-unique chunk never gets a dictionary; `numericDictionary = false` writes PLAIN.
    func testFallbackMidChunkAndOptionOff() throws {
        let rows = 6000
        let schema = Schema([Field("a", .int64), Field("b", .double), Field("u", .int64), Field("d", .int32)])
        var a = FixedWidthColumn<Int64>(), b = FixedWidthColumn<Double>(), u = FixedWidthColumn<Int64>()
        var d = FixedWidthColumn<Int32>()
        for i in 0..<rows {
            let low = i < 2000
            a.append(i % 10 == 3 ? nil : (low ? Int64(i % 4) : Int64(i) * 1_000_003), placeholder: 0)
            b.append(low ? Double(i % 3) - 1 : Double(i) / 7, placeholder: 0)
            u.append(Int64(i) * 977, placeholder: 0)
            d.append(Int32(i % 5), placeholder: 0)
        }
        let batch = try RecordBatch(schema: schema, columns: [.int64(a), .double(b), .int64(u), .int32(d)])
        var o = ParquetWriterOptions()
        o.pageBytes = 256
        o.dictionaryMaxBytes = 8000   // 1000 entries of 8 bytes
        o.numericTrialValues = 512    // the trial ends before the dictionary fills up
        let dir = try TestPaths.temporaryDirectory(self, "pq-numdict-fallback")
        func written(_ name: String) throws -> ParquetFile {
            let path = dir.appendingPathComponent(name).path
            let w = try ParquetWriter(path: path, schema: schema, options: o)
            try w.write(batch)
            try w.close()
            return try ParquetFile(path: path)
        }
        let file = try written("on.parquet")
        let chunks = try XCTUnwrap(file.metadata.rowGroups.first?.columns).map { $0.metaData! }
        XCTAssertEqual(chunks[0].encodings, [.plain, .rle, .rleDictionary])
        XCTAssertEqual(chunks[1].encodings, [.plain, .rle, .rleDictionary])
        XCTAssertNotNil(chunks[0].dictionaryPageOffset)
        XCTAssertNil(chunks[2].dictionaryPageOffset, "near-unique: no dictionary")
        XCTAssertFalse(chunks[2].encodings.contains(.rleDictionary))
        XCTAssertNotNil(chunks[3].dictionaryPageOffset)
        let back = try file.read(rowGroup: 0)
        for (c, col) in batch.columns.enumerated() {
            XCTAssertEqual((0..<rows).map { Self.bits(back.columns[c], $0) }, (0..<rows).map { Self.bits(col, $0) }, "column \(c)")
        }
        o.numericDictionary = false
        let plain = try written("off.parquet")
        for chunk in try XCTUnwrap(plain.metadata.rowGroups.first?.columns) {
            XCTAssertNil(chunk.metaData?.dictionaryPageOffset)
            XCTAssertFalse(chunk.metaData?.encodings.contains(.rleDictionary) ?? true)
        }
    }

    func testTrialRule() {
        func keeps(_ entries: Int, _ values: Int, width: Int = 8, half: Int = -1, ordered: Int = 0) -> Bool {
            NumericTrial(values: values, width: width, entries: entries, halfEntries: half, sampled: values,
                         orderedPairs: ordered).keepsDictionary
        }
        XCTAssertTrue(keeps(5, 100))
        XCTAssertFalse(keeps(100, 100), "all distinct")
        XCTAssertFalse(keeps(1, 1), "one value does not amortise a dictionary")
        // 40 000 of 65 536 distinct: 320 000 B of entries + 16-bit indices > 3/4 of 524 288 B.
        XCTAssertFalse(keeps(40_000, 65536))
        XCTAssertTrue(keeps(8192, 65536))
        // Sorted with many distinct values (timestamps): PLAIN; sorted with few: dictionary.
        XCTAssertFalse(keeps(8192, 65536, ordered: 65000))
        XCTAssertTrue(keeps(100, 65536, ordered: 65535))
        XCTAssertTrue(NumericTrial(values: 1000, width: 8, entries: 70, halfEntries: -1, sampled: 3, orderedPairs: 2)
            .keepsDictionary, "too few values to call them sorted")
        // Linear growth of the distinct count: PLAIN; saturating: dictionary.
        XCTAssertFalse(keeps(13_600, 65536, half: 7_000))
        XCTAssertTrue(keeps(19_800, 65536, half: 12_000))
        XCTAssertTrue(keeps(680, 65536, half: 679))
    }

    func testOrderedPairsMatchesAScalarCount() {
        var rng = SeededRandom(seed: 5)
        for _ in 0..<50 {
            let n = Int(rng.next() % 50)
            let xs: [Int64] = (0..<n).map { _ in Int64(rng.next() % 4) - 2 }
            var up = 0, down = 0
            for i in xs.indices.dropFirst() {
                if xs[i] >= xs[i - 1] { up += 1 }
                if xs[i] <= xs[i - 1] { down += 1 }
            }
            let got = xs.withUnsafeBytes { NumericDictionaryTrial.orderedPairs($0, as: Int64.self) }
            XCTAssertEqual(got, max(up, down), "\(xs)")
        }
    }
}
