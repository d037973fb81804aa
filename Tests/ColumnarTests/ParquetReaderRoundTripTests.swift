import Foundation
import XCTest
@testable import Columnar
import TestSupport

/// Property test: random schemas (every column type, nullable or not) and random data (nulls,
/// all-null columns, empty and unicode strings, long strings, extremes), written by
/// `ParquetWriter` with random options (codec, dictionary on/off/fallback, tiny pages, tiny
/// row groups, delta, CRC) and read back by `ParquetFile` cell for cell, with statistics.
final class ParquetReaderRoundTripTests: XCTestCase {
    static let words = ["", "a", "é", "日本語", "🙂 emoji", "zz", "\u{0}nul", "line\nbreak", String(repeating: "long ", count: 200)]

    static func randomColumn(_ type: ColumnType, rows: Int, nullRate: Int, rng: inout SeededRandom) -> AnyColumn {
        func isNull() -> Bool { nullRate == 100 || (nullRate > 0 && Int(rng.next() % 100) < nullRate) }
        switch type {
        case .bool:
            var c = FixedWidthColumn<Bool>()
            for _ in 0..<rows { c.append(isNull() ? nil : rng.next() % 2 == 0, placeholder: false) }
            return .bool(c)
        case .int32, .date:
            var c = FixedWidthColumn<Int32>()
            let extremes: [Int32] = [.min, .max, 0, -1]
            for i in 0..<rows {
                let v: Int32 = i % 97 == 5 ? extremes[i % 4] : Int32(truncatingIfNeeded: Int64(rng.next() % 2_000_000) - 1_000_000)
                c.append(isNull() ? nil : v, placeholder: 0)
            }
            return .int32(c)
        case .int64, .timestampMicros:
            var c = FixedWidthColumn<Int64>()
            var sorted = Int64(rng.next() % 1_000_000)
            let ascending = rng.next() % 2 == 0
            for i in 0..<rows {
                sorted += Int64(rng.next() % 1000)
                let v: Int64 = ascending ? sorted : (i % 89 == 3 ? [.min, .max][i % 2] : Int64(bitPattern: rng.next()))
                c.append(isNull() ? nil : v, placeholder: 0)
            }
            return .int64(c)
        case .double:
            var c = FixedWidthColumn<Double>()
            let specials: [Double] = [-0.0, 0.0, .infinity, -.infinity, .greatestFiniteMagnitude, .leastNonzeroMagnitude]
            for i in 0..<rows {
                let v = i % 31 == 7 ? specials[i % specials.count] : Double(Int64(bitPattern: rng.next()) % 1_000_000) / 7
                c.append(isNull() ? nil : v, placeholder: 0)
            }
            return .double(c)
        case .string:
            var c = StringColumn()
            for i in 0..<rows {
                if isNull() { c.append(nil); continue }
                c.append(rng.next() % 3 == 0 ? "u\(rng.next() % 5000)-\(i)" : words[Int(rng.next() % UInt64(words.count))])
            }
            return .string(c)
        case .binary:
            var c = StringColumn()
            for _ in 0..<rows {
                if isNull() { c.append(nil); continue }
                c.appendBytes((0..<Int(rng.next() % 20)).map { _ in UInt8(truncatingIfNeeded: rng.next()) })
            }
            return .string(c)
        case .uuid:
            var c = FixedBytesColumn(width: 16)
            for _ in 0..<rows {
                c.append(isNull() ? nil : (0..<16).map { _ in UInt8(truncatingIfNeeded: rng.next()) })
            }
            return .fixedBytes(c)
        }
    }

