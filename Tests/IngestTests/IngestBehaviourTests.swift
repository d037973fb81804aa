import XCTest
import Columnar
import TestSupport
@testable import Ingest

/// Bad inputs, dialect details, idempotence, --replace, shared days, bounded memory.
final class IngestBehaviourTests: XCTestCase {
    static let header = "event_time,event_type,product_id,category_id,category_code,brand,price,user_id,user_session\n"
    static let session = "72d76fde-8bb3-4e00-8c23-a032dfed738c"

    private func write(_ dir: String, _ name: String, _ bytes: [UInt8]) throws -> String {
        let path = dir + "/" + name
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    private func row(_ time: String, user: Int, product: Int = 1, session: String = session) -> String {
        "\(time),view,\(product),2053013555631882655,a.b,brand,1.50,\(user),\(session)\n"
    }

    private func storeFiles(_ dir: String) -> [String] {
        (FileManager.default.enumerator(atPath: dir)?.allObjects as? [String] ?? []).filter { !$0.hasSuffix(".lock") }.sorted()
    }

    func testMissingColumnFailsBeforeAnythingIsWritten() throws {
        let dir = try TestPaths.temporaryDirectory(self).path
        let good = try write(dir, "good.csv", Array((Self.header + row("2019-10-01 00:00:00 UTC", user: 1)).utf8))
        let bad = try write(dir, "bad.csv", Array("event_time,event_type,product_id\n2019-10-01 00:00:00 UTC,view,1\n".utf8))
        let store = dir + "/store"
        XCTAssertThrowsError(try IngestFixture.ingest([good, bad], store: store)) { error in
            guard case IngestError.badHeader(let source, let reason) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(source, bad)
            XCTAssertTrue(reason.contains("user_id"), reason)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: store + "/events"))
    }

    func testEmptyFileAndHeaderOnly() throws {
        let dir = try TestPaths.temporaryDirectory(self).path
        let empty = try write(dir, "empty.csv", [])
        XCTAssertThrowsError(try IngestFixture.ingest([empty], store: dir + "/s1")) { error in
            guard case IngestError.badHeader = error else { return XCTFail("\(error)") }
        }
        let headerOnly = try write(dir, "h.csv", Array(Self.header.utf8))
        let r = try IngestFixture.ingest([headerOnly], store: dir + "/s2")
        XCTAssertEqual(r.rowsRead, 0)
        XCTAssertEqual(try Store(path: dir + "/s2").manifest(dataset: "events")?.sources.count, 1)
        XCTAssertEqual(try IngestFixture.readStore(dir + "/s2").count, 0)
    }

    func testDialectBOMCRLFQuotedFieldsWrongFieldCountsNoFinalNewline() throws {
        let dir = try TestPaths.temporaryDirectory(self).path
        var text = "\u{FEFF}" + Self.header.replacingOccurrences(of: "\n", with: "\r\n")
        text += "2019-10-01 00:00:01 UTC,view,1,2,\"multi line, code\",\"br \\\"q\\\"\",1.5,10,\(Self.session)\r\n"
        text += "\r\n"                                                    // blank line: skipped
        text += "2019-10-01 00:00:02 UTC,view,1,2,c,b,1.5,11\r\n"          // 8 fields: rejected
        text += "2019-10-01 00:00:03 UTC,view,1,2,c,b,1.5,12,s,extra\r\n"  // 10 fields: rejected
        text += "2019-10-01 00:00:04 UTC,view,1,2,c, sp ,1.5,13,UPPER-Session"  // no final newline
        let path = try write(dir, "d.csv", Array(text.utf8) + [])
        let r = try IngestFixture.ingest([path], store: dir + "/s")
        XCTAssertEqual(r.rowsRead, 4)
        XCTAssertEqual(r.rowsRejected, 2)
        XCTAssertEqual(r.sources[0].reasons[RejectReason.wrongFieldCount.rawValue], 2)
        let rows = try IngestFixture.readStore(dir + "/s").sorted { $0.time < $1.time }
        XCTAssertEqual(rows.count, 2)
        XCTAssertEqual(rows[0].categoryCode, "multi line, code")
        XCTAssertEqual(rows[0].brand, "br \"q\"")
        XCTAssertEqual(rows[1].brand, " sp ")
        XCTAssertEqual(rows[1].sessionRaw, "UPPER-Session")
        XCTAssertNil(rows[1].session)
        // Line numbers in the rejects file are physical lines (the blank line counts).
        let st = try Store(path: dir + "/s")
        let rejects = try String(contentsOfFile: st.path + "/" + st.manifest(dataset: "events")!.sources[0].rejectsFile!, encoding: .utf8)
        XCTAssertTrue(rejects.contains(",4,REJECTED,\"wrong field count\",\"2019-10-01 00:00:02 UTC,view,1,2,c,b,1.5,11\""), rejects)
        XCTAssertTrue(rejects.contains(",5,REJECTED,"), rejects)
    }

