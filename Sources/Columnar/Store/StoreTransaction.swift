import Foundation

/// A reserved, not yet committed part file: write it at `temporaryPath`, then `addPart`.
public struct PartReservation: Sendable {
    /// Local path to write, whole and fsynced: in a local store the hidden temporary key itself;
    /// for a bucket a scratch file, uploaded to `temporaryKey` by `commit` before its commit point.
    public let temporaryPath: String
    /// The hidden key (`<dataset>/<partition>/.part-<txn>-<n>.parquet.tmp`) the part has until
    /// the commit moves it to its final name; never matched by `*/*.parquet` globs.
    public let temporaryKey: String
    /// Final path relative to the dataset folder.
    public let finalPath: String
    public let partitionKey: String
    public let day: Int64?
}

/// One write transaction on a dataset: reserve parts (and rejects files), write them, add
/// them, then `commit` (see `Store` for the protocol) or `abandon` (removes everything
/// written). Other transactions, in this or other processes, may run at once. On a local store
/// it holds the store lock shared until commit/abandon (proof for clean-up that it is alive).
/// `reservePart`, `addPart`, `discardParts` are thread-safe (a writer thread adds parts while
/// the parser reserves). Memory: one record per part and rejects file.
public final class StoreTransaction: @unchecked Sendable {
    public let store: Store
    public let dataset: String
    public let schema: Schema
    /// Recorded in the manifest when this transaction creates the dataset (see `DatasetManifest`).
    public let schemaVersion: Int?
    /// Unique id: UTC time plus random bits, used in every file name of the transaction (and,
    /// by clean-up, as the age of its temporaries).
    public let id: String
    /// The manifest version the transaction started from.
    public let baseVersion: Int
    /// Commit attempts before giving up when other writers keep committing first.
    public static let maxCommitAttempts = 100
    private let sortedBy: [String]?
    private let lock: StoreLock?
    private let mutex = NSLock()
    private var counter = 0
    private var parts: [(PartReservation, PartFile)] = []
    private var reservations: [(path: String, key: String)] = []  // every temporary handed out
    private var rejectsFiles: [(path: String, key: String, final: String)] = []
    private var replacedSources: Set<String> = []
    private var finished = false
    /// Keys a bucket store's `stage` uploaded.
    private var uploaded: Set<String> = []
    /// Scratch folder for a bucket store's parts before upload (nil: local store, none).
    private let scratch: String?
    /// `begin` created the dataset (its empty version 1): `abandon` removes it again.
    private let createdDataset: Bool
    /// Clean-up failures met by this transaction's recovery and roll-forward (a replaced file
    /// that could not be removed): the commit stands; the next writer retries them.
    public private(set) var warnings: [String] = []
    /// Content hashes of sources `commit` did not store because another writer committed the
    /// same content first (their parts and rejects were discarded): report them as skipped.
    public private(set) var skippedAtCommit: [String] = []

    init(store: Store, dataset: String, schema: Schema, schemaVersion: Int?, sortedBy: [String]?, lock: StoreLock?,
         base: Int, createdDataset: Bool = false, warnings: [String] = []) {
        self.createdDataset = createdDataset
        self.warnings = warnings
        self.store = store
        self.dataset = dataset
        self.schema = schema
        self.schemaVersion = schemaVersion
        self.sortedBy = sortedBy
        self.lock = lock
        baseVersion = base
        var rng = SystemRandomNumberGenerator()
        let stamp = StoreTransaction.compactTimestamp()
        id = stamp + "-" + String(rng.next() & 0xFF_FFFF, radix: 16)
        scratch = store.local == nil ? NSTemporaryDirectory() + "/extract-txn-" + id : nil
    }

    /// "date=YYYY-MM-DD" for a day number.
    public static func dayKey(_ day: Int64) -> String { "date=" + CivilTime.isoDate(day: day) }

    /// Reserves a new part file in partition `key` (local folder created).
    public func reservePart(partitionKey key: String, day: Int64?) throws(ColumnarError) -> PartReservation {
        let n: Int = mutex.withLock { counter += 1; return counter }
        let name = "part-\(id)-\(String(format: "%04d", n)).parquet"
        let folder = key.isEmpty ? "" : key + "/"
        let tmpKey = dataset + "/" + folder + "." + name + ".tmp"
        let path = try localPath(for: tmpKey)
        let r = PartReservation(temporaryPath: path, temporaryKey: tmpKey, finalPath: folder + name,
                                partitionKey: key, day: day)
        mutex.withLock { reservations.append((path, tmpKey)) }
        return r
    }

