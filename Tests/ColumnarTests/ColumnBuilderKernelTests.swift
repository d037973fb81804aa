@testable import Columnar
import TestSupport
import XCTest

/// The reader's bulk kernels (validity bits from levels, dictionary gather, null scatter)
/// against plain per-element twins, on random inputs of every small length.
final class ColumnBuilderKernelTests: XCTestCase {
    func testLevelBitsMatchPerBitTwinAcrossAppends() throws {
        var rng = SeededRandom(seed: 3)
        var bits = LevelBits()
        var expected: [Bool] = []
        for _ in 0..<200 {
            let levels = ContiguousArray((0..<Int(rng.next() % 150)).map { _ in UInt32(rng.next() % 2) })
            let present = try bits.append(levels)
            XCTAssertEqual(present, levels.filter { $0 == 1 }.count)
            expected += levels.map { $0 == 1 }
        }
        XCTAssertEqual(bits.count, expected.count)
        for (i, v) in expected.enumerated() { XCTAssertEqual(bits[i], v, "bit \(i)") }
        XCTAssertThrowsError(try bits.append([1, 0, 2]))
    }

    /// The all-present fast path (word-at-a-time ones) against the per-level twin, mixing
    /// all-ones pages of every small length (so starts and ends fall anywhere in a word) with
    /// pages holding NULLs; also an all-2 page and an all-0 page.
    func testLevelBitsAllPresentFastPathMatchesGeneralTwin() throws {
        var rng = SeededRandom(seed: 5)
        var fast = LevelBits(), general = LevelBits()
        for _ in 0..<300 {
            let n = Int(rng.next() % 200)
            let allOnes = rng.next() % 3 != 0
            let levels = ContiguousArray((0..<n).map { _ in allOnes ? UInt32(1) : UInt32(rng.next() % 2) })
            XCTAssertEqual(try fast.append(levels), try general.appendGeneral(levels))
        }
        XCTAssertEqual(fast.count, general.count)
        XCTAssertEqual(fast.bitmap.words, general.bitmap.words)
        XCTAssertEqual(try fast.append(ContiguousArray(repeating: 0, count: 70)), 0)
        XCTAssertThrowsError(try fast.append(ContiguousArray(repeating: 2, count: 70)))
        XCTAssertThrowsError(try fast.append([1, 3, 1]))
    }

    func testGatherAndScatterMatchTwins() {
        var rng = SeededRandom(seed: 4)
        let dictionary = ContiguousArray((0..<37).map { _ in Int64(bitPattern: rng.next()) })
        var gathered = ContiguousArray<Int64>([7])
        var expected: [Int64] = [7]
        var scattered = ContiguousArray<Int64>()
        var expectedScatter: [Int64] = []
        for _ in 0..<100 {
            let indices = ContiguousArray((0..<Int(rng.next() % 70)).map { _ in UInt32(rng.next() % 37) })
            ColumnBuilder.gather(dictionary, indices, zero: 0, into: &gathered)
            expected += indices.map { dictionary[Int($0)] }
            let levels = ContiguousArray((0..<Int(rng.next() % 70)).map { _ in UInt32(rng.next() % 2) })
            let dense = ContiguousArray((0..<levels.filter { $0 == 1 }.count).map { _ in Int64(bitPattern: rng.next()) })
            ColumnBuilder.scatter(dense, levels: levels, zero: -1, into: &scattered)
            var k = 0
            for l in levels {
                if l == 1 { expectedScatter.append(dense[k]); k += 1 } else { expectedScatter.append(-1) }
            }
        }
        XCTAssertEqual(Array(gathered), expected)
        XCTAssertEqual(Array(scattered), expectedScatter)
    }
}
