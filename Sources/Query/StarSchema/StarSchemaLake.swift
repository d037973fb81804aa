import Columnar
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes `StarSchemaTables` as a Hive-partitioned Parquet lake that Spark, DuckDB
/// (`hive_partitioning=true`) and pyarrow (`partitioning='hive'`) read with partition discovery:
///
/// ```
/// LAKE/songplays/year=2018/month=11/part-00000.parquet   (partition columns not in the file)
/// LAKE/users/part-00000.parquet
/// LAKE/songs/year=2005/artist_id=AR.../part-00000.parquet
/// LAKE/artists/part-00000.parquet
/// LAKE/time/year=2018/month=11/part-00000.parquet
/// LAKE/<table>/_SUCCESS
/// ```
///
/// ### Atomic replacement
/// Everything is written into `.<name>.tmp-<pid>` beside LAKE (same file system). Then, if LAKE
/// exists, it is renamed to `.<name>.old-<pid>`, the new folder is renamed to LAKE, and the old
/// one is deleted. Readers never see a half-written lake: LAKE is the old lake or the new one
/// (between the two renames, for an instant, there is none). A crash leaves hidden folders
/// beside LAKE, which the next `write` (through `recover`) cleans up, putting the old lake back
/// if the crash came between the two renames. Memory (`write`): the tables (already in memory)
/// plus one Parquet row group; `atomically` lets a caller stream tables into the folder instead.
public enum StarSchemaLake {
    /// Counts of what was written, per table.
    public struct Summary: Sendable, Equatable {
        public var rows: [String: Int] = [:]
        public var files: [String: Int] = [:]
    }

    public static func write(_ tables: StarSchemaTables, to lake: String,
                             options: ParquetWriterOptions = .init()) throws(QueryError) -> Summary {
        try atomically(lake: lake) { temporary throws in
            var summary = Summary()
            for table in tables.all {
                let (rows, files) = try writeTable(table.batch, partitionBy: table.partitionBy,
                                                   directory: temporary + "/" + table.name, options: options)
                summary.rows[table.name] = rows
                summary.files[table.name] = files
                CrashPoint.reach("lake-after-first-table")
            }
            return summary
        }
    }

    /// Runs `body` to fill a fresh hidden folder beside LAKE (passed to it), then swaps it in
    /// for LAKE as described above. Any error from `body` removes the folder and leaves LAKE as
    /// it was (errors other than `QueryError` become `.outputNotWritable`, naming LAKE, never
    /// the hidden folder).
    ///
    /// Safety (`LakeMarker.checkTarget`): LAKE must be absent, an empty folder or a lake this
    /// tool wrote (it holds `_extract_lake.json`, which every new lake gets); with `store`, LAKE
    /// must neither be the store, nor lie inside it, nor contain it. While it runs, the hidden
    /// folders are registered with `InterruptCleanup`, so SIGINT/SIGTERM removes them (and puts
    /// the old lake back if the signal came between the two renames).
    public static func atomically(lake: String, store: String? = nil,
                                  _ body: (String) throws -> Summary) throws(QueryError) -> Summary {
        let trimmed = lake.count > 1 && lake.hasSuffix("/") ? String(lake.dropLast()) : lake
        let (parent, name) = split(trimmed)
        let id = getpid()
        let temporary = parent + "/." + name + ".tmp-\(id)"
        let old = parent + "/." + name + ".old-\(id)"
        let dying = parent + "/." + name + ".del-\(id)"
        if let store { try OutputSafety.refuseStoreOverlap(output: lake, store: store) }
        if FileIO.exists(trimmed), !FileIO.isDirectory(trimmed) {
            throw .outputNotWritable(path: lake, reason: "exists and is not a directory")
        }
        do { try recover(lake: trimmed) } catch { throw .outputNotWritable(path: lake, reason: error.description) }
        try LakeMarker.checkTarget(lake: trimmed, store: store)
        let cleanup = InterruptCleanup.shared.register {
            // Renamed away first: a writer still running can add nothing under the old name.
            if rename(temporary, dying) == 0 { try? LakeDirectory.removeTree(dying) }
            if FileIO.exists(old) {
                if !FileIO.exists(trimmed) { _ = rename(old, trimmed) } else { try? LakeDirectory.removeTree(old) }
            }
        }
        defer { InterruptCleanup.shared.unregister(cleanup) }
        func failure(_ error: ColumnarError) -> QueryError {
            .outputNotWritable(path: lake, reason: error.relocated(from: temporary, to: trimmed).reason)
        }
        let summary: Summary
        do {
            try LakeDirectory.removeTree(temporary)
            try FileIO.makeDirectories(temporary)
            try LakeMarker.write(into: temporary)
            summary = try body(temporary)
            try FileIO.syncDirectory(temporary)
        } catch let error as QueryError {
            try? LakeDirectory.removeTree(temporary)
            throw error.relocated(from: temporary, to: trimmed)
        } catch let error as ColumnarError {
            try? LakeDirectory.removeTree(temporary)
            throw failure(error)
        } catch {
            try? LakeDirectory.removeTree(temporary)
            throw .outputNotWritable(path: lake, reason: "\(error)")
        }
        do {
            if FileIO.exists(trimmed) {
                guard FileIO.isDirectory(trimmed) else {
                    try? LakeDirectory.removeTree(temporary)
                    throw QueryError.outputNotWritable(path: lake, reason: "exists and is not a directory")
                }
                try LakeDirectory.removeTree(old)
                try FileIO.rename(trimmed, old)
                CrashPoint.reach("lake-between-renames")
                try FileIO.rename(temporary, trimmed)
                try FileIO.syncDirectory(parent)
                CrashPoint.reach("lake-before-old-removed")
                try LakeDirectory.removeTree(old)
            } else {
                try FileIO.rename(temporary, trimmed)
                try FileIO.syncDirectory(parent)
            }
        } catch let error as QueryError {
            throw error
        } catch let error as ColumnarError {
            throw failure(error)
        } catch {
            throw .outputNotWritable(path: lake, reason: "\(error)")
        }
        return summary
    }

