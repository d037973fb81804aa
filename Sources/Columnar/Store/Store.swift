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
/// Readers never take the lock and never write: `Store(readingAt:)` opens a store without write
/// access (no `.lock`, no recovery); they read `_manifest.json`, which is always complete
/// (rename is atomic), and resolve a part whose commit is not yet rolled forward to its
/// temporary name (`partPath`). Recovery only ever touches folders holding a `_manifest.json`
/// (datasets) and never follows a symbolic link. Every manifest read is validated
/// (`ManifestCheck`): a damaged one throws `.damaged` naming it. Thread safety: a `Store`
/// value may be shared; transactions are single-writer.
public final class Store: @unchecked Sendable {
    public let path: String
    /// Opened by `init(readingAt:)`: never writes.
    public let isReadOnly: Bool

    /// Opens the store at `path` for writing (creating the folder when `create`), recovering
    /// interrupted commits when no other process is writing. Throws `.store` when it does not
    /// exist. Verbs that only read use `init(readingAt:)`.
    public convenience init(path: String, create: Bool = false) throws(ColumnarError) {
        try self.init(path, create: create, readOnly: false)
        // Recovery needs the writer lock; a busy store (a writer is running and will finish its
        // own commit) or a read-only one (no lock file can be created) is opened as it is.
        if let lock = try? StoreLock(storePath: self.path, wait: false) {
            defer { lock.unlock() }
            try recover()
        }
    }

    /// Opens the store at `path` for reading only: nothing in it is created, written or
    /// removed (not even `.lock`), so a read-only store or one a writer is using works.
    /// Throws `.store` when it does not exist.
    public convenience init(readingAt path: String) throws(ColumnarError) {
        try self.init(path, create: false, readOnly: true)
    }

    private init(_ path: String, create: Bool, readOnly: Bool) throws(ColumnarError) {
        var p = path
        while p.count > 1, p.hasSuffix("/") { p.removeLast() }
        self.path = p
        isReadOnly = readOnly
        if !FileIO.isDirectory(p) {
            guard create else { throw .store(path: p, reason: "no store here (run `extract ingest` first)") }
            try FileIO.makeDirectories(p)
        }
    }

    /// Names of the datasets (folders holding a `_manifest.json`), sorted.
    public func datasets() throws(ColumnarError) -> [String] {
        try FileIO.list(path).filter { FileIO.exists(path + "/" + $0 + "/_manifest.json") }.sorted()
    }

    /// Absolute path of a dataset folder.
    public func datasetPath(_ dataset: String) -> String { path + "/" + dataset }

    /// The dataset's manifest, validated (`ManifestCheck`); nil if the dataset does not exist.
    /// An empty, truncated or undecodable manifest, or one failing validation, throws
    /// `.damaged(path: <manifest>, …)`; an unreadable one `.io`.
    public func manifest(dataset: String) throws(ColumnarError) -> DatasetManifest? {
        let file = datasetPath(dataset) + "/_manifest.json"
        guard FileIO.exists(file) else { return nil }
        try StorePath.checkNoSymlinks(file, under: path)
        let bytes = try FileIO.readAll(file)
        let m: DatasetManifest
        do {
            m = try JSONDecoder().decode(DatasetManifest.self, from: Data(bytes))
        } catch {
            throw .damaged(path: file, problem: bytes.isEmpty ? "is empty (not a manifest)" : "is not a valid manifest: \(Self.describe(error))")
        }
        try ManifestCheck.validate(m, folder: dataset, file: file)
        return m
    }

    /// The file to read for part `file` of `manifest`: its final path, or, while the commit
    /// that added it is not rolled forward yet (a crash after the commit point, or a writer in
    /// progress), its temporary name. Refuses symbolic links on the way; a part that exists
    /// under neither name throws `.damaged(path:, problem: "missing")`.
    public func partPath(_ file: PartFile, of manifest: DatasetManifest) throws(ColumnarError) -> String {
        let final = datasetPath(manifest.dataset) + "/" + file.path
        try StorePath.checkNoSymlinks(final, under: path)
        if FileIO.exists(final) { return final }
        let relative = manifest.dataset + "/" + file.path
        if let r = manifest.pending?.renames.first(where: { $0.to == relative }) {
            let from = path + "/" + r.from
            try StorePath.checkNoSymlinks(from, under: path)
            if FileIO.exists(from) { return from }
        }
        throw .damaged(path: final, problem: "missing")
    }

    /// Absolute paths of a dataset's part files, in partition order.
    public func partPaths(dataset: String) throws(ColumnarError) -> [String] {
        guard let m = try manifest(dataset: dataset) else { return [] }
        var out: [String] = []
        for (_, f) in m.allFiles { out.append(try partPath(f, of: m)) }
        return out
    }

