import Foundation
import XCTest
import TestSupport
@testable import Columnar

/// Throughput of the writer on a store-like batch (sorted user ids and timestamps, dictionary
/// strings, prices, UUID sessions, ~10 % nulls). Prints MB/s of input column bytes and checks
/// the file reads back. Rows: `EXTRACT_PERF_ROWS` (default 200 000; use a release build with
/// `-Xswiftc -enable-testing` for real figures).
final class ParquetWriterPerformanceTests: XCTestCase {
    func testStoreLikeBatchThroughput() throws {
        let rows = Int(ProcessInfo.processInfo.environment["EXTRACT_PERF_ROWS"] ?? "") ?? 200_000
        var rng = SeededRandom(seed: 1)
        let schema = Schema([
            Field("user_id", .int64, nullable: false), Field("event_time", .timestampMicros, nullable: false),
            Field("event_type", .string), Field("product_id", .int64), Field("category_code", .string),
            Field("brand", .string), Field("price", .double), Field("user_session", .uuid), Field("day", .date),
        ])
        var user = FixedWidthColumn<Int64>(), time = FixedWidthColumn<Int64>(), product = FixedWidthColumn<Int64>()
        var price = FixedWidthColumn<Double>(), day = FixedWidthColumn<Int32>()
        var session = FixedBytesColumn(width: 16)
        var codes = ContiguousArray<UInt32>()
        var category = StringColumn(), brand = StringColumn()
        let types = StringColumn(["view", "cart", "purchase", "remove_from_cart"].map { Optional($0) })
        let categories = (0..<300).map { "electronics.category.\($0)" }
        let brands = (0..<3000).map { "brand\($0 * 7919 % 100_000)" }
        var u: Int64 = 500_000_000, ts: Int64 = 1_569_888_000_000_000
        var inputBytes = 0
        for _ in 0..<rows {
            let r = rng.next()
            if r % 20 == 0 { u += Int64(r % 1000) }
            ts += Int64(r % 2_000_000)
            user.append(u, placeholder: 0)
            time.append(ts, placeholder: 0)
            codes.append(UInt32(r % 4))
            product.append(r % 31 == 0 ? nil : Int64(1_000_000 + r % 50_000), placeholder: 0)
            category.append(r % 3 == 0 ? nil : categories[Int(r >> 8) % categories.count])
            brand.append(r % 7 == 0 ? nil : brands[Int(r >> 20) % brands.count])
            price.append(Double(r % 100_000) / 100, placeholder: 0)
            session.append((0..<16).map { UInt8(truncatingIfNeeded: (r >> UInt64($0 % 8 * 8)) &+ UInt64($0)) })
            day.append(Int32(ts / 86_400_000_000), placeholder: 0)
        }
        inputBytes = rows * (8 * 4 + 4 + 16 + 4) + category.bytes.count + brand.bytes.count + rows * 8
        let batch = try RecordBatch(schema: schema, columns: [
            .int64(user), .int64(time), .dictionary(DictionaryColumn(codes: codes, dictionary: types)), .int64(product),
            .string(category), .string(brand), .double(price), .fixedBytes(session), .int32(day),
        ])
        let dir = try TestPaths.temporaryDirectory(self, "pq-perf")
        for codec in [CompressionCodec.uncompressed, .zstd] {
            var o = ParquetWriterOptions()
            o.codec = codec
            let path = dir.appendingPathComponent("\(codec).parquet").path
            let start = DispatchTime.now().uptimeNanoseconds
            let w = try ParquetWriter(path: path, schema: schema, options: o)
            try w.write(batch)
            try w.close()
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            print(String(format: "ParquetWriter %@: %d rows, %.1f MB in -> %.1f MB file in %.3f s = %.0f MB/s, %.1f Mrows/s",
                         "\(codec)", rows, Double(inputBytes) / 1e6, Double(w.bytesWritten) / 1e6, seconds,
                         Double(inputBytes) / 1e6 / seconds, Double(rows) / 1e6 / seconds))
            let file = try ParquetFile(path: path)
            XCTAssertEqual(file.rowCount, rows)
        }
    }
}
