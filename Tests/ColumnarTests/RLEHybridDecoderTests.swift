import XCTest
@testable import Columnar
import TestSupport

final class RLEHybridDecoderTests: XCTestCase {
    func decode(_ bytes: [UInt8], width: Int, count: Int) throws -> [UInt32] {
        var out = ContiguousArray<UInt32>()
        try RLEHybridDecoder.decode(bytes, start: 0, end: bytes.count, bitWidth: width, count: count, into: &out)
        return Array(out)
    }

    func testSpecBitPackedExample() throws {
        // Encodings.md: 0..7 with width 3 packs to 88 C6 FA; header (1 group << 1) | 1.
        XCTAssertEqual(try decode([0x03, 0x88, 0xC6, 0xFA], width: 3, count: 8), [0, 1, 2, 3, 4, 5, 6, 7])
        XCTAssertEqual(try decode([0x03, 0x88, 0xC6, 0xFA], width: 3, count: 5), [0, 1, 2, 3, 4])
    }

    func testRLERunsAndMixedRuns() throws {
        // RLE run of 5 × 300 (width 9 → 2 value bytes), then bit-packed 8 × width 9.
        var bytes: [UInt8] = [5 << 1, 0x2C, 0x01]
        bytes += [0x03] + packLSB([1, 2, 3, 4, 5, 6, 7, 511], width: 9)
        XCTAssertEqual(try decode(bytes, width: 9, count: 13), [300, 300, 300, 300, 300, 1, 2, 3, 4, 5, 6, 7, 511])
    }

    func testPyarrowDictionaryIndices() throws {
        // pa_dict3_required.parquet: width 2, 2 groups: 0,1,2 ×3.
        XCTAssertEqual(try decode([0x05, 0x24, 0x49, 0x02, 0x00], width: 2, count: 9), [0, 1, 2, 0, 1, 2, 0, 1, 2])
    }

    func testWidthZero() throws {
        XCTAssertEqual(try decode([0xC8, 0x01], width: 0, count: 70), [UInt32](repeating: 0, count: 70))
        XCTAssertEqual(try decode([0x03], width: 0, count: 8), [UInt32](repeating: 0, count: 8))
    }

    func testHugeRunOnlyYieldsRequestedValues() throws {
        // A run claiming 2^31-1 values: we take 3 without allocating the run.
        XCTAssertEqual(try decode([0xFE, 0xFF, 0xFF, 0xFF, 0x0F, 0x01], width: 1, count: 3), [1, 1, 1])
    }

    func testCorruptInputs() {
        XCTAssertThrowsError(try decode([], width: 1, count: 1))                 // no data
        XCTAssertThrowsError(try decode([0x03, 0x88], width: 3, count: 8))       // bit-packed run cut short
        XCTAssertThrowsError(try decode([4 << 1, 0x05], width: 2, count: 4))     // value wider than width
        XCTAssertThrowsError(try decode([0x00], width: 1, count: 1))             // empty run
        XCTAssertThrowsError(try decode([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01], width: 1, count: 1))
        XCTAssertThrowsError(try decode([2, 1], width: 33, count: 1))            // width out of range
    }

    /// Random values through a straightforward reference encoder (runs of ≥ 8 as RLE, the rest
    /// bit-packed) decode back unchanged, for every width.
    func testRandomRoundTripThroughReferenceEncoder() throws {
        var rng = SeededRandom(seed: 42)
        for width in 0...32 {
            let maxValue: UInt64 = width == 0 ? 0 : (UInt64(1) << UInt64(width)) - 1
            var values: [UInt32] = []
            while values.count < 500 {
                let v = UInt32(truncatingIfNeeded: maxValue == 0 ? 0 : UInt64.random(in: 0...maxValue, using: &rng))
                let repeats = Int.random(in: 0..<4, using: &rng) == 0 ? Int.random(in: 8...40, using: &rng) : 1
                values += Array(repeating: v, count: repeats)
            }
            let encoded = referenceEncode(values, width: width)
            XCTAssertEqual(try decode(encoded, width: width, count: values.count), values, "width \(width)")
        }
    }

    /// The word-load unpacking against its byte-at-a-time twin: every width, start offsets,
    /// counts across the 256-value block, and buffers that end exactly at the last needed byte
    /// (the tail loads) or with bytes to spare.
    func testUnpackMatchesGeneralTwin() {
        var rng = SeededRandom(seed: 7)
        for width in 0...32 {
            for count in [0, 1, 7, 8, 9, 255, 256, 257, 600] {
                for from in [0, 1, 5] {
                    let needed = (count * width + 7) / 8
                    for spare in [0, 3, 9] {
                        let bytes = (0 ..< from + needed + spare).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
                        var fast = ContiguousArray<UInt32>([42]), general = ContiguousArray<UInt32>([42])
                        RLEHybridDecoder.unpack(bytes, from: from, bitWidth: width, count: count, into: &fast)
                        RLEHybridDecoder.unpackGeneral(bytes, from: from, bitWidth: width, count: count, into: &general)
                        XCTAssertEqual(fast, general, "width \(width) count \(count) from \(from) spare \(spare)")
                    }
                }
            }
        }
    }

    func packLSB(_ values: [UInt32], width: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: (values.count * width + 7) / 8)
        for (i, v) in values.enumerated() {
            for b in 0..<width where (UInt64(v) >> UInt64(b)) & 1 == 1 {
                let bit = i * width + b
                out[bit / 8] |= 1 << UInt8(bit % 8)
            }
        }
        return out
    }

    func varint(_ v: Int) -> [UInt8] {
        var v = v, out: [UInt8] = []
        while v >= 0x80 { out.append(UInt8(v & 0x7f) | 0x80); v >>= 7 }
        return out + [UInt8(v)]
    }

    func referenceEncode(_ values: [UInt32], width: Int) -> [UInt8] {
        var out: [UInt8] = []
        var i = 0
        var pending: [UInt32] = []
        func flush() {
            guard !pending.isEmpty else { return }
            let groups = (pending.count + 7) / 8
            out += varint(groups << 1 | 1) + packLSB(pending + Array(repeating: 0, count: groups * 8 - pending.count), width: width)
            pending = []
        }
        while i < values.count {
            var j = i
            while j < values.count && values[j] == values[i] { j += 1 }
            if j - i >= 8 && pending.count % 8 == 0 {
                flush()
                out += varint((j - i) << 1)
                for k in 0..<((width + 7) / 8) { out.append(UInt8(truncatingIfNeeded: values[i] >> UInt32(8 * k))) }
                i = j
            } else {
                pending.append(values[i])
                i += 1
            }
        }
        flush()
        return out
    }
}
