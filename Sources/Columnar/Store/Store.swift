import Foundation

/// A store: datasets, each a Hive-partitioned Parquet dataset with a log of manifest versions,
/// kept in any `ObjectStorage` (a local folder or a bucket):
///
/// ```
/// <store>/.lock                                        local stores only: writers hold it shared (`StoreLock`)
/// <store>/<dataset>/_manifests/<10-digit n>.json        manifest version n, the commit record (`ManifestLog`)
/// <store>/<dataset>/_manifest.json                     a copy of a recent version (for people, older builds)
/// <store>/<dataset>/date=YYYY-MM-DD/part-<txn>-<n>.parquet
/// <store>/<dataset>/date=YYYY-MM-DD/.part-<txn>-<n>.parquet.tmp   written, not yet moved (never globbed)
/// <store>/_rejects/<dataset>-<txn>-<n>.csv             lines not stored as is
/// ```
///
/// Commit protocol (`StoreTransaction.commit`), lock-free and rename-free, so that it works on a
/// bucket and lets any number of writers (processes, Spark tasks) write one dataset at once: a
/// writer starts from the newest version N; its parts and rejects are written whole under
/// hidden `.tmp` keys; the commit point is creating version N+1 with `putIfAbsent`, listing the
/// final names plus the pending moves (hidden → final) and deletions. When another writer
/// created N+1 first, the commit re-reads it, drops its own sources that are now committed
/// (reported as skipped, never stored twice), rebases its parts on it and tries N+2, a bounded
/// number of times. After its commit point the writer applies the moves and deletions
/// (idempotent) and creates a clean version without them; whoever commits next applies them
/// first anyway, so only the newest version's pending operations may be unapplied, and readers
/// resolve its parts under either name (`partKey`).
///
/// Readers never write: `Store(readingAt:)` opens a store with no write access needed; they
/// read the newest version, which is always whole (`putIfAbsent` creates objects whole).
/// Writers (`Store(path:)`, `begin`) apply the newest version's pending operations and clean
/// up orphans (temporaries of writers that crashed before their commit point): every one when
/// the local lock proves no writer alive, else only those older than `StoreRecovery.orphanAge`
/// (by the time in their transaction id). Clean-up touches only datasets (folders holding a
/// manifest) and never follows a symbolic link. Every manifest read is validated
/// (`ManifestCheck`): a damaged one throws `.damaged` naming it.
///
/// Format 1 stores (one `_manifest.json`, renamed under an exclusive lock) are read as version
/// 0; the first write creates version 1 and rewrites `_manifest.json` as its copy (format 2, so
/// an older `extract` refuses it instead of reading stale data). Thread safety: a `Store` may be
/// shared; transactions are single-writer.
public final class Store: @unchecked Sendable {
    /// Where the store's objects live.
    public let storage: any ObjectStorage
    /// The local implementation when the store is a local folder (symbolic-link checks, the
    /// lock, empty folders); nil for a bucket.
    let local: LocalStorage?
    /// Opened by `init(readingAt:)`: never writes.
    public let isReadOnly: Bool

    /// The store's location, for messages (a folder path, or `s3://bucket/prefix`).
    public var path: String { storage.location }

    /// Opens the local store at `path` for writing (creating the folder when `create`),
    /// completing interrupted commits and cleaning up orphans (`recover`). Throws `.store` when
    /// it does not exist. Verbs that only read use `init(readingAt:)`.
    public convenience init(path: String, create: Bool = false) throws(ColumnarError) {
        try self.init(storage: LocalStorage(root: path), readOnly: false, create: create)
    }

    /// Opens the local store at `path` for reading only: nothing in it is created, written or
    /// removed (not even `.lock`), so a read-only store or one writers are using works.
    /// Throws `.store` when it does not exist.
    public convenience init(readingAt path: String) throws(ColumnarError) {
        try self.init(storage: LocalStorage(root: path), readOnly: true)
    }

