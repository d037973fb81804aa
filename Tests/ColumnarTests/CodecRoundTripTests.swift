import XCTest
import TestSupport
@testable import Columnar

/// zstd and gzip through the system libraries: random buffers of many sizes round-trip,
/// and corrupt input throws a typed `ColumnarError.codec`.
final class CodecRoundTripTests: XCTestCase {
    private func randomBuffer(_ count: Int, compressible: Bool, seed: UInt64) -> [UInt8] {
        var rng = SeededRandom(seed: seed)
        if compressible {
            let words = (0..<64).map { _ in (0..<Int(rng.next() % 9 + 2)).map { _ in UInt8(97 + rng.next() % 26) } }
            var out: [UInt8] = []
            out.reserveCapacity(count)
            while out.count < count { out += words[Int(rng.next() % 64)] + [32] }
            return Array(out.prefix(count))
        }
        return (0..<count).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
    }

    func testZstdRoundTripsRandomSizes() throws {
        for (i, size) in [0, 1, 7, 255, 4096, 100_003].enumerated() {
            for compressible in [true, false] {
                let input = randomBuffer(size, compressible: compressible, seed: UInt64(i))
                let packed = try Zstd.compress(input)
                XCTAssertEqual(try Zstd.decompress(packed, expectedSize: input.count), input, "size \(size)")
                if compressible && size > 4096 { XCTAssertLessThan(packed.count, input.count / 2) }
            }
        }
    }

    func testGzipRoundTripsAndIsARealGzipMember() throws {
        for (i, size) in [0, 1, 300, 65_537, 200_000].enumerated() {
            let input = randomBuffer(size, compressible: i % 2 == 0, seed: 100 + UInt64(i))
            let packed = try Gzip.compress(input)
            XCTAssertEqual(Array(packed.prefix(2)), [0x1f, 0x8b], "RFC 1952 magic")
            XCTAssertEqual(try Gzip.decompress(packed, expectedSize: input.count), input)
        }
    }

    func testSixtyFourMegabytesRoundTrip() throws {
        let input = randomBuffer(64 << 20, compressible: true, seed: 7)
        XCTAssertEqual(try Zstd.decompress(try Zstd.compress(input, level: 1), expectedSize: input.count), input)
        XCTAssertEqual(try Gzip.decompress(try Gzip.compress(input, level: 1)), input)
    }

    func testGzipReadsConcatenatedMembers() throws {
        let a = Array("hello, ".utf8), b = Array("world".utf8)
        let both = try Gzip.compress(a) + Gzip.compress(b)
        XCTAssertEqual(try Gzip.decompress(both), a + b)
    }

    func testCorruptInputThrowsTypedErrors() throws {
        let input = randomBuffer(10_000, compressible: true, seed: 3)
        var z = try Zstd.compress(input)
        z[z.count / 2] ^= 0xFF
        z.removeLast(3)
        XCTAssertThrowsError(try Zstd.decompress(z, expectedSize: input.count)) { error in
            guard case ColumnarError.codec(let codec, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(codec, "ZSTD")
        }
        XCTAssertThrowsError(try Zstd.decompress(try Zstd.compress(input), expectedSize: input.count + 1))
        var g = try Gzip.compress(input)
        g.removeLast(g.count / 2)
        XCTAssertThrowsError(try Gzip.decompress(g)) { error in
            guard case ColumnarError.codec(let codec, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(codec, "GZIP")
        }
        XCTAssertThrowsError(try Gzip.decompress(Array("not gzip at all".utf8)))
    }
}

final class CRC32Tests: XCTestCase {
    func testKnownVector() {
        // The standard check value of CRC-32/ISO-HDLC.
        XCTAssertEqual(CRC32.checksum(Array("123456789".utf8)), 0xCBF4_3926)
        XCTAssertEqual(CRC32.checksum([]), 0)
    }
}
