import Columnar

/// The store side of `extract star-schema`: reads the `sparkify_log` (only the day partitions
/// the window touches, only the columns the star schema reads, one part file at a time) and
/// `songs` datasets, builds the tables and writes the lake. Memory: the catalogue, one log
/// part file, and the output tables.
public enum StarSchemaStore {
    public static let logDataset = "sparkify_log"
    public static let songDataset = "songs"
    /// The catalogue columns used (the stored `source_hash` is not).
    public static let songColumns = ["song_id", "title", "artist_id", "artist_name", "artist_location", "artist_latitude",
                                     "artist_longitude", "duration", "year"]
    public static let logColumns = ["ts", "userId", "userIdInt", "sessionId", "itemInSession", "page", "level",
                                    "firstName", "lastName", "gender", "song", "artist", "length", "location", "userAgent"]

    /// Builds the tables from the store, streaming the log part files one at a time through a
    /// `StarSchemaBuilder` (only the day partitions the window touches are read). Throws
    /// `.missingStore` when the store or a dataset is absent.
    public static func build(store path: String, window: TimeWindow?) throws(QueryError) -> StarSchemaTables {
        let store: Store
        do { store = try Store(path: path) } catch { throw .missingStore(error.description) }
        func manifest(_ name: String, _ hint: String) throws(QueryError) -> DatasetManifest {
            let m: DatasetManifest?
            do { m = try store.manifest(dataset: name) } catch { throw .columnar(error) }
            guard let m else {
                throw .missingStore("\(path): no \(name) dataset (run `extract ingest --format \(hint) … --store \(path)`)")
            }
            return m
        }
        let logManifest = try manifest(logDataset, "sparkify-logs")
        let songManifest = try manifest(songDataset, "sparkify-songs")
        var songs: [RecordBatch] = []
        for (_, file) in songManifest.allFiles {
            songs += try read(store.datasetPath(songDataset) + "/" + file.path, columns: songColumns)
        }
        var builder = try StarSchemaBuilder(songs: songs, window: window)
        let days = window?.dayRange
        for (partition, file) in logManifest.allFiles {
            if let days, let day = partition.day, !days.contains(day) { continue }
            for batch in try read(store.datasetPath(logDataset) + "/" + file.path, columns: logColumns) {
                try builder.add(batch)
            }
        }
        return try builder.finish()
    }

    static func read(_ path: String, columns: [String]?) throws(QueryError) -> [RecordBatch] {
        do {
            return try ParquetFile(path: path).readAll(columns: columns)
        } catch {
            throw .columnar(error)
        }
    }

    /// Loads, builds and writes the lake (atomically replacing `output`). An earlier run's
    /// crash is cleaned up first (the old lake put back), even when this run then fails.
    public static func run(store: String, output: String, window: TimeWindow?,
                           options: ParquetWriterOptions = .init()) throws(QueryError) -> StarSchemaLake.Summary {
        let lake = output.count > 1 && output.hasSuffix("/") ? String(output.dropLast()) : output
        do { try StarSchemaLake.recover(lake: lake) } catch { throw .outputNotWritable(path: output, reason: error.description) }
        return try StarSchemaLake.write(try build(store: store, window: window), to: output, options: options)
    }
}