    /// Opens the store kept in `storage`. A local one must be a folder (created when `create`);
    /// a bucket store exists as soon as its prefix is given (an empty one has no dataset).
    /// Unless `readOnly`, interrupted commits are completed and orphans cleaned up (`recover`).
    public init(storage: any ObjectStorage, readOnly: Bool, create: Bool = false) throws(ColumnarError) {
        self.storage = storage
        local = storage as? LocalStorage
        isReadOnly = readOnly
        if let local, !FileIO.isDirectory(local.root) {
            guard create, !readOnly else { throw .store(path: local.root, reason: "no store here (run `extract ingest` first)") }
            try FileIO.makeDirectories(local.root)
        }
        if !readOnly {
            // A read-only folder (no lock file can be created) is opened as it is.
            let lock = local == nil ? nil : try? StoreLock(storePath: local!.root, mode: .exclusive, wait: false)
            defer { lock?.unlock() }
            if local == nil || lock != nil { try recover(everyOrphan: lock != nil) }
        }
    }

    /// Names of the datasets (folders holding a manifest), sorted.
    public func datasets() throws(ColumnarError) -> [String] {
        try ManifestLog.datasets(storage)
    }

    /// A dataset folder's location, for messages (its path in a local store).
    public func datasetPath(_ dataset: String) -> String { storage.describe(dataset) }

    /// The dataset's newest manifest, validated (`ManifestCheck`); nil if the dataset does not
    /// exist. An empty, truncated or undecodable manifest, or one failing validation, throws
    /// `.damaged(path: <its file>, …)`; an unreadable one `.io`/`.remote`.
    public func manifest(dataset: String) throws(ColumnarError) -> DatasetManifest? {
        try latest(dataset: dataset)?.manifest
    }

    /// The newest version: its number (0 for a format 1 store) and manifest.
    func latest(dataset: String) throws(ColumnarError) -> (version: Int, manifest: DatasetManifest)? {
        guard StorePath.isPlainName(dataset) else { throw .invalidArgument("'\(dataset)' is not a dataset name") }
        if let local { try StorePath.checkNoSymlinks(local.path(of: dataset), under: local.root) }
        guard let (version, key) = try ManifestLog.latest(storage, dataset: dataset) else { return nil }
        let file = storage.describe(key)
        if let local { try StorePath.checkNoSymlinks(file, under: local.root) }
        let bytes = try storage.read(key)
        return (version, try ManifestLog.decode(bytes, dataset: dataset, version: version, file: file))
    }

    /// The key to read for part `file` of `manifest`: its final key, or, while the commit that
    /// added it is not rolled forward yet (a crash after the commit point, or a writer in
    /// progress), its temporary one. Refuses symbolic links on the way (local); a part that
    /// exists under neither name throws `.damaged(path:, problem: "missing")`.
    public func partKey(_ file: PartFile, of manifest: DatasetManifest) throws(ColumnarError) -> String {
        let final = manifest.dataset + "/" + file.path
        try checkNoSymlinks(final)
        if try storage.size(of: final) != nil { return final }
        if let r = manifest.pending?.renames.first(where: { $0.to == final }) {
            try checkNoSymlinks(r.from)
            if try storage.size(of: r.from) != nil { return r.from }
        }
        throw .damaged(path: storage.describe(final), problem: "missing")
    }

    /// The part's full name (its path in a local store), resolved as `partKey`.
    public func partPath(_ file: PartFile, of manifest: DatasetManifest) throws(ColumnarError) -> String {
        storage.describe(try partKey(file, of: manifest))
    }

    /// Opens part `file` of `manifest` for ranged reads (resolved as `partKey`).
    public func openPart(_ file: PartFile, of manifest: DatasetManifest) throws(ColumnarError) -> any RandomAccessObject {
        try storage.openForReading(try partKey(file, of: manifest))
    }

    /// Full names of a dataset's part files, in partition order.
    public func partPaths(dataset: String) throws(ColumnarError) -> [String] {
        guard let m = try manifest(dataset: dataset) else { return [] }
        var out: [String] = []
        for (_, f) in m.allFiles { out.append(try partPath(f, of: m)) }
        return out
    }

