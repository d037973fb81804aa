import XCTest
import TestSupport
@testable import Columnar

/// RLE / bit-packed hybrid and bit packing against the spec example and against scalar
/// reference decoders written here from docs/parquet.md §4.
final class RLEHybridEncoderTests: XCTestCase {
    /// Reference decoder: reads runs until `count` values are produced.
    static func decode(_ bytes: [UInt8], bitWidth w: Int, count: Int) -> [UInt32]? {
        var out: [UInt32] = []
        var p = 0
        func varint() -> UInt64? {
            var r: UInt64 = 0, s: UInt64 = 0
            while p < bytes.count {
                let b = bytes[p]; p += 1
                r |= UInt64(b & 0x7f) << s; s += 7
                if b & 0x80 == 0 { return r }
            }
            return nil
        }
        while out.count < count {
            guard let h = varint() else { return nil }
            if h & 1 == 0 {
                let n = Int(h >> 1)
                var v: UInt32 = 0
                for k in 0..<((w + 7) / 8) {
                    guard p < bytes.count else { return nil }
                    v |= UInt32(bytes[p]) << UInt32(8 * k); p += 1
                }
                out += Array(repeating: v, count: n)
            } else {
                let n = Int(h >> 1) * 8
                guard p + Int(h >> 1) * w <= bytes.count else { return nil }
                for i in 0..<n {
                    var v: UInt32 = 0
                    for b in 0..<w {
                        let bit = i * w + b
                        if bytes[p + bit / 8] >> UInt8(bit % 8) & 1 == 1 { v |= 1 << UInt32(b) }
                    }
                    out.append(v)
                }
                p += Int(h >> 1) * w
            }
        }
        guard p == bytes.count else { return nil }   // no trailing garbage
        return Array(out.prefix(count))
    }

    func testSpecExampleIsOneBitPackedGroup() {
        XCTAssertEqual(RLEHybridEncoder.encode(Array(0..<8), bitWidth: 3), [0x03, 0x88, 0xC6, 0xFA])
        XCTAssertEqual(BitPackingEncoder.packScalar((0..<8).map { UInt64($0) }, bitWidth: 3), [0x88, 0xC6, 0xFA])
    }

    func testLongRunsBecomeRLERuns() {
        XCTAssertEqual(RLEHybridEncoder.encode(Array(repeating: 5, count: 1000), bitWidth: 3), [0xd0, 0x0f, 0x05])
        XCTAssertEqual(RLEHybridEncoder.encode(Array(repeating: 0x1234, count: 8), bitWidth: 13), [0x10, 0x34, 0x12])
        XCTAssertEqual(RLEHybridEncoder.encode(Array(repeating: 1, count: 3), bitWidth: 1), [0x03, 0x07])
        // 3 literals then a run of 20 ones: one padded literal group, then an RLE run.
        let v: [UInt32] = [0, 1, 0] + Array(repeating: 1, count: 20)
        let enc = RLEHybridEncoder.encode(v, bitWidth: 1)
        XCTAssertEqual(Self.decode(enc, bitWidth: 1, count: v.count), v)
        XCTAssertEqual(enc.first, 0x03)
        XCTAssertTrue(RLEHybridEncoder.encode([], bitWidth: 4).isEmpty)
    }

    func testRandomRunsAtEveryWidthRoundTrip() {
        var rng = SeededRandom(seed: 42)
        for w in 0...32 {
            let maxValue: UInt64 = w == 0 ? 0 : (1 << UInt64(w)) - 1
            for trial in 0..<6 {
                let n = Int(rng.next() % 700) + (trial == 0 ? 1 : 0)
                var v: [UInt32] = []
                while v.count < n {
                    let x = UInt32(truncatingIfNeeded: rng.next() & maxValue)
                    let len = rng.next() % 3 == 0 ? Int(rng.next() % 40) + 1 : 1
                    v += Array(repeating: x, count: min(len, n - v.count))
                }
                let enc = RLEHybridEncoder.encode(v, bitWidth: w)
                XCTAssertEqual(Self.decode(enc, bitWidth: w, count: n), v, "width \(w) n \(n)")
            }
        }
    }

    func testBitPackingMatchesScalarTwinAtEveryWidth() {
        var rng = SeededRandom(seed: 7)
        for w in 0...32 {
            for n in [0, 1, 7, 8, 9, 31, 64, 100] {
                let mask: UInt64 = w == 0 ? 0 : (1 << UInt64(w)) - 1
                let v = (0..<n).map { _ in UInt32(truncatingIfNeeded: rng.next() & mask) }
                var sink = ByteSink()
                v.withUnsafeBufferPointer { BitPackingEncoder.pack($0, bitWidth: w, into: &sink) }
                XCTAssertEqual(sink.bytes, BitPackingEncoder.packScalar(v.map { UInt64($0) }, bitWidth: w), "w \(w) n \(n)")
            }
        }
        for w in 0...64 {
            for n in [1, 5, 32, 33] {
                let mask: UInt64 = w == 0 ? 0 : (w == 64 ? ~0 : (1 << UInt64(w)) - 1)
                let v = (0..<n).map { _ in rng.next() & mask }
                var sink = ByteSink()
                v.withUnsafeBufferPointer { BitPackingEncoder.pack64($0, bitWidth: w, into: &sink) }
                XCTAssertEqual(sink.bytes, BitPackingEncoder.packScalar(v, bitWidth: w), "pack64 w \(w) n \(n)")
            }
        }
    }

    func testBitWidthForMax() {
        XCTAssertEqual(RLEHybridEncoder.bitWidth(forMax: 0), 0)
        XCTAssertEqual(RLEHybridEncoder.bitWidth(forMax: 1), 1)
        XCTAssertEqual(RLEHybridEncoder.bitWidth(forMax: 2), 2)
        XCTAssertEqual(RLEHybridEncoder.bitWidth(forMax: 255), 8)
        XCTAssertEqual(RLEHybridEncoder.bitWidth(forMax: .max), 32)
    }
}