    func testGarbageValuesAreCoercedAndInvalidUTF8Repaired() throws {
        let dir = try TestPaths.temporaryDirectory(self).path
        var bytes = Array((Self.header + "2019-10-01 00:00:01 UTC,view,abc,1.4875800092865987e+18,c,").utf8)
        bytes += [0x62, 0xFF, 0x72]
        bytes += Array(",n/a,5802432.0,\(Self.session)\n".utf8)
        bytes += Array("garbage,view,1,2,c,b,1,2,s\n".utf8)
        let path = try write(dir, "g.csv", bytes)
        let r = try IngestFixture.ingest([path], store: dir + "/s")
        XCTAssertEqual(r.rowsRejected, 1)
        XCTAssertEqual(r.rowsCoerced, 1)
        let reasons = r.sources[0].reasons
        for reason in [RejectReason.productIdInvalid, .categoryIdInvalid, .priceInvalid, .userIdNormalized, .invalidUTF8, .badEventTime] {
            XCTAssertEqual(reasons[reason.rawValue], 1, reason.rawValue)
        }
        let rows = try IngestFixture.readStore(dir + "/s")
        XCTAssertEqual(rows.count, 1)
        XCTAssertNil(rows[0].productId)
        XCTAssertNil(rows[0].categoryId)
        XCTAssertNil(rows[0].price)
        XCTAssertEqual(rows[0].userId, 5_802_432)
        XCTAssertEqual(rows[0].brand, "b\u{FFFD}r")
        // The raw bytes are kept verbatim in the rejects file.
        let st = try Store(path: dir + "/s")
        let raw = try Data(contentsOf: URL(fileURLWithPath: st.path + "/" + st.manifest(dataset: "events")!.sources[0].rejectsFile!))
        XCTAssertNotNil(raw.range(of: Data([0x62, 0xFF, 0x72])))
    }

    func testMaxRejectsLeavesStoreUnchanged() throws {
        let dir = try TestPaths.temporaryDirectory(self).path
        let first = try write(dir, "a.csv", Array((Self.header + row("2019-10-01 00:00:00 UTC", user: 1)).utf8))
        _ = try IngestFixture.ingest([first], store: dir + "/s")
        let before = storeFiles(dir + "/s")
        let manifestBefore = try Store(path: dir + "/s").manifest(dataset: "events")
        let bad = try write(dir, "b.csv", Array((Self.header + row("2019-10-02 00:00:00 UTC", user: 2) + "x,y\nz\n").utf8))
        XCTAssertThrowsError(try IngestFixture.ingest([bad], store: dir + "/s") { $0.maxRejects = 1 }) { error in
            guard case IngestError.tooManyRejects(_, let n, let limit) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(n, 2)
            XCTAssertEqual(limit, 1)
        }
        XCTAssertEqual(storeFiles(dir + "/s"), before)
        XCTAssertEqual(try Store(path: dir + "/s").manifest(dataset: "events"), manifestBefore)
        XCTAssertNoThrow(try IngestFixture.ingest([bad], store: dir + "/s") { $0.maxRejects = 2 })
    }

