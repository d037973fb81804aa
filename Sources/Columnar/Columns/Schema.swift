/// The logical types a column can have. Each maps to exactly one Parquet physical type and
/// annotation (see `ParquetTypeMapping`):
///
/// | type              | Parquet physical        | annotation                         |
/// |-------------------|-------------------------|------------------------------------|
/// | `.bool`           | BOOLEAN                 | —                                  |
/// | `.int32`          | INT32                   | INT(32, signed) / INT_32           |
/// | `.int64`          | INT64                   | INT(64, signed) / INT_64           |
/// | `.double`         | DOUBLE                  | —                                  |
/// | `.string`         | BYTE_ARRAY              | STRING / UTF8                      |
/// | `.binary`         | BYTE_ARRAY              | —                                  |
/// | `.timestampMicros`| INT64                   | TIMESTAMP(UTC, MICROS) / TIMESTAMP_MICROS |
/// | `.date`           | INT32 (days since epoch)| DATE / DATE                        |
/// | `.uuid`           | FIXED_LEN_BYTE_ARRAY(16)| UUID                               |
public enum ColumnType: String, Sendable, Equatable, Hashable, Codable, CaseIterable {
    case bool, int32, int64, double, string, binary, timestampMicros, date, uuid
}

/// One named, typed column of a schema. `nullable` maps to Parquet OPTIONAL, otherwise REQUIRED.
public struct Field: Sendable, Equatable, Hashable, Codable {
    public var name: String
    public var type: ColumnType
    public var nullable: Bool

    public init(_ name: String, _ type: ColumnType, nullable: Bool = true) {
        self.name = name
        self.type = type
        self.nullable = nullable
    }
}

/// An ordered list of fields with unique names (flat schemas only).
public struct Schema: Sendable, Equatable, Hashable, Codable {
    public var fields: [Field]

    public init(_ fields: [Field]) { self.fields = fields }

    /// Index of the field named `name`, if any.
    public func index(of name: String) -> Int? { fields.firstIndex { $0.name == name } }

    public var names: [String] { fields.map(\.name) }
}
