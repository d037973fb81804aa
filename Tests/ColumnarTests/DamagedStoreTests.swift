import XCTest
import TestSupport
@testable import Columnar

/// A store's files are untrusted input: a manifest naming paths outside its dataset, symbolic
/// links, absurd numbers, a damaged manifest, parts whose footers disagree with the manifest
/// (#13 defects 2, 7, 8, 13, 15, 19). Each case must be refused as `.damaged` naming the file
/// (exit 4), never followed, trapped on, or answered from.
final class DamagedStoreTests: XCTestCase {
    static let schema = Schema([Field("event_time", .timestampMicros, nullable: false), Field("user_id", .int64)])
    static let day: Int64 = 18170  // 2019-10-01
    static let dayStart = day * CivilTime.microsPerDay

    private func record(_ hash: String) -> SourceRecord {
        SourceRecord(path: "src", size: 1, contentHash: hash, rowsRead: 1, rowsStored: 1, rowsRejected: 0, rowsCoerced: 0,
                     reasons: [:], rejectsFile: nil, ingestedAt: "now", transaction: "x")
    }

    /// Every path under `dir` with its size (a snapshot to prove nothing changed).
    private func snapshot(_ dir: String) -> [String: Int] {
        var out: [String: Int] = [:]
        for p in FileManager.default.enumerator(atPath: dir)?.allObjects as? [String] ?? [] {
            out[p] = (try? FileManager.default.attributesOfItem(atPath: dir + "/" + p)[.size] as? Int) ?? -1
        }
        return out
    }

    /// Parquet bytes of `times` (user ids ascending from `user`).
    private func partBytes(_ times: [Int64], user: Int64 = 1) throws -> [UInt8] {
        let t = AnyColumn.int64(FixedWidthColumn(values: ContiguousArray(times)))
        let u = AnyColumn.int64(FixedWidthColumn(values: ContiguousArray(times.indices.map { user + Int64($0) })))
        return try ParquetWriter.encode(schema: Self.schema, batches: [try RecordBatch(schema: Self.schema, columns: [t, u])])
    }

    /// A store with dataset "events" and one real part per day given (times = day start + k s).
    @discardableResult
    private func makeStore(_ dir: String, days: [Int64] = [day], hash: String = "h1") throws -> Store {
        let st = try Store(path: dir, create: true)
        let txn = try st.begin(dataset: "events", schema: Self.schema, sortedBy: ["user_id", "event_time"])
        for d in days {
            let times = (0..<5).map { d * CivilTime.microsPerDay + Int64($0) * 1_000_000 }
            let bytes = try partBytes(times)
            let r = try txn.reservePart(partitionKey: StoreTransaction.dayKey(d), day: d)
            try FileIO.writeAll(r.temporaryPath, bytes, sync: true)
            txn.addPart(r, rows: times.count, bytes: bytes.count, source: hash, minTime: times.first, maxTime: times.last)
        }
        try txn.commit(sources: [record(hash)])
        return st
    }

    /// The newest manifest version's file of `events` (what readers read; edited in place).
    private func manifestFile(_ dir: String) throws -> String {
        let key = try XCTUnwrap(ManifestLog.latest(LocalStorage(root: dir), dataset: "events")).key
        XCTAssertTrue(key.hasPrefix("events/_manifests/"), key)
        return dir + "/" + key
    }

    private func editManifest(_ dir: String, _ edit: (inout DatasetManifest) -> Void) throws {
        var m = try XCTUnwrap(Store(readingAt: dir).manifest(dataset: "events"))
        edit(&m)
        let encoder = JSONEncoder()
        try encoder.encode(m).write(to: URL(fileURLWithPath: try manifestFile(dir)))
    }

