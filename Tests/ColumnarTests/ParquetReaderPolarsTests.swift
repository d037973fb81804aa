import Foundation
import XCTest
@testable import Columnar
import TestSupport

/// Files written by Polars with its defaults (zstd, its own page and row-group sizes), read back
/// by our reader and compared value for value with what Python put in them.
final class ParquetReaderPolarsTests: XCTestCase {
    static let script = #"""
import sys, json, random, struct, datetime
import polars as pl
out = sys.argv[1]
random.seed(9)
N = 5000
def maybe(v, i, k): return None if i % k == 0 else v
words = ["", "a", "h\u00e9llo", "\U0001F642 emoji", "zz", "x" * 40]
epoch = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
cols = {
    "i32": pl.Series([maybe(random.randint(-2**31, 2**31 - 1), i, 7) for i in range(N)], dtype=pl.Int32),
    "i64": pl.Series([maybe(random.randint(-2**63, 2**63 - 1), i, 11) for i in range(N)], dtype=pl.Int64),
    "f64": pl.Series([maybe(random.uniform(-1e6, 1e6), i, 13) for i in range(N)], dtype=pl.Float64),
    "b": pl.Series([maybe(random.random() < 0.5, i, 3) for i in range(N)], dtype=pl.Boolean),
    "s": pl.Series([maybe(random.choice(words) if i % 100 < 90 else "uniq%d" % i, i, 9) for i in range(N)], dtype=pl.String),
    "d": pl.Series([maybe(random.randint(-800, 30000), i, 6) for i in range(N)], dtype=pl.Int32).cast(pl.Date),
    "ts": pl.Series([maybe(random.randint(-10**15, 4 * 10**15), i, 8) for i in range(N)], dtype=pl.Int64)
            .cast(pl.Datetime("us", "UTC")),
}
df = pl.DataFrame(cols)
df.write_parquet(f"{out}/polars_default.parquet")
df.write_parquet(f"{out}/polars_small_groups.parquet", row_group_size=700, compression="snappy")
def bits(x): return None if x is None else "%016x" % struct.unpack("<Q", struct.pack("<d", x))[0]
rows = [[r[0], r[1], bits(r[2]), r[3], r[4], None if r[5] is None else (r[5] - datetime.date(1970, 1, 1)).days,
         None if r[6] is None else (r[6] - epoch) // datetime.timedelta(microseconds=1)] for r in df.rows()]
print(json.dumps({"names": ["polars_default", "polars_small_groups"], "rows": rows}))
"""#

    func testPolarsDefaultFilesReadExactly() throws {
        let dir = try TestPaths.temporaryDirectory(self, "pq-polars")
        let output = try InteropPython.run(Self.script, args: [dir.path])
        let json = try JSONSerialization.jsonObject(with: Data(output.utf8)) as! [String: Any]
        let rows = json["rows"] as! [[Any]]
        XCTAssertEqual(rows.count, 5000)
        let columns = ["i32", "i64", "f64", "b", "s", "d", "ts"]
        let types: [ColumnType] = [.int32, .int64, .double, .bool, .string, .date, .timestampMicros]
        for name in json["names"] as! [String] {
            let pf = try ParquetFile(path: dir.appendingPathComponent("\(name).parquet").path)
            XCTAssertEqual(pf.rowCount, rows.count, name)
            for (column, type) in zip(columns, types) {
                XCTAssertEqual(pf.schema.fields.first { $0.name == column }?.type, type, "\(name).\(column)")
            }
            var row = 0
            for batch in try pf.readAll(columns: columns) {
                let cs = columns.map { batch.column(named: $0)! }
                let i32 = cs[0].int32Column!, i64 = cs[1].int64Column!, f64 = cs[2].doubleColumn!, b = cs[3].boolColumn!
                let s = cs[4].stringColumn!, d = cs[5].int32Column!, ts = cs[6].int64Column!
                for r in 0..<batch.rowCount {
                    let want = rows[row]
                    XCTAssertEqual(i32[r].map(Int64.init), (want[0] as? NSNumber)?.int64Value, "\(name) i32 row \(row)")
                    XCTAssertEqual(i64[r], (want[1] as? NSNumber)?.int64Value, "\(name) i64 row \(row)")
                    XCTAssertEqual(f64[r].map { String($0.bitPattern, radix: 16).leftPadded(16) }, want[2] as? String,
                                   "\(name) f64 row \(row)")
                    XCTAssertEqual(b[r], (want[3] as? NSNumber)?.boolValue, "\(name) b row \(row)")
                    XCTAssertEqual(s[r], want[4] as? String, "\(name) s row \(row)")
                    XCTAssertEqual(d[r].map(Int64.init), (want[5] as? NSNumber)?.int64Value, "\(name) d row \(row)")
                    XCTAssertEqual(ts[r], (want[6] as? NSNumber)?.int64Value, "\(name) ts row \(row)")
                    row += 1
                }
            }
            XCTAssertEqual(row, rows.count, name)
        }
    }
}

private extension String {
    func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: "0", count: width - count) + self }
}
