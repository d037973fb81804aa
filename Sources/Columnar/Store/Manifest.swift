/// The manifest of one dataset of a store, one immutable version of it per commit
/// (`<store>/<dataset>/_manifests/<version>.json`, see `ManifestLog`; stores of format 1 keep
/// a single `<dataset>/_manifest.json`): the single source of truth for which files belong to
/// the dataset. A file under the dataset folder that
/// the manifest does not list is not part of the dataset (readers must go through the manifest
/// or through the `*/*.parquet` glob, which never matches the hidden temporary names).
public struct DatasetManifest: Codable, Sendable, Equatable {
    /// Store format version (`StoreFormat`): how manifests are kept and committed and what the
    /// part files' footers hold. 1: a single `_manifest.json` renamed under a lock; 2:
    /// versioned manifests created with write-if-absent.
    public var formatVersion: Int
    /// This manifest's number in the dataset's version log (format 2; it equals the number in
    /// its file name). nil in format 1 manifests (version 0 of the log).
    public var version: Int?
    public var dataset: String
    public var schema: Schema
    /// Version of the dataset's schema, as its dataset declares it (for events,
    /// `EventsDataset.schemas` in Ingest): every part file has the schema of this version.
    /// nil in manifests written before versions existed (read as version 1); absent from the
    /// JSON when nil, so such manifests are rewritten as they were.
    public var schemaVersion: Int?
    /// Every source ingested, in ingestion order.
    public var sources: [SourceRecord]
    /// Partitions sorted by key; within each, files in commit order.
    public var partitions: [PartitionRecord]
    /// Column names each part file is sorted by (e.g. ["user_id", "event_time"]), if any.
    public var sortedBy: [String]?
    /// Moves and deletions decided by the commit that wrote this version and not yet known to
    /// be applied. Only the latest version's may be unapplied: every writer applies them
    /// before it commits the next version, which never carries them (a delete that failed is
    /// carried forward). nil in the clean version a committer writes after applying them.
    public var pending: PendingOperations?

    public init(dataset: String, schema: Schema, schemaVersion: Int? = nil, sortedBy: [String]? = nil) {
        formatVersion = StoreFormat.current
        version = nil
        self.dataset = dataset
        self.schema = schema
        self.schemaVersion = schemaVersion
        sources = []
        partitions = []
        self.sortedBy = sortedBy
        pending = nil
    }

    /// All part files, with their partition.
    public var allFiles: [(partition: PartitionRecord, file: PartFile)] {
        partitions.flatMap { p in p.files.map { (p, $0) } }
    }

    public var totalRows: Int { partitions.reduce(0) { $0 + $1.files.reduce(0) { $0 + $1.rows } } }
    public var totalBytes: Int { partitions.reduce(0) { $0 + $1.files.reduce(0) { $0 + $1.bytes } } }
}

/// One partition (`date=2019-10-01`, or "" for an unpartitioned dataset).
public struct PartitionRecord: Codable, Sendable, Equatable {
    /// Folder name under the dataset folder: "date=YYYY-MM-DD", or "" (files at the top).
    public var key: String
    /// Days since 1970-01-01 for day partitions.
    public var day: Int64?
    public var files: [PartFile]

    public init(key: String, day: Int64?, files: [PartFile] = []) {
        self.key = key
        self.day = day
        self.files = files
    }

    public var rows: Int { files.reduce(0) { $0 + $1.rows } }
    public var bytes: Int { files.reduce(0) { $0 + $1.bytes } }
    /// Min/max of the time column over the partition's files (micros), when known.
    public var minTime: Int64? { files.compactMap(\.minTime).min() }
    public var maxTime: Int64? { files.compactMap(\.maxTime).max() }
}

/// One Parquet file of a partition.
public struct PartFile: Codable, Sendable, Equatable {
    /// Path relative to the dataset folder, e.g. "date=2019-10-01/part-<txn>-0003.parquet".
    public var path: String
    public var rows: Int
    public var bytes: Int
    /// `SourceRecord.contentHash` of the source the rows came from.
    public var source: String
    /// Min/max of the time column (micros), when the dataset has one.
    public var minTime: Int64?
    public var maxTime: Int64?

    public init(path: String, rows: Int, bytes: Int, source: String, minTime: Int64?, maxTime: Int64?) {
        self.path = path
        self.rows = rows
        self.bytes = bytes
        self.source = source
        self.minTime = minTime
        self.maxTime = maxTime
    }
}

/// The identity and outcome of one ingested source.
public struct SourceRecord: Codable, Sendable, Equatable {
    /// The path as given on the command line ("-" for standard input).
    public var path: String
    /// Size in bytes of the source as read (compressed size for .gz).
    public var size: Int
    /// Content hash of the source bytes as read (see `ContentHasher`), the identity used for
    /// idempotent re-ingest.
    public var contentHash: String
    /// Data lines read (header and blank lines excluded).
    public var rowsRead: Int
    public var rowsStored: Int
    public var rowsRejected: Int
    public var rowsCoerced: Int
    /// Count per reason (rejected and coerced reasons both).
    public var reasons: [String: Int]
    /// The rejects file, relative to the store folder, when any line was rejected or coerced.
    public var rejectsFile: String?
    /// UTC time of the commit, ISO 8601.
    public var ingestedAt: String
    /// Transaction that stored it.
    public var transaction: String

    public init(path: String, size: Int, contentHash: String, rowsRead: Int, rowsStored: Int, rowsRejected: Int,
                rowsCoerced: Int, reasons: [String: Int], rejectsFile: String?, ingestedAt: String, transaction: String) {
        self.path = path
        self.size = size
        self.contentHash = contentHash
        self.rowsRead = rowsRead
        self.rowsStored = rowsStored
        self.rowsRejected = rowsRejected
        self.rowsCoerced = rowsCoerced
        self.reasons = reasons
        self.rejectsFile = rejectsFile
        self.ingestedAt = ingestedAt
        self.transaction = transaction
    }
}

/// File operations a commit decided, in store-relative keys, applied idempotently by the
/// committer or, after a crash, by the next writer (roll forward): a move whose source is gone
/// is done; a delete of a missing file is done.
public struct PendingOperations: Codable, Sendable, Equatable {
    public struct Rename: Codable, Sendable, Equatable {
        public var from: String
        public var to: String
    }
    public var renames: [Rename]
    public var deletes: [String]
}
