import TestSupport
import XCTest
import Query

/// The window filter's SIMD kernel (`WindowFilter.select`) against its scalar twin.
final class WindowFilterTwinTests: XCTestCase {
    func testWindowFilterKernelMatchesScalarTwinOnEveryTailLength() {
        var rng = SeededRandom(seed: 3)
        for n in 0...80 {
            let times = ContiguousArray((0..<n).map { _ in Int64.random(in: 0...100, using: &rng) })
            for (lo, hi) in [(Int64(20), Int64(60)), (0, 100), (50, 50), (101, 200), (-5, -1)] {
                let simd = WindowFilter.select(times, start: lo, end: hi)
                XCTAssertEqual(simd, WindowFilter.selectScalar(times, start: lo, end: hi), "n \(n) [\(lo), \(hi)]")
                let count = simd.reduce(0) { $0 + $1.nonzeroBitCount }
                XCTAssertEqual(count, times.filter { $0 >= lo && $0 <= hi }.count)
            }
        }
        // Extreme values do not overflow the comparison.
        let extremes: ContiguousArray<Int64> = [.min, .max, 0, -1, 1, .min + 1, .max - 1, 5, 6]
        XCTAssertEqual(WindowFilter.select(extremes, start: .min, end: .max), WindowFilter.selectScalar(extremes, start: .min, end: .max))
    }
}
