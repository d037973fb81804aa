/// How the learning base's CSV text spells a value (docs/learning-base.md §5.3); NULL is the
/// empty field whatever the spelling.
public enum CSVSpelling: String, Sendable, Equatable {
    /// Decimal digits with a leading `-` when negative (`1234`).
    case integer
    /// Java's `Double.toString` (`12.5`, `1.0E7`, `NaN`).
    case javaDouble
    /// `true` / `false`.
    case boolean
    /// `yyyy-MM-dd HH:mm:ss` in UTC (whole seconds).
    case timestamp
    /// The text, trimmed and quoted as Spark's CSV writer does.
    case text
}

/// One output column of the learning base: its name, its type (which fixes its Parquet and its
/// Arrow type) and whether it can be NULL. How each output format spells it follows from the
/// type:
///
/// | type              | CSV (`csv`)              | Parquet                          | Arrow                          |
/// |-------------------|--------------------------|----------------------------------|--------------------------------|
/// | `int32`           | decimal                  | INT32, INT(32, signed)           | Int(32, signed)                |
/// | `int64`           | decimal                  | INT64, INT(64, signed)           | Int(64, signed)                |
/// | `double`          | Java `Double.toString`   | DOUBLE                           | FloatingPoint(DOUBLE)          |
/// | `bool`            | `true` / `false`         | BOOLEAN                          | Bool                           |
/// | `timestampMicros` | `yyyy-MM-dd HH:mm:ss`    | INT64, TIMESTAMP(UTC, MICROS)    | Timestamp(MICROSECOND, "UTC")  |
/// | `string`          | trimmed, quoted (§5.3)   | BYTE_ARRAY, STRING               | Utf8                           |
///
/// `nullable` is Parquet's OPTIONAL (else REQUIRED) and Arrow's `nullable`.
public struct OutputColumn: Sendable, Equatable {
    public let name: String
    public let type: ColumnType
    public let nullable: Bool

    public init(_ name: String, _ type: ColumnType, nullable: Bool = false) {
        self.name = name
        self.type = type
        self.nullable = nullable
    }

    /// The column as a field of the Parquet and Arrow schema.
    public var field: Field { Field(name, type, nullable: nullable) }

    /// How the CSV text spells the column's values (nil for a type the learning base never
    /// outputs: binary, date, uuid).
    public var csv: CSVSpelling? {
        switch type {
        case .int32, .int64: .integer
        case .double: .javaDouble
        case .bool: .boolean
        case .timestampMicros: .timestamp
        case .string: .text
        case .binary, .date, .uuid: nil
        }
    }
}

/// The 18 output columns of the learning base, in output order: the one table from which the
/// CSV header (`csvHeader`), the Parquet schema and the Arrow schema (`schema`) are derived.
/// The meaning of each column is docs/learning-base.md §5.
///
/// Adding an output column: a row here, its value in `LearningBaseRow` (Query) and the code
/// that computes it (`UserAccumulator`), and its value in the two writers that put it out, the
/// CSV text (`CSVSink`) and the Parquet/Arrow columns (`OutputColumns`).
/// `LearningBaseColumnsTests` fails until the writers agree with this table.
public enum LearningBaseColumns {
    public static let all: [OutputColumn] = [
        OutputColumn("user_id", .int32),
        OutputColumn("user_session", .string),
        OutputColumn("product_id", .int32, nullable: true),
        OutputColumn("price", .double, nullable: true),
        OutputColumn("category_code", .string, nullable: true),
        OutputColumn("brand", .string, nullable: true),
        OutputColumn("num_views_product", .int64),
        OutputColumn("purchased", .bool),
        OutputColumn("start_time", .timestampMicros),
        OutputColumn("end_time", .timestampMicros),
        OutputColumn("num_views_session", .int64),
        OutputColumn("duration", .int32),
        OutputColumn("start_hour", .int32),
        OutputColumn("start_minute", .int32),
        OutputColumn("start_dayofweek", .int32),
        OutputColumn("sessions_precedentes", .int32),
        OutputColumn("num_prev_and_current_product_views", .int64),
        OutputColumn("num_prev_product_views", .int64),
    ]

    /// The column names, in output order.
    public static let names: [String] = all.map(\.name)

    /// The Parquet and Arrow schema of the output.
    public static let schema = Schema(all.map(\.field))

    /// The CSV header line, newline included.
    public static let csvHeader: String = names.joined(separator: ",") + "\n"
}
