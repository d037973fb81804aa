import Foundation

/// A reserved, not yet committed part file: write it at `temporaryPath`, then `addPart`.
public struct PartReservation: Sendable {
    /// Absolute path to write (hidden `.tmp` name, invisible to readers and globs).
    public let temporaryPath: String
    /// Final path relative to the dataset folder.
    public let finalPath: String
    public let partitionKey: String
    public let day: Int64?
}

/// One write transaction on a dataset: reserve parts (and rejects files), write them, add
/// them, then `commit` (atomic, see `Store`) or `abandon` (removes everything written).
/// Holds the store's exclusive lock until commit/abandon. `reservePart`, `addPart`,
/// `discardParts` are thread-safe (a writer thread adds parts while the parser reserves).
public final class StoreTransaction: @unchecked Sendable {
    public let store: Store
    public let dataset: String
    public let schema: Schema
    /// Recorded in the manifest when this transaction creates the dataset (see `DatasetManifest`).
    public let schemaVersion: Int?
    /// Unique id: UTC time plus random bits, used in every file name of the transaction.
    public let id: String
    private let sortedBy: [String]?
    private let lock: StoreLock
    private let mutex = NSLock()
    private var counter = 0
    private var parts: [(PartReservation, PartFile)] = []
    private var reservations: [String] = []  // every temporary path handed out
    private var rejectsFiles: [(tmp: String, final: String)] = []
    private var replacedSources: Set<String> = []
    private var finished = false
    /// `begin` created the dataset (wrote its empty manifest): `abandon` removes it again.
    private let createdDataset: Bool
    /// Clean-up failures met by this transaction's recovery and roll-forward (a replaced file
    /// that could not be removed): the commit stands; the next writer retries them.
    public private(set) var warnings: [String] = []

    init(store: Store, dataset: String, schema: Schema, schemaVersion: Int?, sortedBy: [String]?, lock: StoreLock,
         createdDataset: Bool = false, warnings: [String] = []) {
        self.createdDataset = createdDataset
        self.warnings = warnings
        self.store = store
        self.dataset = dataset
        self.schema = schema
        self.schemaVersion = schemaVersion
        self.sortedBy = sortedBy
        self.lock = lock
        var rng = SystemRandomNumberGenerator()
        let stamp = StoreTransaction.compactTimestamp()
        id = stamp + "-" + String(rng.next() & 0xFF_FFFF, radix: 16)
    }

    /// "date=YYYY-MM-DD" for a day number.
    public static func dayKey(_ day: Int64) -> String { "date=" + CivilTime.isoDate(day: day) }

