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