    /// Records a fully written (and fsynced) part.
    public func addPart(_ reservation: PartReservation, rows: Int, bytes: Int, source: String,
                        minTime: Int64?, maxTime: Int64?) {
        let file = PartFile(path: reservation.finalPath, rows: rows, bytes: bytes, source: source,
                            minTime: minTime, maxTime: maxTime)
        mutex.withLock { parts.append((reservation, file)) }
    }

    /// Drops (and deletes) the parts added for `source` (e.g. a stdin source found, once read,
    /// to be already ingested).
    public func discardParts(source: String) {
        let dropped: [PartReservation] = mutex.withLock {
            let d = parts.filter { $0.1.source == source }.map(\.0)
            parts.removeAll { $0.1.source == source }
            return d
        }
        for r in dropped { try? FileIO.remove(r.temporaryPath) }
    }

    /// Renames the source label of parts added so far (parts are labelled with a provisional
    /// token while their source's content hash is still being computed).
    public func relabelParts(source: String, as newLabel: String) {
        mutex.withLock {
            for k in parts.indices where parts[k].1.source == source { parts[k].1.source = newLabel }
        }
    }

    /// Parts added so far for `source`.
    public func addedParts(source: String) -> [PartFile] {
        mutex.withLock { parts.filter { $0.1.source == source }.map(\.1) }
    }

    /// Reserves a rejects file; returns (local path to write, store-relative final key).
    public func reserveRejectsFile() throws(ColumnarError) -> (temporaryPath: String, finalPath: String) {
        let n: Int = mutex.withLock { counter += 1; return counter }
        let name = "\(dataset)-\(id)-\(String(format: "%04d", n)).csv"
        let tmpKey = "_rejects/." + name + ".tmp"
        let path = try localPath(for: tmpKey)
        mutex.withLock { rejectsFiles.append((path, tmpKey, "_rejects/" + name)); reservations.append((path, tmpKey)) }
        return (path, "_rejects/" + name)
    }

    /// At commit, removes the source with this content hash (its record, parts and rejects file).
    public func replaceSource(contentHash: String) {
        _ = mutex.withLock { replacedSources.insert(contentHash) }
    }

    /// Commits: the new parts and `sources` become visible atomically, as version N+1 of the
    /// manifest (see `Store`). Temporary files must be complete and fsynced. When other writers
    /// committed first, rebases on their version and retries (at most `maxCommitAttempts`); a
    /// source they committed meanwhile is dropped with its files and listed in
    /// `skippedAtCommit`. Releases the lock. Returns `warnings` (clean-up failures after the
    /// commit point, which do not undo the commit). Throws (the transaction abandoned, the
    /// store unchanged) when the files cannot be staged or the manifest read or created.
    @discardableResult
    public func commit(sources: [SourceRecord]) throws(ColumnarError) -> [String] {
        guard !finished else { throw .invalidArgument("transaction already finished") }
        var sources = sources
        if sources.isEmpty && mutex.withLock({ parts.isEmpty && rejectsFiles.isEmpty && replacedSources.isEmpty }) {
            // Nothing to commit (every source skipped): no new version, the dataset as it is.
            finished = true
            lock?.unlock()
            removeScratch()
            return warnings
        }
        do throws(ColumnarError) {
            try stage()
            for attempt in 1...Self.maxCommitAttempts {
                let (n, base) = try store.latest(dataset: dataset) ?? (0, emptyManifest())
                // Only the newest version's pending operations may be unapplied: apply them
                // before building on it; deletes that still fail are carried forward.
                var carried: [String] = []
                if base.pending != nil {
                    let (w, failed) = try store.applyPending(base)
                    warnings += w
                    carried = failed
                }
                // A source committed meanwhile by another writer is never committed twice.
                let committed = Set(base.sources.map(\.contentHash)).subtracting(replacedSources)
                let dropped = sources.filter { committed.contains($0.contentHash) }
                if !dropped.isEmpty {
                    // Rows of a source that share part files with other sources (Sparkify
                    // songs) cannot be taken out: refuse rather than store them twice.
                    let labels = Set(mutex.withLock { parts.map(\.1.source) })
                    if let mixed = dropped.first(where: { $0.rowsStored > 0 && !labels.contains($0.contentHash) }) {
                        throw ColumnarError.store(path: store.datasetPath(dataset), reason:
                            "source \(mixed.path) was committed meanwhile by another ingest and shares part files with "
                            + "other sources; nothing was stored (run the ingest again: it skips what is stored)")
                    }
                    drop(dropped)
                    sources.removeAll { committed.contains($0.contentHash) }
                    if sources.isEmpty && replacedSources.isEmpty {
                        abandon()
                        return warnings
                    }
                }
                var manifest = build(on: base, sources: sources, carriedDeletes: carried)
                manifest.version = n + 1
                CrashPoint.reach("commit-before-manifest")
                if try store.createVersion(manifest) {
                    finished = true
                    defer { lock?.unlock(); removeScratch() }
                    CrashPoint.reach("commit-after-manifest")
                    warnings += try store.rollForward(manifest, version: n + 1)
                    return warnings
                }
                // Another writer created N+1: back off a little (growing, randomised), re-read.
                usleep(UInt32(Int.random(in: 1_000...(min(200, 5 * attempt) * 1_000))))
            }
            throw ColumnarError.store(path: store.datasetPath(dataset), reason:
                "could not commit: other writers committed first \(Self.maxCommitAttempts) times in a row; nothing was stored")
        } catch {
            if !finished { abandon() }
            throw error
        }
    }

