import XCTest
import Columnar
import TestSupport
@testable import Ingest

/// The session texts of events schema version 2 (`SessionText.column`, unsafe writes) against
/// their safe twin, and against the texts the parser was given.
final class SessionTextTests: XCTestCase {
    func testColumnMatchesScalarTwinWithRawNullAndPermutation() {
        var rng = SeededRandom(seed: 17)
        for n in [0, 1, 2, 37, 500] {
            var words = ContiguousArray<UUIDWords>()
            var nulls = NullPositions()
            var raw = SparseStringBuilder()
            for row in 0..<n {
                switch rng.next() % 5 {
                case 0:
                    // Not a UUID: a raw text (some uppercase UUIDs, some short texts, one non-ASCII).
                    words.append(UUIDWords(a: 0, b: 0))
                    nulls.rows.append(Int32(row))
                    let text = row % 3 == 0 ? "E4A0C0D6-1B2C-4D5E-8F90-A1B2C3D4E5F6" : "s-\(row)-é"
                    raw.append(row: row, Array(text.utf8))
                case 1:
                    words.append(UUIDWords(a: 0, b: 0))
                    nulls.rows.append(Int32(row))
                default:
                    words.append(UUIDWords(a: rng.next(), b: rng.next()))
                }
            }
            let validity = nulls.bitmap(count: n)
            var perm = ContiguousArray((0..<Int32(n)))
            perm.shuffle(using: &rng)
            for p in [nil, perm] {
                let sortedWords = p.map { PermutationGather.gatherScalar(words, $0) } ?? words
                let sortedValidity = p.map { p in validity.map { v in Bitmap(p.map { v[Int($0)] }) } } ?? validity
                let fast = SessionText.column(words: sortedWords, validity: sortedValidity, raw: raw, perm: p)
                let slow = SessionText.columnScalar(words: sortedWords, validity: sortedValidity, raw: raw, perm: p)
                XCTAssertEqual(fast, slow, "n=\(n) perm=\(p != nil)")
                XCTAssertEqual(fast.count, n)
            }
        }
    }

    /// Parsing a canonical text and formatting it back gives the text byte for byte.
    func testCanonicalTextRoundTrips() {
        var rng = SeededRandom(seed: 5)
        for _ in 0..<2000 {
            let bytes = (0..<16).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            let text = UUIDParser.format(bytes)
            var w = UUIDWords(a: 0, b: 0)
            let ok = text.utf8CString.withUnsafeBytes { t in
                withUnsafeMutableBytes(of: &w) { UUIDParser.parse(UnsafeRawBufferPointer(rebasing: t[0..<36]), into: $0) }
            }
            XCTAssertTrue(ok)
            var out = [UInt8](repeating: 0, count: 36)
            out.withUnsafeMutableBufferPointer { SessionText.format(w, into: $0.baseAddress!) }
            XCTAssertEqual(String(decoding: out, as: UTF8.self), text)
        }
    }
}

private extension Bitmap {
    init(_ bits: [Bool]) {
        self.init(reservingCapacity: bits.count)
        for b in bits { append(b) }
    }
}
