/// A column of fixed-width values (Int32, Int64, Double, Bool, …) in one contiguous buffer.
///
/// Invariant: `values.count == count`; a null row holds an unspecified placeholder value
/// (writers store zero) and has its bit clear in `validity`. `validity == nil` means no nulls.
/// Memory: `count * MemoryLayout<T>.stride` bytes plus the bitmap.
public struct FixedWidthColumn<T: BitwiseCopyable & Sendable>: Sendable {
    public var values: ContiguousArray<T>
    public var validity: Bitmap?

    public init(values: ContiguousArray<T> = [], validity: Bitmap? = nil) {
        precondition(validity == nil || validity!.count == values.count, "validity length mismatch")
        self.values = values
        self.validity = validity
    }

    public var count: Int { values.count }

    /// Number of null rows.
    public var nullCount: Int { validity?.clearCount ?? 0 }

    @inlinable public func isValid(_ row: Int) -> Bool { validity?[row] ?? true }

    /// The value at `row`, or nil when the row is null.
    @inlinable public subscript(row: Int) -> T? { isValid(row) ? values[row] : nil }

    /// Appends a value or a null (`placeholder` is stored in the value slot of a null).
    public mutating func append(_ value: T?, placeholder: T) {
        if let value {
            values.append(value)
            validity?.append(true)
        } else {
            if validity == nil { validity = Bitmap(count: values.count, value: true) }
            values.append(placeholder)
            validity!.append(false)
        }
    }

    public mutating func reserveCapacity(_ n: Int) {
        values.reserveCapacity(n)
        validity?.reserveCapacity(n)
    }
}
