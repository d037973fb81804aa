import XCTest
import TestSupport
@testable import Columnar

/// The in-place sink writes of the Parquet writer's encoders: bit packing appended after
/// existing bytes matches the scalar twin, and `appendWriting` touches exactly its region.
final class ParquetWriterSinkTests: XCTestCase {
    func testBitPackingAfterExistingBytesMatchesScalarTwin() {
        var rng = SeededRandom(seed: 21)
        for w in 1...32 {
            for n in [1, 3, 8, 13, 40] {
                let mask: UInt64 = (1 << UInt64(w)) - 1
                let v = (0..<n).map { _ in UInt32(truncatingIfNeeded: rng.next() & mask) }
                let prefix = (0..<Int(rng.next() % 9)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
                var sink = ByteSink()
                for b in prefix { sink.append(b) }
                v.withUnsafeBufferPointer { BitPackingEncoder.pack($0, bitWidth: w, into: &sink) }
                XCTAssertEqual(sink.bytes, prefix + BitPackingEncoder.packScalar(v.map { UInt64($0) }, bitWidth: w), "w \(w) n \(n)")
            }
        }
    }

    func testAppendWritingExposesExactlyTheAppendedZeroedRegion() {
        var sink = ByteSink()
        sink.append(7)
        sink.appendWriting(count: 3) { out in
            XCTAssertEqual(out.count, 3)
            XCTAssertEqual(Array(out), [0, 0, 0])
            out[2] = 9
        }
        sink.appendWriting(count: 0) { _ in XCTFail("no call for an empty region") }
        XCTAssertEqual(sink.bytes, [7, 0, 0, 9])
    }
}
