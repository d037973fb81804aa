/// One data page handed by `ColumnBuilder` to its typed builder: the values are in
/// `bytes[start..<end]` in `encoding`; `rows` level entries (nulls included), `present` of
/// them non-null; `levels` are the definition levels (nil for a REQUIRED column; 1 = present).
struct DataPageValues {
    let bytes: [UInt8]
    let start: Int
    let end: Int
    let encoding: Encoding
    let levels: ContiguousArray<UInt32>?
    let rows: Int
    let present: Int

    var isDictionaryEncoded: Bool { encoding == .rleDictionary || encoding == .plainDictionary }
}

/// The per-physical-type half of `ColumnBuilder` (DuckDB's per-type column readers): it keeps
/// the decoded values and the dictionary of one column chunk in their own typed arrays and turns
/// them into the final `AnyColumn`. `ColumnBuilder` keeps the rest (definition levels,
/// dictionary indices, row counts) and picks the builder once, from the physical type.
///
/// Conforming types: `BoolColumnBuilder`, `FixedColumnBuilder<T>` (INT32/INT64/FLOAT/DOUBLE),
/// `FixedBytesColumnBuilder`, `ByteArrayColumnBuilder` and `UUIDTextColumnBuilder`; only used as concrete types (every
/// call specialised). Errors are `DecodeError`; encodings `ColumnBuilder.supports` rejects never
/// reach a builder, and it throws for them anyway.
protocol PhysicalColumnBuilder {
    /// Reserves room for `rows` values (once per chunk).
    mutating func reserve(rows: Int)
    /// Decodes the PLAIN dictionary page body `bytes[start..<end]` of `count` entries.
    mutating func setDictionary(_ bytes: [UInt8], start: Int, end: Int, count: Int) throws(DecodeError)
    /// Appends one data page. `indices` are its dictionary indices when it is dictionary-encoded
    /// (already checked against the dictionary size); `validity` holds the levels of every row
    /// so far, this page's included.
    mutating func appendPage(_ page: DataPageValues, indices: ContiguousArray<UInt32>, validity: LevelBits) throws(DecodeError)
    /// The finished column of `descriptor.type` (converted: unsigned widening, timestamp units),
    /// with `valid` as its validity; `levels` as for `appendPage`.
    mutating func finish(_ descriptor: ParquetColumnDescriptor, type: ColumnType, valid: Bitmap?,
                         levels: LevelBits) throws(DecodeError) -> AnyColumn
}
