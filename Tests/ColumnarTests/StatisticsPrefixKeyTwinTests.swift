import XCTest
import TestSupport
@testable import Columnar

/// `StatisticsAccumulator.prefixKey` (the first bytes of a value loaded as one big-endian word)
/// against its scalar twin, and its order against the byte order.
final class StatisticsPrefixKeyTwinTests: XCTestCase {
    func testPrefixKeyMatchesScalarTwinAndByteOrder() {
        var rng = SeededRandom(seed: 22)
        for _ in 0..<2000 {
            let a = (0..<Int(rng.next() % 12)).map { _ in UInt8(truncatingIfNeeded: rng.next() % 3 * 120) }
            let b = (0..<Int(rng.next() % 12)).map { _ in UInt8(truncatingIfNeeded: rng.next() % 3 * 120) }
            let ka = a.withUnsafeBytes { StatisticsAccumulator.prefixKey($0) }
            let kb = b.withUnsafeBytes { StatisticsAccumulator.prefixKey($0) }
            XCTAssertEqual(ka, StatisticsAccumulator.prefixKeyScalar(a))
            if ka < kb { XCTAssertTrue(a.lexicographicallyPrecedes(b), "\(a) \(b)") }
            if ka > kb { XCTAssertTrue(b.lexicographicallyPrecedes(a), "\(a) \(b)") }
        }
    }
}
