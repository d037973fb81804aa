import XCTest
@testable import Columnar
import TestSupport

final class SnappyTests: XCTestCase {
    func expectCodecError(_ input: [UInt8], expectedSize: Int? = nil, _ text: String,
                          file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try Snappy.decompress(input, expectedSize: expectedSize), file: file, line: line) { e in
            guard case ColumnarError.codec(let codec, let reason) = e else { return XCTFail("\(e)", file: file, line: line) }
            XCTAssertEqual(codec, "SNAPPY", file: file, line: line)
            XCTAssertTrue(reason.contains(text), "'\(reason)' lacks '\(text)'", file: file, line: line)
        }
    }

    func testLiteral() throws {
        XCTAssertEqual(try Snappy.decompress([5, 4 << 2] + Array("hello".utf8)), Array("hello".utf8))
        XCTAssertEqual(try Snappy.decompress([0]), [])
    }

    func testLongLiteralWithLengthBytes() throws {
        let data = (0..<300).map { UInt8($0 % 251) }
        // tag 61<<2: length-1 in the next 2 bytes.
        let input: [UInt8] = [0xAC, 0x02, 61 << 2, UInt8(299 & 0xff), UInt8(299 >> 8)] + data
        XCTAssertEqual(try Snappy.decompress(input), data)
        // tag 60<<2: length-1 in 1 byte.
        let small = Array(data[0..<100])
        XCTAssertEqual(try Snappy.decompress([100, 60 << 2, 99] + small), small)
    }

    func testCopyWithOneByteOffset() throws {
        // "abcd" then copy len 8 offset 4 → abcdabcdabcd
        let tag: UInt8 = UInt8((8 - 4) << 2) | 1
        XCTAssertEqual(try Snappy.decompress([12, 3 << 2] + Array("abcd".utf8) + [tag, 4]), Array("abcdabcdabcd".utf8))
    }

    func testCopyWithTwoAndFourByteOffsets() throws {
        let lit = Array("0123456789".utf8)
        let copy2: [UInt8] = [UInt8((5 - 1) << 2) | 2, 10, 0]           // len 5, offset 10
        let copy4: [UInt8] = [UInt8((3 - 1) << 2) | 3, 7, 0, 0, 0]       // len 3, offset 7
        let out = try Snappy.decompress([18, 9 << 2] + lit + copy2 + copy4)
        XCTAssertEqual(String(decoding: out, as: UTF8.self), "0123456789" + "01234" + "890")
    }

    func testOverlappingCopyRepeatsThePattern() throws {
        // "ab" then copy len 9 offset 2 → "ab" * 5 + "a"
        let out = try Snappy.decompress([11, 1 << 2, 97, 98, UInt8((9 - 1) << 2) | 2, 2, 0])
        XCTAssertEqual(String(decoding: out, as: UTF8.self), "ababababababa".prefix(11).description)
        let run = try Snappy.decompress([40, 0, 120, UInt8((39 - 1) << 2) | 2, 1, 0])
        XCTAssertEqual(run, [UInt8](repeating: 120, count: 40))
    }

    func testCorruptInputsAreTypedErrors() {
        expectCodecError([0xff, 0xff, 0xff, 0xff, 0xff, 0x01], "varint")        // bad varint
        expectCodecError([], "truncated")
        expectCodecError([5, 4 << 2, 104, 105], "past end of input")              // literal past input
        expectCodecError([8, 0, 97, UInt8((7 - 1) << 2) | 2, 5, 0], "before start") // copy before start
        expectCodecError([8, 0, 97, UInt8((7 - 1) << 2) | 2, 0, 0], "before start") // offset 0
        expectCodecError([2, 4 << 2] + Array("hello".utf8), "overflows output")    // output overflow
        expectCodecError([9, 4 << 2] + Array("hello".utf8), "declares 9")         // output underflow
        expectCodecError([5, 4 << 2] + Array("hello".utf8), expectedSize: 6, "expected 6")
        expectCodecError([0xff, 0xff, 0xff, 0x7f, 1, 1], "impossible")             // absurd declared length
        expectCodecError([12, 3 << 2] + Array("abcd".utf8) + [UInt8((8 - 4) << 2) | 1], "truncated copy")
    }

    /// Blocks compressed by the real snappy (through pyarrow) decode to the original bytes.
    func testMatchesPyarrowSnappy() throws {
        let script = #"""
import pyarrow as pa, random, json
random.seed(3)
cases = []
for n in [0, 1, 17, 1000, 70000, 300000]:
    words = [b"alpha", b"beta", b"gamma", bytes(random.getrandbits(8) for _ in range(7))]
    data = b"".join(random.choice(words) if random.random() < 0.7 else bytes([random.getrandbits(8)]) for _ in range(n // 5 + 1))[:n]
    cases.append([data.hex(), pa.compress(data, "snappy", asbytes=True).hex()])
print(json.dumps(cases))
"""#
        let cases = try parseJSON(try InteropPython.run(script)) as! [[String]]
        XCTAssertEqual(cases.count, 6)
        for c in cases {
            let raw = hexBytes(c[0]), compressed = hexBytes(c[1])
            XCTAssertEqual(try Snappy.decompress(compressed, expectedSize: raw.count), raw)
            // Every truncation fails cleanly (never traps).
            for cut in stride(from: 0, to: compressed.count, by: max(1, compressed.count / 50)) {
                XCTAssertThrowsError(try Snappy.decompress(Array(compressed[0..<cut]), expectedSize: raw.count))
            }
        }
    }
}
