import Columnar
import Foundation
@testable import Ingest
import TestSupport
import XCTest

/// The projecting JSON scanner, string unescaping and number conversion, checked against
/// Foundation's JSONSerialization and the standard library's Double(String) as oracles.
final class SparkifyJSONScannerTests: XCTestCase {
    /// Scans one object and returns the spans of `keys`.
    func scan(_ json: String, keys: [String]) throws -> (bytes: [UInt8], spans: [JSONSpan], end: Int) {
        let bytes = Array(json.utf8)
        let scanner = JSONScanner(keys: keys)
        var slots = Array(repeating: JSONSpan.absent, count: keys.count)
        let end = try bytes.withUnsafeBytes { try scanner.scanObject($0, from: 0, slots: &slots) }
        return (bytes, slots, end)
    }

    func text(_ bytes: [UInt8], _ span: JSONSpan) -> String {
        String(decoding: bytes[span.start..<span.end], as: UTF8.self)
    }

    func testProjectionRecordsOnlyRequestedKeysAndSkipsNestedValues() throws {
        let json = #"{"skip": {"a": [1, {"b": "}"}, []], "c": "\"]"}, "ts": 1541105830796, "e\u0073c": "x\ty", "#
            + #""n": null, "t": true, "f": false, "arr": [1,2], "ts": -2.5e3 } trailing"#
        let (bytes, spans, end) = try scan(json, keys: ["ts", "esc", "n", "t", "f", "arr", "missing"])
        XCTAssertEqual(bytes[end - 1], UInt8(ascii: "}"))
        XCTAssertEqual(String(decoding: bytes[end...], as: UTF8.self), " trailing")
        // The last duplicate wins.
        XCTAssertEqual(spans[0].kind, .number)
        XCTAssertEqual(text(bytes, spans[0]), "-2.5e3")
        XCTAssertEqual(spans[1].kind, .string, "a key written with an escape still matches")
        XCTAssertTrue(spans[1].escaped)
        XCTAssertEqual(spans[2].kind, .null)
        XCTAssertEqual(spans[3].kind, .true)
        XCTAssertEqual(spans[4].kind, .false)
        XCTAssertEqual(spans[5].kind, .array)
        XCTAssertEqual(text(bytes, spans[5]), "[1,2]")
        XCTAssertEqual(spans[6].kind, .absent)
    }

