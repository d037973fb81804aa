import Foundation
import XCTest
@testable import Columnar
import TestSupport

/// Seeded mutation fuzzing of real files: random byte flips, byte overwrites and truncations.
/// Every case must either read successfully or throw `ColumnarError` — no trap, no hang, no
/// other error type.
final class ParquetFuzzTests: XCTestCase {
    /// Opens `path` and touches everything the public API offers. Returns true on success.
    @discardableResult
    static func exercise(_ path: String) throws(ColumnarError) -> Bool {
        let pf = try ParquetFile(path: path)
        for g in 0..<pf.rowGroupCount {
            for field in pf.schema.fields {
                _ = pf.statistics(rowGroup: g, column: field.name)
                let batch = try pf.read(rowGroup: g, columns: [field.name])
                // Touch every value so a bad internal invariant would surface.
                let column = batch.columns[0]
                for row in 0..<column.count { _ = Cell(column, row) }
            }
        }
        return true
    }

    func mutate(_ original: [UInt8], rng: inout SeededRandom) -> [UInt8] {
        var bytes = original
        switch Int.random(in: 0..<10, using: &rng) {
        case 0, 1:
            bytes.removeLast(Int.random(in: 1...bytes.count, using: &rng))          // truncation
        case 2:
            // Truncate the body but keep a valid-looking tail.
            let cut = Int.random(in: 0..<max(1, bytes.count - 8), using: &rng)
            bytes = Array(bytes[0..<cut]) + Array(original.suffix(8))
        default:
            let flips = Int.random(in: 1...4, using: &rng)
            for _ in 0..<flips {
                // Half of the flips hit the footer and the page headers' neighbourhood near the end.
                let footerBias = Int.random(in: 0..<2, using: &rng) == 0
                let lower = footerBias ? max(0, bytes.count - 400) : 0
                let i = Int.random(in: lower..<bytes.count, using: &rng)
                switch Int.random(in: 0..<3, using: &rng) {
                case 0: bytes[i] ^= UInt8(1) << UInt8(Int.random(in: 0..<8, using: &rng))
                case 1: bytes[i] = UInt8.random(in: 0...255, using: &rng)
                default: bytes[i] = [0x00, 0xFF, 0x7F, 0x80][Int.random(in: 0..<4, using: &rng)]
                }
            }
        }
        return bytes
    }

    func fuzz(_ sources: [(String, Int)], seed: UInt64, dir: URL) throws -> (ok: Int, failed: Int) {
        var rng = SeededRandom(seed: seed)
        var ok = 0, failed = 0
        let target = dir.appendingPathComponent("case.parquet").path
        for (source, cases) in sources {
            let original = try FileIO.readAll(source)
            XCTAssertTrue(try Self.exercise(source), "unmutated \(source) must read")
            for n in 0..<cases {
                let bytes = mutate(original, rng: &rng)
                try FileIO.writeAll(target, bytes)
                do {
                    try Self.exercise(target)
                    ok += 1
                } catch {
                    failed += 1
                    // A typed error is fine; it must name the file.
                    switch error {
                    case .corrupt(let loc, _), .unsupported(let loc, _):
                        XCTAssertEqual(loc.file, target, "case \(n) of \(source)")
                    case .io, .invalidArgument, .codec, .store, .damaged, .remote:
                        XCTFail("case \(n) of \(source): unexpected error kind \(error)")
                    }
                }
            }
        }
        return (ok, failed)
    }

    func testMutatedFilesNeverTrap() throws {
        let dir = try TestPaths.temporaryDirectory(self, "fuzz")
        let script = #"""
import sys, pyarrow as pa, pyarrow.parquet as pq
n = 150
t = pa.table({
    "i": pa.array([None if i % 7 == 0 else i * 37 - 500 for i in range(n)], pa.int64()),
    "s": pa.array([None if i % 5 == 0 else ["a", "bb", "", "d\u00fc"][i % 4] for i in range(n)], pa.string()),
    "f": pa.array([i / 3 for i in range(n)], pa.float64()),
    "b": pa.array([i % 3 == 0 for i in range(n)], pa.bool_()),
    "d": pa.array([i - 20 for i in range(n)], pa.int32()).cast(pa.date32()),
})
pq.write_table(t, sys.argv[1] + "/snappy.parquet", row_group_size=80, data_page_size=200, write_batch_size=40)
pq.write_table(t, sys.argv[1] + "/v2.parquet", compression="zstd", data_page_version="2.0", use_dictionary=["s"],
               column_encoding={"i": "DELTA_BINARY_PACKED"}, write_page_checksum=True, data_page_size=300, write_batch_size=50)
pq.write_table(t, sys.argv[1] + "/gzip.parquet", compression="gzip", use_dictionary=False,
               column_encoding={"s": "DELTA_BYTE_ARRAY", "f": "BYTE_STREAM_SPLIT"})
"""#
        try InteropPython.run(script, args: [dir.path])
        let lab = TestPaths.fixture("parquet-lab")
        let sources: [(String, Int)] = [
            (dir.appendingPathComponent("snappy.parquet").path, 900),
            (dir.appendingPathComponent("v2.parquet").path, 700),
            (dir.appendingPathComponent("gzip.parquet").path, 300),
            (lab.appendingPathComponent("min_int64.parquet").path, 400),
            (lab.appendingPathComponent("pa_int64.parquet").path, 300),
            (lab.appendingPathComponent("pa_dict3_required.parquet").path, 300),
            (lab.appendingPathComponent("pa_single_dict.parquet").path, 200),
            (lab.appendingPathComponent("files/ok_zstd_onepage_rleonly.parquet").path, 60),
        ]
        let start = Date()
        let (ok, failed) = try fuzz(sources, seed: 0xF022, dir: dir)
        XCTAssertEqual(ok + failed, 3160)
        XCTAssertGreaterThan(failed, 1000, "most mutations must be detected")
        XCTAssertGreaterThan(ok, 10, "some mutations (e.g. in values) still read")
        print("fuzz: \(ok) read, \(failed) rejected in \(Date().timeIntervalSince(start)) s")
    }
}
