@testable import Query
import Columnar
import TestSupport
import XCTest

/// The CSV text encoders' fast paths (`CSVText`: strings, the verbatim scan, decimals,
/// timestamps) against their general byte-at-a-time twins, into `ContiguousArray` and `RawBytes`.
final class CSVTextTwinTests: XCTestCase {
    /// Random strings over an alphabet rich in the special bytes (separators, quotes,
    /// backslashes, whitespace, CR/LF, non-ASCII), every length 0…40: same bytes both ways.
    func testStringFastPathMatchesGeneralTwin() {
        var rng = SeededRandom(seed: 11)
        let alphabet: [UInt8] = [0x2C, 0x22, 0x5C, 0x0D, 0x0A, 0x20, 0x09, 0x00, 0x7F, 0xC3, 0xA9, 0x61, 0x62, 0x2E, 0x31, 0x21]
        var verbatim = 0
        for _ in 0..<40_000 {
            let n = Int(rng.next() % 41)
            // Mostly plain letters, so both the fast and the slow path are exercised.
            let bytes = (0..<n).map { _ in rng.next() % 4 == 0 ? alphabet[Int(rng.next() % UInt64(alphabet.count))] : UInt8(0x61 + rng.next() % 26) }
            var fast = ContiguousArray<UInt8>(), general = ContiguousArray<UInt8>()
            bytes.withUnsafeBytes { raw in
                CSVText.appendString(raw, to: &fast)
                CSVText.appendStringGeneral(raw, to: &general)
                if CSVText.isVerbatim(raw) { verbatim += 1 }
            }
            XCTAssertEqual(fast, general, "\(bytes)")
        }
        XCTAssertGreaterThan(verbatim, 1000)
    }

    /// Each special byte at each position of a word-sized scan (including the tail) is found.
    func testVerbatimCheckFindsEverySpecialByteAtEveryPosition() {
        for special: UInt8 in [0x2C, 0x22, 0x0D, 0x0A] {
            for n in 3...24 {
                for position in 1..<(n - 1) {
                    var bytes = [UInt8](repeating: 0x61, count: n)
                    bytes[position] = special
                    bytes.withUnsafeBytes { XCTAssertFalse(CSVText.isVerbatim($0), "\(special) at \(position) of \(n)") }
                }
                let plain = [UInt8](repeating: 0x61, count: n)
                plain.withUnsafeBytes { XCTAssertTrue(CSVText.isVerbatim($0)) }
            }
        }
        for b: UInt8 in [0x20, 0x09, 0x00] {
            [b, 0x61].withUnsafeBytes { XCTAssertFalse(CSVText.isVerbatim($0)) }
            [0x61, b].withUnsafeBytes { XCTAssertFalse(CSVText.isVerbatim($0)) }
        }
        [UInt8]().withUnsafeBytes { XCTAssertFalse(CSVText.isVerbatim($0)) }
    }

    /// Decimal and timestamp fast paths against their general twins: every value below 10⁵,
    /// powers of ten ± 1, random 64-bit values; timestamps over ±10 000 years around 1970 and
    /// densely over 2019 (seconds, millisecond fractions, negative micros).
    func testNumberAndTimestampFastPathsMatchGeneralTwins() {
        var rng = SeededRandom(seed: 12)
        var values: [UInt64] = Array(0..<100_000) + [UInt64.max, UInt64.max - 1]
        var p: UInt64 = 1
        for _ in 0..<19 { p *= 10; values += [p - 1, p, p + 1] }
        for _ in 0..<100_000 { values.append(rng.next() >> (rng.next() % 64)) }
        for v in values {
            var fast = ContiguousArray<UInt8>(), general = ContiguousArray<UInt8>()
            CSVText.appendDecimal(v, to: &fast)
            CSVText.appendDecimalGeneral(v, to: &general)
            XCTAssertEqual(fast, general, "\(v)")
            XCTAssertEqual(Self.rawText { CSVText.appendDecimal(v, to: &$0) }, general + general + general, "\(v)")
            XCTAssertEqual(String(decoding: fast, as: UTF8.self), String(v))
        }
        let year2019: Int64 = 1_546_300_800_000_000
        var times: [Int64] = [0, -1, 1, -86_400_000_000, 253_402_300_799_999_999, 253_402_300_800_000_000, -30_610_224_000_000_000,
                              -30_610_224_000_000_001]
        for _ in 0..<100_000 {
            times.append(year2019 + Int64(rng.next() % 31_536_000_000_000))
            times.append(Int64(bitPattern: rng.next()) % 315_569_520_000_000_000)
        }
        for t in times {
            var fast = ContiguousArray<UInt8>(), general = ContiguousArray<UInt8>()
            CSVText.appendTimestamp(t, to: &fast)
            CSVText.appendTimestampGeneral(t, to: &general)
            XCTAssertEqual(fast, general, "\(t)")
            XCTAssertEqual(Self.rawText { CSVText.appendTimestamp(t, to: &$0) }, general + general + general, "\(t)")
        }
    }


    /// The bytes `body` appends to a small `RawBytes` (the in-place `appendUninitialized`
    /// path, three times so it grows past its minimum capacity), for comparison with `ContiguousArray` twins.
    static func rawText(_ body: (inout RawBytes) -> Void) -> ContiguousArray<UInt8> {
        var raw = RawBytes(capacity: 1)
        for _ in 0..<3 { body(&raw) }
        return ContiguousArray(raw.bytes)
    }

}
