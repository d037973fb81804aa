/// A batch of equally long named columns with a schema: the unit that flows between
/// ingest, the store and queries.
///
/// Invariants (checked by `init`): one column per field, every column `count == rowCount`,
/// each column's storage compatible with its field type, no nulls in non-nullable fields.
public struct RecordBatch: Sendable {
    public let schema: Schema
    public var columns: [AnyColumn]
    public let rowCount: Int

    public init(schema: Schema, columns: [AnyColumn]) throws(ColumnarError) {
        guard schema.fields.count == columns.count else {
            throw .invalidArgument("batch has \(columns.count) columns for \(schema.fields.count) fields")
        }
        let rows = columns.first?.count ?? 0
        for (field, column) in zip(schema.fields, columns) {
            guard column.count == rows else {
                throw .invalidArgument("column '\(field.name)' has \(column.count) rows, expected \(rows)")
            }
            guard column.isCompatible(with: field.type) else {
                throw .invalidArgument("column '\(field.name)' storage does not match type \(field.type)")
            }
            if !field.nullable, column.nullCount > 0 {
                throw .invalidArgument("required column '\(field.name)' has \(column.nullCount) nulls")
            }
        }
        self.schema = schema
        self.columns = columns
        self.rowCount = rows
    }

    /// The column named `name`, if present.
    public func column(named name: String) -> AnyColumn? {
        schema.index(of: name).map { columns[$0] }
    }
}
