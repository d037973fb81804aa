import XCTest
import TestSupport
@testable import Columnar

/// DELTA_BINARY_PACKED (against a reference decoder written here from docs/parquet.md §4),
/// chunk statistics rules (§7) and the page compressor.
final class ParquetWriterEncodingTests: XCTestCase {
    /// Reference DELTA_BINARY_PACKED decoder; `bits` = 32 or 64 (wrapping domain).
    static func decodeDelta(_ b: [UInt8], bits: Int) -> [Int64]? {
        var p = 0
        func varint() -> UInt64? {
            var r: UInt64 = 0, s: UInt64 = 0
            while p < b.count {
                let x = b[p]; p += 1
                r |= UInt64(x & 0x7f) << s; s += 7
                if x & 0x80 == 0 { return r }
            }
            return nil
        }
        func zigzag() -> Int64? { varint().map { Int64(bitPattern: ($0 >> 1) ^ (0 &- ($0 & 1))) } }
        guard let block = varint(), let mbs = varint(), let total = varint(), let first = zigzag() else { return nil }
        let perMini = Int(block / mbs)
        var out: [Int64] = total > 0 ? [first] : []
        var prev = first
        while out.count < Int(total) {
            guard let minDelta = zigzag(), p + Int(mbs) <= b.count else { return nil }
            let widths = Array(b[p..<(p + Int(mbs))]); p += Int(mbs)
            for w in widths where out.count < Int(total) {
                for i in 0..<perMini {
                    var v: UInt64 = 0
                    for k in 0..<Int(w) {
                        let bit = i * Int(w) + k
                        guard p + bit / 8 < b.count else { return nil }
                        if b[p + bit / 8] >> UInt8(bit % 8) & 1 == 1 { v |= 1 << UInt64(k) }
                    }
                    if out.count < Int(total) {
                        var next = prev &+ minDelta &+ Int64(bitPattern: v)
                        if bits == 32 { next = Int64(Int32(truncatingIfNeeded: next)) }
                        out.append(next)
                        prev = next
                    }
                }
                p += perMini * Int(w) / 8
            }
        }
        return out
    }

    func testDeltaBinaryPackedRoundTripsInt64AndInt32() {
        var rng = SeededRandom(seed: 11)
        let fixed64: [[Int64]] = [[], [7], [.min, .max, .min, 0, -1, .max], Array(0..<129).map { $0 * 3 }]
        var cases64 = fixed64
        for _ in 0..<20 {
            let n = Int(rng.next() % 600)
            var x = Int64(bitPattern: rng.next()) >> 8
            cases64.append((0..<n).map { _ in x &+= Int64(rng.next() % 1000) - 100; return x })
            cases64.append((0..<n).map { _ in Int64(bitPattern: rng.next()) })
        }
        for v in cases64 {
            var sink = ByteSink()
            v.withUnsafeBytes { DeltaBinaryPackedEncoder.encodeInt64($0, into: &sink) }
            XCTAssertEqual(Self.decodeDelta(sink.bytes, bits: 64), v, "n \(v.count)")
        }
        var cases32: [[Int32]] = [[], [.min], [.min, .max, .min, 0, -1, .max]]
        for _ in 0..<20 {
            let n = Int(rng.next() % 600)
            cases32.append((0..<n).map { _ in Int32(truncatingIfNeeded: rng.next()) })
            cases32.append((0..<n).map { Int32($0) * 5 - 1000 })
        }
        for v in cases32 {
            var sink = ByteSink()
            v.withUnsafeBytes { DeltaBinaryPackedEncoder.encodeInt32($0, into: &sink) }
            XCTAssertEqual(Self.decodeDelta(sink.bytes, bits: 32), v.map { Int64($0) }, "n \(v.count)")
            // INT32 miniblocks never exceed 32 bits.
        }
        var sink = ByteSink()
        let sorted = (0..<1000).map { Int64($0) * 1_000_000 + 1_600_000_000_000_000 }
        sorted.withUnsafeBytes { DeltaBinaryPackedEncoder.encodeInt64($0, into: &sink) }
        XCTAssertLessThan(sink.count, 200, "constant deltas pack to width 0")
    }

