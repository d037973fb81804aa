import XCTest
import TestSupport
@testable import Columnar

/// The BYTE_ARRAY value encoder's unsafe fast paths against their safe twins:
/// `ByteArrayValueEncoder.appendIndices` (dictionary indices of a `DictionaryColumn`, written
/// through pointers) and `copyPlainStrings` (PLAIN strings through one pointer). Without a
/// faithful twin (or with a kernel that writes one index or level wrong, misses the page-full
/// check or the 64 Ki-row block boundary) these fail.
final class ByteArrayValueEncoderTwinTests: XCTestCase {
    /// Every estimated index width 1...18 (the chunk dictionary pre-filled with 2^(w-1)
    /// entries), row counts around the kernel's 64 Ki-row block (0, 1, 65535, 65536, 65537,
    /// 140000), nullable with and without nulls, REQUIRED, small pages, a page close to
    /// `maxPageRows`, and a dictionary byte limit that refuses values midway: both kernels are
    /// run call after call over the whole range (the page emptied when full, as a flush does)
    /// and must agree on every call's result, the levels, the indices, the code remap and the
    /// chunk dictionary.
    func testDictionaryIndicesMatchSafeTwin() {
        var rng = SeededRandom(seed: 77)
        let counts = [0, 1, 65_535, 65_536, 65_537, 140_000]
        var calls = 0, overflows = 0, pageFills = 0
        for width in 1...18 {
            var prefilled = ByteArrayDictionaryBuilder()
            for i in 0..<(1 << (width - 1)) {
                let v = Array("p\(i)".utf8)
                XCTAssertNotNil(v.withUnsafeBytes { prefilled.index(of: $0, limit: .max / 2) })
            }
            XCTAssertEqual(RLEHybridEncoder.estimateBits(dictionaryCount: prefilled.count), width)
            for (variant, n) in counts.enumerated() {
                // Input dictionary: half values already in the chunk dictionary, half new ones.
                var input = StringColumn()
                let entries = 1 + Int(rng.next() % 3000)
                for e in 0..<entries {
                    let text = e % 2 == 0 ? "p\(Int(rng.next() % UInt64(prefilled.count)))" : "new\(e)-\(rng.next() % 1000)"
                    input.append(text)
                }
                let nullable = (variant + width) % 3 != 0
                let withNulls = nullable && (variant + width) % 2 == 0
                var codes = ContiguousArray<UInt32>()
                var validity = Bitmap(reservingCapacity: n)
                for _ in 0..<n {
                    codes.append(UInt32(rng.next() % UInt64(entries)))
                    validity.append(!withNulls || rng.next() % 5 != 0)
                }
                let column = DictionaryColumn(codes: codes, dictionary: input, validity: withNulls ? validity : nil)
                let pageBytes = [1 << 30, 4096, 70_000][(width + variant) % 3]
                let limit = (width + variant) % 4 == 0 ? prefilled.plainSize + 300 : .max / 2
                var pageRows = variant == 5 ? ColumnPageWriter.maxPageRows - 70_000 : 0

                var fastDict = prefilled, safeDict = prefilled
                var fastRemap = [UInt32](repeating: .max, count: entries), safeRemap = fastRemap
                var fastLevels: [UInt32] = [], safeLevels: [UInt32] = []
                var fastIndices: [UInt32] = [], safeIndices: [UInt32] = []
                var row = 0
                let context = "width \(width), rows \(n), nullable \(nullable), nulls \(withNulls), page \(pageBytes)"
                while row < n {
                    let fast = fastRemap.withUnsafeMutableBufferPointer { remap in
                        ByteArrayValueEncoder.appendIndices(
                            column, from: row, end: n, remap: remap, dictionary: &fastDict, limit: limit, nullable: nullable,
                            pageBytes: pageBytes, pageRows: pageRows, levels: &fastLevels, indices: &fastIndices)
                    }
                    let safe = ByteArrayValueEncoder.appendIndicesScalar(
                        column, from: row, end: n, remap: &safeRemap, dictionary: &safeDict, limit: limit, nullable: nullable,
                        pageBytes: pageBytes, pageRows: pageRows, levels: &safeLevels, indices: &safeIndices)
                    calls += 1
                    XCTAssertEqual(fast, safe, "call result, \(context), row \(row)")
                    XCTAssertEqual(fastIndices, safeIndices, "indices, \(context), row \(row)")
                    XCTAssertEqual(fastLevels, safeLevels, "levels, \(context), row \(row)")
                    XCTAssertEqual(fastRemap, safeRemap, "remap, \(context), row \(row)")
                    XCTAssertEqual(fastDict.count, safeDict.count, "dictionary, \(context)")
                    XCTAssertLessThanOrEqual(fast.taken, 1 << 16)
                    XCTAssertEqual(fast.taken, fast.nonNull + fast.nulls)
                    guard fast == safe, fast.taken > 0 || fast.overflow else { return XCTFail("no progress, \(context)") }
                    if fast.overflow { overflows += 1; break }
                    row += fast.taken
                    pageRows += fast.taken
                    let bits = RLEHybridEncoder.estimateBits(dictionaryCount: fastDict.count)
                    if fastLevels.count / 8 + fastIndices.count * bits / 8 >= pageBytes || pageRows >= ColumnPageWriter.maxPageRows {
                        pageFills += 1
                        fastLevels.removeAll(); safeLevels.removeAll()
                        fastIndices.removeAll(); safeIndices.removeAll()
                        pageRows = 0
                    }
                }
                var fastPlain = ByteSink(), safePlain = ByteSink()
                fastDict.writePlain(into: &fastPlain)
                safeDict.writePlain(into: &safePlain)
                XCTAssertEqual(fastPlain.bytes, safePlain.bytes, "dictionary bytes, \(context)")
            }
        }
        // The cases must really reach block boundaries, full pages and refused values.
        XCTAssertGreaterThan(calls, 200)
        XCTAssertGreaterThan(overflows, 5)
        XCTAssertGreaterThan(pageFills, 20)
    }

    /// PLAIN strings copied through one pointer equal their safe twin.
    func testPlainStringCopyMatchesScalarTwin() {
        var rng = SeededRandom(seed: 9)
        for _ in 0..<30 {
            var c = StringColumn()
            for _ in 0..<Int(rng.next() % 60) {
                if rng.next() % 4 == 0 { c.appendNull() } else { c.appendBytes((0..<Int(rng.next() % 20)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }) }
            }
            let lo = c.count == 0 ? 0 : Int(rng.next() % UInt64(c.count))
            let rows = lo..<c.count
            let expected = ByteArrayValueEncoder.plainStringsScalar(c, rows: rows)
            var got = [UInt8](repeating: 0xee, count: expected.count + 3)
            got.withUnsafeMutableBytes { ByteArrayValueEncoder.copyPlainStrings(c, rows: rows, into: $0, at: 3) }
            XCTAssertEqual(Array(got.dropFirst(3)), expected)
            XCTAssertEqual(Array(got.prefix(3)), [0xee, 0xee, 0xee])
        }
    }
}
