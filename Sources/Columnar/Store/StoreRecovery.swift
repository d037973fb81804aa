#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The writer side's repairs: applying a committed version's pending operations (roll
/// forward) and removing orphans, the temporaries of writers that died before their commit
/// point. Only writers run them (`Store(path:)`, `begin`, `commit`); readers never write.
///
/// Orphans are hidden keys (a name starting with `.`; `_manifest.json.tmp-…` of format 1
/// builds) under a dataset folder, and `_rejects/.<dataset>-….tmp` files, that the newest
/// version does not list as a pending move. A live concurrent writer's temporaries look the
/// same, so one is removed only when
/// - `everyOrphan`: the caller holds the local store lock exclusive, which proves that no
///   writer is alive (each holds it shared from `begin` to the end of its commit), or
/// - its transaction id (`YYYYMMDDTHHMMSS-…` in the name) is older than `orphanAge`: no
///   transaction lasts that long (a bucket store has no lock, so this is its only rule).
/// A temporary without a time in its name is removed only under the first rule.
extension Store {
    /// A temporary whose transaction started longer ago than this (seconds) is an orphan.
    public static let orphanAge: Int64 = 24 * 3600

    /// Applies `manifest`'s pending operations (it is version `version`, the newest), then
    /// creates version `version + 1` without them (unless another writer created it first,
    /// which applied them before). Returns warnings (deletes that failed, which stay pending in
    /// the clean version: the commit stands and the store stays usable).
    @discardableResult
    func rollForward(_ manifest: DatasetManifest, version: Int) throws(ColumnarError) -> [String] {
        guard let pending = manifest.pending else { return [] }
        let (warnings, failed) = try applyPending(manifest)
        CrashPoint.reach("commit-before-clean")
        if pending.renames.isEmpty && failed.count == pending.deletes.count { return warnings }
        var clean = manifest
        clean.formatVersion = StoreFormat.current
        clean.version = version + 1
        clean.pending = failed.isEmpty ? nil : PendingOperations(renames: [], deletes: failed)
        _ = try createVersion(clean)
        return warnings
    }

    /// Applies `manifest`'s pending moves and deletes, idempotently. A move whose source is
    /// gone is done; a move failing otherwise throws (the commit is not complete; the next
    /// writer retries it). A delete that fails is returned (`failed`) with a warning.
    func applyPending(_ manifest: DatasetManifest) throws(ColumnarError) -> (warnings: [String], failed: [String]) {
        guard let pending = manifest.pending else { return ([], []) }
        for (k, r) in pending.renames.enumerated() {
            try checkNoSymlinks(r.from)
            try checkNoSymlinks(r.to)
            if try storage.size(of: r.from) != nil {
                do {
                    try storage.move(r.from, to: r.to)
                } catch {
                    // Another writer rolling the same version forward moved it meanwhile.
                    guard try storage.size(of: r.from) == nil, try storage.size(of: r.to) != nil else { throw error }
                }
            }
            if k == 0 { CrashPoint.reach("commit-mid-renames") }
        }
        var failed: [String] = [], warnings: [String] = []
        for d in pending.deletes {
            do {
                try checkNoSymlinks(d)
                try storage.delete(d)
                removeEmptyFolder(of: d)
            } catch {
                failed.append(d)
                warnings.append("could not remove replaced file \(storage.describe(d)) (\(error)); will retry on the next write")
            }
        }
        return (warnings, failed)
    }

    /// Rolls every dataset's newest version forward, then removes orphans (see above).
    /// Returns warnings (deletes that failed).
    @discardableResult
    func recover(everyOrphan: Bool, now: Int64 = Store.nowSeconds()) throws(ColumnarError) -> [String] {
        var warnings: [String] = []
        let names = try datasets()
        for name in names {
            if let local, FileIO.isSymbolicLink(local.path(of: name)) { continue }
            guard let (version, m) = try latest(dataset: name) else { continue }
            warnings += try rollForward(m, version: version)
            let keep = Set((m.pending?.renames ?? []).map(\.from))
            for o in try storage.list(prefix: name + "/") where !keep.contains(o.key) {
                let leaf = o.key[(o.key.lastIndex(of: "/").map { o.key.index(after: $0) } ?? o.key.startIndex)...]
                guard leaf.hasPrefix(".") || leaf.hasPrefix("_manifest.json.tmp") else { continue }
                removeOrphan(o.key, everyOrphan: everyOrphan, now: now)
            }
        }
        if !names.isEmpty {
            for o in try storage.list(prefix: "_rejects/.") where o.key.hasSuffix(".tmp")
                && names.contains(where: { o.key.hasPrefix("_rejects/." + $0 + "-") }) {
                removeOrphan(o.key, everyOrphan: everyOrphan, now: now)
            }
        }
        return warnings
    }

    private func removeOrphan(_ key: String, everyOrphan: Bool, now: Int64) {
        if !everyOrphan {
            guard let started = Self.transactionTime(in: key), now - started > Self.orphanAge else { return }
        }
        guard (try? checkNoSymlinks(key)) != nil, (try? storage.delete(key)) != nil else { return }
        removeEmptyFolder(of: key)
    }

    /// Removes `key`'s folder when it is a partition folder left empty (local stores; a bucket
    /// has no folders). Never a dataset folder, never a non-empty one.
    private func removeEmptyFolder(of key: String) {
        guard let local else { return }
        let parts = key.split(separator: "/")
        guard parts.count == 3, parts[1].hasPrefix("date=") else { return }
        rmdir(local.path(of: parts[0] + "/" + parts[1]))
    }

    /// Seconds since the epoch of the first `YYYYMMDDTHHMMSS` in `key` (a transaction id).
    static func transactionTime(in key: String) -> Int64? {
        let b = Array(key.utf8)
        guard b.count >= 15 else { return nil }
        func digit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
        for i in 0...(b.count - 15) where b[i + 8] == 0x54 /* T */ {
            guard (0..<8).allSatisfy({ digit(b[i + $0]) }), (9..<15).allSatisfy({ digit(b[i + $0]) }) else { continue }
            func n(_ from: Int, _ len: Int) -> Int64 { b[(i + from)..<(i + from + len)].reduce(0) { $0 * 10 + Int64($1 - 0x30) } }
            let days = CivilTime.daysFromCivil(year: n(0, 4), month: n(4, 2), day: n(6, 2))
            return days * 86_400 + n(9, 2) * 3600 + n(11, 2) * 60 + n(13, 2)
        }
        return nil
    }

    static func nowSeconds() -> Int64 {
        var t = timespec()
        clock_gettime(CLOCK_REALTIME, &t)
        return Int64(t.tv_sec)
    }
}
