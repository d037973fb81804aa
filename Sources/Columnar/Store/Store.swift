import Foundation

/// A folder of datasets, each a Hive-partitioned Parquet dataset with a JSON manifest:
///
/// ```
/// <store>/.lock                                  flock: one writer at a time
/// <store>/<dataset>/_manifest.json               the commit record (DatasetManifest)
/// <store>/<dataset>/date=YYYY-MM-DD/part-<txn>-<n>.parquet
/// <store>/<dataset>/date=YYYY-MM-DD/.part-<txn>-<n>.parquet.tmp   being written (never globbed)
/// <store>/_rejects/<dataset>-<txn>-<n>.csv       lines not stored as is
/// ```
///
/// Commit protocol (see `StoreTransaction.commit`): parts and rejects are written under hidden
/// `.tmp` names and fsynced; the new manifest, listing the final names plus the pending renames
/// and deletions, is written to a temporary file, fsynced and renamed over `_manifest.json`
/// (the commit point); then the renames/deletions are applied and the manifest rewritten
/// without them. Opening a store (when no writer holds the lock) rolls a commit interrupted
/// after its commit point forward, and deletes temporary files no manifest refers to (a commit
/// interrupted before its commit point, which is thereby rolled back). So after a crash at any
/// moment, the store is the one before the call or the one after it.
///
/// Readers never take the lock; they read `_manifest.json`, which is always complete (rename
/// is atomic). Thread safety: a `Store` value may be shared; transactions are single-writer.
public final class Store: @unchecked Sendable {
    public let path: String

    /// Opens the store at `path` (creating the folder when `create`), recovering interrupted
    /// commits when no other process is writing. Throws `.store` when it does not exist.
    public init(path: String, create: Bool = false) throws(ColumnarError) {
        var p = path
        while p.count > 1, p.hasSuffix("/") { p.removeLast() }
        self.path = p
        if !FileIO.isDirectory(p) {
            guard create else { throw .store(path: p, reason: "no store here (run `extract ingest` first)") }
            try FileIO.makeDirectories(p)
        }
        // Recovery needs the writer lock; a busy store (a writer is running and will finish its
        // own commit) or a read-only one (no lock file can be created) is opened as it is.
        if let lock = try? StoreLock(storePath: p, wait: false) {
            defer { lock.unlock() }
            try recover()
        }
    }

    /// Names of the datasets (folders holding a `_manifest.json`), sorted.
    public func datasets() throws(ColumnarError) -> [String] {
        try FileIO.list(path).filter { FileIO.exists(path + "/" + $0 + "/_manifest.json") }.sorted()
    }

    /// Absolute path of a dataset folder.
    public func datasetPath(_ dataset: String) -> String { path + "/" + dataset }

    /// The dataset's manifest, nil if the dataset does not exist.
    public func manifest(dataset: String) throws(ColumnarError) -> DatasetManifest? {
        let file = datasetPath(dataset) + "/_manifest.json"
        guard FileIO.exists(file) else { return nil }
        let bytes = try FileIO.readAll(file)
        do {
            return try JSONDecoder().decode(DatasetManifest.self, from: Data(bytes))
        } catch {
            throw .store(path: file, reason: "unreadable manifest: \(error)")
        }
    }

    /// Absolute paths of a dataset's part files, in partition order.
    public func partPaths(dataset: String) throws(ColumnarError) -> [String] {
        guard let m = try manifest(dataset: dataset) else { return [] }
        return m.allFiles.map { datasetPath(dataset) + "/" + $0.file.path }
    }

