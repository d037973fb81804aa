/// A dictionary-encoded string column: `codes[i]` indexes `dictionary` (a null-free
/// `StringColumn` of distinct values). A null row has its bit clear in `validity` and code 0.
///
/// This is the shape RLE_DICTIONARY pages decode to, and what the engine compares on
/// (codes instead of bytes). Memory: `4 * count` bytes plus the dictionary.
public struct DictionaryColumn: Sendable, Equatable {
    public var codes: ContiguousArray<UInt32>
    public var dictionary: StringColumn
    public var validity: Bitmap?

    public init(codes: ContiguousArray<UInt32>, dictionary: StringColumn, validity: Bitmap? = nil) {
        precondition(validity == nil || validity!.count == codes.count, "validity length mismatch")
        self.codes = codes
        self.dictionary = dictionary
        self.validity = validity
    }

    public var count: Int { codes.count }
    public var nullCount: Int { validity?.clearCount ?? 0 }
    @inlinable public func isValid(_ row: Int) -> Bool { validity?[row] ?? true }

    public subscript(row: Int) -> String? {
        guard isValid(row) else { return nil }
        return dictionary[Int(codes[row])]
    }

    /// The same values as a plain `StringColumn` (materialises every row's bytes).
    public func materialized() -> StringColumn {
        var out = StringColumn()
        out.reserveCapacity(rows: count, bytes: count * 8)
        for row in 0..<count {
            if isValid(row) {
                dictionary.bytes.withUnsafeBytes { raw in
                    let r = dictionary.range(Int(codes[row]))
                    out.appendBytes(UnsafeRawBufferPointer(rebasing: raw[r]))
                }
            } else {
                out.appendNull()
            }
        }
        return out
    }
}
