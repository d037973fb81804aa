/// A column of any supported type: a closed set, dispatched with `switch` (no existentials in
/// inner loops). The case must agree with the field's `ColumnType`:
///
/// | ColumnType          | case           |
/// |---------------------|----------------|
/// | bool                | `.bool`        |
/// | int32, date         | `.int32`       |
/// | int64, timestampMicros | `.int64`    |
/// | double              | `.double`      |
/// | string, binary      | `.string` or `.dictionary` |
/// | uuid                | `.fixedBytes` (width 16) |
public enum AnyColumn: Sendable {
    case bool(FixedWidthColumn<Bool>)
    case int32(FixedWidthColumn<Int32>)
    case int64(FixedWidthColumn<Int64>)
    case double(FixedWidthColumn<Double>)
    case string(StringColumn)
    case dictionary(DictionaryColumn)
    case fixedBytes(FixedBytesColumn)

    public var count: Int {
        switch self {
        case .bool(let c): c.count
        case .int32(let c): c.count
        case .int64(let c): c.count
        case .double(let c): c.count
        case .string(let c): c.count
        case .dictionary(let c): c.count
        case .fixedBytes(let c): c.count
        }
    }

    public var nullCount: Int {
        switch self {
        case .bool(let c): c.nullCount
        case .int32(let c): c.nullCount
        case .int64(let c): c.nullCount
        case .double(let c): c.nullCount
        case .string(let c): c.nullCount
        case .dictionary(let c): c.nullCount
        case .fixedBytes(let c): c.nullCount
        }
    }

    public var validity: Bitmap? {
        switch self {
        case .bool(let c): c.validity
        case .int32(let c): c.validity
        case .int64(let c): c.validity
        case .double(let c): c.validity
        case .string(let c): c.validity
        case .dictionary(let c): c.validity
        case .fixedBytes(let c): c.validity
        }
    }

    /// True when this storage can hold values of `type`.
    public func isCompatible(with type: ColumnType) -> Bool {
        switch (self, type) {
        case (.bool, .bool), (.int32, .int32), (.int32, .date), (.int64, .int64),
             (.int64, .timestampMicros), (.double, .double), (.string, .string), (.string, .binary),
             (.dictionary, .string), (.dictionary, .binary):
            return true
        case (.fixedBytes(let c), .uuid):
            return c.width == 16
        default:
            return false
        }
    }

    /// Typed accessors; nil when the case differs.
    public var int64Column: FixedWidthColumn<Int64>? { if case .int64(let c) = self { c } else { nil } }
    public var int32Column: FixedWidthColumn<Int32>? { if case .int32(let c) = self { c } else { nil } }
    public var doubleColumn: FixedWidthColumn<Double>? { if case .double(let c) = self { c } else { nil } }
    public var boolColumn: FixedWidthColumn<Bool>? { if case .bool(let c) = self { c } else { nil } }
    public var fixedBytesColumn: FixedBytesColumn? { if case .fixedBytes(let c) = self { c } else { nil } }

    /// The values as a plain string column (dictionary columns are materialised).
    public var stringColumn: StringColumn? {
        switch self {
        case .string(let c): c
        case .dictionary(let c): c.materialized()
        default: nil
        }
    }
}
