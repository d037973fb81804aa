import XCTest
import Columnar
import TestSupport
@testable import Ingest

/// Every row of the tables of docs/learning-base.md §3.1–§3.3, plus the coercion flag.
final class ValueParserTests: XCTestCase {
    /// Micros of a civil date-time, computed independently of the parser (Foundation calendar).
    private func micros(_ y: Int, _ mo: Int, _ d: Int, _ h: Int = 0, _ mi: Int = 0, _ s: Int = 0) -> Int64 {
        var c = DateComponents()
        (c.year, c.month, c.day, c.hour, c.minute, c.second) = (y, mo, d, h, mi, s)
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: "UTC")!
        return Int64(cal.date(from: c)!.timeIntervalSince1970) * 1_000_000
    }

    func testTimestampTable() {
        let base = micros(2019, 10, 1)
        let cases: [(String, Int64?, Bool)] = [
            ("2019-10-01 00:00:00 UTC", base, false),
            ("2019-10-01 00:00:00", base, false),
            ("2019-10-01 00:00:00.999 UTC", base, true),
            ("2019-10-02 22:09:00 +0300", micros(2019, 10, 2, 22, 9, 0), true),
            ("2019-10-02 22:09:00 PST", micros(2019, 10, 2, 22, 9, 0), true),
            ("2019-1-2 3:4:5", micros(2019, 1, 2, 3, 4, 5), true),
            ("2019-010-001 000:000:000", base, true),
            ("\t2019-10-01 00:00:00", base, true),
            (" 2019-10-01 00:00:00", base, true),
            ("2019- 10-01 00:00:00", base, true),
            ("2019-10-01  00:00:00", base, true),
            ("2019-10-01 00:00:00 utc", base, true),
            ("2019-10-01T00:00:00Z", nil, false),
            ("2019-10-01\t00:00:00", nil, false),
            ("\u{00A0}2019-10-01 00:00:00", nil, false),
            ("", nil, false), ("garbage", nil, false), ("2019/10/01 00:00:00", nil, false),
            ("2019-10-01 00:00", nil, false), ("2019-10-01", nil, false),
            ("2019-02-29 00:00:00", nil, false), ("2019-13-01 00:00:00", nil, false),
            ("2019-10-32 00:00:00", nil, false), ("2019-10-00 00:00:00", nil, false),
            ("2019-00-01 00:00:00", nil, false), ("2019-10-01 24:00:00", nil, false),
            ("2019-10-01 00:60:00", nil, false), ("2019-10-01 23:59:60", nil, false),
            ("2019-10-01 -1:00:00", nil, false), ("+2019-10-01 00:00:00", nil, false),
            ("0000-10-01 00:00:00", nil, false), ("1582-10-10 00:00:00", nil, false),
            ("2020-02-29 12:00:00", micros(2020, 2, 29, 12), false),
        ]
        for (text, expected, coerced) in cases {
            let r = TimestampParser.parse(text)
            XCTAssertEqual(r?.micros, expected, "'\(text)'")
            if let r { XCTAssertEqual(r.coerced, coerced, "coerced flag of '\(text)'") }
        }
        // Year 19 AD (no 2-digit pivot) and year 99999: proleptic day arithmetic, checked
        // against the day count from year 1.
        let y19 = TimestampParser.parse("19-10-01 00:00:00")!.micros
        XCTAssertEqual(y19, CivilTime.daysFromCivil(year: 19, month: 10, day: 1) * CivilTime.microsPerDay)
        XCTAssertLessThan(y19, micros(100, 1, 1))
        let big = TimestampParser.parse("99999-10-01 00:00:00")
        XCTAssertNotNil(big)
        XCTAssertEqual(CivilTime.civilFromDays(CivilTime.dayNumber(micros: big!.micros)).year, 99999)
    }

    func testIntegerTable() {
        let cases: [(String, IntegerParser.Outcome)] = [
            ("123", .exact(123)), ("0", .exact(0)), ("-5", .exact(-5)),
            ("2053013552326770905", .exact(2053013552326770905)),
            ("3000000000", .exact(3_000_000_000)), ("2147483648", .exact(2_147_483_648)),
            ("-2147483649", .exact(-2_147_483_649)), ("2147483647", .exact(2_147_483_647)),
            (" 123 ", .coerced(123)), ("\t9\t", .coerced(9)), ("\u{0}5", .coerced(5)), ("\u{7F}5\u{7F}", .coerced(5)),
            ("+7", .coerced(7)), ("12.7", .coerced(12)), ("-12.7", .coerced(-12)), (".5", .coerced(0)),
            ("5.", .coerced(5)), (".", .coerced(0)), ("-.", .coerced(0)), ("007", .coerced(7)), ("-0", .coerced(0)),
            ("5802432.0", .coerced(5_802_432)), (" 3018 ", .coerced(3018)), ("3018.9", .coerced(3018)),
            ("600000023.7", .coerced(600_000_023)),
            ("9223372036854775807", .exact(Int64.max)), ("-9223372036854775808", .exact(Int64.min)),
            ("9223372036854775808", .invalid), ("-9223372036854775809", .invalid), ("99999999999999999999", .invalid),
            ("", .null), ("   ", .invalid), ("abc", .invalid), ("12abc", .invalid), ("1e3", .invalid),
            ("0x10", .invalid), ("1_000", .invalid), ("1,5", .invalid), ("NaN", .invalid), ("+", .invalid), ("-", .invalid),
            ("\u{00A0}5", .invalid), ("1.4875800092865987e+18", .invalid), ("1.2.3", .invalid),
        ]
        for (text, expected) in cases { XCTAssertEqual(IntegerParser.parse(text), expected, "'\(text)'") }
    }

    func testDoubleTable() {
        let cases: [(String, DoubleParser.Outcome)] = [
            ("54.06", .exact(54.06)), ("33.20", .exact(33.2)), ("1e1", .exact(10)), (".5", .exact(0.5)),
            ("5.", .exact(5)), ("-0", .exact(-0.0)), ("1e999", .outOfRange(.infinity)), ("1e-400", .outOfRange(0)),
            ("-1e999", .outOfRange(-.infinity)), ("1E+2", .exact(100)),
            (" 12.50 ", .coerced(12.5)), ("12.5d", .coerced(12.5)), ("12.5F", .coerced(12.5)),
            ("NaN", .coerced(.nan)), ("nan", .coerced(.nan)), ("NAN", .coerced(.nan)), ("+NaN", .coerced(.nan)),
            ("-NaN", .coerced(.nan)), ("Infinity", .coerced(.infinity)), ("inf", .coerced(.infinity)),
            ("INF", .coerced(.infinity)), ("+inf", .coerced(.infinity)), ("+Infinity", .coerced(.infinity)),
            ("-inf", .coerced(-.infinity)), ("-INFINITY", .coerced(-.infinity)), ("-Infinity", .coerced(-.infinity)),
            ("", .null), ("abc", .invalid), ("n/a", .invalid), ("1,5", .invalid), ("1_000", .invalid),
            ("0x10", .invalid), ("1.5L", .invalid), ("\u{7F}5", .invalid), (".", .invalid), ("e5", .invalid),
            ("1e", .invalid), ("+nan", .invalid), ("-nan", .invalid), ("infinite", .invalid), ("1.5dd", .invalid),
        ]
        for (text, expected) in cases { XCTAssertEqual(DoubleParser.parse(text), expected, "'\(text)'") }
        if case .exact(let z) = DoubleParser.parse("-0") { XCTAssertEqual(z.sign, .minus) } else { XCTFail("-0") }
        // Correct rounding on a long mantissa (validated text reaches strtod unchanged).
        XCTAssertEqual(DoubleParser.parse(String(repeating: "1", count: 80)), .exact(Double(String(repeating: "1", count: 80))!))
    }

    func testUUID() {
        let bytes = UUIDParser.parse("72d76fde-8bb3-4e00-8c23-a032dfed738c")
        XCTAssertEqual(bytes, [0x72, 0xd7, 0x6f, 0xde, 0x8b, 0xb3, 0x4e, 0x00, 0x8c, 0x23, 0xa0, 0x32, 0xdf, 0xed, 0x73, 0x8c])
        XCTAssertEqual(UUIDParser.format(bytes!), "72d76fde-8bb3-4e00-8c23-a032dfed738c")
        for bad in ["72D76FDE-8bb3-4e00-8c23-a032dfed738c", "e03-price-session", "", " 72d76fde-8bb3-4e00-8c23-a032dfed738",
                    "72d76fde8bb34e008c23a032dfed738c", "72d76fde-8bb3-4e00-8c23-a032dfed738g"] {
            XCTAssertNil(UUIDParser.parse(bad), bad)
        }
    }

    func testUTF8Checks() {
        let bad: [UInt8] = [0x61, 0xFF, 0x62]
        bad.withUnsafeBytes { b in
            XCTAssertFalse(UTF8Check.isASCII(b))
            XCTAssertFalse(UTF8Check.isValid(b))
            XCTAssertEqual(UTF8Check.repair(b), [0x61, 0xEF, 0xBF, 0xBD, 0x62])
        }
        Array("héllo wörld, 12345678".utf8).withUnsafeBytes { b in
            XCTAssertFalse(UTF8Check.isASCII(b))
            XCTAssertTrue(UTF8Check.isValid(b))
        }
        Array("plain ascii text here".utf8).withUnsafeBytes { XCTAssertTrue(UTF8Check.isASCII($0)) }
    }
}