    /// Starts a write transaction on `dataset` (created with `schema` and `schemaVersion` if
    /// new; an existing dataset must have the same schema and version, nil and 1 being the
    /// same). Blocks while another writer holds the store lock, after calling `waiting` with one
    /// line saying so and naming the holder (pid and host). A new dataset gets an empty manifest
    /// first (removed again if the transaction is abandoned), so that recovery after a crash
    /// knows the folder is the store's.
    public func begin(dataset: String, schema: Schema, schemaVersion: Int? = nil, sortedBy: [String]? = nil,
                      waiting: ((String) -> Void)? = nil) throws(ColumnarError) -> StoreTransaction {
        guard !isReadOnly else { throw .invalidArgument("\(path): store opened for reading") }
        guard let lock = try StoreLock(storePath: path, wait: true, waiting: waiting) else {
            throw .store(path: path, reason: "store is locked")
        }
        let warnings = try recover()
        let existing = try manifest(dataset: dataset)
        if let existing,
           existing.schema != schema || (existing.schemaVersion ?? 1) != (schemaVersion ?? 1) {
            lock.unlock()
            throw .store(path: datasetPath(dataset), reason: "dataset exists with a different schema")
        }
        try FileIO.makeDirectories(datasetPath(dataset))
        if existing == nil {
            try writeManifest(DatasetManifest(dataset: dataset, schema: schema, schemaVersion: schemaVersion, sortedBy: sortedBy), tag: "begin")
        }
        return StoreTransaction(store: self, dataset: dataset, schema: schema, schemaVersion: schemaVersion,
                                sortedBy: sortedBy, lock: lock,
                                createdDataset: existing == nil, warnings: warnings)
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

    /// Applies pending operations idempotently, then clears them from the manifest. The
    /// manifest was validated (every path inside its dataset or `_rejects`); symbolic links on
    /// the way are refused. A rename failure throws (the commit is not complete); a delete that
    /// fails stays pending (retried by the next writer's recovery) and is returned as a warning:
    /// the commit stands and the store stays usable.
    @discardableResult
    func rollForward(_ manifest: DatasetManifest, tag: String) throws(ColumnarError) -> [String] {
        guard let pending = manifest.pending else { return [] }
        var dirs = Set<String>()
        for (k, r) in pending.renames.enumerated() {
            let from = path + "/" + r.from, to = path + "/" + r.to
            try StorePath.checkNoSymlinks(from, under: path)
            try StorePath.checkNoSymlinks(to, under: path)
            if FileIO.exists(from) {
                try FileIO.rename(from, to)
                dirs.insert(String(to[..<to.lastIndex(of: "/")!]))
            }
            if k == 0 { CrashPoint.reach("commit-mid-renames") }
        }
        var failed: [String] = [], warnings: [String] = []
        for d in pending.deletes {
            let full = path + "/" + d
            do {
                try StorePath.checkNoSymlinks(full, under: path)
                try FileIO.remove(full)
                dirs.insert(String(full[..<full.lastIndex(of: "/")!]))
            } catch {
                failed.append(d)
                warnings.append("could not remove replaced file \(full) (\(error)); will retry on the next write")
            }
        }
        for d in dirs where FileIO.isDirectory(d) { try FileIO.syncDirectory(d) }
        var clean = manifest
        clean.pending = failed.isEmpty ? nil : PendingOperations(renames: [], deletes: failed)
        try writeManifest(clean, tag: tag)
        return warnings
    }

    /// Rolls forward committed work, then deletes temporaries and empty partition folders
    /// that no manifest refers to. Only dataset folders (holding a `_manifest.json`, neither a
    /// symbolic link) and the rejects files of those datasets are touched; a temporary that
    /// cannot be removed is left for the next recovery. Returns warnings (deletes that failed).
    @discardableResult
    func recover() throws(ColumnarError) -> [String] {
        var warnings: [String] = []
        var datasetNames: [String] = []
        for name in try FileIO.list(path) where name != "_rejects" {
            let dir = path + "/" + name
            guard !FileIO.isSymbolicLink(dir), FileIO.isDirectory(dir), FileIO.exists(dir + "/_manifest.json") else { continue }
            datasetNames.append(name)
            for f in try FileIO.list(dir) where f.hasPrefix("_manifest.json.tmp") { try? FileIO.remove(dir + "/" + f) }
            guard let m = try manifest(dataset: name) else { continue }
            warnings += try rollForward(m, tag: "recover")
            let listed = Set(m.allFiles.map { $0.file.path })
            let keys = Set(m.partitions.map(\.key))
            // Parts of an unpartitioned dataset (partition key "") sit at the top of its folder.
            for f in try FileIO.list(dir) where f.hasPrefix(".") && f.hasSuffix(".tmp") && !listed.contains(f)
                && FileIO.fileType(dir + "/" + f) == .regular && !FileIO.isSymbolicLink(dir + "/" + f) {
                try? FileIO.remove(dir + "/" + f)
            }
            for sub in try FileIO.list(dir) where keys.contains(sub) || sub.hasPrefix("date=") {
                let partDir = dir + "/" + sub
                guard !FileIO.isSymbolicLink(partDir), FileIO.isDirectory(partDir) else { continue }
                var remaining = 0
                for f in try FileIO.list(partDir) {
                    if f.hasPrefix(".") && f.hasSuffix(".tmp") && !listed.contains(sub + "/" + f)
                        && !FileIO.isSymbolicLink(partDir + "/" + f) && (try? FileIO.remove(partDir + "/" + f)) != nil {
                        continue
                    }
                    remaining += 1
                }
                if remaining == 0 && !keys.contains(sub) { rmdir(partDir) }
            }
        }
        // Rejects temporaries are named `.<dataset>-<txn>-<n>.csv.tmp`.
        let rejects = path + "/_rejects"
        if !datasetNames.isEmpty, !FileIO.isSymbolicLink(rejects), FileIO.isDirectory(rejects) {
            for f in try FileIO.list(rejects) where f.hasPrefix(".") && f.hasSuffix(".csv.tmp")
                && datasetNames.contains(where: { f.hasPrefix("." + $0 + "-") }) && !FileIO.isSymbolicLink(rejects + "/" + f) {
                try? FileIO.remove(rejects + "/" + f)
            }
        }
        return warnings
    }
}
