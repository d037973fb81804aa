import XCTest
import Columnar
import TestSupport
@testable import Ingest

/// A new input format is one `SourceReader`: this one exists only here (NDJSON events, one
/// `{"ts": <microseconds>, "user": <integer>}` object per line) and goes through the shared
/// `SourceLoop` unchanged — identity and skip/replace, discarding a duplicate found once read,
/// the streaming rejects file, the reject limit, day partitioning (`BatchPartWriter`), reports
/// and the transaction.
struct NDJSONEventsReader: SourceReader {
    static let schema = Schema([Field("ts", .timestampMicros, nullable: false), Field("user", .int64, nullable: true)])

    struct Source: IngestSource {
        let name: String
        var identityFile: String? { name }
    }

    /// Hashed while read, like the REES46 reader: exercises provisional labels.
    var identifiesBeforeReading: Bool { false }

    func sources(_ paths: [String]) throws(IngestError) -> [Source] {
        for p in paths where !FileIO.exists(p) { throw .io(source: p, reason: "no such file or directory") }
        return paths.map(Source.init)
    }

    func target(in store: Store) throws(IngestError) -> DatasetTarget {
        DatasetTarget(name: "ndjson_events", schema: Self.schema, sortedBy: ["ts"])
    }

    func makeSink(transaction: StoreTransaction, options: IngestOptions) -> BatchPartWriter {
        BatchPartWriter(transaction: transaction, encoder: options.encoder, timeColumn: "ts")
    }

    func read(_ source: Source, into sink: BatchPartWriter, context: SourceContext) throws(IngestError) -> SourceRead {
        let bytes: [UInt8]
        do { bytes = try FileIO.readAll(source.name) } catch { throw .columnar(error) }
        let lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        var ts = ContiguousArray<Int64>(), users = ContiguousArray<Int64>()
        var read = 0
        let pattern = /^\{"ts": *(-?[0-9]+), *"user": *(-?[0-9]+)\}$/
        for (k, line) in lines.enumerated() where !line.isEmpty {
            read += 1
            if let m = line.wholeMatch(of: pattern), let t = Int64(m.1), let u = Int64(m.2) {
                ts.append(t)
                users.append(u)
            } else {
                try context.reject(line: k + 1, reason: .malformedJSON, field: nil,
                                   detail: "not a {\"ts\", \"user\"} object: \(line.prefix(20))", raw: line)
            }
            try context.checkpoint(bytesRead: 0, rowsRead: read)
        }
        do {
            let batch = try RecordBatch(schema: Self.schema, columns: [.int64(FixedWidthColumn(values: ts)),
                                                                       .int64(FixedWidthColumn(values: users))])
            try sink.append(batch, label: context.label)
            return SourceRead(rowsRead: read, rowsStored: ts.count, bytes: bytes.count,
                              digest: try ContentHasher.hashFile(source.name).digest)
        } catch { throw .columnar(error) }
    }
}

final class SourceLoopTests: XCTestCase {
    private let day1 = Int64(1_572_566_400) * 1_000_000   // 2019-11-01 00:00:00 UTC
    private let day = Int64(86_400) * 1_000_000

    private func ingest(_ store: Store, _ paths: [String], replace: Bool = false, maxRejects: Int? = nil,
                        messages: MessageLog? = nil) throws(IngestError) -> IngestReport {
        var options = IngestOptions(encoder: ParquetPartEncoder())
        options.replace = replace
        options.maxRejects = maxRejects
        if let messages { options.message = { messages.append($0) } }
        return try SourceLoop(store: store, reader: NDJSONEventsReader(), options: options).run(paths)
    }

    private func stored(_ store: Store) throws -> [(partition: String, ts: [Int64], users: [Int64])] {
        guard let m = try store.manifest(dataset: "ndjson_events") else { return [] }
        return try m.allFiles.map { (partition, file) in
            let batches = try ParquetFile(path: store.datasetPath("ndjson_events") + "/" + file.path).readAll()
            let ts = batches.flatMap { Array($0.columns[0].int64Column!.values) }
            let users = batches.flatMap { Array($0.columns[1].int64Column!.values) }
            return (partition.key, ts, users)
        }
    }

