import Columnar

/// The five tables of the Sparkify star schema (rules in `docs/star-schema.md`; names, schemas
/// and partitioning in `StarSchemaLayout`), each one in-memory batch sorted by its key.
/// Partition columns are included as ordinary columns (`songplays` carries `year` and `month`
/// of `start_time`); `StarSchemaLake` moves them into the directory names when writing.
public struct StarSchemaTables: Sendable {
    public var songplays: RecordBatch
    public var users: RecordBatch
    public var songs: RecordBatch
    public var artists: RecordBatch
    public var time: RecordBatch

    /// (table name, batch, partition columns) in the lake's fixed order (`StarSchemaLayout`).
    public var all: [(name: String, batch: RecordBatch, partitionBy: [String])] {
        [(StarSchemaLayout.songplays, songplays), (StarSchemaLayout.users, users), (StarSchemaLayout.songs, songs),
         (StarSchemaLayout.artists, artists), (StarSchemaLayout.time, time)].map { ($0.0.name, $0.1, $0.0.partitionBy) }
    }
}
