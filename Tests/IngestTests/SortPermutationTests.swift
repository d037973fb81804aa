import XCTest
@testable import Ingest
import TestSupport

/// The packed-key sort (`packedSortPermutation`) against its general twin (`keyedSortPermutation`).
final class SortPermutationTests: XCTestCase {
    private func buffer(rows: Int, users: UInt64, nullEvery: UInt64, span: UInt64, ordered: Bool,
                        rng: inout SeededRandom) -> EventBuffer {
        var b = EventBuffer(day: 18_170)
        let base: Int64 = 18_170 * 86_400_000_000
        var t = base
        for _ in 0..<rows {
            t = ordered ? t + Int64(rng.next() % 3) : base + Int64(rng.next() % span)
            b.time.append(t)
            b.minTime = min(b.minTime, t)
            b.maxTime = max(b.maxTime, t)
            if nullEvery > 0 && rng.next() % nullEvery == 0 {
                b.userId.appendNull(0)
            } else {
                let u = Int64(bitPattern: rng.next() % users) - Int64(users / 2)
                b.userId.append(u)
            }
        }
        return b
    }

    func testPackedSortMatchesKeyedSort() {
        var rng = SeededRandom(seed: 11)
        for (rows, users, nullEvery, span, ordered) in [(2000, 40 as UInt64, 7 as UInt64, 1000 as UInt64, false),
                                                         (5000, 3, 0, 10, false), (3000, 100, 0, 0, true),
                                                         (1, 1, 0, 1, true), (4000, 1 << 40, 3, 86_400_000_000, false),
                                                         (6000, 1 << 62, 5, 0, true), (3000, 7, 2, 0, true)] {
            let b = buffer(rows: rows, users: users, nullEvery: nullEvery, span: max(span, 1), ordered: ordered, rng: &rng)
            let packed = b.packedSortPermutation()
            XCTAssertNotNil(packed)
            let expected = b.keyedSortPermutation()
            if let expected {
                XCTAssertEqual(packed, expected)
            } else {
                XCTAssertEqual(packed, [])
            }
            XCTAssertEqual(b.sortPermutation(), expected)
        }
    }

    func testPackedSortDeclinesWhatItCannotPack() {
        var b = EventBuffer(day: 0)
        for (t, u) in [(Int64(5), Int64.max), (1, 3)] {
            b.time.append(t); b.userId.append(u)
            b.minTime = min(b.minTime, t); b.maxTime = max(b.maxTime, t)
        }
        XCTAssertNil(b.packedSortPermutation())
        XCTAssertEqual(b.sortPermutation(), [1, 0])
        var wide = EventBuffer(day: 0)
        for (t, u) in [(Int64(1) << 40, Int64(1)), (0, 1)] {
            wide.time.append(t); wide.userId.append(u)
            wide.minTime = min(wide.minTime, t); wide.maxTime = max(wide.maxTime, t)
        }
        XCTAssertNil(wide.packedSortPermutation())
        XCTAssertEqual(wide.sortPermutation(), [1, 0])
    }

    func testGatherThroughInversePermutationMatchesBitGather() {
        var rng = SeededRandom(seed: 21)
        let b = buffer(rows: 3000, users: 50, nullEvery: 4, span: 5000, ordered: false, rng: &rng)
        guard let perm = b.sortPermutation() else { return XCTFail("expected an unsorted buffer") }
        var inverse = ContiguousArray<Int32>(repeating: 0, count: perm.count)
        for (j, i) in perm.enumerated() { inverse[Int(i)] = Int32(j) }
        let viaInverse = b.userId.gathered(perm, inverse)
        let viaBits = gather(b.userId.column, perm)
        XCTAssertEqual(viaInverse.values, viaBits.values)
        XCTAssertNotNil(viaBits.validity)
        XCTAssertEqual(viaInverse.validity, viaBits.validity)
        XCTAssertEqual(b.userId.gathered(nil, nil).validity, b.userId.validity)
    }
}