    func testRandomSchemasRoundTrip() throws {
        let dir = try TestPaths.temporaryDirectory(self, "pq-reader-roundtrip")
        var rng = SeededRandom(seed: 77)
        var totalRows = 0, totalGroups = 0
        for trial in 0..<40 {
            let fieldCount = Int(rng.next() % 6) + 1
            var fields: [Field] = []
            for i in 0..<fieldCount {
                let type = ColumnType.allCases[Int(rng.next() % UInt64(ColumnType.allCases.count))]
                fields.append(Field("c\(i)_\(type.rawValue)", type, nullable: rng.next() % 3 != 0))
            }
            let schema = Schema(fields)
            var o = ParquetWriterOptions()
            o.codec = [.zstd, .gzip, .uncompressed][Int(rng.next() % 3)]
            o.dictionary = rng.next() % 3 != 0
            o.dictionaryMaxBytes = [0, 100, 1 << 20][Int(rng.next() % 3)]
            o.pageBytes = [64, 1000, 1 << 20][Int(rng.next() % 3)]
            o.rowGroupRows = [50, 700, 1 << 20][Int(rng.next() % 3)]
            o.deltaEncodeSortedIntegers = rng.next() % 2 == 0
            o.pageCRC = rng.next() % 2 == 0
            let path = dir.appendingPathComponent("t\(trial).parquet").path
            let writer = try ParquetWriter(path: path, schema: schema, options: o)
            var expected: [[Cell]] = Array(repeating: [], count: fieldCount)
            let batchCount = trial < 2 ? 1 : Int(rng.next() % 3) + 1
            for _ in 0..<batchCount {
                let rows = trial == 0 ? 0 : trial == 1 ? 1 : Int(rng.next() % 1500)
                var columns: [AnyColumn] = []
                for (i, f) in fields.enumerated() {
                    let nullRate = f.nullable ? [0, 10, 100][Int(rng.next() % 3)] : 0
                    let c = Self.randomColumn(f.type, rows: rows, nullRate: nullRate, rng: &rng)
                    columns.append(c)
                    expected[i] += (0..<rows).map { Cell(c, $0) }
                }
                try writer.write(try RecordBatch(schema: schema, columns: columns))
            }
            _ = try writer.close()
            let label = "trial \(trial): \(schema.names) \(o.codec) dict \(o.dictionary) page \(o.pageBytes) rg \(o.rowGroupRows)"

            let file = try ParquetFile(path: path)
            XCTAssertEqual(file.schema, schema, label)
            XCTAssertEqual(file.rowCount, expected[0].count, label)
            var base = 0
            for g in 0..<file.rowGroupCount {
                let batch = try file.read(rowGroup: g)
                XCTAssertEqual(batch.rowCount, file.rowCount(rowGroup: g), label)
                for (i, f) in fields.enumerated() {
                    let got = (0..<batch.rowCount).map { Cell(batch.columns[i], $0) }
                    let want = Array(expected[i][base..<(base + batch.rowCount)])
                    if got != want {
                        XCTFail("\(label) group \(g) column \(f.name) differs")
                        continue
                    }
                    checkStatistics(file.statistics(rowGroup: g, column: f.name), want, f, "\(label) group \(g) \(f.name)")
                }
                base += batch.rowCount
            }
            XCTAssertEqual(base, expected[0].count, label)
            totalRows += base
            totalGroups += file.rowGroupCount
        }
        XCTAssertGreaterThan(totalRows, 30_000)
        XCTAssertGreaterThan(totalGroups, 80)
    }

    func checkStatistics(_ stats: ColumnStatistics?, _ cells: [Cell], _ f: Field, _ label: String) {
        guard let stats else { return }
        let nulls = cells.filter { $0 == .null }.count
        if let n = stats.nullCount { XCTAssertEqual(n, Int64(nulls), label) }
        switch f.type {
        case .int32, .int64, .date, .timestampMicros:
            let values = cells.compactMap { if case .int(let v) = $0 { v } else { nil } }
            if let lo = stats.min { XCTAssertEqual(lo, .int(values.min()!), label) }
            if let hi = stats.max { XCTAssertEqual(hi, .int(values.max()!), label) }
        case .string, .binary:
            let values = cells.compactMap { if case .bytes(let v) = $0 { v } else { nil } }
            if case .bytes(let lo)? = stats.min {
                XCTAssertFalse(values.contains { $0.lexicographicallyPrecedes(lo) }, "min \(label)")
            }
            if case .bytes(let hi)? = stats.max {
                XCTAssertFalse(values.contains { hi.lexicographicallyPrecedes($0) }, "max \(label)")
            }
        default:
            break
        }
    }
}