    func testGzipStreamingMultiMemberAndTruncated() throws {
        let dir = try TestPaths.temporaryDirectory(self).path
        let partA = Array((Self.header + row("2019-10-01 00:00:00 UTC", user: 1)).utf8)
        let partB = Array(row("2019-10-01 00:00:05 UTC", user: 2).utf8)
        let gz = try Gzip.compress(partA) + Gzip.compress(partB)
        let path = try write(dir, "m.csv.gz", gz)
        let r = try IngestFixture.ingest([path], store: dir + "/s")
        XCTAssertEqual(r.rowsStored, 2)
        XCTAssertEqual(r.sources[0].bytes, gz.count)
        let truncated = try write(dir, "t.csv.gz", Array(gz.prefix(gz.count - 5)))
        XCTAssertThrowsError(try IngestFixture.ingest([truncated], store: dir + "/s2")) { error in
            guard case IngestError.malformed(_, _, let reason) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(reason.contains("truncated") || reason.contains("corrupt"), reason)
        }
        XCTAssertNil(try Store(path: dir + "/s2").manifest(dataset: "events"))
    }

    func testIdempotentReplaceAndSharedDay() throws {
        let dir = try TestPaths.temporaryDirectory(self).path
        let a = try write(dir, "a.csv", Array((Self.header + row("2019-10-01 10:00:00 UTC", user: 1) + row("2019-10-02 10:00:00 UTC", user: 1)).utf8))
        let b = try write(dir, "b.csv", Array((Self.header + row("2019-10-02 11:00:00 UTC", user: 2)).utf8))
        let store = dir + "/s"
        _ = try IngestFixture.ingest([a], store: store)
        let again = try IngestFixture.ingest([a], store: store)
        XCTAssertTrue(again.sources[0].skipped)
        var m = try Store(path: store).manifest(dataset: "events")!
        XCTAssertEqual(m.sources.count, 1)
        XCTAssertEqual(m.totalRows, 2)
        // A second dump sharing 2019-10-02 adds a second file to that day.
        _ = try IngestFixture.ingest([b], store: store)
        m = try Store(path: store).manifest(dataset: "events")!
        XCTAssertEqual(m.partitions.map(\.key), ["date=2019-10-01", "date=2019-10-02"])
        XCTAssertEqual(m.partitions[1].files.count, 2)
        XCTAssertEqual(try IngestFixture.readStore(store).count, 3)
        // --replace redoes a and removes its old parts.
        let oldParts = Set(m.allFiles.filter { $0.file.source == m.sources[0].contentHash }.map(\.file.path))
        let redone = try IngestFixture.ingest([a], store: store) { $0.replace = true }
        XCTAssertFalse(redone.sources[0].skipped)
        m = try Store(path: store).manifest(dataset: "events")!
        XCTAssertEqual(m.sources.count, 2)
        XCTAssertEqual(m.totalRows, 3)
        let newParts = Set(m.allFiles.map(\.file.path))
        XCTAssertTrue(oldParts.isDisjoint(with: newParts))
        for p in oldParts { XCTAssertFalse(FileManager.default.fileExists(atPath: store + "/events/" + p)) }
        XCTAssertEqual(try IngestFixture.readStore(store).count, 3)
        // Only manifest-listed files are on disk.
        let onDisk = Set(storeFiles(store + "/events").filter { $0.hasSuffix(".parquet") })
        XCTAssertEqual(onDisk, newParts)
    }