    /// Removes every temporary file of the transaction and releases the lock; the store is
    /// as before `begin`. Idempotent.
    public func abandon() {
        guard !finished else { return }
        finished = true
        let all = mutex.withLock { reservations }
        for r in all {
            try? FileIO.remove(r.path)
            if store.local == nil { try? store.storage.delete(r.key) }
        }
        removeScratch()
        if createdDataset, let (n, m) = try? store.latest(dataset: dataset), n == 1, m.partitions.isEmpty, m.sources.isEmpty {
            // Nobody built on the empty version 1 this transaction created; a writer that did
            // meanwhile creates version 1 or 2 itself when it commits (its base is re-read).
            try? store.storage.delete(ManifestLog.key(dataset: dataset, version: 1))
            try? store.storage.delete(ManifestLog.legacyKey(dataset: dataset))
        }
        if let local = store.local {
            // Folders this transaction may have created (removed only when empty).
            rmdir(local.path(of: "_rejects"))
            for r in all { rmdir(String(r.path[..<r.path.lastIndex(of: "/")!])) }
            if createdDataset {
                rmdir(local.path(of: dataset + "/" + ManifestLog.folder))
                rmdir(local.path(of: dataset))
            }
        }
        lock?.unlock()
    }

    deinit { abandon() }

    // MARK: - helpers

    private func emptyManifest() -> DatasetManifest {
        DatasetManifest(dataset: dataset, schema: schema, schemaVersion: schemaVersion, sortedBy: sortedBy)
    }

    /// `base` plus this transaction's parts and `sources`, minus the replaced sources; pending:
    /// the moves of the new files and the deletes of the replaced ones.
    private func build(on base: DatasetManifest, sources: [SourceRecord], carriedDeletes: [String]) -> DatasetManifest {
        var manifest = base
        manifest.formatVersion = StoreFormat.current
        var deletes = carriedDeletes
        let replaced = mutex.withLock { replacedSources }
        if !replaced.isEmpty {
            for k in manifest.partitions.indices {
                for f in manifest.partitions[k].files where replaced.contains(f.source) {
                    deletes.append(dataset + "/" + f.path)
                }
                manifest.partitions[k].files.removeAll { replaced.contains($0.source) }
            }
            for s in manifest.sources where replaced.contains(s.contentHash) {
                if let r = s.rejectsFile { deletes.append(r) }
            }
            manifest.sources.removeAll { replaced.contains($0.contentHash) }
        }
        var renames: [PendingOperations.Rename] = []
        for (r, file) in mutex.withLock({ parts }) {
            if let i = manifest.partitions.firstIndex(where: { $0.key == r.partitionKey }) {
                manifest.partitions[i].files.append(file)
            } else {
                manifest.partitions.append(PartitionRecord(key: r.partitionKey, day: r.day, files: [file]))
            }
            renames.append(.init(from: r.temporaryKey, to: dataset + "/" + r.finalPath))
        }
        for f in mutex.withLock({ rejectsFiles }) where FileIO.exists(f.path) || uploaded.contains(f.key) {
            renames.append(.init(from: f.key, to: f.final))
        }
        manifest.partitions.removeAll { $0.files.isEmpty }
        manifest.partitions.sort { $0.key < $1.key }
        manifest.sources.append(contentsOf: sources)
        manifest.pending = renames.isEmpty && deletes.isEmpty ? nil : PendingOperations(renames: renames, deletes: deletes)
        return manifest
    }