    func testMalformedObjectsAreSyntaxErrors() {
        let bad = [
            #"{"a": 1,}"#, #"{"a" 1}"#, #"{"a": 01}"#, #"{"a": 1.}"#, #"{"a": -}"#, #"{"a": 1e}"#, #"{"a": tru}"#,
            #"{"a": "x"#, "{\"a\": \"x\ny\"}", #"{"a": "\q"}"#, #"{"a": "\u12G4"}"#, #"{"a": [1 2]}"#, #"{"a": {"b"}}"#,
            #"{a: 1}"#, #"{"a": 1"#, #"["a"]"#, #"{"a": NaN}"#, #"{"a": +1}"#,
        ]
        for json in bad {
            XCTAssertThrowsError(try scan(json, keys: ["a"]), json)
        }
        // Nesting deeper than the limit is an error, not a stack overflow.
        let deep = "{\"a\": " + String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000) + "}"
        XCTAssertThrowsError(try scan(deep, keys: ["a"]))
    }

    /// Decodes the string value of key "s" in `json` with our scanner + unescaper.
    func decodeString(_ json: String) throws -> String {
        let (bytes, spans, _) = try scan(json, keys: ["s"])
        XCTAssertEqual(spans[0].kind, .string)
        var out: [UInt8] = []
        try bytes.withUnsafeBytes { raw in
            try JSONString.unescape(raw, spans[0].start, spans[0].end, into: &out)
            XCTAssertTrue(JSONString.isValidUTF8(raw, spans[0].start, spans[0].end) || spans[0].escaped)
        }
        return String(decoding: out, as: UTF8.self)
    }

    func testUnescapingMatchesFoundationOnRandomStrings() throws {
        var rng = SeededRandom(seed: 17)
        let pool: [Unicode.Scalar] = ["a", "Z", " ", "\"", "\\", "/", "\n", "\r", "\t", "\u{08}", "\u{0C}", "\u{01}", "\u{1F}",
                                      "é", "è", "ß", "中", "\u{FFFD}", "😀", "🎵", "\u{10FFFF}", "\u{7F}", "\u{2028}"]
        for _ in 0..<500 {
            var s = String.UnicodeScalarView()
            for _ in 0..<Int(rng.next() % 20) { s.append(pool[Int(rng.next() % UInt64(pool.count))]) }
            let value = String(s)
            let data = try JSONSerialization.data(withJSONObject: ["s": value])
            let json = String(decoding: data, as: UTF8.self)
            XCTAssertEqual(try decodeString(json), value, json)
        }
        // Explicit \u escapes, including a surrogate pair, as the real logs write them.
        XCTAssertEqual(try decodeString(#"{"s": "Clementina Santaf\u00e8 \ud83c\udfb5 Mozilla\/5.0 \"x\""}"#),
                       "Clementina Santafè 🎵 Mozilla/5.0 \"x\"")
    }

    func testLoneSurrogatesAndBadUTF8AreRejected() throws {
        for json in [#"{"s": "\ud83c"}"#, #"{"s": "\udfb5x"}"#, #"{"s": "\ud83c\u0041"}"#] {
            XCTAssertThrowsError(try decodeString(json), json)
        }
        let invalid: [[UInt8]] = [[0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF5, 0x80, 0x80, 0x80], [0xE2, 0x82], [0x80]]
        for bytes in invalid {
            XCTAssertFalse(bytes.withUnsafeBytes { JSONString.isValidUTF8($0, 0, bytes.count) }, "\(bytes)")
        }
        let valid = Array("aé中😀".utf8)
        XCTAssertTrue(valid.withUnsafeBytes { JSONString.isValidUTF8($0, 0, valid.count) })
    }

    func number(_ text: String) -> (Double, Int64?) {
        let b = Array(text.utf8)
        return b.withUnsafeBytes { (JSONNumber.double($0, 0, b.count), JSONNumber.int64($0, 0, b.count)) }
    }

    func testNumbersMatchTheStandardLibrary() {
        var rng = SeededRandom(seed: 3)
        for _ in 0..<5000 {
            let mantissa = Int64(bitPattern: rng.next()) >> Int64(rng.next() % 64)
            let scale = Int(rng.next() % 40) - 20
            var text = String(mantissa)
            if scale < 0 {
                let digits = String(mantissa.magnitude)
                let padded = String(repeating: "0", count: max(0, -scale - digits.count + 1)) + digits
                let cut = padded.index(padded.endIndex, offsetBy: scale)
                text = (mantissa < 0 ? "-" : "") + padded[..<cut] + "." + padded[cut...]
            } else if scale > 0 {
                text += "e\(scale)"
            }
            XCTAssertEqual(number(text).0, Double(text)!, text)
        }
        for text in ["0", "-0", "1540919166796.0", "246.30812", "1e308", "2.2250738585072014e-308", "9007199254740993",
                     "0.1", "123456789012345678901234567890", "4.9e-324"] {
            XCTAssertEqual(number(text).0, Double(text)!, text)
        }
        XCTAssertEqual(number("1540919166796.0").1, 1_540_919_166_796)
        XCTAssertEqual(number("-9223372036854775808").1, Int64.min)
        XCTAssertEqual(number("9223372036854775807").1, Int64.max)
        XCTAssertNil(number("9223372036854775808").1)
        XCTAssertNil(number("1.5").1)
        XCTAssertEqual(number("12e3").1, 12_000)
        XCTAssertEqual(number("-0").1, 0)
    }
}
