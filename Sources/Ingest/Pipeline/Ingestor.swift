import Columnar

/// `extract ingest`: raw REES46 CSV dumps → the `events` dataset of a store, through the shared
/// `SourceLoop` with the `REES46Reader`.
///
/// One call is one store transaction: every source is parsed into per-day buffers flushed to a
/// writer thread that sorts and encodes the part files; rejected and coerced lines go to one
/// rejects file per source; the manifest is committed once at the end (see `Store`). Any error,
/// or more than `maxRejects` rejected lines, abandons the transaction: the store is left
/// unchanged. Idempotence (content hashes, `replace`, pre-`xxh64:` stores) is `SourceLoop`'s;
/// the format's semantics and its differences from Spark's reader are `REES46Reader`'s.
/// An ingest that finds the lock held says so through `IngestOptions.message`, naming the
/// holder (pid and host), then waits.
/// Memory: bounded by `IngestOptions.maxBufferedRows` (see there), never by the input size.
///
/// ### Example
/// ```swift
/// let store = try Store(path: "./store", create: true)
/// let report = try Ingestor(store: store, options: IngestOptions(encoder: ParquetPartEncoder()))
///     .ingest(sources: [.file("2019-Oct.csv.gz"), .standardInput])
/// ```
public struct Ingestor {
    public let store: Store
    public let options: IngestOptions

    public init(store: Store, options: IngestOptions) {
        self.store = store
        self.options = options
    }

    public func ingest(sources: [InputSource]) throws(IngestError) -> IngestReport {
        try SourceLoop(store: store, reader: REES46Reader(options: options), options: options).run(sources)
    }
}
