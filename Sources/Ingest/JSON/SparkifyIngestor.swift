import Columnar
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `extract ingest --format sparkify-songs|sparkify-logs`: Sparkify JSON files → the `songs`
/// (unpartitioned) or `sparkify_log` (`date=YYYY-MM-DD` of `ts`, UTC) dataset of a store.
///
/// Same guarantees as the CSV `Ingestor`, through the same `Store` transaction API:
/// - one call is one transaction; any error, or more than `maxRejects` rejected records in
///   total, abandons it and leaves the store unchanged; a crash leaves the store as before or
///   as after (see `Store`);
/// - idempotent: every input file is a source identified by its content hash (`ContentHasher`);
///   a file already in the manifest (or given twice) is skipped unless `replace`, which removes
///   its old parts and rejects at commit;
/// - rejected records (malformed JSON, wrong types, missing `ts`/`song_id`/`artist_id`) are not
///   stored; each source with rejects gets `_rejects/<dataset>-<txn>-<n>.csv` with
///   `source,line,kind,reason,raw` (same layout as the CSV ingest).
///
/// Parts: logs are written per (source, day), rows sorted by `ts` then input order; songs are
/// batched, many files per part (`SongPartBatcher`: a part per `songRowsPerPart` rows, each row
/// tagged with its file's content hash in `source_hash`; `replace` rewrites the parts holding a
/// replaced file without its rows, in the same transaction). Memory: up to `maxBufferedRows`
/// parsed rows (≈ 200 bytes each for logs) plus one read chunk; a larger source is written as
/// several parts per day.
public struct SparkifyIngestor {
    public let store: Store
    public let format: SparkifyFormat
    public let options: IngestOptions
    /// Rows per `songs` part (a new part is started when one is full).
    public var songRowsPerPart = 1_000_000

    public init(store: Store, format: SparkifyFormat, options: IngestOptions) {
        self.store = store
        self.format = format
        self.options = options
    }

