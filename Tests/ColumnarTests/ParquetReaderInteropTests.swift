import Foundation
import XCTest
@testable import Columnar
import TestSupport

/// Files written by pyarrow (many writer options) and DuckDB, read back by our reader and
/// compared value for value with what Python put in them (dumped as JSON by the same script).
final class ParquetReaderInteropTests: XCTestCase {
    static let script = #"""
import sys, json, random, uuid, struct
import pyarrow as pa, pyarrow.parquet as pq, duckdb
out = sys.argv[1]
random.seed(5)
N = 3000
def maybe(v, i, k): return None if i % k == 0 else v
i32 = [maybe(random.randint(-2**31, 2**31 - 1), i, 7) for i in range(N)]
i64 = [maybe(random.randint(-2**63, 2**63 - 1), i, 11) for i in range(N)]
f64 = [maybe(random.uniform(-1e6, 1e6), i, 13) for i in range(N)]
f32arr = pa.array([maybe(random.uniform(-1e3, 1e3), i, 5) for i in range(N)], pa.float32())
f32 = f32arr.to_pylist()
b = [maybe(random.random() < 0.5, i, 3) for i in range(N)]
words = ["", "a", "h\u00e9llo", "\U0001F642 emoji", "zz", "na\u00efve", "x" * 40]
s = [maybe(random.choice(words) if i % 100 < 90 else "uniq%d" % i, i, 9) for i in range(N)]
d = [maybe(random.randint(-800, 30000), i, 6) for i in range(N)]
tsus = [maybe(random.randint(-10**15, 4 * 10**15), i, 8) for i in range(N)]
tsms = [maybe(random.randint(-10**12, 4 * 10**12), i, 10) for i in range(N)]
u = [maybe(uuid.UUID(int=random.getrandbits(128)).bytes, i, 4) for i in range(N)]
table = pa.table({
    "i32": pa.array(i32, pa.int32()), "i64": pa.array(i64, pa.int64()),
    "f64": pa.array(f64, pa.float64()), "f32": f32arr, "b": pa.array(b, pa.bool_()),
    "s": pa.array(s, pa.string()), "d": pa.array(d, pa.int32()).cast(pa.date32()),
    "tsus": pa.array(tsus, pa.int64()).cast(pa.timestamp("us", tz="UTC")),
    "tsms": pa.array(tsms, pa.int64()).cast(pa.timestamp("ms")),
    "u": pa.ExtensionArray.from_storage(pa.uuid(), pa.array(u, pa.binary(16))),
})
variants = {
    "pa_default": {},
    "pa_zstd_plain_v2": dict(compression="zstd", use_dictionary=False, data_page_version="2.0"),
    "pa_gzip_dict_v2": dict(compression="gzip", data_page_version="2.0", row_group_size=1000),
    "pa_none_small_pages": dict(compression="none", row_group_size=700, data_page_size=512, write_batch_size=64),
    "pa_snappy_dict_fallback": dict(dictionary_pagesize_limit=64, data_page_size=256, write_batch_size=50),
    "pa_delta": dict(use_dictionary=False, column_encoding={"i32": "DELTA_BINARY_PACKED", "i64": "DELTA_BINARY_PACKED", "tsus": "DELTA_BINARY_PACKED", "b": "RLE"}, data_page_version="2.0", data_page_size=1024, write_batch_size=100),
    "pa_crc": dict(write_page_checksum=True, compression="zstd"),
    "pa_delta_strings_bss": dict(use_dictionary=False, data_page_size=2000, write_batch_size=100, column_encoding={
        "s": "DELTA_BYTE_ARRAY", "f64": "BYTE_STREAM_SPLIT", "f32": "BYTE_STREAM_SPLIT", "i32": "BYTE_STREAM_SPLIT",
        "i64": "BYTE_STREAM_SPLIT", "u": "BYTE_STREAM_SPLIT"}),
    "pa_delta_length_v2": dict(use_dictionary=False, data_page_version="2.0", compression="zstd",
        column_encoding={"s": "DELTA_LENGTH_BYTE_ARRAY", "tsms": "DELTA_BINARY_PACKED", "d": "BYTE_STREAM_SPLIT"}),
}
for name, kw in variants.items():
    pq.write_table(table, f"{out}/{name}.parquet", **kw)
ustr = [None if x is None else str(uuid.UUID(bytes=x)) for x in u]
dt = table.drop_columns(["u"]).append_column("ustr", pa.array(ustr, pa.string()))
q = "SELECT i32, i64, f64, f32, b, s, d, tsus, tsms, CAST(ustr AS UUID) AS u FROM dt"
duckdb.sql(f"COPY ({q}) TO '{out}/duck_default.parquet' (FORMAT parquet, ROW_GROUP_SIZE 1000)")
duckdb.sql(f"COPY ({q}) TO '{out}/duck_zstd.parquet' (FORMAT parquet, COMPRESSION zstd)")
def bits(x): return None if x is None else "%016x" % struct.unpack("<Q", struct.pack("<d", x))[0]
rows = [[i32[i], i64[i], bits(f64[i]), bits(f32[i]), b[i], s[i], d[i], tsus[i], None if tsms[i] is None else tsms[i] * 1000,
         None if u[i] is None else u[i].hex()] for i in range(N)]
print(json.dumps({"names": list(variants) + ["duck_default", "duck_zstd"], "rows": rows}))
"""#

    static let columns = ["i32", "i64", "f64", "f32", "b", "s", "d", "tsus", "tsms", "u"]
    static let types: [ColumnType] = [.int32, .int64, .double, .double, .bool, .string, .date, .timestampMicros,
                                      .timestampMicros, .uuid]

    func testPyarrowAndDuckDBFiles() throws {
        let dir = try TestPaths.temporaryDirectory(self, "pq-interop")
        let output = try InteropPython.run(Self.script, args: [dir.path])
        let json = try parseJSON(output) as! [String: Any]
        let names = json["names"] as! [String]
        let rows = json["rows"] as! [[Any]]
        XCTAssertEqual(names.count, 11)
        for name in names {
            let path = dir.appendingPathComponent("\(name).parquet").path
            do {
                let pf = try ParquetFile(path: path)
                XCTAssertEqual(pf.unsupportedColumns, [:], name)
                for (column, type) in zip(Self.columns, Self.types) {
                    XCTAssertEqual(pf.schema.fields.first { $0.name == column }?.type, type, "\(name).\(column)")
                }
                let batches = try pf.readAll(columns: Self.columns)
                assertRows(batches, equal: rows, columns: Self.columns)
                if name == "pa_default" || name == "duck_default" {
                    guard case .dictionary = batches[0].column(named: "s")! else { return XCTFail("\(name): s should stay a dictionary") }
                }
                if name == "pa_snappy_dict_fallback" {
                    // The dictionary overflowed: later pages are PLAIN, so the chunk is materialised.
                    guard case .string = batches[0].column(named: "s")! else { return XCTFail("\(name): s should fall back to plain") }
                }
                // Statistics agree with the data.
                if let st = pf.statistics(rowGroup: 0, column: "i32"), case .int(let lo)? = st.min {
                    let n = pf.rowCount(rowGroup: 0)
                    let values = rows[0..<n].compactMap { ($0[0] as? NSNumber)?.int64Value }
                    XCTAssertEqual(lo, values.min(), name)
                    XCTAssertEqual(st.nullCount, Int64(n - values.count), name)
                }
            } catch {
                XCTFail("\(name): \(error)")
            }
        }
    }
}