    func testDoubleStatisticsExcludeNaNAndNormaliseZero() {
        func stats(_ v: [Double?]) -> Statistics {
            var acc = StatisticsAccumulator()
            var col = FixedWidthColumn<Double>()
            for x in v { col.append(x, placeholder: 0) }
            acc.updateDoubles(col.values, validity: col.validity, range: 0..<v.count)
            acc.nullCount = Int64(v.filter { $0 == nil }.count)
            return acc.statistics(for: .double)
        }
        func bits(_ d: Double) -> [UInt8] { withUnsafeBytes(of: d.bitPattern.littleEndian) { Array($0) } }
        let s1 = stats([.nan, 0.0, 3, nil, -0.0])
        XCTAssertEqual(s1.minValue, bits(-0.0))
        XCTAssertEqual(s1.maxValue, bits(3))
        XCTAssertEqual(s1.min, bits(-0.0), "legacy min for DOUBLE")
        XCTAssertEqual(s1.nanCount, 1)
        XCTAssertEqual(s1.nullCount, 1)
        let s2 = stats([-0.0, -5])
        XCTAssertEqual(s2.maxValue, bits(0.0))
        let s3 = stats([.nan, .nan, nil])
        XCTAssertNil(s3.minValue)
        XCTAssertNil(s3.maxValue)
        XCTAssertNil(s3.min)
        XCTAssertEqual(s3.nanCount, 2)
        let s4 = stats([.infinity, -.infinity])
        XCTAssertEqual(s4.minValue, bits(-.infinity))
        XCTAssertEqual(s4.maxValue, bits(.infinity))
    }

    func testStringAndBoolStatisticsHaveNoLegacyFields() {
        var acc = StatisticsAccumulator()
        for s in ["b", "é", "a", "", "ab"] { Array(s.utf8).withUnsafeBytes { acc.updateBytes($0) } }
        let st = acc.statistics(for: .string)
        XCTAssertEqual(st.minValue, [])
        XCTAssertEqual(st.maxValue, Array("é".utf8), "unsigned bytes: 0xC3 sorts after ASCII")
        XCTAssertNil(st.min)
        XCTAssertNil(st.max)
        XCTAssertEqual(st.nullCount, 0)
        var b = StatisticsAccumulator()
        b.updateBools([true, true], validity: nil, range: 0..<2)
        XCTAssertEqual(b.statistics(for: .bool).minValue, [1])
        XCTAssertNil(b.statistics(for: .bool).min)
        var empty = StatisticsAccumulator()
        empty.nullCount = 4
        let e = empty.statistics(for: .int64)
        XCTAssertEqual(e.nullCount, 4)
        XCTAssertNil(e.minValue)
        XCTAssertNil(e.maxValue)
    }

    func testReusedZstdContextMatchesOneShotFramesAcrossPages() throws {
        var rng = SeededRandom(seed: 24)
        var compressor = PageCompressor(codec: .zstd, level: 3)
        for size in [0, 1, 100, 70_000, 5, 300_000, 17] {
            let page = (0..<size).map { _ in UInt8(truncatingIfNeeded: rng.next() % 7) }
            let length = try page.withUnsafeBytes { try compressor.compress($0) }
            let frame = Array(compressor.output[0..<(length ?? -1)])
            XCTAssertEqual(frame, try Zstd.compress(page, level: 3), "size \(size)")
            XCTAssertEqual(try Zstd.decompress(frame, expectedSize: size), page)
        }
        var none = PageCompressor(codec: .uncompressed, level: 0)
        XCTAssertNil(try [UInt8](repeating: 1, count: 10).withUnsafeBytes { try none.compress($0) })
    }

    func testByteStatisticsMatchSortedMinMax() {
        var rng = SeededRandom(seed: 23)
        for _ in 0..<50 {
            let values = (0..<Int(1 + rng.next() % 200)).map { _ in
                (0..<Int(rng.next() % 14)).map { _ in UInt8(truncatingIfNeeded: rng.next() % 4 * 70) }
            }
            var acc = StatisticsAccumulator()
            for v in values { v.withUnsafeBytes { acc.updateBytes($0) } }
            let sorted = values.sorted { $0.lexicographicallyPrecedes($1) }
            let s = acc.statistics(for: .binary)
            XCTAssertEqual(s.minValue, sorted.first)
            XCTAssertEqual(s.maxValue, sorted.last)
        }
    }
}