    public func ingest(inputs: [String]) throws(IngestError) -> IngestReport {
        let started = IngestClock.now()
        let files = try SparkifyJSONReader.expandInputs(inputs)
        guard !files.isEmpty else { throw .io(source: inputs.joined(separator: " "), reason: "no .json files found") }
        // Streams (named pipes, `<(...)`) are read once, to a temporary copy, before the lock:
        // their bytes are then hashed and parsed like a file's (never sized by fstat).
        var spooled: [String: String] = [:]
        defer { for copy in spooled.values { StreamSpool.remove(copy) } }
        for path in files where InputReader.isStream(path) && spooled[path] == nil {
            spooled[path] = try StreamSpool.spool(path)
        }

        let txn: StoreTransaction
        do {
            txn = try store.begin(dataset: format.dataset, schema: format.datasetSchema,
                                  sortedBy: format == .logs ? ["ts"] : nil,
                                  waiting: options.waiting ?? options.message)
        } catch { throw .columnar(error) }
        // The known sources are read under the lock (two ingests of one file: the second sees
        // the first's commit), and `commit` checks again.
        let existing: DatasetManifest?
        do { existing = try store.manifest(dataset: format.dataset) } catch { txn.abandon(); throw .columnar(error) }
        let known = Set((existing?.sources ?? []).map(\.contentHash))

        // Identify every source first (cheap next to parsing): all skipped, nothing is written.
        var todo: [(path: String, file: String, hash: String, size: Int)] = []
        var reports: [SourceReport] = []
        var seen = Set<String>()
        for path in files {
            let hash: String, size: Int
            let file = spooled[path] ?? path
            do {
                hash = try ContentHasher.identity(ofFile: file, known: known)
                size = try FileIO.size(file)
            } catch { txn.abandon(); throw .io(source: path, reason: error.description) }
            if seen.contains(hash) || (known.contains(hash) && !options.replace) {
                options.message?("\(path): already ingested (same content), skipped; use --replace to redo it")
                reports.append(SourceReport(source: path, skipped: true, contentHash: hash, bytes: size, rowsRead: 0,
                                            rowsStored: 0, rowsRejected: 0, rowsCoerced: 0, reasons: [:], parts: 0,
                                            days: 0, rejectsFile: nil))
                continue
            }
            seen.insert(hash)
            todo.append((path, file, hash, size))
        }
        guard !todo.isEmpty else {
            txn.abandon()
            return IngestReport(sources: reports, elapsedSeconds: IngestClock.now() - started)
        }
        var records: [SourceRecord] = []
        var totalRejected = 0
        let totalBytes = todo.reduce(0) { $0 + $1.size }
        var doneBytes = 0
        var lastProgress = started
        var rowsSoFar = 0
        let batcher = format == .songs ? SongPartBatcher(txn: txn, rowsPerPart: songRowsPerPart, rowGroupRows: 128 * 1024) : nil
        do throws(IngestError) {
            if let batcher, let existing {
                // Replaced files: each part holding their rows is rewritten without them.
                let replaced = Set(todo.map(\.hash).filter { known.contains($0) })
                if !replaced.isEmpty {
                    for (_, file) in existing.allFiles where file.source.hasPrefix(SongPartBatcher.labelPrefix) {
                        let path = store.datasetPath(format.dataset) + "/" + file.path
                        do {
                            if try batcher.carryOver(part: path, removing: replaced) { txn.replaceSource(contentHash: file.source) }
                        } catch { throw .columnar(error) }
                    }
                }
            }
            let reader = SparkifyJSONReader(format: format, batchRows: max(1000, options.maxBufferedRows))
            for source in todo {
                if known.contains(source.hash) { txn.replaceSource(contentHash: source.hash) }
                var parts: [PartFile] = []
                var stored = 0
                let rejects: [JSONReject]
                do {
                    rejects = try reader.read(path: source.file, name: source.path, onBatch: { batch in
                        if let batcher {
                            try batcher.append(batch, source: source.hash)
                        } else {
                            parts += try writeParts(batch, source: source.hash, txn: txn)
                        }
                        stored += batch.rowCount
                    }, onProgress: { bytes in
                        guard let progress = options.progress else { return }
                        let t = IngestClock.now()
                        if t - lastProgress >= 0.25 {
                            lastProgress = t
                            progress(IngestProgress(source: source.path, bytesRead: doneBytes + bytes, bytesTotal: totalBytes,
                                                    rowsRead: rowsSoFar + stored, elapsedSeconds: t - started))
                        }
                    })
                } catch let e as IngestError {
                    throw e
                } catch let e as ColumnarError {
                    throw .columnar(e)
                } catch {
                    throw .io(source: source.path, reason: "\(error)")
                }
                doneBytes += source.size
                rowsSoFar += stored + rejects.count
                totalRejected += rejects.count
                if let limit = options.maxRejects, totalRejected > limit {
                    throw .tooManyRejects(source: source.path, rejected: totalRejected, limit: limit)
                }
                var rejectsFile: String?
                if !rejects.isEmpty {
                    do { rejectsFile = try writeRejects(rejects, txn: txn) } catch { throw .columnar(error) }
                }
                var reasons: [String: Int] = [:]
                for r in rejects { reasons[r.category, default: 0] += 1 }
                let days = Set(parts.map { $0.path.prefix { $0 != "/" } }).count
                reports.append(SourceReport(source: source.path, skipped: false, contentHash: source.hash, bytes: source.size,
                                            rowsRead: stored + rejects.count, rowsStored: stored, rowsRejected: rejects.count,
                                            rowsCoerced: 0, reasons: reasons, parts: batcher == nil ? parts.count : (stored > 0 ? 1 : 0),
                                            days: format == .logs ? days : 0, rejectsFile: rejectsFile))
                records.append(SourceRecord(path: source.path, size: source.size, contentHash: source.hash,
                                            rowsRead: stored + rejects.count, rowsStored: stored, rowsRejected: rejects.count,
                                            rowsCoerced: 0, reasons: reasons, rejectsFile: rejectsFile,
                                            ingestedAt: IngestClock.isoNow(), transaction: txn.id))
            }
            do { try batcher?.finish() } catch { throw .columnar(error) }
            CrashPoint.reach("before-commit")
            let warnings: [String]
            do { warnings = try txn.commit(sources: records) } catch { throw .columnar(error) }
            for w in warnings { options.message?("warning: " + w) }
        } catch {
            batcher?.abandon()
            txn.abandon()
            throw error
        }
        return IngestReport(sources: reports, elapsedSeconds: IngestClock.now() - started)
    }

