/// A column of variable-length byte strings (UTF-8 text or binary): `offsets` + `bytes`.
///
/// Row `i` is `bytes[offsets[i] ..< offsets[i+1]]`. Invariant: `offsets.count == count + 1`,
/// `offsets[0] == 0`, offsets non-decreasing, `offsets.last == bytes.count`. A null row is an
/// empty slice with its bit clear in `validity`; `validity == nil` means no nulls.
/// Memory: `bytes.count + 4 * (count + 1)` bytes plus the bitmap; a column holds < 2 GiB of bytes.
public struct StringColumn: Sendable, Equatable {
    public var offsets: ContiguousArray<Int32>
    public var bytes: ContiguousArray<UInt8>
    public var validity: Bitmap?

    public init() {
        offsets = [0]
        bytes = []
        validity = nil
    }

    public init(offsets: ContiguousArray<Int32>, bytes: ContiguousArray<UInt8>, validity: Bitmap? = nil) {
        precondition(!offsets.isEmpty && offsets[0] == 0 && Int(offsets.last!) == bytes.count,
                      "invalid string offsets")
        precondition(validity == nil || validity!.count == offsets.count - 1, "validity length mismatch")
        self.offsets = offsets
        self.bytes = bytes
        self.validity = validity
    }

    /// Builds a column from Swift strings (nil = null). Convenience for tests and small data.
    public init<S: Sequence>(_ strings: S) where S.Element == String? {
        self.init()
        for s in strings { append(s) }
    }

    public var count: Int { offsets.count - 1 }
    public var nullCount: Int { validity?.clearCount ?? 0 }
    @inlinable public func isValid(_ row: Int) -> Bool { validity?[row] ?? true }

    /// Byte range of row `row` inside `bytes`.
    @inlinable public func range(_ row: Int) -> Range<Int> { Int(offsets[row])..<Int(offsets[row + 1]) }

    /// The row's bytes decoded as UTF-8 (lossy repair of invalid sequences), or nil when null.
    public subscript(row: Int) -> String? {
        guard isValid(row) else { return nil }
        return String(decoding: bytes[range(row)], as: UTF8.self)
    }

    public mutating func append(_ string: String?) {
        guard let string else { appendNull(); return }
        var s = string
        s.withUTF8 { appendBytes(UnsafeRawBufferPointer($0)) }
    }

    /// Appends one non-null value from raw bytes.
    public mutating func appendBytes(_ raw: UnsafeRawBufferPointer) {
        bytes.append(contentsOf: raw)
        offsets.append(Int32(truncatingIfNeeded: bytes.count))
        validity?.append(true)
    }

    public mutating func appendBytes<C: Collection>(_ raw: C) where C.Element == UInt8 {
        bytes.append(contentsOf: raw)
        offsets.append(Int32(truncatingIfNeeded: bytes.count))
        validity?.append(true)
    }

    public mutating func appendNull() {
        if validity == nil { validity = Bitmap(count: count, value: true) }
        offsets.append(Int32(truncatingIfNeeded: bytes.count))
        validity!.append(false)
    }

    public mutating func reserveCapacity(rows: Int, bytes byteCount: Int) {
        offsets.reserveCapacity(rows + 1)
        bytes.reserveCapacity(byteCount)
        validity?.reserveCapacity(rows)
    }
}