    func testUnorderedInputWithSmallBudgetMakesSeveralSortedPartsPerDay() throws {
        let dir = try TestPaths.temporaryDirectory(self).path
        var rng = SeededRandom(seed: 7)
        var text = Self.header
        var expected: [Int64: Int] = [:]
        for i in 0..<6000 {
            let day = Int(rng.next() % 3) + 1
            let sec = Int(rng.next() % 86_400)
            let t = String(format: "2019-10-%02d %02d:%02d:%02d UTC", day, sec / 3600, sec / 60 % 60, sec % 60)
            let user = Int(rng.next() % 50)
            text += row(t, user: user, product: i)
            expected[Int64(day), default: 0] += 1
        }
        let path = try write(dir, "u.csv", Array(text.utf8))
        let r = try IngestFixture.ingest([path], store: dir + "/s") { $0.maxBufferedRows = 1000; $0.chunkBytes = 16 << 10 }
        XCTAssertEqual(r.rowsStored, 6000)
        let m = try Store(path: dir + "/s").manifest(dataset: "events")!
        XCTAssertEqual(m.partitions.map(\.rows), [expected[1]!, expected[2]!, expected[3]!])
        XCTAssertTrue(m.partitions.allSatisfy { $0.files.count > 1 }, "\(m.partitions.map { $0.files.count })")
        let rows = try IngestFixture.readStore(dir + "/s")  // asserts per-file sort order
        XCTAssertEqual(Set(rows.map(\.productId)).count, 6000)
    }

    func testStableOrderForEqualUserAndTime() throws {
        let dir = try TestPaths.temporaryDirectory(self).path
        var text = Self.header
        for p in [5, 3, 9, 1] { text += row("2019-10-01 10:00:00 UTC", user: 7, product: p) }
        text += row("2019-10-01 09:00:00 UTC", user: 7, product: 100)
        text += row("2019-10-01 09:00:00 UTC", user: 1, product: 200)
        text += "2019-10-01 08:00:00 UTC,view,300,1,c,b,1,,\(Self.session)\n"
        let path = try write(dir, "s.csv", Array(text.utf8))
        _ = try IngestFixture.ingest([path], store: dir + "/s")
        let rows = try IngestFixture.readStore(dir + "/s")
        XCTAssertEqual(rows.map(\.productId), [300, 200, 100, 5, 3, 9, 1])
    }

    func testChunkBoundariesDoNotChangeTheResult() throws {
        let dir = try TestPaths.temporaryDirectory(self).path
        let path = TestPaths.fixture("rees46/2019-Oct-head.csv").path
        let big = try IngestFixture.ingest([path], store: dir + "/big")
        let small = try IngestFixture.ingest([path], store: dir + "/small") { $0.chunkBytes = 4096 }
        XCTAssertEqual(big.rowsStored, small.rowsStored)
        XCTAssertEqual(big.rowsRejected, small.rowsRejected)
        XCTAssertEqual(try IngestFixture.readStore(dir + "/big"), try IngestFixture.readStore(dir + "/small"))
        // gzip members split across reads: many members, 4 KiB reads.
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        var gz: [UInt8] = []
        var offset = 0
        while offset < data.count {
            let n = min(7919, data.count - offset)
            gz += try Gzip.compress(Array(data[offset..<(offset + n)]))
            offset += n
        }
        let gzPath = try write(dir, "head.csv.gz", gz)
        let zipped = try IngestFixture.ingest([gzPath], store: dir + "/gz") { $0.chunkBytes = 4096 }
        XCTAssertEqual(zipped.rowsStored, big.rowsStored)
        XCTAssertEqual(try IngestFixture.readStore(dir + "/gz"), try IngestFixture.readStore(dir + "/big"))
    }

    func testTimeOrderedInputWithSmallBudgetGivesOnePartPerDay() throws {
        let dir = try TestPaths.temporaryDirectory(self).path
        var text = Self.header
        for (day, n) in [(1, 1500), (2, 3000), (3, 3000)] {
            for i in 0..<n {
                let s = i * 86_399 / n
                text += row(String(format: "2019-10-%02d %02d:%02d:%02d UTC", day, s / 3600, s / 60 % 60, s % 60), user: i % 37)
            }
        }
        let path = try write(dir, "o.csv", Array(text.utf8))
        _ = try IngestFixture.ingest([path], store: dir + "/s") { $0.maxBufferedRows = 4000; $0.chunkBytes = 16 << 10 }
        let m = try Store(path: dir + "/s").manifest(dataset: "events")!
        XCTAssertEqual(m.partitions.map(\.rows), [1500, 3000, 3000])
        XCTAssertEqual(m.partitions.map(\.files.count), [1, 1, 1])
        _ = try IngestFixture.readStore(dir + "/s")
    }
}