    /// Writes one parsed batch of logs, split by UTC day of `ts` and sorted by (ts, input
    /// order). Returns the parts added.
    private func writeParts(_ batch: RecordBatch, source: String, txn: StoreTransaction) throws -> [PartFile] {
        guard batch.rowCount > 0 else { return [] }
        var groups: [(key: String, day: Int64?, rows: [Int], min: Int64?, max: Int64?)] = []
        if let ts = batch.column(named: "ts")?.int64Column {
            var byDay: [Int64: [Int]] = [:]
            for r in 0..<batch.rowCount { byDay[CivilTime.dayNumber(micros: ts.values[r]), default: []].append(r) }
            for day in byDay.keys.sorted() {
                var rows = byDay[day]!
                rows.sort { (ts.values[$0], $0) < (ts.values[$1], $1) }
                groups.append((StoreTransaction.dayKey(day), day, rows, ts.values[rows.first!], ts.values[rows.last!]))
            }
        } else {
            groups.append(("", nil, Array(0..<batch.rowCount), nil, nil))
        }
        var added: [PartFile] = []
        for g in groups {
            let part = try ColumnGather.gather(batch, g.rows)
            let reservation = try txn.reservePart(partitionKey: g.key, day: g.day)
            let bytes = try options.encoder.write(part, to: reservation.temporaryPath)
            txn.addPart(reservation, rows: part.rowCount, bytes: bytes, source: source, minTime: g.min, maxTime: g.max)
            CrashPoint.reach("after-first-part")
            added.append(PartFile(path: reservation.finalPath, rows: part.rowCount, bytes: bytes, source: source,
                                  minTime: g.min, maxTime: g.max))
        }
        return added
    }

    /// The rejects of one source as CSV `source,line,kind,reason,raw`; returns the final path.
    private func writeRejects(_ rejects: [JSONReject], txn: StoreTransaction) throws(ColumnarError) -> String {
        let (tmp, final) = try txn.reserveRejectsFile()
        var out = Array("source,line,kind,reason,raw\n".utf8)
        func quoted(_ s: String) {
            out.append(0x22)
            for c in s.utf8 {
                if c == 0x22 { out.append(0x22) }
                out.append(c)
            }
            out.append(0x22)
        }
        for r in rejects {
            quoted(r.source)
            out.append(contentsOf: ",\(r.line),REJECTED,".utf8)
            quoted(r.reason)
            out.append(0x2C)
            quoted(r.text)
            out.append(0x0A)
        }
        try FileIO.writeAll(tmp, out, sync: true)
        return final
    }

}

/// Parquet part files for the Sparkify datasets: zstd, dictionary strings, statistics, fsynced;
/// log parts declare `sorting_columns` (ts).
public struct SparkifyPartEncoder: PartEncoder {
    public var rowGroupRows: Int
    public init(rowGroupRows: Int = 512 * 1024) { self.rowGroupRows = rowGroupRows }

    public func write(_ batch: RecordBatch, to path: String) throws(ColumnarError) -> Int {
        var options = ParquetWriterOptions()
        options.codec = .zstd
        options.rowGroupRows = rowGroupRows
        options.sync = true
        if let i = batch.schema.index(of: "ts"), batch.schema == SparkifySchemas.logSchema {
            options.sortingColumns = [SortingColumn(columnIndex: Int32(i), nullsFirst: true)]
            options.keyValueMetadata = [KeyValue(key: "extract.sorted_by", value: "ts, input order")]
        }
        let writer = try ParquetWriter(path: path, schema: batch.schema, options: options)
        do {
            try writer.write(batch)
            _ = try writer.close()
        } catch {
            writer.abandon()
            throw error
        }
        return try FileIO.size(path)
    }
}