    private func assertDamaged(_ body: @autoclosure () throws -> Any?, naming path: String, _ fragment: String = "",
                               file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            guard case ColumnarError.damaged(let p, let problem) = error else {
                return XCTFail("not .damaged: \(error)", file: file, line: line)
            }
            XCTAssertTrue(p.hasSuffix(path), "\(p) does not name \(path)", file: file, line: line)
            XCTAssertTrue(fragment.isEmpty || problem.contains(fragment), problem, file: file, line: line)
        }
    }

    // MARK: - #7: paths leaving the dataset

    func testPendingPathsLeavingTheDatasetAreRefusedAndNothingOutsideIsTouched() throws {
        let root = try TestPaths.temporaryDirectory(self).path
        let victim = root + "/victim.txt"
        try FileIO.writeAll(victim, Array("keep me".utf8))
        let bad = ["../victim.txt", victim, "events/../../victim.txt", "events/date=2019-10-01/../../../victim.txt",
                   "other/x.parquet", "events/./x", "events//x", "_rejects/../victim.txt", ""]
        for (k, path) in bad.enumerated() {
            for asDelete in [true, false] {
                let dir = root + "/s\(k)-\(asDelete)"
                try makeStore(dir)
                try editManifest(dir) { m in
                    m.pending = asDelete ? PendingOperations(renames: [], deletes: [path])
                        : PendingOperations(renames: [.init(from: path, to: "events/date=2019-10-01/x.parquet")], deletes: [])
                }
                assertDamaged(try Store(path: dir), naming: try manifestFile(dir), "leaves its dataset folder")
                assertDamaged(try Store(readingAt: dir).manifest(dataset: "events"), naming: try manifestFile(dir))
                XCTAssertEqual(try FileIO.readAll(victim), Array("keep me".utf8), path)
            }
        }
    }

    func testPartPathsLeavingTheirPartitionAreRefused() throws {
        let root = try TestPaths.temporaryDirectory(self).path
        for (k, path) in ["../victim.parquet", "/etc/passwd", "date=2019-10-01/../../x.parquet", "date=2019-10-02/p.parquet",
                          "date=2019-10-01/sub/p.parquet", "date=2019-10-01/", "date=2019-10-01/.."].enumerated() {
            let dir = root + "/s\(k)"
            try makeStore(dir)
            try editManifest(dir) { $0.partitions[0].files[0].path = path }
            assertDamaged(try Store(readingAt: dir).manifest(dataset: "events"), naming: try manifestFile(dir), "leaves its partition")
        }
    }

    // MARK: - #2: recovery only in datasets, no symlinks, readers write nothing

    func testAnOrdinaryFolderIsNeverCleanedUp() throws {
        let dir = try TestPaths.temporaryDirectory(self).path
        try FileIO.makeDirectories(dir + "/photos/2019/empty")
        try FileIO.writeAll(dir + "/photos/2019/.draft.tmp", [1])
        try FileIO.writeAll(dir + "/photos/.x.tmp", [1])
        try FileIO.writeAll(dir + "/photos/_manifest.json.tmp-1", [1])
        try FileIO.makeDirectories(dir + "/_rejects")
        try FileIO.writeAll(dir + "/_rejects/.notes.tmp", [1])
        let before = snapshot(dir)
        _ = try Store(path: dir)                       // a writer's open (recovers when idle)
        XCTAssertEqual(snapshot(dir).keys.filter { $0 != ".lock" }.sorted(), before.keys.sorted())
        try FileIO.remove(dir + "/.lock")
        let reader = try Store(readingAt: dir)         // a reader's open
        XCTAssertEqual(try reader.datasets(), [])
        XCTAssertEqual(snapshot(dir), before, "a reader wrote in the store")
    }

    func testRecoveryNeverFollowsASymlinkOutOfTheStore() throws {
        let root = try TestPaths.temporaryDirectory(self).path
        let outside = root + "/outside"
        try FileIO.makeDirectories(outside + "/sub")
        try FileIO.writeAll(outside + "/.precious.tmp", [1])
        try FileIO.writeAll(outside + "/sub/.precious.tmp", [1])
        let dir = root + "/s"
        try makeStore(dir)
        // A symlinked folder beside the dataset, and one in place of a partition folder.
        XCTAssertEqual(symlink(outside, dir + "/linked"), 0)
        let part = try XCTUnwrap(Store(readingAt: dir).manifest(dataset: "events")).partitions[0]
        try FileManager.default.moveItem(atPath: dir + "/events/" + part.key, toPath: outside + "/" + part.key)
        XCTAssertEqual(symlink(outside + "/" + part.key, dir + "/events/" + part.key), 0)
        try FileIO.writeAll(outside + "/" + part.key + "/.orphan.tmp", [1])
        try FileIO.makeDirectories(outside + "/linked-ds")
        try FileIO.writeAll(outside + "/linked-ds/_manifest.json.tmp-9", [1])
        XCTAssertEqual(symlink(outside + "/linked-ds", dir + "/ds2"), 0)
        let before = snapshot(outside)
        _ = try Store(path: dir)
        XCTAssertEqual(snapshot(outside), before, "recovery touched files outside the store")
        let st = try Store(readingAt: dir)
        let m = try XCTUnwrap(st.manifest(dataset: "events"))
        assertDamaged(try st.partPath(m.partitions[0].files[0], of: m), naming: "/events/" + part.key, "symbolic link")
        // A pending delete through the symlinked partition is not followed either.
        try editManifest(dir) { $0.pending = PendingOperations(renames: [], deletes: ["events/" + $0.partitions[0].files[0].path]) }
        _ = try Store(path: dir)
        XCTAssertEqual(snapshot(outside), before)
    }

    func testAReaderWritesNothingAndReadsAPendingCommitAtItsTemporaryName() throws {
        let dir = try TestPaths.temporaryDirectory(self).path + "/s"
        let st = try makeStore(dir)
        var m = try XCTUnwrap(st.manifest(dataset: "events"))
        // Undo the roll-forward: a commit interrupted right after its commit point.
        let file = m.partitions[0].files[0]
        let tmp = "events/" + part(file.path, hidden: true)
        try FileIO.rename(dir + "/events/" + file.path, dir + "/" + tmp)
        m.pending = PendingOperations(renames: [.init(from: tmp, to: "events/" + file.path)], deletes: [])
        try JSONEncoder().encode(m).write(to: URL(fileURLWithPath: try manifestFile(dir)))
        try FileIO.remove(dir + "/.lock")
        let before = snapshot(dir)
        let reader = try Store(readingAt: dir)
        let read = try XCTUnwrap(reader.manifest(dataset: "events"))
        let path = try reader.partPath(read.partitions[0].files[0], of: read)
        XCTAssertEqual(path, dir + "/" + tmp)
        XCTAssertEqual(try ParquetFile(path: path).rowCount, 5)
        XCTAssertEqual(snapshot(dir), before, "a reader wrote in the store")
        XCTAssertThrowsError(try reader.begin(dataset: "events", schema: Self.schema))
        // The next writer rolls it forward.
        _ = try Store(path: dir)
        XCTAssertNil(try reader.manifest(dataset: "events")?.pending)
        XCTAssertTrue(FileIO.exists(dir + "/events/" + file.path))
    }

    private func part(_ path: String, hidden: Bool) -> String {
        let slash = path.lastIndex(of: "/")!
        return String(path[...slash]) + "." + path[path.index(after: slash)...] + ".tmp"
    }

    // MARK: - #13 / #15: untrusted numbers, damaged manifest text

    func testUntrustedNumbersAreRefusedNeverTrappedOn() throws {
        let root = try TestPaths.temporaryDirectory(self).path
        let edits: [(String, (inout DatasetManifest) -> Void)] = [
            ("sum overflows", { $0.partitions[0].files[0].rows = Int.max; $0.partitions[1].files[0].rows = Int.max }),
            ("sum overflows", { $0.partitions[0].files[0].bytes = Int.max; $0.partitions[1].files[0].bytes = 2 }),
            ("outside its partition", { $0.partitions[0].files[0].minTime = .min }),
            ("outside its partition", { $0.partitions[0].files[0].maxTime = .max }),
            ("out of range", { $0.partitions[0].day = .max }),
            ("out of range", { $0.partitions[0].day = .min }),
            ("negative", { $0.partitions[0].files[0].rows = -1 }),
            ("negative", { $0.sources[0].rowsStored = -5 }),
            ("sum overflows", { $0.sources.append($0.sources[0]); $0.sources[0].size = Int.max; $0.sources[1].size = Int.max }),
            ("minTime > maxTime", { $0.partitions[0].files[0].minTime = $0.partitions[0].files[0].maxTime! + 1 }),
            ("unknown format version", { $0.formatVersion = 99 }),
        ]
        for (k, (fragment, edit)) in edits.enumerated() {
            let dir = root + "/s\(k)"
            try makeStore(dir, days: [Self.day, Self.day + 1])
            try editManifest(dir, edit)
            assertDamaged(try Store(readingAt: dir).manifest(dataset: "events"), naming: try manifestFile(dir), fragment)
        }
    }

    func testEmptyTruncatedOrGarbledManifestIsDamagedAndAMissingPartIsNamed() throws {
        let root = try TestPaths.temporaryDirectory(self).path
        let good = try FileIO.readAll(try { let d = root + "/good"; try makeStore(d); return try manifestFile(d) }())
        for (k, bytes) in [[], Array(good.prefix(good.count / 2)), Array("{\"x\":1}".utf8), Array(repeating: 0xFF, count: 40)].enumerated() {
            let dir = root + "/s\(k)"
            try makeStore(dir)
            let file = try manifestFile(dir)
            try FileIO.writeAll(file, bytes)
            assertDamaged(try Store(readingAt: dir).manifest(dataset: "events"), naming: file)
        }
        let dir = root + "/missing"
        let st = try makeStore(dir)
        let m = try XCTUnwrap(st.manifest(dataset: "events"))
        try FileIO.remove(dir + "/events/" + m.partitions[0].files[0].path)
        assertDamaged(try st.partPath(m.partitions[0].files[0], of: m), naming: m.partitions[0].files[0].path, "missing")
        XCTAssertEqual(ColumnarError.damaged(path: "/s/p.parquet", problem: "missing").description, "store damaged: /s/p.parquet missing")
    }

    // MARK: - #8: manifest consistency and footers against the manifest

    func testPartitionDayMustMatchItsKeyAndAPartIsListedOnce() throws {
        let root = try TestPaths.temporaryDirectory(self).path
        var dir = root + "/day"
        try makeStore(dir, days: [Self.day, Self.day + 1])
        try editManifest(dir) { $0.partitions[0].day = Self.day + 1 }
        assertDamaged(try Store(readingAt: dir).manifest(dataset: "events"), naming: try manifestFile(dir), "whose day says")
        dir = root + "/twice"
        try makeStore(dir)
        try editManifest(dir) { $0.partitions[0].files.append($0.partitions[0].files[0]) }
        assertDamaged(try Store(readingAt: dir).manifest(dataset: "events"), naming: try manifestFile(dir), "twice")
        dir = root + "/key"
        try makeStore(dir)
        try editManifest(dir) { $0.partitions.append($0.partitions[0]) }
        assertDamaged(try Store(readingAt: dir).manifest(dataset: "events"), naming: try manifestFile(dir), "twice")
    }

    func testFootersAreCheckedAgainstTheManifest() throws {
        let dir = try TestPaths.temporaryDirectory(self).path + "/s"
        let st = try makeStore(dir, days: [Self.day, Self.day + 1])
        let m = try XCTUnwrap(st.manifest(dataset: "events"))
        func problems(_ m: DatasetManifest, _ p: Int = 0) throws -> [String] {
            let entry = m.partitions[p].files[0]
            return PartCheck.problems(try ParquetFile(path: dir + "/events/" + entry.path), entry: entry,
                                      partition: m.partitions[p], manifest: m)
        }
        XCTAssertEqual(try problems(m), [])
        XCTAssertEqual(try problems(m, 1), [])
        var x = m
        x.partitions[0].files[0].rows = 4
        XCTAssertTrue(try problems(x).contains { $0.contains("has 5 rows, the manifest says 4") })
        x = m
        x.partitions[0].files[0].bytes += 1
        XCTAssertTrue(try problems(x).contains { $0.contains("bytes, the manifest says") })
        x = m
        x.schema.fields[1].nullable = false  // nullability is part of the schema
        XCTAssertTrue(try problems(x).contains { $0.contains("has schema") })
        x = m
        x.schema.fields[0].type = .int64
        XCTAssertTrue(try problems(x).contains { $0.contains("has schema") })
        x = m
        x.partitions[0].files[0].minTime! += 1
        XCTAssertTrue(try problems(x).contains { $0.contains("outside the part's range") })
        // The other day's part in this day's place (same size): its statistics give it away.
        let a = dir + "/events/" + m.partitions[0].files[0].path, b = dir + "/events/" + m.partitions[1].files[0].path
        let (bytesA, bytesB) = (try FileIO.readAll(a), try FileIO.readAll(b))
        try FileIO.writeAll(a, bytesB)
        try FileIO.writeAll(b, bytesA)
        XCTAssertTrue(try problems(m).contains { $0.contains("outside the part's range") })
        let report = try StoreVerify.problems(st, footers: true)
        XCTAssertEqual(Set(report.map(\.file)), [a, b])
        XCTAssertEqual(try StoreVerify.problems(st, footers: false), [], "without --check only existence is checked")
    }

    /// The footer schema is looked up by the manifest's format version (a new version maps a
    /// declared type to another stored type in one table line).
    func testFileSchemaFollowsTheManifestFormatVersion() {
        XCTAssertEqual(StoreFormat.fileSchema(declared: Self.schema, version: 1), Self.schema)
        XCTAssertNil(StoreFormat.fileSchema(declared: Self.schema, version: 99))
        for (version, map) in StoreFormat.fileTypes {
            let declared = Schema(ColumnType.allCases.map { Field($0.rawValue, $0) })
            let stored = StoreFormat.fileSchema(declared: declared, version: version)!
            for (d, s) in zip(declared.fields, stored.fields) { XCTAssertEqual(s.type, map[d.type] ?? d.type) }
        }
    }

    // MARK: - #19: a replaced part that cannot be removed

    func testACommitStandsWhenAReplacedPartCannotBeRemoved() throws {
        let dir = try TestPaths.temporaryDirectory(self).path + "/s"
        try makeStore(dir, hash: "h1")
        try makeStore(dir, days: [Self.day + 1], hash: "h2")
        let st = try Store(path: dir)
        let old = try XCTUnwrap(st.manifest(dataset: "events")).partitions[0].files[0].path
        // unlink() of the old part fails (EISDIR: root ignores permissions, so a non-empty
        // folder of the same name stands in for an undeletable file).
        try FileIO.remove(dir + "/events/" + old)
        try FileIO.makeDirectories(dir + "/events/" + old)
        try FileIO.writeAll(dir + "/events/" + old + "/x", [1])
        let t = try st.begin(dataset: "events", schema: Self.schema)
        t.replaceSource(contentHash: "h1")
        let warnings = try t.commit(sources: [])
        XCTAssertEqual(warnings.count, 1)
        XCTAssertTrue(warnings[0].contains(old) && warnings[0].contains("retry"), warnings[0])
        let m = try XCTUnwrap(st.manifest(dataset: "events"))
        XCTAssertEqual(m.sources.map(\.contentHash), ["h2"], "the commit stands")
        XCTAssertEqual(m.pending, PendingOperations(renames: [], deletes: ["events/" + old]))
        // The store stays usable for readers and writers; the next writer retries.
        XCTAssertEqual(try StoreVerify.problems(try Store(readingAt: dir), footers: true), [])
        let t2 = try Store(path: dir).begin(dataset: "events", schema: Self.schema)
        XCTAssertEqual(t2.warnings.count, 1)
        t2.abandon()
        try FileManager.default.removeItem(atPath: dir + "/events/" + old)
        try makeStore(dir, days: [Self.day + 2], hash: "h3")
        XCTAssertNil(try Store(readingAt: dir).manifest(dataset: "events")?.pending)
    }
}
