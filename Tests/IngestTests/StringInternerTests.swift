import XCTest
import TestSupport
@testable import Ingest

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
}
