import Columnar

/// The five tables of the Sparkify star schema (rules in `docs/star-schema.md`), each one
/// in-memory batch sorted by its key. Partition columns are included as ordinary columns
/// (`songplays` carries `year` and `month` of `start_time`); `StarSchemaLake` moves them into the
/// directory names when writing.
public struct StarSchemaTables: Sendable {
    public var songplays: RecordBatch
    public var users: RecordBatch
    public var songs: RecordBatch
    public var artists: RecordBatch
    public var time: RecordBatch

    /// (table name, batch, partition columns) in a fixed order.
    public var all: [(name: String, batch: RecordBatch, partitionBy: [String])] {
        [
            ("songplays", songplays, StarSchemaTables.partitioning["songplays"]!),
            ("users", users, StarSchemaTables.partitioning["users"]!),
            ("songs", songs, StarSchemaTables.partitioning["songs"]!),
            ("artists", artists, StarSchemaTables.partitioning["artists"]!),
            ("time", time, StarSchemaTables.partitioning["time"]!),
        ]
    }

    public static let partitioning: [String: [String]] = [
        "songplays": ["year", "month"],
        "users": [],
        "songs": ["year", "artist_id"],
        "artists": [],
        "time": ["year", "month"],
    ]

    public static let songplaysSchema = Schema([
        Field("songplay_id", .int64, nullable: false),
        Field("start_time", .timestampMicros, nullable: false),
        Field("user_id", .int64),
        Field("level", .string),
        Field("song_id", .string),
        Field("artist_id", .string),
        Field("session_id", .int64),
        Field("location", .string),
        Field("user_agent", .string),
        Field("year", .int32, nullable: false),
        Field("month", .int32, nullable: false),
    ])

    public static let usersSchema = Schema([
        Field("user_id", .int64, nullable: false),
        Field("first_name", .string),
        Field("last_name", .string),
        Field("gender", .string),
        Field("level", .string),
    ])

    public static let songsSchema = Schema([
        Field("song_id", .string, nullable: false),
        Field("title", .string),
        Field("artist_id", .string, nullable: false),
        Field("year", .int32),
        Field("duration", .double),
    ])

    public static let artistsSchema = Schema([
        Field("artist_id", .string, nullable: false),
        Field("name", .string),
        Field("location", .string),
        Field("latitude", .double),
        Field("longitude", .double),
    ])

    public static let timeSchema = Schema([
        Field("start_time", .timestampMicros, nullable: false),
        Field("hour", .int32, nullable: false),
        Field("day", .int32, nullable: false),
        Field("week", .int32, nullable: false),
        Field("month", .int32, nullable: false),
        Field("year", .int32, nullable: false),
        Field("weekday", .int32, nullable: false),
    ])
}
