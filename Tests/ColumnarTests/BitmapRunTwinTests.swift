import XCTest
import TestSupport
@testable import Columnar

/// `Bitmap.forEachRun` (word-at-a-time) against its bit-by-bit twin.
final class BitmapRunTwinTests: XCTestCase {
    func testRunsMatchScalarTwin() {
        var rng = SeededRandom(seed: 3)
        for trial in 0..<300 {
            let n = Int(rng.next() % 300)
            var b = Bitmap(reservingCapacity: n)
            var bit = rng.next() % 2 == 0
            for _ in 0..<n {
                if rng.next() % UInt64(trial % 5 == 0 ? 70 : 4) == 0 { bit.toggle() }
                b.append(bit)
            }
            let lo = n == 0 ? 0 : Int(rng.next() % UInt64(n))
            let hi = lo + (n == lo ? 0 : Int(rng.next() % UInt64(n - lo + 1)))
            var fast: [(Range<Int>, Bool)] = []
            b.forEachRun(in: lo..<hi) { fast.append(($0, $1)) }
            let slow = b.runsScalar(in: lo..<hi)
            XCTAssertEqual(fast.map(\.0), slow.map(\.0), "trial \(trial)")
            XCTAssertEqual(fast.map(\.1), slow.map(\.1), "trial \(trial)")
        }
    }
}
