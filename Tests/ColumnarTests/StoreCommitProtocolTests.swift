import XCTest
import Foundation
import TestSupport
@testable import Columnar

/// The versioned commit (docs/store-format.md §5): a commit creates manifest version N+1 with
/// write-if-absent; writers on one base rebase instead of overwriting each other; the same
/// source is stored once; format 1 stores read and upgrade; orphans of dead writers go, a live
/// writer's files stay; and the protocol runs unchanged on a storage that is not the local
/// file system (`BucketLikeStorage`: no lock, no folders, parts uploaded whole).
final class StoreCommitProtocolTests: XCTestCase {
    static let schema = Schema([Field("t", .timestampMicros, nullable: false), Field("v", .int64)])
    static let day: Int64 = 18170

    private static func record(_ hash: String, rows: Int = 1) -> SourceRecord {
        SourceRecord(path: "src-" + hash, size: 1, contentHash: hash, rowsRead: rows, rowsStored: rows, rowsRejected: 0,
                     rowsCoerced: 0, reasons: [:], rejectsFile: nil, ingestedAt: "now", transaction: "x")
    }

    /// Adds one part of `bytes` for `hash` to `txn` (in the day partition).
    private static func addPart(_ txn: StoreTransaction, _ hash: String, _ bytes: [UInt8] = [1, 2, 3]) throws -> PartReservation {
        let r = try txn.reservePart(partitionKey: StoreTransaction.dayKey(Self.day), day: Self.day)
        try FileIO.writeAll(r.temporaryPath, bytes, sync: true)
        txn.addPart(r, rows: 1, bytes: bytes.count, source: hash, minTime: nil, maxTime: nil)
        return r
    }

    private func versions(_ dir: String, _ dataset: String = "ds") throws -> [String] {
        try FileIO.list(dir + "/" + dataset + "/_manifests").filter { !$0.hasPrefix(".") }.sorted()
    }

    private func files(_ dir: String) -> [String] {
        (FileManager.default.enumerator(atPath: dir)?.allObjects as? [String] ?? []).filter { !$0.hasSuffix(".lock") }.sorted()
    }

    func testTwoWritersOnOneBaseBothCommitByRebasing() throws {
        let dir = try TestPaths.temporaryDirectory(self).path
        let st = try Store(path: dir, create: true)
        let a = try st.begin(dataset: "ds", schema: Self.schema)
        let b = try st.begin(dataset: "ds", schema: Self.schema)
        XCTAssertEqual(a.baseVersion, 1)
        XCTAssertEqual(b.baseVersion, 1, "both start from the same version")
        let ra = try Self.addPart(a, "ha", [1]), rb = try Self.addPart(b, "hb", [2, 2])
        try a.commit(sources: [Self.record("ha")])
        try b.commit(sources: [Self.record("hb")])  // version 2 is taken: rebased on a's, committed after it
        let m = try XCTUnwrap(st.manifest(dataset: "ds"))
        XCTAssertEqual(m.sources.map(\.contentHash), ["ha", "hb"])
        XCTAssertEqual(Set(m.allFiles.map(\.file.path)), [ra.finalPath, rb.finalPath])
        XCTAssertNil(m.pending)
        XCTAssertEqual(try FileIO.readAll(dir + "/ds/" + rb.finalPath), [2, 2])
        XCTAssertEqual(b.skippedAtCommit, [])
        // 1 (empty), 2 (a, pending), 3 (a, clean), 4 (b on 3, pending), 5 (b, clean): no number twice.
        XCTAssertEqual(try versions(dir), (1...5).map { String(format: "%010d.json", $0) })
        for (k, name) in try versions(dir).enumerated() {
            let v = try JSONDecoder().decode(DatasetManifest.self, from: Data(contentsOf: URL(fileURLWithPath: dir + "/ds/_manifests/" + name)))
            XCTAssertEqual(v.version, k + 1)
        }
    }

