import XCTest
import TestSupport
@testable import Columnar

/// `ByteOrder.compare` (word-at-a-time unsigned byte order of the statistics) against its scalar
/// twin and `lexicographicallyPrecedes`.
final class ByteOrderTwinTests: XCTestCase {
    func testByteOrderMatchesScalarTwin() {
        var rng = SeededRandom(seed: 5)
        for _ in 0..<500 {
            let a = (0..<Int(rng.next() % 6)).map { _ in UInt8(truncatingIfNeeded: rng.next() % 4 * 80) }
            let b = (0..<Int(rng.next() % 6)).map { _ in UInt8(truncatingIfNeeded: rng.next() % 4 * 80) }
            let fast = a.withUnsafeBytes { pa in b.withUnsafeBytes { pb in ByteOrder.compare(pa, pb) } }
            XCTAssertEqual(fast.signum(), ByteOrder.compareScalar(a, b).signum())
            XCTAssertEqual(fast < 0, a.lexicographicallyPrecedes(b))
        }
    }
}
