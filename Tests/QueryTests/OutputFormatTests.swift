import Columnar
import Foundation
import Query
import TestSupport
import XCTest

/// The CSV text rules of docs/learning-base.md §5.3.
final class OutputFormatTests: XCTestCase {
    func testJavaDoubleTable() {
        let table: [(Double, String)] = [
            (54.065, "54.065"), (35, "35.0"), (0.001, "0.001"), (123456.789, "123456.789"), (9999999.999, "9999999.999"),
            (1e7, "1.0E7"), (1e-4, "1.0E-4"), (.nan, "NaN"), (.infinity, "Infinity"), (-.infinity, "-Infinity"),
            (-0.0, "-0.0"), (0, "0.0"), (700.3333333333334, "700.3333333333334"), (0.20000000000000004, "0.20000000000000004"),
            (1165.0899999999997, "1165.0899999999997"), (-12.5, "-12.5"), (1.5e16, "1.5E16"), (9999999, "9999999.0"),
            (0.00099, "9.9E-4"), (1.0e22, "1.0E22"), (123456789012, "1.23456789012E11"), (-1e-10, "-1.0E-10"),
            (0.1, "0.1"), (100, "100.0"), (1.7976931348623157e308, "1.7976931348623157E308"),
        ]
        for (x, text) in table { XCTAssertEqual(JavaDouble.string(x), text, "\(x)") }
    }

    /// The two-decimal fast path of `JavaDouble.append` against its general twin, on cent
    /// values, their averages, values near the fast path's bounds and random bit patterns.
    func testJavaDoubleFastPathMatchesGeneral() {
        var rng = SeededRandom(seed: 29)
        var values: [Double] = [0.01, 0.009999, 0.1, 9_999_999.99, 9_999_999.995, 10_000_000, 1e7 - 0.01, 0.015, 2.675]
        for _ in 0..<20000 {
            let cents = Double(rng.next() % 1_000_000_000)
            values.append(cents / 100)
            values.append(-cents / 100)
            values.append((cents + Double(rng.next() % 5000)) / 2 / 100)
            values.append((cents / 100 + Double(rng.next() % 100_000) / 100 + Double(rng.next() % 100) / 100) / 3)
            values.append(Double(bitPattern: rng.next()))
            // Half-cent ties and their neighbours (the fast path's rounding edge).
            let tie = (cents + 0.5) / 100
            values += [tie, tie.nextUp, tie.nextDown, (cents / 100).nextUp, (cents / 100).nextDown]
        }
        for x in values {
            var fast = ContiguousArray<UInt8>(), general = ContiguousArray<UInt8>()
            JavaDouble.append(x, to: &fast)
            JavaDouble.appendGeneral(x, to: &general)
            if fast != general {
                XCTFail("\(x): \(String(decoding: fast, as: UTF8.self)) vs \(String(decoding: general, as: UTF8.self))")
                return
            }
        }
    }

    /// Random doubles (price-like and wide-range) against Java's rules applied to Python's repr.
    func testJavaDoubleMatchesReprBasedJavaRules() throws {
        var rng = SeededRandom(seed: 11)
        var values: [Double] = []
        for i in 0..<4000 {
            switch i % 4 {
            case 0: values.append(Double(Int.random(in: 1...10_000_000, using: &rng)) / 100 / Double(Int.random(in: 1...7, using: &rng)))
            case 1: values.append(Double(bitPattern: rng.next() & 0x7FEF_FFFF_FFFF_FFFF) * (Bool.random(using: &rng) ? 1 : -1))
            case 2: values.append(Double.random(in: 1e-5...1e9, using: &rng))
            default: values.append(Double(Int.random(in: -5...5, using: &rng)) * pow(10, Double(Int.random(in: -6...9, using: &rng))))
            }
        }
        let script = LearningBaseReference.importing + """

            import struct
            for line in sys.stdin.read().split():
                print(java_double(struct.unpack('<d', struct.pack('<Q', int(line)))[0]))
            """
        let input = values.map { String($0.bitPattern) }.joined(separator: " ")
        let dir = try TestPaths.temporaryDirectory(self, "dbl")
        let file = dir.appendingPathComponent("in.txt")
        try input.write(to: file, atomically: true, encoding: .utf8)
        let out = try InteropPython.run("import sys; sys.stdin = open(sys.argv[1])\n" + script, args: [file.path])
        let expected = out.split(separator: "\n").map(String.init)
        XCTAssertEqual(expected.count, values.count)
        for (x, e) in zip(values, expected) where JavaDouble.string(x) != e {
            XCTFail("\(x): \(JavaDouble.string(x)) vs \(e)")
        }
    }

    func testCSVStringQuotingAndTrimming() {
        let table: [(String, String)] = [
            ("samsung", "samsung"), (" samsung ", "samsung"), ("   ", "\"\""), ("", "\"\""),
            ("home,garden.tools", "\"home,garden.tools\""), ("acme, inc.", "\"acme, inc.\""), ("a\"b", "\"a\\\"b\""),
            ("back\\slash,comma", "\"back\\\\slash,comma\""), ("x\r", "\"x\""), ("lone\\", "lone\\"), ("tab\tin", "tab\tin"),
            ("#;'", "#;'"), ("é ü", "é ü"), (" \n ", "\"\""), ("\ta,b ", "\"a,b\""),
        ]
        for (value, text) in table {
            var out = ContiguousArray<UInt8>()
            CSVText.appendString(value, to: &out)
            XCTAssertEqual(String(decoding: out, as: UTF8.self), text, "value \(value.debugDescription)")
        }
    }

    func testTimestampsAndIntegers() {
        var out = ContiguousArray<UInt8>()
        CSVText.appendTimestamp(CivilTime.parseStrict("2019-10-25 13:12:30")!, to: &out)
        out.append(0x2C)
        CSVText.appendTimestamp(0, to: &out)
        out.append(0x2C)
        CSVText.appendTimestamp(CivilTime.parseStrict("0099-01-02 03:04:05")! + 7_000, to: &out)
        out.append(0x2C)
        CSVText.appendInt(2_147_483_647, to: &out)
        out.append(0x2C)
        CSVText.appendInt(-1, to: &out)
        out.append(0x2C)
        CSVText.appendInt(0, to: &out)
        XCTAssertEqual(String(decoding: out, as: UTF8.self),
                       "2019-10-25T13:12:30.000Z,1970-01-01T00:00:00.000Z,0099-01-02T03:04:05.007Z,2147483647,-1,0")
    }
}