    func testTheSameSourceInTwoWritersIsStoredOnceAndReportedSkipped() throws {
        let dir = try TestPaths.temporaryDirectory(self).path
        let st = try Store(path: dir, create: true)
        let a = try st.begin(dataset: "ds", schema: Self.schema)
        let b = try st.begin(dataset: "ds", schema: Self.schema)
        _ = try Self.addPart(a, "h")
        let rb = try Self.addPart(b, "h")
        let rb2 = try Self.addPart(b, "other")
        let rejects = try b.reserveRejectsFile()
        try FileIO.writeAll(rejects.temporaryPath, Array("x\n".utf8))
        var dup = Self.record("h")
        dup.rejectsFile = rejects.finalPath
        try a.commit(sources: [Self.record("h")])
        try b.commit(sources: [dup, Self.record("other")])
        XCTAssertEqual(b.skippedAtCommit, ["h"])
        let m = try XCTUnwrap(st.manifest(dataset: "ds"))
        XCTAssertEqual(m.sources.map(\.contentHash), ["h", "other"])
        XCTAssertEqual(m.allFiles.filter { $0.file.source == "h" }.count, 1, "stored once")
        XCTAssertTrue(m.allFiles.contains { $0.file.path == rb2.finalPath })
        XCTAssertFalse(FileIO.exists(rb.temporaryPath), "the duplicate's part is discarded")
        XCTAssertFalse(FileIO.exists(dir + "/ds/" + rb.finalPath))
        XCTAssertFalse(FileIO.exists(rejects.temporaryPath), "and its rejects file")
        XCTAssertFalse(FileIO.exists(dir + "/" + rejects.finalPath))

        // Only a duplicate: nothing is committed at all (no new version), nothing left behind.
        let before = try versions(dir)
        let c = try st.begin(dataset: "ds", schema: Self.schema)
        let d = try st.begin(dataset: "ds", schema: Self.schema)
        _ = try Self.addPart(c, "again")
        let rd = try Self.addPart(d, "again")
        try c.commit(sources: [Self.record("again")])
        let afterC = try versions(dir)
        try d.commit(sources: [Self.record("again")])
        XCTAssertEqual(d.skippedAtCommit, ["again"])
        XCTAssertEqual(try versions(dir), afterC)
        XCTAssertGreaterThan(afterC.count, before.count)
        XCTAssertFalse(FileIO.exists(rd.temporaryPath))
        XCTAssertEqual(try st.manifest(dataset: "ds")?.sources.filter { $0.contentHash == "again" }.count, 1)
    }

    func testConcurrentThreadsCommitEverySourceExactlyOnce() throws {
        let dir = try TestPaths.temporaryDirectory(self).path
        let st = try Store(path: dir, create: true)
        let writers = 8
        let errors = LockedErrors()
        DispatchQueue.concurrentPerform(iterations: writers) { k in
            do {
                let t = try st.begin(dataset: "ds", schema: Self.schema)
                _ = try Self.addPart(t, "h\(k)", [UInt8(k)])
                _ = try Self.addPart(t, "h\(k)", [UInt8(k), 0])
                // Writer k and writer k+writers/2 share a source: one of them stores it.
                let shared = "shared\(k % (writers / 2))"
                _ = try Self.addPart(t, shared)
                try t.commit(sources: [Self.record("h\(k)"), Self.record(shared)])
            } catch { errors.add(error) }
        }
        XCTAssertEqual(errors.all.map { "\($0)" }, [])
        let m = try XCTUnwrap(st.manifest(dataset: "ds"))
        XCTAssertEqual(m.sources.count, writers + writers / 2)
        XCTAssertEqual(Set(m.sources.map(\.contentHash)).count, m.sources.count, "a source twice")
        XCTAssertEqual(m.totalRows, 2 * writers + writers / 2)
        for (_, f) in m.allFiles { XCTAssertTrue(FileIO.exists(dir + "/ds/" + f.path), f.path) }
        XCTAssertEqual(files(dir + "/ds").filter { $0.hasSuffix(".tmp") || $0.contains(".tmp-") }, [])
        XCTAssertEqual(try StoreVerify.problems(try Store(readingAt: dir), footers: false), [])
    }

