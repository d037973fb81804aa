import Columnar

/// How one JSON key becomes one (or two) stored columns.
public enum JSONFieldRule: Sendable, Equatable {
    /// JSON string (or null/absent → null). Numbers and other kinds are wrong types.
    case string
    /// JSON string kept as is, or an integer number written as its decimal text; plus, in the
    /// next column of the schema, the value parsed as Int64 when it is a decimal integer (else null).
    case stringWithInt
    /// JSON number with an integral value fitting the column (Int32 or Int64 by field type).
    case integer
    /// JSON number.
    case double
    /// JSON number of epoch milliseconds (integral, or a decimal with a zero fraction such as
    /// `1540919166796.0`) stored as UTC microseconds.
    case epochMillis
}

/// One projected JSON key: its name in the input, its rule, whether it must be present and
/// non-null (else the row is rejected), and the index of its first column in the schema.
public struct JSONFieldSpec: Sendable, Equatable {
    public var key: String
    public var rule: JSONFieldRule
    public var required: Bool
    public var column: Int

    public init(key: String, rule: JSONFieldRule, required: Bool = false, column: Int) {
        self.key = key
        self.rule = rule
        self.required = required
        self.column = column
    }
}

/// The two Sparkify datasets of the store, their schemas and how JSON keys map onto them.
/// Column names keep the JSON keys' spelling (so the store reads like the raw logs in Spark);
/// see `docs/star-schema.md` for the rules.
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

    public static let logFields: [JSONFieldSpec] = [
        JSONFieldSpec(key: "ts", rule: .epochMillis, required: true, column: 0),
        JSONFieldSpec(key: "userId", rule: .stringWithInt, column: 1),
        JSONFieldSpec(key: "sessionId", rule: .integer, column: 3),
        JSONFieldSpec(key: "itemInSession", rule: .integer, column: 4),
        JSONFieldSpec(key: "page", rule: .string, column: 5),
        JSONFieldSpec(key: "level", rule: .string, column: 6),
        JSONFieldSpec(key: "firstName", rule: .string, column: 7),
        JSONFieldSpec(key: "lastName", rule: .string, column: 8),
        JSONFieldSpec(key: "gender", rule: .string, column: 9),
        JSONFieldSpec(key: "song", rule: .string, column: 10),
        JSONFieldSpec(key: "artist", rule: .string, column: 11),
        JSONFieldSpec(key: "length", rule: .double, column: 12),
        JSONFieldSpec(key: "location", rule: .string, column: 13),
        JSONFieldSpec(key: "userAgent", rule: .string, column: 14),
        JSONFieldSpec(key: "auth", rule: .string, column: 15),
        JSONFieldSpec(key: "method", rule: .string, column: 16),
        JSONFieldSpec(key: "status", rule: .integer, column: 17),
        JSONFieldSpec(key: "registration", rule: .epochMillis, column: 18),
    ]

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

    public static let songFields: [JSONFieldSpec] = [
        JSONFieldSpec(key: "song_id", rule: .string, required: true, column: 0),
        JSONFieldSpec(key: "title", rule: .string, column: 1),
        JSONFieldSpec(key: "artist_id", rule: .string, required: true, column: 2),
        JSONFieldSpec(key: "artist_name", rule: .string, column: 3),
        JSONFieldSpec(key: "artist_location", rule: .string, column: 4),
        JSONFieldSpec(key: "artist_latitude", rule: .double, column: 5),
        JSONFieldSpec(key: "artist_longitude", rule: .double, column: 6),
        JSONFieldSpec(key: "duration", rule: .double, column: 7),
        JSONFieldSpec(key: "year", rule: .integer, column: 8),
        JSONFieldSpec(key: "num_songs", rule: .integer, column: 9),
    ]
}
