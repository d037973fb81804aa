/// The two Sparkify datasets of the store: their names and part-file schemas, the contract
/// between the JSON ingest (which maps JSON keys onto these columns: `SparkifySchemas.logFields`
/// and `songFields` in Ingest) and the star schema (which reads them). Column names keep the
/// JSON keys' spelling (so the store reads like the raw logs in Spark); see
/// `docs/star-schema.md` for the rules.
public enum SparkifySchemas {
    /// Day-partitioned (`date=YYYY-MM-DD` of `ts` in UTC) dataset of log events.
    public static let logDataset = "sparkify_log"
    /// Unpartitioned dataset of the song catalogue.
    public static let songDataset = "songs"

    /// `sparkify_log`: one row per JSON line. `ts` is required (epoch ms → timestampMicros);
    /// `userId` is kept as the raw string ("" for logged-out events) and `userIdInt` holds it
    /// parsed when it is a decimal integer.
    public static let logSchema = Schema([
        Field("ts", .timestampMicros, nullable: false),
        Field("userId", .string),
        Field("userIdInt", .int64),
        Field("sessionId", .int64),
        Field("itemInSession", .int32),
        Field("page", .string),
        Field("level", .string),
        Field("firstName", .string),
        Field("lastName", .string),
        Field("gender", .string),
        Field("song", .string),
        Field("artist", .string),
        Field("length", .double),
        Field("location", .string),
        Field("userAgent", .string),
        Field("auth", .string),
        Field("method", .string),
        Field("status", .int32),
        Field("registration", .timestampMicros),
    ])

    /// `songs`: one row per JSON object of the catalogue. `song_id` and `artist_id` are required.
    public static let songSchema = Schema([
        Field("song_id", .string, nullable: false),
        Field("title", .string),
        Field("artist_id", .string, nullable: false),
        Field("artist_name", .string),
        Field("artist_location", .string),
        Field("artist_latitude", .double),
        Field("artist_longitude", .double),
        Field("duration", .double),
        Field("year", .int32),
        Field("num_songs", .int32),
    ])

    /// The stored `songs` dataset: `songSchema` plus `source_hash`, the content hash of the
    /// catalogue file each row came from (`SourceRecord.contentHash`), since one part holds the
    /// rows of many files (see `SongPartBatcher`).
    public static let songDatasetSchema = Schema(songSchema.fields + [Field("source_hash", .string, nullable: false)])
}