    func testAFormat1StoreIsReadAsItIsAndUpgradedByTheNextWrite() throws {
        let dir = try TestPaths.temporaryDirectory(self).path
        try FileIO.makeDirectories(dir + "/ds/date=2019-10-01")
        try FileIO.writeAll(dir + "/ds/date=2019-10-01/part-old.parquet", [5])
        var legacy = DatasetManifest(dataset: "ds", schema: Self.schema)
        legacy.formatVersion = 1
        legacy.partitions = [PartitionRecord(key: "date=2019-10-01", day: Self.day, files: [
            PartFile(path: "date=2019-10-01/part-old.parquet", rows: 1, bytes: 1, source: "old", minTime: nil, maxTime: nil)])]
        legacy.sources = [Self.record("old")]
        let text = try JSONEncoder().encode(legacy)
        try text.write(to: URL(fileURLWithPath: dir + "/ds/_manifest.json"))
        let before = files(dir)
        let reader = try Store(readingAt: dir)
        XCTAssertEqual(try reader.datasets(), ["ds"])
        XCTAssertEqual(try reader.manifest(dataset: "ds"), legacy)
        XCTAssertEqual(try reader.latest(dataset: "ds")?.version, 0)
        XCTAssertEqual(files(dir), before, "reading wrote something")

        let st = try Store(path: dir)
        XCTAssertEqual(try st.manifest(dataset: "ds"), legacy, "opening to write changes nothing by itself")
        let t = try st.begin(dataset: "ds", schema: Self.schema)
        XCTAssertEqual(t.baseVersion, 0)
        let r = try Self.addPart(t, "new")
        try t.commit(sources: [Self.record("new")])
        let m = try XCTUnwrap(st.manifest(dataset: "ds"))
        XCTAssertEqual(m.formatVersion, 2)
        XCTAssertEqual(m.sources.map(\.contentHash), ["old", "new"])
        XCTAssertEqual(m.allFiles.map(\.file.path), ["date=2019-10-01/part-old.parquet", r.finalPath])
        XCTAssertEqual(try versions(dir), ["0000000001.json", "0000000002.json"])
        // `_manifest.json` is now a format 2 copy: an older build refuses it instead of reading stale data.
        let copy = try JSONDecoder().decode(DatasetManifest.self, from: Data(contentsOf: URL(fileURLWithPath: dir + "/ds/_manifest.json")))
        XCTAssertEqual(copy, m)
        // Without its log, such a copy is refused, not read.
        try FileManager.default.removeItem(atPath: dir + "/ds/_manifests")
        XCTAssertThrowsError(try Store(readingAt: dir).manifest(dataset: "ds")) { error in
            guard case ColumnarError.damaged(let path, let problem) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(path.hasSuffix("ds/_manifest.json") && problem.contains("log"), "\(path) \(problem)")
        }
    }

    func testAVersionWhoseNumberDisagreesWithItsNameIsDamaged() throws {
        let dir = try TestPaths.temporaryDirectory(self).path
        let st = try Store(path: dir, create: true)
        let t = try st.begin(dataset: "ds", schema: Self.schema)
        _ = try Self.addPart(t, "h")
        try t.commit(sources: [Self.record("h")])
        var m = try XCTUnwrap(st.manifest(dataset: "ds"))
        m.version = 7
        let file = dir + "/ds/_manifests/" + (try versions(dir).last!)
        try JSONEncoder().encode(m).write(to: URL(fileURLWithPath: file))
        XCTAssertThrowsError(try Store(readingAt: dir).manifest(dataset: "ds")) { error in
            guard case ColumnarError.damaged(let path, let problem) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(path, file)
            XCTAssertTrue(problem.contains("says version 7"), problem)
        }
        XCTAssertThrowsError(try st.begin(dataset: "ds", schema: Self.schema), "no writer builds on a damaged version")
    }

    func testOrphansOfDeadWritersGoAndALiveWritersFilesStay() throws {
        let dir = try TestPaths.temporaryDirectory(self).path
        let st = try Store(path: dir, create: true)
        let seed = try st.begin(dataset: "ds", schema: Self.schema)
        _ = try Self.addPart(seed, "seed")
        try seed.commit(sources: [Self.record("seed")])
        let live = try st.begin(dataset: "ds", schema: Self.schema)
        let liveParts = try Self.addPart(live, "live")
        let folder = dir + "/ds/" + StoreTransaction.dayKey(Self.day)
        let old = folder + "/.part-20000101T000000-abc-0001.parquet.tmp"      // a writer dead for years
        let recent = folder + "/.part-\(live.id.prefix(15))-fff-0001.parquet.tmp"  // started just now
        let oldRejects = dir + "/_rejects/.ds-20000101T000000-abc-0002.csv.tmp"
        try FileIO.makeDirectories(dir + "/_rejects")
        for f in [old, recent, oldRejects] { try FileIO.writeAll(f, [0]) }
        // While a writer lives (it holds the lock shared), only orphans older than a day go.
        _ = try Store(path: dir)
        XCTAssertTrue(FileIO.exists(old), "opening beside a live writer cleans nothing")
        try st.begin(dataset: "ds", schema: Self.schema).abandon()
        XCTAssertFalse(FileIO.exists(old))
        XCTAssertFalse(FileIO.exists(oldRejects))
        XCTAssertTrue(FileIO.exists(recent), "too young to be known dead")
        XCTAssertTrue(FileIO.exists(liveParts.temporaryPath), "the live writer's part")
        try live.commit(sources: [Self.record("live")])
        XCTAssertEqual(try st.manifest(dataset: "ds")?.sources.count, 2)
        // No writer alive: the exclusive lock proves it, every orphan goes.
        _ = try Store(path: dir)
        XCTAssertFalse(FileIO.exists(recent))
        XCTAssertEqual(files(dir).filter { $0.contains(".tmp") }, [])
        XCTAssertEqual(Store.transactionTime(in: "ds/date=x/.part-20191001T010203-ab-0001.parquet.tmp"),
                       CivilTime.daysFromCivil(year: 2019, month: 10, day: 1) * 86_400 + 3723)
        XCTAssertNil(Store.transactionTime(in: "ds/_manifests/.0000000003.json.tmp-12-1"))
    }

