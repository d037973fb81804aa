import Columnar

/// One input source of an ingest call, as its format reader opened or found it before the
/// store lock was taken.
public protocol IngestSource {
    /// The name in reports, messages and rejects files (the path as given, "-" for stdin).
    var name: String { get }
    /// A regular file holding exactly the source's bytes, which the shared loop may hash before
    /// reading it (when the format asks for it, or when a known source has its size); nil for a
    /// stream, read once and identified while read.
    var identityFile: String? { get }
}

/// The dataset an ingest writes: its name, the schema of its parts, the schema version to
/// declare on a new manifest (nil: none) and the columns its parts are sorted by.
public struct DatasetTarget: Sendable {
    public var name: String
    public var schema: Schema
    public var schemaVersion: Int?
    public var sortedBy: [String]?

    public init(name: String, schema: Schema, schemaVersion: Int? = nil, sortedBy: [String]?) {
        self.name = name
        self.schema = schema
        self.schemaVersion = schemaVersion
        self.sortedBy = sortedBy
    }
}

/// Where a format reader's parsed rows go: it writes them as part files of the transaction,
/// each labelled with the `label` given with the rows (`SourceContext.label`).
/// Owned by the ingest's thread (a sink may run its own writer thread behind it).
public protocol PartSink: AnyObject {
    /// Called once, before any source is read, with the content hashes this call replaces that
    /// are known up front, and the manifest read after `begin` (nil for a new dataset).
    func prepare(replacing: Set<String>, existing: DatasetManifest?) throws(ColumnarError)
    /// Completes every part (waiting for a writer thread) and rethrows the first failure.
    func finish() throws(ColumnarError)
    /// After a failure: stops writing (the transaction, abandoned by the loop, deletes the parts).
    func abandon()
    /// The part files and days the rows labelled `label` went to, for its report (after `finish`).
    func extent(label: String, rowsStored: Int) -> (parts: Int, days: Int)
}

extension PartFile {
    /// The number of parts and of distinct partitions (days) among `parts`.
    static func extent(_ parts: [PartFile]) -> (parts: Int, days: Int) {
        (parts.count, Set(parts.map { $0.path.prefix { $0 != "/" } }).count)
    }
}

extension PartSink {
    public func prepare(replacing: Set<String>, existing: DatasetManifest?) throws(ColumnarError) {}
    public func abandon() {}
}

/// What a format reader returns for one source read.
public struct SourceRead: Sendable {
    public var rowsRead: Int
    public var rowsStored: Int
    /// Raw bytes read (the file's size for a file).
    public var bytes: Int
    /// The content hash (`ContentHasher`) computed while reading: required from a reader that
    /// does not identify sources before reading; nil otherwise (the loop's up-front identity
    /// is the source's).
    public var digest: String?
    /// The pre-`xxh64:` digest computed alongside, when asked (`SourceContext.legacyDigest`).
    public var legacyDigest: String?

    public init(rowsRead: Int, rowsStored: Int, bytes: Int, digest: String? = nil, legacyDigest: String? = nil) {
        self.rowsRead = rowsRead
        self.rowsStored = rowsStored
        self.bytes = bytes
        self.digest = digest
        self.legacyDigest = legacyDigest
    }
}

/// One input format of `extract ingest`: finds its sources, names its dataset, and parses one
/// source at a time into typed batches handed to its `PartSink`, recording rejected and
/// coerced records in `context.rejects` and calling `context.checkpoint` after each chunk.
///
/// Everything else — source identity (content hash) and skip/replace, the reject limit,
/// progress, reports and the store transaction — is `SourceLoop`'s, the same for every format.
/// Adding a format is one reader and one `InputFormat` case.
public protocol SourceReader {
    associatedtype Argument
    associatedtype Source: IngestSource
    associatedtype Sink: PartSink

    /// True when every source must be identified (content hash) before it is read: the sink
    /// cannot drop a source's rows once written (a part shared by several sources), or embeds the
    /// label in the rows. False: a source not identified up front is labelled provisionally and
    /// its parts dropped or relabelled once its hash is known.
    var identifiesBeforeReading: Bool { get }

    /// Turns the command line's inputs into sources, before the store lock: checks what can be
    /// checked without the store (existence, headers) and opens streams (open() of a FIFO waits
    /// for a writer; never while holding the lock).
    func sources(_ arguments: [Argument]) throws(IngestError) -> [Source]

    /// Frees what `sources` made (temporary copies), after the call, whatever its outcome.
    func release(_ sources: [Source])

    /// The dataset written, given the store (e.g. the schema version of an existing dataset).
    func target(in store: Store) throws(IngestError) -> DatasetTarget

    /// The sink of one call's parts.
    func makeSink(transaction: StoreTransaction, options: IngestOptions) -> Sink

    /// Parses `source` completely into `sink`.
    func read(_ source: Source, into sink: Sink, context: SourceContext) throws(IngestError) -> SourceRead
}

extension SourceReader {
    public func release(_ sources: [Source]) {}
}

/// The shared loop's side of reading one source: the label to give its rows, its rejects file,
/// and `checkpoint` (the reject limit and progress).
public final class SourceContext {
    /// The source's name (reports, rejects, messages).
    public let name: String
    /// The label of this source's parts: its content hash when known up front, else provisional.
    public let label: String
    /// True when the reader should also compute the pre-`xxh64:` digest (a store that may hold
    /// this source under one).
    public let legacyDigest: Bool
    let rejects: RejectLog
    private let onCheckpoint: (SourceContext, _ bytesRead: Int, _ rowsRead: Int) throws(IngestError) -> Void

    init(name: String, label: String, legacyDigest: Bool, rejects: RejectLog,
         checkpoint: @escaping (SourceContext, Int, Int) throws(IngestError) -> Void) {
        self.name = name
        self.label = label
        self.legacyDigest = legacyDigest
        self.rejects = rejects
        onCheckpoint = checkpoint
    }

    /// Rejected records of this source so far.
    public var rejected: Int { rejects.rejected }

    /// Records one record rejected (or coerced) for `reason` about `field` (nil: the whole
    /// record), with `detail` in the rejects file (see `RejectLog`).
    public func reject(line: Int, reason: RejectReason, field: String?, detail: String, raw: String) throws(IngestError) {
        do { try rejects.record(line: line, reason: reason, field: field, detail: detail, raw: raw) } catch {
            throw .columnar(error)
        }
    }

    /// Called by the reader after each chunk (and once at the end, before its last rows are
    /// written): throws `.tooManyRejects` past the limit, reports progress (throttled).
    /// `bytesRead`, `rowsRead`: of this source so far.
    public func checkpoint(bytesRead: Int, rowsRead: Int) throws(IngestError) {
        try onCheckpoint(self, bytesRead, rowsRead)
    }
}