    /// Reserves a new part file in partition `key` (folder created).
    public func reservePart(partitionKey key: String, day: Int64?) throws(ColumnarError) -> PartReservation {
        let n: Int = mutex.withLock { counter += 1; return counter }
        let name = "part-\(id)-\(String(format: "%04d", n)).parquet"
        let folder = key.isEmpty ? "" : key + "/"
        let dir = store.datasetPath(dataset) + (key.isEmpty ? "" : "/" + key)
        try FileIO.makeDirectories(dir)
        let r = PartReservation(temporaryPath: dir + "/." + name + ".tmp", finalPath: folder + name,
                                partitionKey: key, day: day)
        mutex.withLock { reservations.append(r.temporaryPath) }
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

    /// Reserves a rejects file; returns (absolute temporary path, store-relative final path).
    public func reserveRejectsFile() throws(ColumnarError) -> (temporaryPath: String, finalPath: String) {
        let n: Int = mutex.withLock { counter += 1; return counter }
        let dir = store.path + "/_rejects"
        try FileIO.makeDirectories(dir)
        let name = "\(dataset)-\(id)-\(String(format: "%04d", n)).csv"
        let pair = (dir + "/." + name + ".tmp", "_rejects/" + name)
        mutex.withLock { rejectsFiles.append((pair.0, pair.1)); reservations.append(pair.0) }
        return (pair.0, pair.1)
    }

    /// At commit, removes the source with this content hash (its record, parts and rejects file).
    public func replaceSource(contentHash: String) {
        _ = mutex.withLock { replacedSources.insert(contentHash) }
    }

    /// Commits: the new parts and `sources` become visible atomically. Temporary files must be
    /// complete and fsynced. Releases the lock. Returns `warnings` (clean-up failures after the
    /// commit point, which do not undo the commit).
    @discardableResult
    public func commit(sources: [SourceRecord]) throws(ColumnarError) -> [String] {
        guard !finished else { throw .invalidArgument("transaction already finished") }
        var manifest: DatasetManifest
        do {
            manifest = try store.manifest(dataset: dataset)
                ?? DatasetManifest(dataset: dataset, schema: schema, schemaVersion: schemaVersion, sortedBy: sortedBy)
        } catch { abandon(); throw error }
        // A source already committed (and not being replaced) is never committed twice: the
        // transaction is abandoned (its files removed).
        let committed = Set(manifest.sources.map(\.contentHash)).subtracting(replacedSources)
        if let dup = sources.first(where: { committed.contains($0.contentHash) }) {
            abandon()
            throw .store(path: store.datasetPath(dataset), reason: "source \(dup.path) (\(dup.contentHash)) is already committed; not storing it twice")
        }
        defer { finished = true; lock.unlock() }
        var deletes: [String] = []
        if !replacedSources.isEmpty {
            for k in manifest.partitions.indices {
                for f in manifest.partitions[k].files where replacedSources.contains(f.source) {
                    deletes.append(dataset + "/" + f.path)
                }
                manifest.partitions[k].files.removeAll { replacedSources.contains($0.source) }
            }
            for s in manifest.sources where replacedSources.contains(s.contentHash) {
                if let r = s.rejectsFile { deletes.append(r) }
            }
            manifest.sources.removeAll { replacedSources.contains($0.contentHash) }
        }
        var renames: [PendingOperations.Rename] = []
        var dirs = Set<String>()
        for (r, file) in parts {
            if let i = manifest.partitions.firstIndex(where: { $0.key == r.partitionKey }) {
                manifest.partitions[i].files.append(file)
            } else {
                manifest.partitions.append(PartitionRecord(key: r.partitionKey, day: r.day, files: [file]))
            }
            renames.append(.init(from: relative(r.temporaryPath), to: dataset + "/" + r.finalPath))
            dirs.insert(String(r.temporaryPath[..<r.temporaryPath.lastIndex(of: "/")!]))
        }
        for (tmp, final) in rejectsFiles where FileIO.exists(tmp) {
            renames.append(.init(from: relative(tmp), to: final))
            dirs.insert(store.path + "/_rejects")
        }
        manifest.partitions.removeAll { $0.files.isEmpty }
        manifest.partitions.sort { $0.key < $1.key }
        manifest.sources.append(contentsOf: sources)
        manifest.pending = PendingOperations(renames: renames, deletes: deletes)
        for d in dirs { try FileIO.syncDirectory(d) }
        CrashPoint.reach("commit-before-manifest")
        try store.writeManifest(manifest, tag: id)
        CrashPoint.reach("commit-after-manifest")
        warnings += try store.rollForward(manifest, tag: id)
        return warnings
    }

    /// Removes every temporary file of the transaction and releases the lock; the store is
    /// as before `begin`. Idempotent.
    public func abandon() {
        guard !finished else { return }
        finished = true
        let all = mutex.withLock { reservations }
        for p in all { try? FileIO.remove(p) }
        if createdDataset, let m = try? store.manifest(dataset: dataset), m.partitions.isEmpty, m.sources.isEmpty {
            try? FileIO.remove(store.datasetPath(dataset) + "/_manifest.json")
        }
        // Folders this transaction may have created (removed only when empty).
        rmdir(store.path + "/_rejects")
        for p in all { rmdir(String(p[..<p.lastIndex(of: "/")!])) }
        if createdDataset { rmdir(store.datasetPath(dataset)) }
        lock.unlock()
    }

    deinit { abandon() }

    private func relative(_ absolute: String) -> String {
        String(absolute.dropFirst(store.path.count + 1))
    }

    private static func compactTimestamp() -> String {
        var t = timespec()
        clock_gettime(CLOCK_REALTIME, &t)
        let micros = Int64(t.tv_sec) * 1_000_000
        let s = CivilTime.isoDateTime(micros: micros)  // "YYYY-MM-DD HH:MM:SS"
        return s.filter { $0.isNumber }.prefix(8) + "T" + s.filter { $0.isNumber }.dropFirst(8)
    }
}