    /// The same protocol on a storage that is not `LocalStorage`: no lock, parts written to a
    /// scratch file and uploaded whole before the commit point, listing-based recovery.
    func testTheProtocolRunsOnANonLocalStorage() throws {
        let dir = try TestPaths.temporaryDirectory(self).path
        let bucket = BucketLikeStorage(LocalStorage(root: dir))
        let st = try Store(storage: bucket, readOnly: false)
        XCTAssertNil(st.local)
        let a = try st.begin(dataset: "ds", schema: Self.schema)
        let b = try st.begin(dataset: "ds", schema: Self.schema)
        let ra = try Self.addPart(a, "a", [1, 1])
        XCTAssertFalse(ra.temporaryPath.hasPrefix(dir), "a scratch file, not the store")
        let rejects = try a.reserveRejectsFile()
        try FileIO.writeAll(rejects.temporaryPath, Array("r\n".utf8))
        var ar = Self.record("a")
        ar.rejectsFile = rejects.finalPath
        _ = try Self.addPart(b, "a")
        let rb = try Self.addPart(b, "b", [2])
        try a.commit(sources: [ar])
        try b.commit(sources: [Self.record("a"), Self.record("b")])
        XCTAssertEqual(b.skippedAtCommit, ["a"])
        XCTAssertFalse(FileIO.exists(dir + "/.lock"), "no lock on a bucket")
        let m = try XCTUnwrap(Store(storage: bucket, readOnly: true).manifest(dataset: "ds"))
        XCTAssertEqual(m.sources.map(\.contentHash), ["a", "b"])
        XCTAssertEqual(try bucket.read("ds/" + ra.finalPath), [1, 1])
        XCTAssertEqual(try bucket.read("ds/" + rb.finalPath), [2])
        XCTAssertEqual(try bucket.read(rejects.finalPath), Array("r\n".utf8))
        let part = try st.openPart(m.allFiles[0].file, of: m)
        XCTAssertEqual(try part.read(offset: 0, count: part.size), [1, 1])
        part.close()
        XCTAssertEqual(files(dir).filter { $0.contains(".tmp") }, [], "nothing hidden left")
        XCTAssertFalse(FileIO.exists(ra.temporaryPath), "scratch removed")
        XCTAssertEqual(bucket.moves.value > 0, true, "parts became visible by move")
    }
}

/// A storage that hides that it is local (so `Store` treats it as a bucket: no lock, no
/// folders, scratch files uploaded through `makeWriter`), counting moves.
final class BucketLikeStorage: ObjectStorage, @unchecked Sendable {
    let inner: LocalStorage
    let moves = LockedCounter()
    init(_ inner: LocalStorage) { self.inner = inner }
    var location: String { "bucket://" + inner.root }
    func list(prefix: String) throws(ColumnarError) -> [ObjectInfo] { try inner.list(prefix: prefix) }
    func size(of key: String) throws(ColumnarError) -> Int? { try inner.size(of: key) }
    func openForReading(_ key: String) throws(ColumnarError) -> any RandomAccessObject { try inner.openForReading(key) }
    func read(_ key: String) throws(ColumnarError) -> [UInt8] { try inner.read(key) }
    func put(_ key: String, _ bytes: [UInt8]) throws(ColumnarError) { try inner.put(key, bytes) }
    func putIfAbsent(_ key: String, _ bytes: [UInt8]) throws(ColumnarError) -> Bool { try inner.putIfAbsent(key, bytes) }
    func makeWriter(_ key: String) throws(ColumnarError) -> any ObjectWriter { try inner.makeWriter(key) }
    func delete(_ key: String) throws(ColumnarError) { try inner.delete(key) }
    func move(_ from: String, to: String) throws(ColumnarError) {
        moves.add()
        // Copy, then delete, as S3 does (not atomic).
        let bytes = try inner.read(from)
        try inner.put(to, bytes)
        try inner.delete(from)
    }
}

final class LockedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    func add() { lock.withLock { n += 1 } }
    var value: Int { lock.withLock { n } }
}

final class LockedErrors: @unchecked Sendable {
    private let lock = NSLock()
    private var errors: [any Error] = []
    func add(_ e: any Error) { lock.withLock { errors.append(e) } }
    var all: [any Error] { lock.withLock { errors } }
}