    /// Starts a write transaction on `dataset` (created with `schema` and `schemaVersion` if
    /// new; an existing dataset must have the same schema and version, nil and 1 being the
    /// same). Other writers may run at once (see the commit protocol above). On a local store
    /// the lock is taken shared; it blocks only while a format 1 writer (an older `extract`)
    /// or a clean-up holds it exclusive, after calling `waiting` with one line naming the
    /// holder. A new dataset gets an empty version 1 first (removed again if the transaction is
    /// abandoned and nobody built on it), so that clean-up after a crash knows the folder.
    public func begin(dataset: String, schema: Schema, schemaVersion: Int? = nil, sortedBy: [String]? = nil,
                      waiting: ((String) -> Void)? = nil) throws(ColumnarError) -> StoreTransaction {
        guard !isReadOnly else { throw .invalidArgument("\(path): store opened for reading") }
        guard StorePath.isPlainName(dataset), !dataset.hasPrefix("_"), !dataset.hasPrefix(".") else {
            throw .invalidArgument("'\(dataset)' is not a dataset name")
        }
        var lock: StoreLock?
        var warnings: [String] = []
        if let local {
            // Exclusive when free (no writer alive: every orphan can go), then shared.
            if let exclusive = try StoreLock(storePath: local.root, mode: .exclusive, wait: false) {
                lock = exclusive
                warnings = try recover(everyOrphan: true)
                exclusive.downgrade()
            } else {
                lock = try StoreLock(storePath: local.root, mode: .shared, wait: true, waiting: waiting)
                warnings = try recover(everyOrphan: false)
            }
        } else {
            warnings = try recover(everyOrphan: false)
        }
        var createdDataset = false
        var base = try latest(dataset: dataset)
        if base == nil {
            var empty = DatasetManifest(dataset: dataset, schema: schema, schemaVersion: schemaVersion, sortedBy: sortedBy)
            empty.version = 1
            createdDataset = try createVersion(empty)
            base = try latest(dataset: dataset)
        }
        guard let base else { throw .store(path: datasetPath(dataset), reason: "dataset vanished while it was being created") }
        let existing = base.manifest
        if existing.schema != schema || (existing.schemaVersion ?? 1) != (schemaVersion ?? 1) {
            lock?.unlock()
            throw .store(path: datasetPath(dataset), reason: "dataset exists with a different schema")
        }
        return StoreTransaction(store: self, dataset: dataset, schema: schema, schemaVersion: schemaVersion,
                                sortedBy: sortedBy, lock: lock, base: base.version,
                                createdDataset: createdDataset, warnings: warnings)
    }

    static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.dataCorrupted(let c): c.debugDescription
        case DecodingError.keyNotFound(let k, _): "missing key '\(k.stringValue)'"
        case DecodingError.typeMismatch(_, let c), DecodingError.valueNotFound(_, let c):
            c.codingPath.map(\.stringValue).joined(separator: ".") + ": " + c.debugDescription
        default: "\(error)"
        }
    }

    // MARK: - versions

    /// Creates version `manifest.version` (the commit point) with `putIfAbsent`; false when
    /// another writer created it first. Then rewrites the `_manifest.json` copy (best effort:
    /// a copy that cannot be written is no failure of the commit, and under concurrent
    /// commits it may lag a version behind; nothing reads it).
    func createVersion(_ manifest: DatasetManifest) throws(ColumnarError) -> Bool {
        guard let v = manifest.version else { throw .invalidArgument("a manifest version needs a number") }
        let key = ManifestLog.key(dataset: manifest.dataset, version: v)
        let bytes = try ManifestLog.encode(manifest, at: storage.describe(key))
        guard try storage.putIfAbsent(key, bytes) else { return false }
        try? storage.put(ManifestLog.legacyKey(dataset: manifest.dataset), bytes)
        return true
    }

    /// Refuses a symbolic link anywhere on `key`'s way (local stores; a bucket has none).
    func checkNoSymlinks(_ key: String) throws(ColumnarError) {
        if let local { try StorePath.checkNoSymlinks(local.path(of: key), under: local.root) }
    }
}