    func testANewFormatIsOneReaderThroughTheSharedLoop() throws {
        let root = try TestPaths.temporaryDirectory(self, "ndjson").path
        let a = root + "/a.ndjson"
        // Two days, out of order within the first; line 3 is not an event; a blank line is skipped.
        try FileIO.writeAll(a, Array("""
            {"ts": \(day1 + 50), "user": 7}
            {"ts": \(day1 + day + 1), "user": 8}
            {"ts": "soon", "user": 9}

            {"ts": \(day1 + 10), "user": 6}

            """.utf8))
        let store = try Store(path: root + "/store", create: true)
        let report = try ingest(store, [a])
        XCTAssertEqual(report.sources.count, 1)
        let s = report.sources[0]
        XCTAssertEqual([s.rowsRead, s.rowsStored, s.rowsRejected, s.rowsCoerced, s.parts, s.days], [4, 3, 1, 0, 2, 2])
        XCTAssertEqual(s.reasons, ["malformed JSON": 1])
        XCTAssertEqual(s.contentHash, try ContentHasher.hashFile(a).digest)
        // Parts: one per day, each sorted by time then input order.
        let parts = try stored(store)
        XCTAssertEqual(parts.map(\.partition), ["date=2019-11-01", "date=2019-11-02"])
        XCTAssertEqual(parts[0].ts, [day1 + 10, day1 + 50])
        XCTAssertEqual(parts[0].users, [6, 7])
        XCTAssertEqual(parts[1].users, [8])
        // The streaming rejects file, in the shared layout.
        let rejectsFile = try XCTUnwrap(s.rejectsFile)
        let rejects = String(decoding: try FileIO.readAll(root + "/store/" + rejectsFile), as: UTF8.self)
        XCTAssertEqual(rejects, """
            source,line,kind,reason,raw
            "\(a)",3,REJECTED,"not a {""ts"", ""user""} object: {""ts"": ""soon"", ""user","{""ts"": ""soon"", ""user"": 9}"

            """)
        let manifest = try XCTUnwrap(try store.manifest(dataset: "ndjson_events"))
        XCTAssertEqual(manifest.sources.map(\.contentHash), [s.contentHash], "parts relabelled from the provisional label")
        XCTAssertEqual(Set(manifest.allFiles.map(\.file.source)), [s.contentHash])
    }

    func testIdentitySkipDiscardAndReplaceAreTheLoops() throws {
        let root = try TestPaths.temporaryDirectory(self, "ndjson-identity").path
        let a = root + "/a.ndjson", copy = root + "/copy.ndjson", b = root + "/b.ndjson"
        try FileIO.writeAll(a, Array("{\"ts\": \(day1), \"user\": 1}\n".utf8))
        try FileIO.writeAll(copy, Array("{\"ts\": \(day1), \"user\": 1}\n".utf8))
        try FileIO.writeAll(b, Array("{\"ts\": \(day1 + day), \"user\": 2}\n".utf8))
        let store = try Store(path: root + "/store", create: true)
        // The same content twice in one call: the copy is read (its size is unknown to the store),
        // found to be a duplicate, and its parts discarded.
        let messages = MessageLog()
        var report = try ingest(store, [a, copy], messages: messages)
        XCTAssertEqual(report.sources.map(\.skipped), [false, true])
        XCTAssertEqual(messages.lines, ["\(copy): already ingested (same content), skipped; use --replace to redo it"])
        XCTAssertEqual(try stored(store).map(\.users), [[1]])
        // Known now (its size too): skipped up front, nothing read; b is new.
        report = try ingest(store, [copy, b])
        XCTAssertEqual(report.sources.map(\.skipped), [true, false])
        XCTAssertEqual(try stored(store).map(\.users), [[1], [2]])
        // --replace redoes a known source: its old parts go, its new ones come, once.
        report = try ingest(store, [a], replace: true)
        XCTAssertEqual(report.sources.map(\.skipped), [false])
        XCTAssertEqual(try stored(store).map(\.users), [[1], [2]])
        XCTAssertEqual(try store.manifest(dataset: "ndjson_events")?.sources.count, 2)
    }

    func testTheRejectLimitLeavesTheStoreUnchanged() throws {
        let root = try TestPaths.temporaryDirectory(self, "ndjson-limit").path
        let a = root + "/a.ndjson", b = root + "/b.ndjson"
        try FileIO.writeAll(a, Array("{\"ts\": \(day1), \"user\": 1}\nnot json\n".utf8))
        try FileIO.writeAll(b, Array("oops\n{\"ts\": \(day1), \"user\": 2}\n".utf8))
        let store = try Store(path: root + "/store", create: true)
        // One reject allowed over the whole call: the second, in b, fails it.
        XCTAssertThrowsError(try ingest(store, [a, b], maxRejects: 1)) { error in
            guard case IngestError.tooManyRejects(let source, let rejected, let limit) = error else { return XCTFail("\(error)") }
            XCTAssertEqual([source], [b])
            XCTAssertEqual([rejected, limit], [2, 1])
        }
        XCTAssertNil(try store.manifest(dataset: "ndjson_events"))
        let left = try FileManager.default.subpathsOfDirectory(atPath: root + "/store").filter { $0.hasSuffix(".parquet") || $0.hasSuffix(".csv") || $0.hasSuffix(".tmp") }
        XCTAssertEqual(left, [], "no part or rejects file left")
        XCTAssertEqual(try ingest(store, [a, b], maxRejects: 2).rowsStored, 2)
    }
}

/// Messages collected from `IngestOptions.message` (called on the ingest's thread).
final class MessageLog: @unchecked Sendable {
    private(set) var lines: [String] = []
    func append(_ line: String) { lines.append(line) }
}
