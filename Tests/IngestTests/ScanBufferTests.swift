import XCTest
import Columnar
import TestSupport
@testable import Ingest

/// The parse window: appends, growth, dropping the parsed front; rows longer than a read chunk.
final class ScanBufferTests: XCTestCase {
    func testAppendGrowAndRemoveFirstKeepTheBytesInOrder() {
        var rng = SeededRandom(seed: 5)
        let buf = ScanBuffer(capacity: 64)
        var model: [UInt8] = []
        for step in 0..<500 {
            switch rng.next() % 3 {
            case 0:
                let n = Int(rng.next() % 300)
                let bytes = (0..<n).map { UInt8(truncatingIfNeeded: $0 &+ step) }
                bytes.withUnsafeBytes { buf.append($0) }
                model += bytes
            case 1:
                let n = Int(rng.next() % 200)
                let space = buf.freeSpace(atLeast: n)
                XCTAssertGreaterThanOrEqual(space.count, n)
                for k in 0..<n { space[k] = UInt8(truncatingIfNeeded: k &* 7 &+ step) }
                buf.didAppend(n)
                model += (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ step) }
            default:
                let n = model.isEmpty ? 0 : Int(rng.next() % UInt64(model.count + 1))
                buf.removeFirst(n)
                model.removeFirst(n)
            }
            XCTAssertEqual(Array(buf.bytes), model, "step \(step)")
        }
    }

    /// Rows longer than the read chunk (a quoted field with commas, and a plain
    /// long field) are read whole, not looped on.
    func testRowsLongerThanTheChunkAreStored() throws {
        let dir = try TestPaths.temporaryDirectory(self).path
        let header = "event_time,event_type,product_id,category_id,category_code,brand,price,user_id,user_session\n"
        let quoted = String(repeating: "ab,c d", count: 4000)  // 24 000 bytes with separators inside quotes
        let plain = String(repeating: "x", count: 30_000)
        let text = header
            + "2019-10-01 10:00:00 UTC,view,1,2,a.b,\"\(quoted)\",1.5,7,\n"
            + "2019-10-01 10:00:01 UTC,view,2,2,a.b,\(plain),1.5,7,\n"
            + "2019-10-01 10:00:02 UTC,view,3,2,a.b,short,1.5,7,\n"
        let path = dir + "/long.csv"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        let r = try IngestFixture.ingest([path], store: dir + "/s") { $0.chunkBytes = 4096 }
        XCTAssertEqual(r.rowsStored, 3)
        XCTAssertEqual(r.rowsRejected, 0)
        let rows = try IngestFixture.readStore(dir + "/s")
        XCTAssertEqual(rows.map(\.brand), [quoted, plain, "short"])
    }
}