    /// Starts a write transaction on `dataset` (created with `schema` if new; an existing
    /// dataset must have the same schema). Blocks while another writer holds the store lock,
    /// after calling `waiting` with one line saying so and naming the holder (pid and host).
    public func begin(dataset: String, schema: Schema, sortedBy: [String]? = nil,
                      waiting: ((String) -> Void)? = nil) throws(ColumnarError) -> StoreTransaction {
        guard let lock = try StoreLock(storePath: path, wait: true, waiting: waiting) else {
            throw .store(path: path, reason: "store is locked")
        }
        try recover()
        if let existing = try manifest(dataset: dataset), existing.schema != schema {
            lock.unlock()
            throw .store(path: datasetPath(dataset), reason: "dataset exists with a different schema")
        }
        try FileIO.makeDirectories(datasetPath(dataset))
        return StoreTransaction(store: self, dataset: dataset, schema: schema, sortedBy: sortedBy, lock: lock)
    }

    // MARK: - manifest I/O and recovery (caller holds the lock)

    func writeManifest(_ manifest: DatasetManifest, tag: String) throws(ColumnarError) {
        let dir = datasetPath(manifest.dataset)
        let tmp = dir + "/_manifest.json.tmp-" + tag
        let bytes: [UInt8]
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            bytes = Array(try encoder.encode(manifest))
        } catch {
            throw .store(path: dir, reason: "cannot encode manifest: \(error)")
        }
        try FileIO.writeAll(tmp, bytes, sync: true)
        try FileIO.rename(tmp, dir + "/_manifest.json")
        try FileIO.syncDirectory(dir)
    }

    /// Applies pending operations idempotently, then clears them from the manifest.
    func rollForward(_ manifest: DatasetManifest, tag: String) throws(ColumnarError) {
        guard let pending = manifest.pending else { return }
        var dirs = Set<String>()
        for (k, r) in pending.renames.enumerated() {
            let from = path + "/" + r.from, to = path + "/" + r.to
            if FileIO.exists(from) {
                try FileIO.rename(from, to)
                dirs.insert(String(to[..<to.lastIndex(of: "/")!]))
            }
            if k == 0 { CrashPoint.reach("commit-mid-renames") }
        }
        for d in pending.deletes {
            try FileIO.remove(path + "/" + d)
            let full = path + "/" + d
            dirs.insert(String(full[..<full.lastIndex(of: "/")!]))
        }
        for d in dirs where FileIO.isDirectory(d) { try FileIO.syncDirectory(d) }
        var clean = manifest
        clean.pending = nil
        try writeManifest(clean, tag: tag)
    }

    /// Rolls forward committed work, then deletes temporaries and empty partition folders
    /// that no manifest refers to.
    func recover() throws(ColumnarError) {
        for name in try FileIO.list(path) where FileIO.isDirectory(path + "/" + name) {
            let dir = path + "/" + name
            if name == "_rejects" {
                for f in try FileIO.list(dir) where f.hasPrefix(".") && f.hasSuffix(".tmp") {
                    try FileIO.remove(dir + "/" + f)
                }
                continue
            }
            for f in try FileIO.list(dir) where f.hasPrefix("_manifest.json.tmp") { try FileIO.remove(dir + "/" + f) }
            let m = try manifest(dataset: name)
            if let m { try rollForward(m, tag: "recover") }
            let listed = Set(m?.allFiles.map { $0.file.path } ?? [])
            // Parts of an unpartitioned dataset (partition key "") sit at the top of its folder.
            for f in try FileIO.list(dir) where f.hasPrefix(".") && f.hasSuffix(".tmp") && !listed.contains(f)
                && !FileIO.isDirectory(dir + "/" + f) {
                try FileIO.remove(dir + "/" + f)
            }
            for sub in try FileIO.list(dir) where FileIO.isDirectory(dir + "/" + sub) {
                let partDir = dir + "/" + sub
                var remaining = 0
                for f in try FileIO.list(partDir) {
                    if f.hasPrefix(".") && f.hasSuffix(".tmp") && !listed.contains(sub + "/" + f) {
                        try FileIO.remove(partDir + "/" + f)
                    } else {
                        remaining += 1
                    }
                }
                if remaining == 0 { rmdir(partDir) }
            }
        }
    }
}
