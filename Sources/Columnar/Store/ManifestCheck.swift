/// Validation of a decoded manifest before any verb uses it. A manifest is untrusted input (a
/// bit flip, a hand edit, a hostile store): every path must stay inside its dataset folder (or
/// name a rejects file), every number must be in range so that no later sum or date conversion
/// can trap, and the partition records must agree with their keys. The first problem throws
/// `.damaged(path: <manifest>, problem: …)` (exit 4). Costs O(files) on the manifest only.
///
/// Symbolic links are not visible here (the manifest is text); they are refused where a path is
/// used (`StorePath.checkNoSymlinks`).
enum ManifestCheck {
    /// Days 0001-01-01 ... 9999-12-31: the range every date conversion handles.
    static let dayRange: ClosedRange<Int64> = -719_162 ... 2_932_896
    static let microsRange: ClosedRange<Int64> = dayRange.lowerBound * CivilTime.microsPerDay
        ... (dayRange.upperBound + 1) * CivilTime.microsPerDay - 1

    static func validate(_ m: DatasetManifest, folder: String, file: String) throws(ColumnarError) {
        func fail(_ problem: String) -> ColumnarError { .damaged(path: file, problem: problem) }
        guard StoreFormat.isKnown(m.formatVersion) else { throw fail("has unknown format version \(m.formatVersion)") }
        guard m.dataset == folder else { throw fail("names dataset '\(m.dataset)' but sits in folder '\(folder)'") }
        var names = Set<String>()
        for f in m.schema.fields where !names.insert(f.name).inserted || f.name.isEmpty {
            throw fail("declares column '\(f.name)' twice or empty")
        }
        var keys = Set<String>(), paths = Set<String>()
        var totalRows = 0, totalBytes = 0
        for p in m.partitions {
            guard keys.insert(p.key).inserted else { throw fail("lists partition '\(p.key)' twice") }
            guard p.key.isEmpty || StorePath.isPlainName(p.key) else { throw fail("has partition key '\(p.key)' that is not a folder name") }
            var bounds = microsRange
            if let day = p.day {
                guard dayRange.contains(day) else { throw fail("has partition '\(p.key)' with day \(day) out of range") }
                let key = "date=" + CivilTime.isoDate(day: day)
                guard key == p.key else { throw fail("has partition '\(p.key)' whose day says \(key)") }
                bounds = day * CivilTime.microsPerDay ... (day + 1) * CivilTime.microsPerDay - 1
            }
            for f in p.files {
                guard StorePath.isInside(partition: p.key, f.path) else {
                    throw fail("lists part path '\(f.path)' that leaves its partition folder '\(p.key)'")
                }
                guard paths.insert(f.path).inserted else { throw fail("lists part '\(f.path)' twice") }
                guard f.rows >= 0, f.bytes >= 0 else { throw fail("gives part '\(f.path)' a negative size") }
                for t in [f.minTime, f.maxTime] {
                    if let t, !bounds.contains(t) {
                        throw fail("gives part '\(f.path)' a time bound \(t) outside its partition '\(p.key.isEmpty ? "(root)" : p.key)'")
                    }
                }
                if let lo = f.minTime, let hi = f.maxTime, lo > hi { throw fail("gives part '\(f.path)' minTime > maxTime") }
                var o1 = false, o2 = false
                (totalRows, o1) = totalRows.addingReportingOverflow(f.rows)
                (totalBytes, o2) = totalBytes.addingReportingOverflow(f.bytes)
                guard !o1, !o2 else { throw fail("has row or byte counts whose sum overflows") }
            }
        }
        var sizes = 0
        for s in m.sources {
            let counts = [s.size, s.rowsRead, s.rowsStored, s.rowsRejected, s.rowsCoerced] + Array(s.reasons.values)
            guard counts.allSatisfy({ $0 >= 0 }) else { throw fail("gives source '\(s.path)' a negative count") }
            var o = false
            (sizes, o) = sizes.addingReportingOverflow(s.size)
            guard !o else { throw fail("has source sizes whose sum overflows") }
            if let r = s.rejectsFile, !StorePath.isRejectsFile(r) {
                throw fail("names rejects file '\(r)' outside _rejects")
            }
        }
        if let pending = m.pending {
            for r in pending.renames {
                for p in [r.from, r.to] where !StorePath.isStoreRelative(p, dataset: folder) {
                    throw fail("lists pending rename path '\(p)' that leaves its dataset folder")
                }
            }
            for d in pending.deletes where !StorePath.isStoreRelative(d, dataset: folder) {
                throw fail("lists pending delete '\(d)' that leaves its dataset folder")
            }
        }
    }
}

/// Shape rules for the relative paths a manifest may hold. Pure string checks: no component
/// may be empty, ".", "..", or contain a NUL; nothing may be absolute.
public enum StorePath {
    /// One path component that names an entry of its folder.
    static func isPlainName(_ s: String) -> Bool {
        !s.isEmpty && s != "." && s != ".." && !s.contains("/") && !s.utf8.contains(0)
    }

    /// `name` (partition "") or `key/name`, with a plain `name`.
    static func isInside(partition key: String, _ path: String) -> Bool {
        if key.isEmpty { return isPlainName(path) }
        guard path.hasPrefix(key + "/") else { return false }
        return isPlainName(String(path.dropFirst(key.count + 1)))
    }

    /// `_rejects/<name>`.
    static func isRejectsFile(_ path: String) -> Bool {
        path.hasPrefix("_rejects/") && isPlainName(String(path.dropFirst("_rejects/".count)))
    }

    /// A store-relative path of a pending operation: `<dataset>/<name>`,
    /// `<dataset>/<partition>/<name>`, or a rejects file.
    static func isStoreRelative(_ path: String, dataset: String) -> Bool {
        if isRejectsFile(path) { return true }
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        return (parts.count == 2 || parts.count == 3) && parts[0] == dataset && parts.allSatisfy(isPlainName)
    }

    /// Throws `.damaged(path: file, …)` when `file` or any folder between `root` and it is a
    /// symbolic link (a store never creates one; following it could read or delete outside).
    /// `file` must start with `root + "/"`.
    public static func checkNoSymlinks(_ file: String, under root: String) throws(ColumnarError) {
        var p = root
        for part in file.dropFirst(root.count + 1).split(separator: "/") {
            p += "/" + part
            if FileIO.isSymbolicLink(p) {
                throw .damaged(path: p, problem: "is a symbolic link (a store never holds one)")
            }
        }
    }
}
