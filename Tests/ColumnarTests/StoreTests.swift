import XCTest
import TestSupport
@testable import Columnar

/// The store's commit protocol: atomic visibility, roll-forward, roll-back of orphans, locking.
final class StoreTests: XCTestCase {
    let schema = Schema([Field("t", .timestampMicros, nullable: false), Field("v", .int64)])

    private func record(_ hash: String) -> SourceRecord {
        SourceRecord(path: "src", size: 1, contentHash: hash, rowsRead: 1, rowsStored: 1, rowsRejected: 0, rowsCoerced: 0,
                     reasons: [:], rejectsFile: nil, ingestedAt: "now", transaction: "x")
    }

    private func files(_ dir: String) -> [String] {
        (FileManager.default.enumerator(atPath: dir)?.allObjects as? [String] ?? []).filter { !$0.hasSuffix(".lock") }.sorted()
    }

    func testOpenMissingStoreFailsAndCreateWorks() throws {
        let dir = try TestPaths.temporaryDirectory(self).path + "/s"
        XCTAssertThrowsError(try Store(path: dir)) { XCTAssertEqual(($0 as? ColumnarError).map { "\($0)" }?.contains("no store"), true) }
        let st = try Store(path: dir, create: true)
        XCTAssertEqual(try st.datasets(), [])
        XCTAssertNil(try st.manifest(dataset: "events"))
    }

    func testCommitMakesPartsVisibleAtomicallyAndAbandonRemovesEverything() throws {
        let dir = try TestPaths.temporaryDirectory(self).path
        let st = try Store(path: dir, create: true)
        let txn = try st.begin(dataset: "ds", schema: schema)
        let r = try txn.reservePart(partitionKey: "date=2019-10-01", day: 18170)
        try FileIO.writeAll(r.temporaryPath, [1, 2, 3], sync: true)
        XCTAssertTrue(r.temporaryPath.hasSuffix(".tmp"))
        XCTAssertTrue(URL(fileURLWithPath: r.temporaryPath).lastPathComponent.hasPrefix("."))
        let t0 = 18170 * CivilTime.microsPerDay  // times inside the partition's day (the manifest is validated)
        txn.addPart(r, rows: 3, bytes: 3, source: "h1", minTime: t0 + 1, maxTime: t0 + 2)
        // A new dataset's version 1 is written empty by `begin` (so that recovery knows the folder).
        XCTAssertEqual(try st.manifest(dataset: "ds")?.allFiles.count, 0, "nothing visible before commit")
        try txn.commit(sources: [record("h1")])
        let m = try XCTUnwrap(st.manifest(dataset: "ds"))
        XCTAssertNil(m.pending)
        XCTAssertEqual(m.partitions.map(\.key), ["date=2019-10-01"])
        XCTAssertEqual(m.partitions[0].files[0].path, r.finalPath)
        XCTAssertEqual(try FileIO.readAll(st.datasetPath("ds") + "/" + r.finalPath), [1, 2, 3])
        XCTAssertFalse(FileIO.exists(r.temporaryPath))
        XCTAssertEqual(try st.datasets(), ["ds"])

        let before = files(dir)
        let t2 = try st.begin(dataset: "ds", schema: schema)
        let r2 = try t2.reservePart(partitionKey: "date=2019-10-02", day: 18171)
        try FileIO.writeAll(r2.temporaryPath, [9])
        t2.addPart(r2, rows: 1, bytes: 1, source: "h2", minTime: nil, maxTime: nil)
        t2.abandon()
        XCTAssertEqual(files(dir), before)
        XCTAssertEqual(try st.manifest(dataset: "ds"), m)
    }

