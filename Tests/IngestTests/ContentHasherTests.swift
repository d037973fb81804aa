import XCTest
import Columnar
import TestSupport
@testable import Ingest

/// The source identity: XXH64 against published-algorithm vectors, independence from how the
/// bytes are split into reads, the pre-`xxh64:` format, and stores that still record it.
final class ContentHasherTests: XCTestCase {
    private func hash(_ bytes: [UInt8]) -> ContentHasher {
        var h = ContentHasher(legacyToo: true)
        bytes.withUnsafeBytes { h.update($0) }
        return h
    }

    /// Pattern bytes shared by the vectors below.
    private static func pattern(_ n: Int) -> [UInt8] { (0..<n).map { UInt8(($0 * 31 + 7) % 251) } }

    func testXXH64Vectors() {
        // Values from the reference implementation (libxxhash 0.8.1, XXH64 with seed 0).
        XCTAssertEqual(hash([]).digest, "xxh64:ef46db3751d8e999-0")
        XCTAssertEqual(hash(Array("a".utf8)).digest, "xxh64:d24ec4f1a98c6e5b-1")
        XCTAssertEqual(hash(Array("abc".utf8)).digest, "xxh64:44bc2cf5ad770999-3")
        XCTAssertEqual(hash(Array("event_time,event_type\n".utf8)).digest, "xxh64:272e8448c7025ab0-22")
        XCTAssertEqual(hash((0..<768).map { UInt8($0 & 255) } + Array("xyz".utf8)).digest, "xxh64:e921a1b45bd779f8-771")
        XCTAssertEqual(hash(Self.pattern(100_003)).digest, "xxh64:bdf8339b6beb233a-100003")
    }

    func testLegacyDigestIsTheOldFormat() {
        // Values of the digest written by stores before `xxh64:` (zlib CRC-32 + the word hash).
        XCTAssertEqual(hash(Array("abc".utf8)).legacyDigest, "crc32:352441c2-h64:b5ef3fb7878475e9-3")
        XCTAssertEqual(hash(Array("event_time,event_type\n".utf8)).legacyDigest,
                       "crc32:9a0545a1-h64:2f8b8a2ca9c8ca9b-22")
        XCTAssertNil(ContentHasher().legacyDigest)
        XCTAssertTrue(ContentHasher.isLegacy("crc32:352441c2-h64:b5ef3fb7878475e9-3"))
        XCTAssertFalse(ContentHasher.isLegacy("xxh64:44bc2cf5ad770999-3"))
    }

    func testDigestDoesNotDependOnHowBytesAreSplit() {
        var rng = SeededRandom(seed: 11)
        for n in [0, 1, 7, 31, 32, 33, 63, 64, 65, 100, 1000, 4099] {
            let bytes = Self.pattern(n)
            let whole = hash(bytes)
            for _ in 0..<20 {
                var h = ContentHasher(legacyToo: true)
                var offset = 0
                while offset < n {
                    let k = min(n - offset, Int(rng.next() % 70))
                    bytes.withUnsafeBytes { h.update(UnsafeRawBufferPointer(rebasing: $0[offset..<(offset + k)])) }
                    offset += k
                }
                XCTAssertEqual(h.digest, whole.digest, "n=\(n)")
                XCTAssertEqual(h.legacyDigest, whole.legacyDigest, "n=\(n)")
                XCTAssertEqual(h.count, n)
            }
        }
    }

    func testIdentityOfFilePrefersTheFormatTheStoreHolds() throws {
        let dir = try TestPaths.temporaryDirectory(self).path
        let path = dir + "/f.csv"
        let bytes = Self.pattern(5000)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let h = hash(bytes)
        XCTAssertEqual(try ContentHasher.identity(ofFile: path, known: []), h.digest)
        XCTAssertEqual(try ContentHasher.identity(ofFile: path, known: [h.legacyDigest!]), h.legacyDigest)
        XCTAssertEqual(try ContentHasher.identity(ofFile: path, known: ["crc32:00000000-h64:0000000000000000-5000"]), h.digest)
    }

    /// A store whose manifest records the old digest: re-ingesting the same file is a no-op, and
    /// `replace` redoes it without duplicating its rows.
    func testStoreWithLegacyDigestsRecognisesTheSameSource() throws {
        let dir = try TestPaths.temporaryDirectory(self).path
        let header = "event_time,event_type,product_id,category_id,category_code,brand,price,user_id,user_session\n"
        let text = header + (0..<50).map { "2019-10-0\($0 % 3 + 1) 10:00:\(10 + $0 % 40) UTC,view,\($0),1,a.b,x,1.5,\($0 % 7),\n" }.joined()
        let path = dir + "/a.csv"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        let store = dir + "/s"
        let first = try IngestFixture.ingest([path], store: store)
        let newDigest = first.sources[0].contentHash
        XCTAssertTrue(newDigest.hasPrefix("xxh64:"))
        // Rewrite the manifest as an older store wrote it.
        let legacy = hash(Array(text.utf8)).legacyDigest!
        let manifestPath = StoreFiles.latestManifest(store)
        let json = try String(contentsOfFile: manifestPath, encoding: .utf8)
        try json.replacingOccurrences(of: newDigest, with: legacy).write(toFile: manifestPath, atomically: true, encoding: .utf8)
        XCTAssertEqual(try Store(path: store).manifest(dataset: "events")!.sources.map(\.contentHash), [legacy])

        let again = try IngestFixture.ingest([path], store: store)
        XCTAssertTrue(again.sources[0].skipped)
        XCTAssertEqual(try Store(path: store).manifest(dataset: "events")!.totalRows, 50)

        let redone = try IngestFixture.ingest([path], store: store) { $0.replace = true }
        XCTAssertFalse(redone.sources[0].skipped)
        let m = try Store(path: store).manifest(dataset: "events")!
        XCTAssertEqual(m.sources.map(\.contentHash), [newDigest])
        XCTAssertEqual(m.totalRows, 50)
        XCTAssertEqual(Set(m.allFiles.map(\.file.source)), [newDigest])
        XCTAssertEqual(try IngestFixture.readStore(store).count, 50)
    }
}
