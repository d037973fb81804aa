import Columnar

/// A `PartSink` fed with parsed `RecordBatch`es (the readers of self-describing formats, e.g.
/// JSON, build batches of the dataset's schema).
public protocol BatchSink: PartSink {
    /// Writes (or buffers) the rows of `batch`, labelled `label` (see `SourceContext.label`).
    func append(_ batch: RecordBatch, label: String) throws(ColumnarError)
}

/// Writes each batch at once as part files: split by UTC day of the `timeColumn` (`date=…`
/// partitions, rows sorted by time then input order, `BatchDays`) when the batch has that
/// column, else one unpartitioned part. Parts are encoded by `encoder` on the calling thread.
/// Memory: one batch and its sorted copy. Owned by the ingest's thread.
public final class BatchPartWriter: BatchSink {
    let transaction: StoreTransaction
    let encoder: any PartEncoder
    let timeColumn: String

    public init(transaction: StoreTransaction, encoder: any PartEncoder, timeColumn: String) {
        self.transaction = transaction
        self.encoder = encoder
        self.timeColumn = timeColumn
    }

    public func append(_ batch: RecordBatch, label: String) throws(ColumnarError) {
        guard batch.rowCount > 0 else { return }
        var groups: [(key: String, day: Int64?, rows: [Int], min: Int64?, max: Int64?)] = []
        if let time = batch.column(named: timeColumn)?.int64Column {
            for d in BatchDays.split(time, rowCount: batch.rowCount) { groups.append((d.key, d.day, d.rows, d.minTime, d.maxTime)) }
        } else {
            groups.append(("", nil, Array(0..<batch.rowCount), nil, nil))
        }
        for g in groups {
            let part = try ColumnGather.gather(batch, g.rows)
            let reservation = try transaction.reservePart(partitionKey: g.key, day: g.day)
            let bytes = try encoder.write(part, to: reservation.temporaryPath)
            transaction.addPart(reservation, rows: part.rowCount, bytes: bytes, source: label, minTime: g.min, maxTime: g.max)
            CrashPoint.reach("after-first-part")
        }
    }

    public func finish() throws(ColumnarError) {}

    public func extent(label: String, rowsStored: Int) -> (parts: Int, days: Int) {
        PartFile.extent(transaction.addedParts(source: label))
    }
}