    func testRecoveryRollsForwardAPendingCommitAndDeletesOrphans() throws {
        let dir = try TestPaths.temporaryDirectory(self).path
        let st = try Store(path: dir, create: true)
        // A commit interrupted after its commit point: manifest lists final names + pending renames.
        try FileIO.makeDirectories(dir + "/ds/date=2019-10-01")
        try FileIO.writeAll(dir + "/ds/date=2019-10-01/.part-a.parquet.tmp", [7])
        try FileIO.writeAll(dir + "/ds/date=2019-10-01/.part-orphan.parquet.tmp", [8])   // never committed
        try FileIO.writeAll(dir + "/ds/_manifest.json.tmp-zzz", [0])
        var m = DatasetManifest(dataset: "ds", schema: schema)
        m.partitions = [PartitionRecord(key: "date=2019-10-01", day: 18170, files: [
            PartFile(path: "date=2019-10-01/part-a.parquet", rows: 1, bytes: 1, source: "h", minTime: nil, maxTime: nil)])]
        m.sources = [record("h")]
        m.pending = PendingOperations(renames: [.init(from: "ds/date=2019-10-01/.part-a.parquet.tmp",
                                                      to: "ds/date=2019-10-01/part-a.parquet")], deletes: [])
        // Written by a format 1 build: the single `_manifest.json`, no version log.
        m.formatVersion = 1
        try JSONEncoder().encode(m).write(to: URL(fileURLWithPath: dir + "/ds/_manifest.json"))
        // An interrupted commit that never reached its commit point, in a fresh partition.
        try FileIO.makeDirectories(dir + "/ds/date=2019-10-09")
        try FileIO.writeAll(dir + "/ds/date=2019-10-09/.part-b.parquet.tmp", [9])

        let reopened = try Store(path: dir)
        let after = try XCTUnwrap(reopened.manifest(dataset: "ds"))
        XCTAssertNil(after.pending)
        XCTAssertEqual(try FileIO.readAll(dir + "/ds/date=2019-10-01/part-a.parquet"), [7])
        // Rolled forward into version 1 of the log (the upgrade), `_manifest.json` its copy.
        XCTAssertEqual(files(dir + "/ds"), ["_manifest.json", "_manifests", "_manifests/0000000001.json",
                                            "date=2019-10-01", "date=2019-10-01/part-a.parquet"])
        XCTAssertEqual(after.version, 1)
        XCTAssertEqual(after.formatVersion, StoreFormat.current)
        XCTAssertEqual(try JSONDecoder().decode(DatasetManifest.self, from: Data(contentsOf: URL(fileURLWithPath: dir + "/ds/_manifest.json"))), after)
    }

    func testAWriterOpeningBesideALiveWriterKeepsItsFiles() throws {
        let dir = try TestPaths.temporaryDirectory(self).path
        let st = try Store(path: dir, create: true)
        let txn = try st.begin(dataset: "ds", schema: schema)
        let r = try txn.reservePart(partitionKey: "date=2019-10-01", day: 18170)
        try FileIO.writeAll(r.temporaryPath, [1])
        _ = try Store(path: dir)  // a writer opening meanwhile must not delete the live writer's file
        _ = try st.begin(dataset: "ds", schema: schema).abandon()  // nor one beginning (shared lock, age rule)
        XCTAssertTrue(FileIO.exists(r.temporaryPath))
        txn.addPart(r, rows: 1, bytes: 1, source: "h", minTime: nil, maxTime: nil)
        try txn.commit(sources: [record("h")])
        XCTAssertEqual(try st.manifest(dataset: "ds")?.totalRows, 1)
    }

    func testReplaceSourceDeletesItsPartsAndSchemaMismatchIsRefused() throws {
        let dir = try TestPaths.temporaryDirectory(self).path
        let st = try Store(path: dir, create: true)
        for (hash, day) in [("h1", "date=2019-10-01"), ("h2", "date=2019-10-01")] {
            let t = try st.begin(dataset: "ds", schema: schema)
            let r = try t.reservePart(partitionKey: day, day: 18170)
            try FileIO.writeAll(r.temporaryPath, [1])
            t.addPart(r, rows: 1, bytes: 1, source: hash, minTime: nil, maxTime: nil)
            try t.commit(sources: [record(hash)])
        }
        XCTAssertEqual(try st.manifest(dataset: "ds")?.partitions[0].files.count, 2)
        let old = try st.manifest(dataset: "ds")!.partitions[0].files[0].path
        let t = try st.begin(dataset: "ds", schema: schema)
        t.replaceSource(contentHash: "h1")
        try t.commit(sources: [])
        let m = try st.manifest(dataset: "ds")!
        XCTAssertEqual(m.sources.map(\.contentHash), ["h2"])
        XCTAssertEqual(m.partitions[0].files.map(\.source), ["h2"])
        XCTAssertFalse(FileIO.exists(st.datasetPath("ds") + "/" + old))
        XCTAssertThrowsError(try st.begin(dataset: "ds", schema: Schema([Field("x", .int64)])))
    }
}
