import Columnar

/// Live counters for a progress display, reported about four times a second.
public struct IngestProgress: Sendable {
    public var source: String
    /// Raw (possibly compressed) bytes read of this source, and its size when known.
    public var bytesRead: Int
    public var bytesTotal: Int?
    public var rowsRead: Int
    public var elapsedSeconds: Double
}

/// Options of `Ingestor`.
public struct IngestOptions: Sendable {
    /// Fail (store unchanged) when more lines than this are REJECTED (coerced lines do not count).
    public var maxRejects: Int?
    /// Redo sources already in the manifest (their old parts and rejects are removed).
    public var replace = false
    /// Memory bound. A day buffer that received no row for the last maxBufferedRows/100 rows
    /// (time-ordered input: a finished day) is flushed at once as one sorted part of its day.
    /// Beyond that, when more rows than this are buffered across day buffers, one more is
    /// flushed: the largest that received no row for the last maxBufferedRows/10 rows, else the
    /// largest day (unordered input: several sorted parts per day, merged by the query).
    /// ≈ 75–100 bytes per row; besides the buffered rows, one flushed buffer waits in the queue
    /// and each of the two threads may be writing one (with its sorted copy), so peak ingest
    /// memory is about 3 × maxBufferedRows × 100 bytes (≈ 900 MB at the default) at worst.
    public var maxBufferedRows = 3_000_000
    /// Bytes read and parsed per step (the budget is checked after each step).
    public var chunkBytes = 4 << 20
    /// Writes the part files (default: Parquet, zstd, fsynced).
    public var encoder: any PartEncoder
    /// Called on the parser thread with live counters (nil: no progress).
    public var progress: (@Sendable (IngestProgress) -> Void)?
    /// Informational messages (e.g. "already ingested, skipped").
    public var message: (@Sendable (String) -> Void)?
    /// Called once when the store lock is held by another writer, with a line naming it (pid
    /// and host), before waiting for it (nil: `message` is used).
    public var waiting: (@Sendable (String) -> Void)?

    public init(encoder: any PartEncoder) { self.encoder = encoder }
}

/// The outcome of one source.
public struct SourceReport: Sendable {
    public var source: String
    /// True when the source was already in the store (no-op).
    public var skipped: Bool
    public var contentHash: String
    public var bytes: Int
    public var rowsRead: Int
    public var rowsStored: Int
    public var rowsRejected: Int
    public var rowsCoerced: Int
    public var reasons: [String: Int]
    public var parts: Int
    public var days: Int
    /// Store-relative path of its rejects file, if any line was rejected or coerced.
    public var rejectsFile: String?
}

/// The outcome of one `Ingestor.ingest` call.
public struct IngestReport: Sendable {
    public var sources: [SourceReport]
    public var elapsedSeconds: Double
    public var rowsRead: Int { sources.reduce(0) { $0 + $1.rowsRead } }
    public var rowsStored: Int { sources.reduce(0) { $0 + $1.rowsStored } }
    public var rowsRejected: Int { sources.reduce(0) { $0 + $1.rowsRejected } }
    public var rowsCoerced: Int { sources.reduce(0) { $0 + $1.rowsCoerced } }
    public var bytes: Int { sources.reduce(0) { $0 + $1.bytes } }
}
