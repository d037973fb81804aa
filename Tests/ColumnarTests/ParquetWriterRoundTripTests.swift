import XCTest
import TestSupport
@testable import Columnar

/// Property tests through our own reader (`ParquetFile`): random tables × random writer options
/// (codec, dictionary, limits, page and row-group sizes, delta, CRC, batch splits) read back
/// with identical schema, values, row-group layout, footer and statistics.
final class ParquetWriterRoundTripTests: XCTestCase {
    typealias Interop = ParquetWriterInteropTests

    /// Canonical cell of `row` (same encoding as `Interop.canonical`).
    static func cell(_ column: AnyColumn, _ row: Int) -> String? {
        switch column {
        case .bool(let c): return c[row].map { Interop.canonical(.bool($0)) } ?? nil
        case .int32(let c): return c[row].map { String($0) }
        case .int64(let c): return c[row].map { String($0) }
        case .double(let c): return c[row].map { Interop.canonical(.double($0)) } ?? nil
        case .string(let c): return c.isValid(row) ? Interop.hex(Array(c.bytes[c.range(row)])) : nil
        case .dictionary(let c):
            return c.isValid(row) ? Interop.hex(Array(c.dictionary.bytes[c.dictionary.range(Int(c.codes[row]))])) : nil
        case .fixedBytes(let c): return c[row].map { Interop.hex($0) }
        }
    }

    func testRandomTablesAndOptionsRoundTripThroughOurReader() throws {
        let dir = try TestPaths.temporaryDirectory(self, "pq-roundtrip")
        var rng = SeededRandom(seed: 2026)
        for trial in 0..<30 {
            let rows = trial < 3 ? trial : Int(rng.next() % 900)
            let t = try Interop.makeTable(rows: rows, seed: rng.next(), nullMode: Int(rng.next() % 3))
            var o = ParquetWriterOptions()
            o.codec = [.zstd, .gzip, .uncompressed][Int(rng.next() % 3)]
            o.compressionLevel = rng.next() % 2 == 0 ? nil : Int32(rng.next() % 5 + 1)
            o.dictionary = rng.next() % 4 != 0
            o.dictionaryMaxBytes = [0, 64, 700, 1 << 20][Int(rng.next() % 4)]
            o.pageBytes = [16, 200, 3000, 1 << 20][Int(rng.next() % 4)]
            o.rowGroupRows = [1, 7, 128, 1 << 20][Int(rng.next() % 4)]
            o.deltaEncodeSortedIntegers = rng.next() % 2 == 0
            o.pageCRC = rng.next() % 2 == 0
            o.keyValueMetadata = [KeyValue(key: "trial", value: String(trial))]
            o.sortingColumns = rng.next() % 2 == 0 ? [SortingColumn(columnIndex: 12)] : nil
            let label = "trial \(trial) rows \(rows) \(o.codec) dict \(o.dictionary)/\(o.dictionaryMaxBytes) page \(o.pageBytes) rg \(o.rowGroupRows)"
            let path = dir.appendingPathComponent("t\(trial).parquet").path
            let w = try ParquetWriter(path: path, schema: t.schema, options: o)
            var start = 0
            while start < rows {
                let end = min(rows, start + Int(rng.next() % 300) + 1)
                try w.write(Interop.slice(t, start..<end))
                start = end
                if rng.next() % 8 == 0 { try w.flushRowGroup() }
            }
            let written = try w.closeReturningFooter()
            XCTAssertEqual(w.bytesWritten, try FileIO.size(path), label)

            let file = try ParquetFile(path: path)
            XCTAssertEqual(file.schema, t.schema, label)
            XCTAssertEqual(file.metadata, written, "footer round trip, \(label)")
            XCTAssertEqual(file.metadata.keyValueMetadata, o.keyValueMetadata, label)
            XCTAssertEqual(file.rowCount, rows, label)
            var row = 0
            for g in 0..<file.rowGroupCount {
                let batch = try file.read(rowGroup: g)
                XCTAssertLessThanOrEqual(batch.rowCount, o.rowGroupRows, label)
                XCTAssertEqual(file.metadata.rowGroups[g].sortingColumns, o.sortingColumns, label)
                for (c, f) in t.schema.fields.enumerated() {
                    let got = (0..<batch.rowCount).map { Self.cell(batch.columns[c], $0) }
                    XCTAssertEqual(got, Array(t.cells[c][row..<(row + batch.rowCount)]), "\(label) rg \(g) \(f.name)")
                    let exp = Interop.expectedStats(t, column: c, rows: row..<(row + batch.rowCount))
                    let st = try XCTUnwrap(file.statistics(rowGroup: g, column: f.name), "\(label) \(f.name)")
                    XCTAssertEqual(st.nullCount, Int64(exp.nulls), "\(label) \(f.name)")
                    XCTAssertEqual(st.min.flatMap(Self.canonical), exp.min, "\(label) rg \(g) min \(f.name)")
                    XCTAssertEqual(st.max.flatMap(Self.canonical), exp.max, "\(label) rg \(g) max \(f.name)")
                }
                row += batch.rowCount
            }
            XCTAssertEqual(row, rows, label)
        }
    }

    static func canonical(_ v: StatValue) -> String? {
        switch v {
        case .int(let i): String(i)
        case .double(let d): Interop.canonical(.double(d))
        case .bool(let b): Interop.canonical(.bool(b))
        case .bytes(let b): Interop.hex(b)
        }
    }
}
