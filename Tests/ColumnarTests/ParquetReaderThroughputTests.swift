import Foundation
import XCTest
@testable import Columnar
import TestSupport

/// Reads a 500k-row pyarrow file (snappy, dictionary and plain strings, nullable doubles, timestamps) and
/// checks aggregates against Python's; prints the throughput (meaningful in release builds).
final class ParquetReaderThroughputTests: XCTestCase {
    func testHalfMillionRowFile() throws {
        let dir = try TestPaths.temporaryDirectory(self, "pq-throughput")
        let script = #"""
import sys, json, random, pyarrow as pa, pyarrow.parquet as pq
random.seed(1)
n = 500_000
ids = [random.randrange(10**12) for _ in range(n)]
base = 1_700_000_000_000_000
ts = sorted(base + random.randrange(86_400_000_000 * 30) for _ in range(n))
price = [None if random.random() < 0.1 else random.random() * 1000 for _ in range(n)]
names = ["product-%d" % i for i in range(1000)]
product = [names[random.randrange(1000)] for _ in range(n)]
note = [None if i % 9 == 0 else "note %d %x" % (i, random.getrandbits(40)) for i in range(n)]
t = pa.table({"id": pa.array(ids, pa.int64()), "ts": pa.array(ts, pa.int64()).cast(pa.timestamp("us", tz="UTC")),
              "price": pa.array(price, pa.float64()), "product": pa.array(product),
              "note": pa.array(note)})
pq.write_table(t, sys.argv[1] + "/big.parquet", row_group_size=150_000, use_dictionary=["product"])
print(json.dumps({"idsum": sum(ids) % (1 << 63), "nulls": sum(p is None for p in price),
                  "plen": sum(len(p) for p in product), "tsmax": max(ts),
                  "nlen": sum(len(x) for x in note if x is not None)}))
"""#
        let json = try parseJSON(try InteropPython.run(script, args: [dir.path])) as! [String: NSNumber]
        let path = dir.appendingPathComponent("big.parquet").path
        let start = Date()
        let file = try ParquetFile(path: path)
        let batches = try file.readAll()
        let seconds = Date().timeIntervalSince(start)
        var idSum: Int64 = 0, nulls = 0, productLength = 0, tsMax = Int64.min, noteLength = 0
        for b in batches {
            for v in b.column(named: "id")!.int64Column!.values { idSum = idSum &+ v }
            nulls += b.column(named: "price")!.nullCount
            guard case .dictionary(let d) = b.column(named: "product")! else { return XCTFail("product should be a dictionary") }
            for code in d.codes { productLength += d.dictionary.range(Int(code)).count }
            tsMax = max(tsMax, b.column(named: "ts")!.int64Column!.values.max()!)
            guard case .string(let notes) = b.column(named: "note")! else { return XCTFail("note should be plain") }
            noteLength += notes.bytes.count
        }
        XCTAssertEqual(batches.reduce(0) { $0 + $1.rowCount }, 500_000)
        XCTAssertEqual(idSum, json["idsum"]!.int64Value)
        XCTAssertEqual(nulls, json["nulls"]!.intValue)
        XCTAssertEqual(productLength, json["plen"]!.intValue)
        XCTAssertEqual(tsMax, json["tsmax"]!.int64Value)
        XCTAssertEqual(noteLength, json["nlen"]!.intValue)
        let size = try FileIO.size(path)
        print(String(format: "read 500k rows x 5 columns (%.1f MB) in %.3f s: %.1f Mrows/s", Double(size) / 1e6, seconds, 0.5 / seconds))
    }
}
