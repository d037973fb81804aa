import Foundation
import XCTest
@testable import Columnar
import TestSupport

/// Columns we cannot read, page CRCs, timestamp units, hostile footers, and the
/// DELTA_BINARY_PACKED example of the specification.
final class ParquetReaderEdgeCaseTests: XCTestCase {
    func testUnsupportedColumnsStayOutOfTheWay() throws {
        let dir = try TestPaths.temporaryDirectory(self, "pq-unsupported")
        let script = #"""
import sys, decimal, datetime, pyarrow as pa, pyarrow.parquet as pq
t = pa.table({
    "id": pa.array([1, 2, 3], pa.int64()),
    "dec": pa.array([decimal.Decimal("1.25"), None, decimal.Decimal("-3.50")], pa.decimal128(9, 2)),
    "old_ts": pa.array([1, 2, 3], pa.int64()).cast(pa.timestamp("ns")),
    "nested": pa.array([{"a": 1, "b": "x"}, None, {"a": 3, "b": "z"}]),
    "tags": pa.array([[1, 2], [], None], pa.list_(pa.int32())),
    "u64": pa.array([1, 2, 2**63 + 5], pa.uint64()),
    "u32": pa.array([1, None, 2**32 - 1], pa.uint32()),
    "fixed": pa.array([b"abc", b"def", b"ghi"], pa.binary(3)),
    "name": pa.array(["a", None, "c"]),
})
pq.write_table(t, sys.argv[1] + "/mixed.parquet", use_deprecated_int96_timestamps=True)
ns = pa.table({"ns": pa.array([-1500, 0, 1999], pa.int64()).cast(pa.timestamp("ns", tz="UTC")),
               "ms": pa.array([-1, None, 2], pa.int64()).cast(pa.timestamp("ms"))})
pq.write_table(ns, sys.argv[1] + "/ns.parquet")
"""#
        try InteropPython.run(script, args: [dir.path])
        let pf = try ParquetFile(path: dir.appendingPathComponent("mixed.parquet").path)
        XCTAssertEqual(pf.schema.names, ["id", "u32", "name"])
        XCTAssertEqual(pf.schema.fields.map(\.type), [.int64, .int64, .string])
        XCTAssertEqual(Set(pf.unsupportedColumns.keys), ["dec", "old_ts", "nested", "tags", "u64", "fixed"])
        // Reading all (nil) reads only the supported columns, with the leaf indices right after
        // the nested groups.
        let b = try pf.read(rowGroup: 0)
        XCTAssertEqual(b.column(named: "id")?.int64Column?.values, [1, 2, 3])
        let u32 = try XCTUnwrap(b.column(named: "u32")?.int64Column)
        XCTAssertEqual((0..<3).map { u32[$0] }, [1, nil, 4_294_967_295])
        XCTAssertEqual(b.column(named: "name")?.stringColumn?[2], "c")
        for name in ["dec", "old_ts", "nested", "tags", "u64", "fixed"] {
            XCTAssertThrowsError(try pf.read(rowGroup: 0, columns: ["id", name])) { e in
                guard case ColumnarError.unsupported(let loc, _) = e else { return XCTFail("\(name): \(e)") }
                XCTAssertEqual(loc.column, name)
            }
        }
        XCTAssertEqual(pf.statistics(rowGroup: 0, column: "u32")?.max, .int(4_294_967_295))
        XCTAssertNil(pf.statistics(rowGroup: 0, column: "dec"))

        let units = try ParquetFile(path: dir.appendingPathComponent("ns.parquet").path)
        XCTAssertEqual(units.schema.fields.map(\.type), [.timestampMicros, .timestampMicros])
        let t = try units.read(rowGroup: 0)
        XCTAssertEqual(t.column(named: "ns")?.int64Column?.values, [-2, 0, 1])   // nanos floored to micros
        let ms = try XCTUnwrap(t.column(named: "ms")?.int64Column)
        XCTAssertEqual((0..<3).map { ms[$0] }, [-1000, nil, 2000])
        XCTAssertEqual(units.statistics(rowGroup: 0, column: "ms")?.min, .int(-1000))
        XCTAssertEqual(units.statistics(rowGroup: 0, column: "ns")?.max, .int(1))
    }

    /// A page body byte flipped under a page CRC is reported as a CRC mismatch.
    func testPageCRCMismatchIsCorrupt() throws {
        let dir = try TestPaths.temporaryDirectory(self, "pq-crc")
        try InteropPython.run(#"""
import sys, pyarrow as pa, pyarrow.parquet as pq
t = pa.table({"x": pa.array(range(1000), pa.int64())})
pq.write_table(t, sys.argv[1] + "/crc.parquet", write_page_checksum=True, compression="none", use_dictionary=False)
"""#, args: [dir.path])
        let path = dir.appendingPathComponent("crc.parquet").path
        let pf = try ParquetFile(path: path)
        XCTAssertEqual(try pf.read(rowGroup: 0).columns[0].int64Column?.values, ContiguousArray(0..<1000))
        var bytes = try FileIO.readAll(path)
        let meta = try XCTUnwrap(pf.metadata.rowGroups[0].columns[0].metaData)
        var r = CompactReader(ByteReader(bytes, start: Int(meta.dataPageOffset)))
        let header = try PageHeader.decode(from: &r)
        XCTAssertNotNil(header.crc, "pyarrow wrote a page CRC")
        bytes[r.position + 100] ^= 0x01   // inside the values: still decodable, but the CRC differs
        let broken = dir.appendingPathComponent("broken.parquet").path
        try FileIO.writeAll(broken, bytes)
        XCTAssertThrowsError(try ParquetFile(path: broken).readAll()) { e in
            guard case ColumnarError.corrupt(let loc, let reason) = e else { return XCTFail("\(e)") }
            XCTAssertTrue(reason.contains("CRC"), reason)
            XCTAssertEqual(loc.column, "x")
            XCTAssertEqual(loc.page, 0)
        }
    }

    /// LZ4_RAW and BROTLI are valid Parquet codecs we do not implement: `.unsupported`, naming them.
    func testUnimplementedCodecsAreUnsupported() throws {
        let dir = try TestPaths.temporaryDirectory(self, "pq-codecs")
        try InteropPython.run(#"""
import sys, pyarrow as pa, pyarrow.parquet as pq
t = pa.table({"x": pa.array(range(100), pa.int64())})
pq.write_table(t, sys.argv[1] + "/lz4.parquet", compression="lz4")
pq.write_table(t, sys.argv[1] + "/brotli.parquet", compression="brotli")
"""#, args: [dir.path])
        for (name, codec) in [("lz4", "LZ4_RAW"), ("brotli", "BROTLI")] {
            let file = try ParquetFile(path: dir.appendingPathComponent("\(name).parquet").path)
            XCTAssertEqual(file.schema.names, ["x"])
            XCTAssertThrowsError(try file.readAll()) { e in
                guard case ColumnarError.unsupported(let loc, let feature) = e else { return XCTFail("\(e)") }
                XCTAssertTrue(feature.contains(codec), feature)
                XCTAssertEqual(loc.column, "x")
            }
        }
    }

    func testHostileTails() throws {
        let dir = try TestPaths.temporaryDirectory(self, "pq-tails")
        let file = try FileIO.readAll(TestPaths.fixture("parquet-lab/min_int64.parquet").path)
        func check(_ bytes: [UInt8], _ text: String, line: UInt = #line) throws {
            let path = dir.appendingPathComponent("t.parquet").path
            try FileIO.writeAll(path, bytes)
            XCTAssertThrowsError(try ParquetFile(path: path), line: line) { e in
                guard case ColumnarError.corrupt(_, let reason) = e else { return XCTFail("\(e)", line: line) }
                XCTAssertTrue(reason.contains(text), "'\(reason)' lacks '\(text)'", line: line)
            }
        }
        try check([], "too short")
        try check(Array("PAR1PAR1".utf8), "too short")
        try check(Array(file.dropLast()), "magic")
        var bad = file
        bad[0] = 0x51
        try check(bad, "magic")
        var long = file
        long[196] = 0xF0   // footer length far beyond the file
        try check(long, "footer length")
        var garbage = file
        for i in 45..<60 { garbage[i] = 0xEE }
        try check(garbage, "footer")
        var rows = file
        rows[69] = 0x08    // FileMetaData.num_rows 3 → 4, disagreeing with the row group
        try check(rows, "num_rows")
    }

    func testDeltaBinaryPackedSpecExample() throws {
        // Encodings.md example 1: 1..5 → header 128/4/5/first=1, block minDelta=1, widths 0.
        let bytes: [UInt8] = [0x80, 0x01, 0x04, 0x05, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00]
        var out = ContiguousArray<Int64>()
        try DeltaBinaryPackedDecoder.decode(bytes, start: 0, end: bytes.count, count: 5, into: &out)
        XCTAssertEqual(out, [1, 2, 3, 4, 5])
        var more = ContiguousArray<Int64>()
        XCTAssertThrowsError(try DeltaBinaryPackedDecoder.decode(bytes, start: 0, end: bytes.count, count: 6, into: &more))
        XCTAssertThrowsError(try DeltaBinaryPackedDecoder.decode([0x81, 0x01, 0x04, 0x05, 0x02], start: 0, end: 5, count: 1, into: &more))
    }
}

/// One `ParquetFile` read from several threads at once gives the same batches as sequential reads.
final class ParquetReaderConcurrencyTests: XCTestCase {
    func testConcurrentReadsOfOneFile() throws {
        let path = TestPaths.fixture("parquet-lab/files/ok_gzip.parquet").path
        let file = try ParquetFile(path: path)
        @Sendable func cells(_ b: RecordBatch) -> [[Cell]] { b.columns.map { c in (0..<c.count).map { Cell(c, $0) } } }
        let reference = try (0..<file.rowGroupCount).map { cells(try file.read(rowGroup: $0)) }
        final class Results: @unchecked Sendable {
            let lock = NSLock()
            var mismatches = 0, failures = 0
        }
        let results = Results()
        DispatchQueue.concurrentPerform(iterations: 16) { i in
            let group = i % 2
            do {
                let got = cells(try file.read(rowGroup: group))
                results.lock.withLock { if got != reference[group] { results.mismatches += 1 } }
            } catch {
                results.lock.withLock { results.failures += 1 }
            }
        }
        XCTAssertEqual(results.mismatches, 0)
        XCTAssertEqual(results.failures, 0)
    }
}