    /// Writes one table: a file per partition directory (partition columns dropped from the
    /// files), `_SUCCESS` at the top. An unpartitioned table always gets one file, even empty.
    static func writeTable(_ batch: RecordBatch, partitionBy: [String], directory: String,
                           options: ParquetWriterOptions) throws -> (rows: Int, files: Int) {
        try FileIO.makeDirectories(directory)
        let fileColumns = batch.schema.names.filter { !partitionBy.contains($0) }
        var files = 0
        var created = Set<String>()
        for group in try HivePartitioning.groups(batch, by: partitionBy) where !group.rows.isEmpty || partitionBy.isEmpty {
            let dir = group.directory.isEmpty ? directory : directory + "/" + group.directory
            // Only the partition levels below the table folder (created above) are made here.
            var prefix = directory
            for level in group.directory.split(separator: "/") {
                prefix += "/" + level
                if created.insert(prefix).inserted, mkdir(prefix, 0o755) != 0, errno != EEXIST {
                    throw ColumnarError.io(path: prefix, operation: "create directory", errno: errno)
                }
            }
            let part = try ColumnGather.gather(batch, group.rows, names: fileColumns)
            let writer = try ParquetWriter(path: dir + "/part-00000.parquet", schema: part.schema, options: options)
            do {
                if part.rowCount > 0 { try writer.write(part) }
                _ = try writer.close()
            } catch {
                writer.abandon()
                throw error
            }
            files += 1
        }
        try FileIO.writeAll(directory + "/_SUCCESS", [])
        return (batch.rowCount, files)
    }

    /// Cleans up after an interrupted `write` of `lake` by a process that is no longer running:
    /// a `.<name>.old-<pid>` with no LAKE (crash between the two renames) is renamed back to LAKE
    /// (the previous lake returns), any other `.old-`/`.tmp-`/`.del-` folder (`.del-`: a
    /// temporary lake an interrupted run was deleting) is deleted. Folders of a
    /// live process (a concurrent writer) are left alone. Called by `write`.
    public static func recover(lake: String) throws(ColumnarError) {
        let (parent, name) = split(lake)
        guard FileIO.isDirectory(parent) else { return }
        let me = getpid()
        for entry in try FileIO.list(parent).sorted() {
            let oldPID = StaleTemporaries.pid(of: entry, name: name, infix: ".old-")
            let isOld = oldPID != nil
            guard let pid = oldPID ?? StaleTemporaries.pid(of: entry, name: name, infix: ".tmp-")
                    ?? StaleTemporaries.pid(of: entry, name: name, infix: ".del-") else { continue }
            if pid != me, kill(pid, 0) == 0 || errno == EPERM { continue }
            let path = parent + "/" + entry
            if isOld, !FileIO.exists(lake) {
                try FileIO.rename(path, lake)
            } else {
                try LakeDirectory.removeTree(path)
            }
        }
    }

    static func split(_ path: String) -> (parent: String, name: String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        let parent = String(path[..<slash])
        return (parent.isEmpty ? "/" : parent, String(path[path.index(after: slash)...]))
    }
}

/// Recursive removal of a directory tree (the old or temporary lake). Not a hot path.
enum LakeDirectory {
    static func removeTree(_ path: String) throws(ColumnarError) {
        guard FileIO.exists(path) || isSymlink(path) else { return }
        if FileIO.isDirectory(path) && !isSymlink(path) {
            for name in try FileIO.list(path) { try removeTree(path + "/" + name) }
            guard rmdir(path) == 0 || errno == ENOENT else { throw .io(path: path, operation: "rmdir", errno: errno) }
        } else {
            try FileIO.remove(path)
        }
    }

    static func isSymlink(_ path: String) -> Bool {
        var st = stat()
        return lstat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFLNK
    }
}
