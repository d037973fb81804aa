import XCTest
import TestSupport
@testable import Ingest
import Columnar

/// The dictionary of a day buffer: equal bytes get equal codes, codes are dense in first-seen
/// order, across table growth and hash-tag collisions.
final class StringInternerTests: XCTestCase {
    func testCodesAreDenseStableAndMatchAReferenceDictionary() {
        var interner = StringInterner()
        var reference: [String: UInt32] = [:]
        var rng = SeededRandom(seed: 3)
        for _ in 0..<50_000 {
            let n = Int(rng.next() % 3000)
            let s = n % 7 == 0 ? "" : "brand-\(n)-" + String(repeating: "x", count: n % 23)
            var copy = s
            let code = copy.withUTF8 { interner.intern(UnsafeRawBufferPointer($0)) }
            if let known = reference[s] {
                XCTAssertEqual(code, known, s)
            } else {
                XCTAssertEqual(Int(code), reference.count)
                reference[s] = code
            }
        }
        XCTAssertEqual(interner.count, reference.count)
        for (s, code) in reference { XCTAssertEqual(interner.values[Int(code)], s) }
    }

    func testShortValuesAndRunsOfRepeats() {
        var interner = StringInterner()
        var reference: [String: UInt32] = [:]
        var rng = SeededRandom(seed: 4)
        var previous = "view"
        for _ in 0..<40_000 {
            let r = rng.next()
            // Runs of the previous value, and short values of every length 1...9 sharing prefixes.
            let s = r % 3 == 0 ? previous : String(String(r >> 8, radix: 36).prefix(Int(r % 9) + 1))
            previous = s
            var copy = s
            let code = copy.withUTF8 { interner.intern(UnsafeRawBufferPointer($0)) }
            if let known = reference[s] {
                XCTAssertEqual(code, known, s)
            } else {
                XCTAssertEqual(Int(code), reference.count, s)
                reference[s] = code
            }
        }
        XCTAssertEqual(interner.count, reference.count)
        for (s, code) in reference { XCTAssertEqual(interner.values[Int(code)], s) }
    }
}

/// The word-at-a-time byte comparison and the permutation gathers against their safe twins.
final class UnsafeHelperTwinTests: XCTestCase {
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
