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

extension JSONFieldSpec {
    /// The spec of `key`, whose first column is the column of `schema` named `key` (JSON keys
    /// and column names are spelled alike); traps when `schema` has no such column (a
    /// programming error in the tables below, caught by any Sparkify ingest test).
    init(key: String, rule: JSONFieldRule, required: Bool = false, in schema: Schema) {
        guard let column = schema.index(of: key) else { preconditionFailure("no column '\(key)' in the schema") }
        self.init(key: key, rule: rule, required: required, column: column)
    }
}

/// How the JSON keys of the Sparkify inputs map onto the columns of the store's datasets
/// (`SparkifySchemas` in Columnar holds the datasets' names and schemas).
extension SparkifySchemas {
    public static let logFields: [JSONFieldSpec] = [
        JSONFieldSpec(key: "ts", rule: .epochMillis, required: true, in: logSchema),
        JSONFieldSpec(key: "userId", rule: .stringWithInt, in: logSchema),
        JSONFieldSpec(key: "sessionId", rule: .integer, in: logSchema),
        JSONFieldSpec(key: "itemInSession", rule: .integer, in: logSchema),
        JSONFieldSpec(key: "page", rule: .string, in: logSchema),
        JSONFieldSpec(key: "level", rule: .string, in: logSchema),
        JSONFieldSpec(key: "firstName", rule: .string, in: logSchema),
        JSONFieldSpec(key: "lastName", rule: .string, in: logSchema),
        JSONFieldSpec(key: "gender", rule: .string, in: logSchema),
        JSONFieldSpec(key: "song", rule: .string, in: logSchema),
        JSONFieldSpec(key: "artist", rule: .string, in: logSchema),
        JSONFieldSpec(key: "length", rule: .double, in: logSchema),
        JSONFieldSpec(key: "location", rule: .string, in: logSchema),
        JSONFieldSpec(key: "userAgent", rule: .string, in: logSchema),
        JSONFieldSpec(key: "auth", rule: .string, in: logSchema),
        JSONFieldSpec(key: "method", rule: .string, in: logSchema),
        JSONFieldSpec(key: "status", rule: .integer, in: logSchema),
        JSONFieldSpec(key: "registration", rule: .epochMillis, in: logSchema),
    ]

    public static let songFields: [JSONFieldSpec] = [
        JSONFieldSpec(key: "song_id", rule: .string, required: true, in: songSchema),
        JSONFieldSpec(key: "title", rule: .string, in: songSchema),
        JSONFieldSpec(key: "artist_id", rule: .string, required: true, in: songSchema),
        JSONFieldSpec(key: "artist_name", rule: .string, in: songSchema),
        JSONFieldSpec(key: "artist_location", rule: .string, in: songSchema),
        JSONFieldSpec(key: "artist_latitude", rule: .double, in: songSchema),
        JSONFieldSpec(key: "artist_longitude", rule: .double, in: songSchema),
        JSONFieldSpec(key: "duration", rule: .double, in: songSchema),
        JSONFieldSpec(key: "year", rule: .integer, in: songSchema),
        JSONFieldSpec(key: "num_songs", rule: .integer, in: songSchema),
    ]
}
