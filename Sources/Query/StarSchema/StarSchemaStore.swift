import Columnar

/// The store side of `extract star-schema`: reads the `sparkify_log` (only the day partitions
/// the window touches, only the columns the star schema reads, one part file at a time) and
/// `songs` datasets, builds the tables and writes the lake. Memory: the catalogue, one log
/// part file, and the output tables.
public enum StarSchemaStore {
    public static let logDataset = SparkifySchemas.logDataset
    public static let songDataset = SparkifySchemas.songDataset
    /// The catalogue columns used (the stored `source_hash` is not).
    public static let songColumns = ["song_id", "title", "artist_id", "artist_name", "artist_location", "artist_latitude",
                                     "artist_longitude", "duration", "year"]
    public static let logColumns = ["ts", "userId", "userIdInt", "sessionId", "itemInSession", "page", "level",
                                    "firstName", "lastName", "gender", "song", "artist", "length", "location", "userAgent"]

    /// Builds the tables in memory from the store, streaming the log part files one at a time
    /// through a `StarSchemaBuilder` (only the day partitions the window touches are read).
    /// Throws `.missingStore` when the store or a dataset is absent. (`run` does not hold the
    /// songplays and time tables: it writes them day by day.)
    public static func build(store path: String, window: TimeWindow?) throws(QueryError) -> StarSchemaTables {
        let (store, logManifest, songManifest) = try open(path)
        var builder = try StarSchemaBuilder(songs: try readCatalogue(store, songManifest), window: window)
        let days = window?.dayRange
        for (partition, file) in logManifest.allFiles {
            if let days, let day = partition.day, !days.contains(day) { continue }
            for batch in try read(store, logManifest, partition, file, columns: logColumns) {
                try builder.add(batch)
            }
        }
        return try builder.finish()
    }

    static func open(_ path: String) throws(QueryError) -> (Store, DatasetManifest, DatasetManifest) {
        let store: Store
        do { store = try Store(readingAt: path) } catch { throw .missingStore(error.description) }
        func manifest(_ name: String, _ hint: String) throws(QueryError) -> DatasetManifest {
            let m: DatasetManifest?
            do { m = try store.manifest(dataset: name) } catch { throw .columnar(error) }
            guard let m else {
                throw .missingStore("\(path): no \(name) dataset (run `extract ingest --format \(hint) … --store \(path)`)")
            }
            return m
        }
        return (store, try manifest(logDataset, "sparkify-logs"), try manifest(songDataset, "sparkify-songs"))
    }

    static func readCatalogue(_ store: Store, _ manifest: DatasetManifest) throws(QueryError) -> [RecordBatch] {
        var songs: [RecordBatch] = []
        for (partition, file) in manifest.allFiles {
            songs += try read(store, manifest, partition, file, columns: songColumns)
        }
        return songs
    }

    /// Reads part `file` of `manifest` after checking its footer against the manifest
    /// (`PartCheck`): a missing or disagreeing part throws `.columnar(.damaged)` naming it.
    static func read(_ store: Store, _ manifest: DatasetManifest, _ partition: PartitionRecord, _ file: PartFile,
                     columns: [String]?) throws(QueryError) -> [RecordBatch] {
        do {
            let pf = try ParquetFile(path: try store.partPath(file, of: manifest))
            try PartCheck.check(pf, entry: file, partition: partition, manifest: manifest)
            return try pf.readAll(columns: columns)
        } catch {
            throw .columnar(error)
        }
    }

    /// Builds and writes the lake (atomically replacing `output`), streaming: the log's day
    /// partitions are read in order and each day's songplays and time rows are written to
    /// their month's file before the next day is read. An earlier run's crash is cleaned up
    /// first (the old lake put back), even when this run then fails.
    ///
    /// Refuses (`.outputNotWritable`) an `output` that is the store, inside it or contains it,
    /// and a non-empty folder without `_extract_lake.json` (`LakeMarker`).
    ///
    /// Memory: the catalogue, one log part file, one day's songplays (sorted copies included),
    /// one pending row group per open writer, and one record per user.
    public static func run(store: String, output: String, window: TimeWindow?,
                           options: ParquetWriterOptions = .init()) throws(QueryError) -> StarSchemaLake.Summary {
        let lake = output.count > 1 && output.hasSuffix("/") ? String(output.dropLast()) : output
        // A missing store is reported after the recovery (which puts a crashed run's old lake
        // back); a store that opens is checked against LAKE before anything beside LAKE is
        // touched: never the store, inside it or around it.
        let opened: Result<(Store, DatasetManifest, DatasetManifest), QueryError>
        do throws(QueryError) { opened = .success(try open(store)) } catch { opened = .failure(error) }
        if case .success = opened { try OutputSafety.refuseStoreOverlap(output: lake, store: store) }
        do { try StarSchemaLake.recover(lake: lake) } catch { throw .outputNotWritable(path: output, reason: error.description) }
        let (st, logManifest, songManifest) = try opened.get()
        try LakeMarker.checkTarget(lake: lake, store: store)
        var builder = try StarSchemaBuilder(songs: try readCatalogue(st, songManifest), window: window)
        let days = window?.dayRange
        return try StarSchemaLake.atomically(lake: lake, store: store) { temporary throws in
            let plays = try MonthPartitionedWriter(directory: temporary + "/" + StarSchemaLayout.songplays.name,
                                                   schema: StarSchemaLayout.songplays.schema, options: options)
            let time = try MonthPartitionedWriter(directory: temporary + "/" + StarSchemaLayout.time.name,
                                                  schema: StarSchemaLayout.time.schema, options: options)
            // Partitions are sorted by key (date=YYYY-MM-DD): chronological, disjoint days.
            for partition in logManifest.partitions {
                if let days, let day = partition.day, !days.contains(day) { continue }
                for file in partition.files {
                    for batch in try read(st, logManifest, partition, file, columns: logColumns) {
                        try builder.add(batch)
                    }
                }
                let drained = try builder.drainSongplays()
                try plays.append(drained.songplays)
                try time.append(drained.time)
            }
            try plays.finish()
            try time.finish()
            CrashPoint.reach("lake-after-first-table")
            PausePoint.reach("lake-after-first-table")
            var summary = StarSchemaLake.Summary()
            summary.rows[StarSchemaLayout.songplays.name] = plays.rows
            summary.files[StarSchemaLayout.songplays.name] = plays.files
            summary.rows[StarSchemaLayout.time.name] = time.rows
            summary.files[StarSchemaLayout.time.name] = time.files
            let dims = try builder.dimensions()
            for (table, batch) in [(StarSchemaLayout.users, dims.users), (StarSchemaLayout.songs, dims.songs),
                                   (StarSchemaLayout.artists, dims.artists)] {
                let (rows, files) = try StarSchemaLake.writeTable(batch, partitionBy: table.partitionBy,
                                                                  directory: temporary + "/" + table.name, options: options)
                summary.rows[table.name] = rows
                summary.files[table.name] = files
            }
            return summary
        }
    }
}
