import Columnar

/// Writes the `songs` rows of one ingest call into few large parts instead of one tiny fsynced
/// part per catalogue file (the real catalogue is ~15,000 files of one song each).
///
/// Every row carries its source's content hash in the `source_hash` column, so a source keeps
/// its identity inside a shared part. A part's manifest label (`PartFile.source`) is
/// `"batch:" + its final path`, unique to that part; `--replace` of a source rewrites each part
/// holding its rows without them (`carryOver`), and the transaction deletes the old part at
/// commit (`replaceSource(contentHash:)` with the part's label), all in the same transaction.
///
/// Memory: the `ParquetWriter` holds at most one row group of pending rows (references to the
/// parsed batches); a part is closed and a new one started every `rowsPerPart` rows.
/// Owned by one thread.
final class SongPartBatcher: BatchSink {
    static let labelPrefix = "batch:"
    let txn: StoreTransaction
    let rowsPerPart: Int
    let rowGroupRows: Int
    private var writer: ParquetWriter?
    private var reservation: PartReservation?
    private var rows = 0
    /// Parts added to the transaction so far.
    private(set) var partsAdded = 0

    init(txn: StoreTransaction, rowsPerPart: Int, rowGroupRows: Int) {
        self.txn = txn
        self.rowsPerPart = max(1, rowsPerPart)
        self.rowGroupRows = rowGroupRows
    }

    /// Replaced files (`replacing`, content hashes): each part of `existing` holding their rows is
    /// rewritten without them, and the old part dropped at commit.
    func prepare(replacing: Set<String>, existing: DatasetManifest?) throws(ColumnarError) {
        guard !replacing.isEmpty, let existing else { return }
        for (_, file) in existing.allFiles where file.source.hasPrefix(Self.labelPrefix) {
            let path = txn.store.datasetPath(txn.dataset) + "/" + file.path
            if try carryOver(part: path, removing: replacing) { txn.replaceSource(contentHash: file.source) }
        }
    }

    /// A source's rows share the call's parts: one part is reported for a source with rows.
    func extent(label: String, rowsStored: Int) -> (parts: Int, days: Int) { (rowsStored > 0 ? 1 : 0, 0) }

    /// Appends parsed catalogue rows (`SparkifySchemas.songSchema`) of the source whose content
    /// hash is `hash` (its label: songs are identified before they are read).
    func append(_ batch: RecordBatch, label hash: String) throws(ColumnarError) {
        guard batch.rowCount > 0 else { return }
        var column = StringColumn()
        let bytes = Array(hash.utf8)
        column.reserveCapacity(rows: batch.rowCount, bytes: bytes.count * batch.rowCount)
        bytes.withUnsafeBytes { raw in
            for _ in 0..<batch.rowCount { column.appendBytes(raw) }
        }
        try appendStored(try RecordBatch(schema: SparkifySchemas.songDatasetSchema,
                                         columns: batch.columns + [.string(column)]))
    }

    /// Appends rows already in the dataset schema (`songDatasetSchema`), e.g. carried over.
    func appendStored(_ batch: RecordBatch) throws(ColumnarError) {
        var row = 0
        while row < batch.rowCount {
            if writer == nil { try open() }
            let take = min(batch.rowCount - row, rowsPerPart - rows)
            let slice = take == batch.rowCount ? batch : try ColumnGather.gather(batch, Array(row..<(row + take)))
            try writer!.write(slice)
            rows += take
            row += take
            if rows >= rowsPerPart { try close() }
        }
    }

    /// Rewrites the stored rows of `part` (absolute path) whose `source_hash` is not in
    /// `removed` into this call's parts. Returns true when the part held a removed source (the
    /// caller then drops the old part at commit); false, and nothing written, otherwise.
    func carryOver(part path: String, removing removed: Set<String>) throws(ColumnarError) -> Bool {
        let file = try ParquetFile(path: path)
        var hit = false
        for batch in try file.readAll(columns: ["source_hash"]) {
            let hashes = Self.strings(batch.columns[0])
            for r in 0..<hashes.count where removed.contains(hashes[r]) { hit = true; break }
            if hit { break }
        }
        guard hit else { return false }
        for batch in try file.readAll(columns: SparkifySchemas.songDatasetSchema.names) {
            let hashes = Self.strings(batch.columns[batch.columns.count - 1])
            let keep = (0..<batch.rowCount).filter { !removed.contains(hashes[$0]) }
            guard !keep.isEmpty else { continue }
            let rows = try ColumnGather.gather(batch, keep)
            try appendStored(try RecordBatch(schema: SparkifySchemas.songDatasetSchema, columns: rows.columns))
        }
        return true
    }

    /// Closes the open part (if any) and adds it to the transaction.
    func finish() throws(ColumnarError) { try close() }

    /// Deletes the open part's temporary file after a failure.
    func abandon() {
        writer?.abandon()
        writer = nil
    }

    private func open() throws(ColumnarError) {
        let r = try txn.reservePart(partitionKey: "", day: nil)
        var options = ParquetWriterOptions()
        options.codec = .zstd
        options.rowGroupRows = rowGroupRows
        options.sync = true
        writer = try ParquetWriter(path: r.temporaryPath, schema: SparkifySchemas.songDatasetSchema, options: options)
        reservation = r
        rows = 0
    }

    private func close() throws(ColumnarError) {
        guard let w = writer, let r = reservation else { return }
        writer = nil
        do { _ = try w.close() } catch {
            w.abandon()
            throw error
        }
        let bytes = try FileIO.size(r.temporaryPath)
        txn.addPart(r, rows: rows, bytes: bytes, source: Self.labelPrefix + r.finalPath, minTime: nil, maxTime: nil)
        partsAdded += 1
        CrashPoint.reach("after-first-part")
    }

    /// The values of a string column (plain or dictionary) as Swift strings ("" for nulls).
    static func strings(_ column: AnyColumn) -> [String] {
        let c: StringColumn
        switch column {
        case .string(let s): c = s
        case .dictionary(let d): c = d.materialized()
        default: return []
        }
        return (0..<c.count).map { c[$0] ?? "" }
    }
}
