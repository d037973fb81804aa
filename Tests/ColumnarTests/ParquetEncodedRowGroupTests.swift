import Foundation
import XCTest
import TestSupport
@testable import Columnar

/// Row groups encoded apart (`ParquetWriter.encodeRowGroup`, in parallel) and appended in order
/// (`append`) make exactly the file that writing the same slices row group by row group makes.
final class ParquetEncodedRowGroupTests: XCTestCase {
    typealias Interop = ParquetWriterInteropTests

    func testParallelEncodedRowGroupsAppendToTheSameBytesAsSequentialWrites() throws {
        let dir = try TestPaths.temporaryDirectory(self, "pq-encoded")
        var rng = SeededRandom(seed: 77)
        for trial in 0..<12 {
            let rows = trial == 0 ? 0 : Int(rng.next() % 1500) + 1
            let t = try Interop.makeTable(rows: rows, seed: rng.next(), nullMode: Int(rng.next() % 3))
            var o = ParquetWriterOptions()
            o.codec = [.zstd, .gzip, .uncompressed][trial % 3]
            o.dictionary = trial % 4 != 3
            o.pageBytes = [200, 3000, 1 << 20][trial % 3]
            o.sortingColumns = trial % 2 == 0 ? [SortingColumn(columnIndex: 0)] : nil
            // Random slices; each becomes one row group both ways.
            var cuts: [Range<Int>] = []
            var start = 0
            while start < rows {
                let end = min(rows, start + Int(rng.next() % 400) + 1)
                cuts.append(start..<end)
                start = end
            }
            let sequential = dir.appendingPathComponent("seq\(trial).parquet").path
            let w = try ParquetWriter(path: sequential, schema: t.schema, options: o)
            for r in cuts { try w.write(Interop.slice(t, r)); try w.flushRowGroup() }
            try w.close()

            let slices = try cuts.map { try Interop.slice(t, $0) }
            let encoded = EncodedBox(count: slices.count)
            let options = o
            DispatchQueue.concurrentPerform(iterations: slices.count) { i in
                encoded.set(i, Result { try ParquetWriter.encodeRowGroup(slices[i], options: options) })
            }
            let appended = dir.appendingPathComponent("app\(trial).parquet").path
            let a = try ParquetWriter(path: appended, schema: t.schema, options: o)
            for i in 0..<slices.count {
                let g = try encoded.get(i).get()
                XCTAssertEqual(g.rows, cuts[i].count)
                try a.append(g)
            }
            try a.close()
            XCTAssertEqual(a.rowsWritten, rows)
            XCTAssertEqual(try FileIO.readAll(appended), try FileIO.readAll(sequential), "trial \(trial), \(cuts.count) row groups")
            XCTAssertEqual(try ParquetFile(path: appended).rowCount, rows)
        }
    }

    /// Rows buffered by `write` become their own row group before an appended one (order kept);
    /// a row group of another schema or other options is refused.
    func testAppendAfterBufferedRowsAndMismatchesAreRefused() throws {
        let dir = try TestPaths.temporaryDirectory(self, "pq-encoded2")
        let t = try Interop.makeTable(rows: 50, seed: 3, nullMode: 1)
        let path = dir.appendingPathComponent("mixed.parquet").path
        let w = try ParquetWriter(path: path, schema: t.schema)
        try w.write(Interop.slice(t, 0..<20))
        try w.append(try ParquetWriter.encodeRowGroup(try Interop.slice(t, 20..<50)))
        let footer = try w.closeReturningFooter()
        XCTAssertEqual(footer.rowGroups.map(\.numRows), [20, 30])
        let file = try ParquetFile(path: path)
        let back = try file.read(rowGroup: 1, columns: t.schema.names)
        for c in 0..<t.schema.fields.count {
            for r in 0..<30 {
                XCTAssertEqual(ParquetWriterRoundTripTests.cell(back.columns[c], r), ParquetWriterRoundTripTests.cell(t.columns[c], 20 + r))
            }
        }

        let other = try ParquetWriter(path: dir.appendingPathComponent("other.parquet").path, schema: t.schema)
        var zstd1 = ParquetWriterOptions()
        zstd1.compressionLevel = 1
        XCTAssertThrowsError(try other.append(try ParquetWriter.encodeRowGroup(try Interop.slice(t, 0..<5), options: zstd1)))
        let narrow = try RecordBatch(schema: Schema([t.schema.fields[0]]), columns: [t.columns[0]])
        XCTAssertThrowsError(try other.append(try ParquetWriter.encodeRowGroup(narrow)))
        other.abandon()
    }
}

/// One result slot per encoded row group (each index written by one thread).
private final class EncodedBox: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Result<EncodedRowGroup, any Error>?]
    init(count: Int) { values = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ r: Result<EncodedRowGroup, any Error>) { lock.lock(); values[i] = r; lock.unlock() }
    func get(_ i: Int) -> Result<EncodedRowGroup, any Error> { lock.lock(); defer { lock.unlock() }; return values[i]! }
}
