import Columnar

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
        switch format {
        case .logs:
            let reader = SparkifyReader(format: format, options: options) { txn, options in
                BatchPartWriter(transaction: txn, encoder: options.encoder, timeColumn: "ts")
            }
            return try SourceLoop(store: store, reader: reader, options: options).run(inputs)
        case .songs:
            let rowsPerPart = songRowsPerPart
            let reader = SparkifyReader(format: format, options: options) { txn, _ in
                SongPartBatcher(txn: txn, rowsPerPart: rowsPerPart, rowGroupRows: 128 * 1024)
            }
            return try SourceLoop(store: store, reader: reader, options: options).run(inputs)
        }
    }
}
