import XCTest
import TestSupport
@testable import Ingest

/// `PermutationGather` (the unchecked row gathers and inverse of ingest's day sort) against its
/// safe twins.
final class PermutationGatherTwinTests: XCTestCase {
    func testPermutationGatherAndInverseMatchScalarTwins() {
        var rng = SeededRandom(seed: 12)
        for n in [0, 1, 2, 7, 100, 4097] {
            var perm = ContiguousArray((0..<n).map { Int32($0) })
            for i in stride(from: n - 1, to: 0, by: -1) { perm.swapAt(i, Int(rng.next() % UInt64(i + 1))) }
            let values = ContiguousArray((0..<n).map { _ in rng.next() })
            XCTAssertEqual(PermutationGather.gather(values, perm), PermutationGather.gatherScalar(values, perm))
            let words = ContiguousArray((0..<n).map { i in UUIDWords(a: UInt64(i), b: rng.next()) })
            XCTAssertEqual(PermutationGather.gather(words, perm).map(\.b), PermutationGather.gatherScalar(words, perm).map(\.b))
            XCTAssertEqual(PermutationGather.inverse(perm), PermutationGather.inverseScalar(perm))
        }
    }
}
