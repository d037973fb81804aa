import XCTest
@testable import Ingest
import Columnar
import TestSupport

/// The SWAR/fast paths of the value parsers against their scalar twins.
final class ValueFastPathTests: XCTestCase {
    func testIntegerSWARMatchesScalar() {
        var rng = SeededRandom(seed: 9)
        let noise = Array("0123456789 +-.ae/:".utf8) + [0x00, 0x80, 0x2F, 0x3A]
        for round in 0..<50_000 {
            let length = Int(rng.next() % 22)
            var text = (0..<length).map { _ in UInt8(48 + rng.next() % 10) }
            if round % 3 == 1, length > 0 { text[Int(rng.next() % UInt64(length))] = noise[Int(rng.next() % UInt64(noise.count))] }
            if round % 5 == 2, length > 1 { text[0] = 0x30 }
            let fast = text.withUnsafeBytes { IntegerParser.parse($0) }
            let slow = text.withUnsafeBytes { $0.isEmpty ? .null : IntegerParser.slow($0) }
            XCTAssertEqual(fast, slow, String(decoding: text, as: UTF8.self))
        }
        XCTAssertEqual(IntegerParser.parse("2053013555631882655"), .exact(2_053_013_555_631_882_655))
        XCTAssertEqual(IntegerParser.parse("9223372036854775807"), .exact(.max))
        XCTAssertEqual(IntegerParser.parse("9223372036854775808"), .invalid)
        XCTAssertEqual(IntegerParser.parse("12345678"), .exact(12_345_678))
    }

    func testUUIDSWARMatchesScalar() {
        var rng = SeededRandom(seed: 5)
        let alphabet = Array("0123456789abcdefABCDEF-gz {}/:@`".utf8) + [0x80, 0xC3, 0x00]
        for round in 0..<20_000 {
            var text = [UInt8]()
            for _ in 0..<36 { text.append(Array("0123456789abcdef".utf8)[Int(rng.next() % 16)]) }
            for k in [8, 13, 18, 23] { text[k] = 0x2D }
            // Corrupt 0–2 bytes (half of the rounds stay canonical).
            if round % 2 == 1 {
                for _ in 0..<(1 + Int(rng.next() % 2)) {
                    text[Int(rng.next() % 36)] = alphabet[Int(rng.next() % UInt64(alphabet.count))]
                }
            }
            if round % 97 == 0 { text.removeLast() }
            var fast = [UInt8](repeating: 0, count: 16), slow = [UInt8](repeating: 0, count: 16)
            let a = text.withUnsafeBytes { t in fast.withUnsafeMutableBytes { UUIDParser.parse(t, into: $0) } }
            let b = text.withUnsafeBytes { t in slow.withUnsafeMutableBytes { UUIDParser.parseScalar(t, into: $0) } }
            XCTAssertEqual(a, b, String(decoding: text, as: UTF8.self))
            if a && b { XCTAssertEqual(fast, slow) }
        }
        XCTAssertEqual(UUIDParser.parse("00ff10af-9a0b-4c5d-8e7f-123456789abc"),
                       [0x00, 0xFF, 0x10, 0xAF, 0x9A, 0x0B, 0x4C, 0x5D, 0x8E, 0x7F, 0x12, 0x34, 0x56, 0x78, 0x9A, 0xBC])
    }

    func testDecimalFastPathMatchesStrtod() {
        var rng = SeededRandom(seed: 9)
        var checked = 0
        for round in 0..<50_000 {
            var text = ""
            if round % 3 == 0 { text += "-" } else if round % 11 == 0 { text += "+" }
            let intDigits = Int(rng.next() % 10), fracDigits = Int(rng.next() % 9)
            for _ in 0..<intDigits { text += String(rng.next() % 10) }
            if fracDigits > 0 || round % 5 == 0 { text += "." }
            for _ in 0..<fracDigits { text += String(rng.next() % 10) }
            var bytes = Array(text.utf8)
            let fast = bytes.withUnsafeBytes { DoubleParser.fastDecimal($0, 0, $0.count) }
            guard intDigits + fracDigits > 0 else { continue }
            let slow = bytes.withUnsafeMutableBytes { DoubleParser.strtodConvert(UnsafeRawBufferPointer($0), 0, $0.count) }
            if let fast {
                XCTAssertEqual(fast.bitPattern, slow.bitPattern, text)
                checked += 1
            } else {
                XCTAssertGreaterThan(intDigits + fracDigits, 15, text)
            }
        }
        XCTAssertGreaterThan(checked, 30_000)
        for declined in ["1e5", "1234567890123456", "0.1234567890123456", "1.2.3"] {
            XCTAssertNil(Array(declined.utf8).withUnsafeBytes { DoubleParser.fastDecimal($0, 0, $0.count) }, declined)
        }
        XCTAssertEqual(DoubleParser.parse("-0.0"), .exact(-0.0))
        XCTAssertEqual(DoubleParser.parse("158.88"), .exact(158.88))
    }
}

/// The date memo of `TimestampParser.parse(_:memo:)` never changes a result.
final class TimestampMemoTests: XCTestCase {
    func testMemoizedParseMatchesPlainParseOverMixedSequences() {
        var rng = SeededRandom(seed: 31)
        var memo = TimestampParser.DateMemo()
        let dates = ["2019-10-01", "2019-10-01", "2019-02-29", "2020-02-29", "2019-13-01", "1582-10-10",
                     "2019-1x-01", "0000-01-01", "2019-10-31"]
        let suffixes = ["", " UTC", " UTX", ".123", "", " UTC"]
        for _ in 0..<60_000 {
            let date = dates[Int(rng.next() % UInt64(dates.count))]
            let h = Int(rng.next() % 26), m = Int(rng.next() % 62), s = Int(rng.next() % 62)
            var time = String(format: "%02d:%02d:%02d", h, m, s)
            if rng.next() % 17 == 0 { time = time.replacingOccurrences(of: ":", with: "-") }
            if rng.next() % 19 == 0 { time = " 1:2:3" }
            let sep = rng.next() % 23 == 0 ? "T" : " "
            let text = date + sep + time + suffixes[Int(rng.next() % UInt64(suffixes.count))]
            var copy = text
            let fast = copy.withUTF8 { TimestampParser.parse(UnsafeRawBufferPointer($0), memo: &memo) }
            XCTAssertEqual(fast, TimestampParser.parse(text), text)
        }
    }
}