    /// Drops the parts and rejects files of `records` (committed meanwhile by another writer).
    private func drop(_ records: [SourceRecord]) {
        let hashes = Set(records.map(\.contentHash))
        let finals = Set(records.compactMap(\.rejectsFile))
        let (gone, goneRejects): ([PartReservation], [(path: String, key: String, final: String)]) = mutex.withLock {
            let g = parts.filter { hashes.contains($0.1.source) }.map(\.0)
            parts.removeAll { hashes.contains($0.1.source) }
            let r = rejectsFiles.filter { finals.contains($0.final) }
            rejectsFiles.removeAll { finals.contains($0.final) }
            return (g, r)
        }
        for r in gone {
            try? FileIO.remove(r.temporaryPath)
            if store.local == nil { try? store.storage.delete(r.temporaryKey) }
        }
        for r in goneRejects {
            try? FileIO.remove(r.path)
            if store.local == nil { try? store.storage.delete(r.key) }
        }
        skippedAtCommit += records.map(\.contentHash)
    }

    /// Makes the written files durable under their hidden keys before the commit point: a
    /// local store syncs their folders; a bucket store uploads each scratch file whole.
    private func stage() throws(ColumnarError) {
        let files: [(path: String, key: String)] = mutex.withLock {
            parts.map { ($0.0.temporaryPath, $0.0.temporaryKey) } + rejectsFiles.map { ($0.path, $0.key) }
        }
        if store.local != nil {
            var dirs = Set<String>()
            for f in files where FileIO.exists(f.path) { dirs.insert(String(f.path[..<f.path.lastIndex(of: "/")!])) }
            for d in dirs { try FileIO.syncDirectory(d) }
            return
        }
        for f in files where FileIO.exists(f.path) {
            let writer = try store.storage.makeWriter(f.key)
            let handle = try ReadHandle(path: f.path)
            defer { handle.close() }
            let size = try FileIO.size(f.path)
            var offset = 0
            while offset < size {
                let chunk = try handle.read(offset: offset, count: min(8 << 20, size - offset))
                var failure: ColumnarError?
                chunk.withUnsafeBytes { raw in
                    do throws(ColumnarError) { try writer.write(raw) } catch { failure = error }
                }
                if let failure { throw failure }
                offset += chunk.count
            }
            try writer.finish()
            uploaded.insert(f.key)
            try? FileIO.remove(f.path)
        }
    }

    /// The local path where `key` is written: the key's own path in a local store (folder
    /// created), a scratch file for a bucket.
    private func localPath(for key: String) throws(ColumnarError) -> String {
        if let local = store.local {
            let path = local.path(of: key)
            try FileIO.makeDirectories(String(path[..<path.lastIndex(of: "/")!]))
            return path
        }
        let dir = scratch!
        try FileIO.makeDirectories(dir)
        return dir + "/" + key.replacingOccurrences(of: "/", with: "__")
    }

    private func removeScratch() {
        guard let scratch else { return }
        if let names = try? FileIO.list(scratch) { for n in names { try? FileIO.remove(scratch + "/" + n) } }
        rmdir(scratch)
    }

    private static func compactTimestamp() -> String {
        var t = timespec()
        clock_gettime(CLOCK_REALTIME, &t)
        let micros = Int64(t.tv_sec) * 1_000_000
        let s = CivilTime.isoDateTime(micros: micros)  // "YYYY-MM-DD HH:MM:SS"
        return s.filter { $0.isNumber }.prefix(8) + "T" + s.filter { $0.isNumber }.dropFirst(8)
    }
}
