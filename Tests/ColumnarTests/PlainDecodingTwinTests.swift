import XCTest
import TestSupport
@testable import Columnar

/// The unsafe PLAIN loads (`PlainDecoding.fixedWidth`) agree with their safe scalar twin,
/// including unaligned starts.
final class PlainDecodingTwinTests: XCTestCase {
    func testUnsafeLoadsMatchScalarTwin() throws {
        var rng = SeededRandom(seed: 9)
        let bytes = (0..<4099).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        for start in 0..<9 {
            var a = ContiguousArray<Int64>(), b = ContiguousArray<Int64>()
            let n = (bytes.count - start) / 8
            XCTAssertEqual(try PlainDecoding.fixedWidth(bytes, start: start, end: bytes.count, count: n, into: &a),
                           try PlainDecoding.fixedWidthScalar(bytes, start: start, end: bytes.count, count: n, into: &b))
            XCTAssertEqual(a, b)
            var c = ContiguousArray<Int32>(), d = ContiguousArray<Int32>()
            let m = (bytes.count - start) / 4
            _ = try PlainDecoding.fixedWidth(bytes, start: start, end: bytes.count, count: m, into: &c)
            _ = try PlainDecoding.fixedWidthScalar(bytes, start: start, end: bytes.count, count: m, into: &d)
            XCTAssertEqual(c, d)
            XCTAssertThrowsError(try PlainDecoding.fixedWidth(bytes, start: start, end: bytes.count, count: n + 1, into: &a))
        }
    }
}
