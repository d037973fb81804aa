/// The `ColumnType` → Parquet leaf mapping of the writer (the table in `Schema.swift`).
/// Both `converted_type` and `logicalType` are written: DuckDB takes DATE, UTF8 and INT_* only
/// from `converted_type` (docs/parquet.md §0).
enum ParquetWriterSchema {
    static func physicalType(_ type: ColumnType) -> PhysicalType {
        switch type {
        case .bool: .boolean
        case .int32, .date: .int32
        case .int64, .timestampMicros: .int64
        case .double: .double
        case .string, .binary: .byteArray
        case .uuid: .fixedLenByteArray
        }
    }

    /// True when the type's Parquet sort order is signed (legacy `min`/`max` are written).
    static func hasSignedOrder(_ type: ColumnType) -> Bool {
        switch type {
        case .int32, .int64, .date, .timestampMicros, .double: true
        case .bool, .string, .binary, .uuid: false
        }
    }

    static func leaf(_ field: Field, annotateIntegers: Bool) -> SchemaElement {
        var e = SchemaElement(name: field.name)
        e.type = physicalType(field.type)
        e.repetitionType = field.nullable ? .optional : .required
        switch field.type {
        case .bool, .double, .binary:
            break
        case .int32:
            if annotateIntegers {
                e.convertedType = .int32
                e.logicalType = .integer(bitWidth: 32, isSigned: true)
            }
        case .int64:
            if annotateIntegers {
                e.convertedType = .int64
                e.logicalType = .integer(bitWidth: 64, isSigned: true)
            }
        case .string:
            e.convertedType = .utf8
            e.logicalType = .string
        case .timestampMicros:
            e.convertedType = .timestampMicros
            e.logicalType = .timestamp(isAdjustedToUTC: true, unit: .micros)
        case .date:
            e.convertedType = .date
            e.logicalType = .date
        case .uuid:
            e.typeLength = 16
            e.logicalType = .uuid
        }
        return e
    }

    /// The full schema list: root `{name: "schema", num_children: N}` then one leaf per field.
    static func elements(_ schema: Schema, annotateIntegers: Bool) -> [SchemaElement] {
        var root = SchemaElement(name: "schema")
        root.numChildren = Int32(schema.fields.count)
        return [root] + schema.fields.map { leaf($0, annotateIntegers: annotateIntegers) }
    }
}
