/// One table of the star-schema lake: its folder name, the columns that become `KEY=VALUE`
/// folder levels (in order), and its schema with the partition columns included as ordinary
/// columns (the lake's files do not hold them).
public struct LakeTable: Sendable, Equatable {
    public let name: String
    public let partitionBy: [String]
    public let schema: Schema
}

/// The five tables of the Sparkify star-schema lake (rules in `docs/star-schema.md`), spelled
/// once: the star-schema builder makes its batches with these schemas, the lake writer
/// partitions by `partitionBy` and names the folders after `name`, and `tables` is the lake's
/// fixed order (for the summary and for the CLI's listing).
public enum StarSchemaLayout {
    public static let songplays = LakeTable(name: "songplays", partitionBy: ["year", "month"], schema: Schema([
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
    ]))

    public static let users = LakeTable(name: "users", partitionBy: [], schema: Schema([
        Field("user_id", .int64, nullable: false),
        Field("first_name", .string),
        Field("last_name", .string),
        Field("gender", .string),
        Field("level", .string),
    ]))

    public static let songs = LakeTable(name: "songs", partitionBy: ["year", "artist_id"], schema: Schema([
        Field("song_id", .string, nullable: false),
        Field("title", .string),
        Field("artist_id", .string, nullable: false),
        Field("year", .int32),
        Field("duration", .double),
    ]))

    public static let artists = LakeTable(name: "artists", partitionBy: [], schema: Schema([
        Field("artist_id", .string, nullable: false),
        Field("name", .string),
        Field("location", .string),
        Field("latitude", .double),
        Field("longitude", .double),
    ]))

    public static let time = LakeTable(name: "time", partitionBy: ["year", "month"], schema: Schema([
        Field("start_time", .timestampMicros, nullable: false),
        Field("hour", .int32, nullable: false),
        Field("day", .int32, nullable: false),
        Field("week", .int32, nullable: false),
        Field("month", .int32, nullable: false),
        Field("year", .int32, nullable: false),
        Field("weekday", .int32, nullable: false),
    ]))

    /// The tables in the lake's fixed order.
    public static let tables: [LakeTable] = [songplays, users, songs, artists, time]
}
