import XCTest
import TestSupport
@testable import Columnar

/// `ByteArrayDictionaryBuilder` (the Parquet writer's per-chunk BYTE_ARRAY dictionary): its
/// unsafe hash and the byte equality its probes use against their scalar twins, and finding,
/// inserting and the byte limit against a `Dictionary`.
final class ByteArrayDictionaryBuilderTests: XCTestCase {
    func testDictionaryHashAndEqualityMatchScalarTwins() {
        var rng = SeededRandom(seed: 21)
        for _ in 0..<3000 {
            let n = Int(rng.next() % 40)
            let a = (0..<n).map { _ in UInt8(truncatingIfNeeded: rng.next() % 3 * 100) }
            var b = a
            if n > 0 && rng.next() % 2 == 0 { b[Int(rng.next() % UInt64(n))] ^= 1 }
            if rng.next() % 8 == 0 { b.append(0) }
            a.withUnsafeBytes { pa in
                XCTAssertEqual(ByteArrayDictionaryBuilder.hash(pa), ByteArrayDictionaryBuilder.hashScalar(a))
                b.withUnsafeBytes { pb in
                    XCTAssertEqual(ByteEquality.equal(pa, pb), ByteEquality.equalScalar(a, b), "\(a) \(b)")
                }
            }
        }
        // Distinct short values should not collide wholesale (sanity of the mixing).
        let hashes = Set((0..<10_000).map { i in Array(String(i).utf8).withUnsafeBytes { ByteArrayDictionaryBuilder.hash($0) } })
        XCTAssertGreaterThan(hashes.count, 9_990)
    }

    func testByteArrayDictionaryBuilderFindsInsertsAndRespectsTheLimit() {
        var d = ByteArrayDictionaryBuilder()
        var rng = SeededRandom(seed: 9)
        var reference: [[UInt8]: UInt32] = [:]
        for _ in 0..<20_000 {
            let v = (0..<Int(rng.next() % 12)).map { _ in UInt8(truncatingIfNeeded: rng.next() % 5) }
            let idx = v.withUnsafeBytes { d.index(of: $0, limit: .max) }
            if let known = reference[v] { XCTAssertEqual(idx, known) } else {
                XCTAssertEqual(idx, UInt32(reference.count))
                reference[v] = idx
            }
        }
        XCTAssertEqual(d.count, reference.count)
        XCTAssertEqual(d.plainSize, reference.keys.reduce(0) { $0 + 4 + $1.count })
        var sink = ByteSink()
        d.writePlain(into: &sink)
        XCTAssertEqual(sink.count, d.plainSize)
        d.reset()
        XCTAssertEqual(Array("abc".utf8).withUnsafeBytes { d.index(of: $0, limit: 7) }, 0)
        XCTAssertNil(Array("d".utf8).withUnsafeBytes { d.index(of: $0, limit: 7) }, "4 + 3 + 4 + 1 > 7")
        XCTAssertEqual(Array("abc".utf8).withUnsafeBytes { d.index(of: $0, limit: 7) }, 0, "known values never overflow")
        XCTAssertEqual(d.count, 1)
    }
}
