import XCTest
import TestSupport
@testable import Columnar

/// `ByteEquality.equal` (word-at-a-time byte comparison, used by the Parquet writer's dictionary
/// and ingest's string interner on every probe hit) against its safe twin.
final class ByteEqualityTwinTests: XCTestCase {
    func testMemcmpEqualMatchesScalarTwin() {
        var rng = SeededRandom(seed: 11)
        for _ in 0..<20_000 {
            let n = Int(rng.next() % 40)
            let a = (0..<n).map { _ in UInt8(truncatingIfNeeded: rng.next() % 3) }
            var b = a
            // Same length and differing in one byte, or equal, or another length.
            switch rng.next() % 3 {
            case 0: if n > 0 { b[Int(rng.next() % UInt64(n))] ^= 1 }
            case 1: break
            default: b = (0..<Int(rng.next() % 40)).map { _ in UInt8(truncatingIfNeeded: rng.next() % 3) }
            }
            let fast = a.withUnsafeBytes { ra in b.withUnsafeBytes { rb in ByteEquality.equal(ra, rb) } }
            XCTAssertEqual(fast, ByteEquality.equalScalar(a, b), "\(a) \(b)")
        }
    }
}
