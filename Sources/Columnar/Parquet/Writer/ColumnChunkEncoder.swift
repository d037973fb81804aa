/// One column chunk, encoded and ready to be written: the dictionary page (header + body, empty
/// when the chunk has none) followed by the data pages (headers + bodies, back to back).
struct EncodedChunk {
    var dictionaryPage: [UInt8]
    var dictionaryEntries: Int
    var dataPages: [UInt8]
    var numValues: Int64
    var totalUncompressedSize: Int64
    var totalCompressedSize: Int64
    var encodings: [Encoding]
    var statistics: Statistics
}

/// Encodes the rows of one column of one row group into v1 data pages (docs/parquet.md §4, §8).
///
/// Feed it slices of columns with `append(_:range:)` (a row group may come from several
/// batches; pages span them), then call `finish()`. Pages are cut when their estimated
/// uncompressed body reaches `pageBytes` (every page has at least one row) or
/// `ColumnPageWriter.maxPageRows`.
/// * REQUIRED: no levels. OPTIONAL: `u32 length` + RLE/bit-packed hybrid def levels (w = 1);
///   only non-null values follow.
/// * The values' encodings are those of the value encoder chosen for the field's type when the
///   encoder is created: `NumericValueEncoder` (INT32/INT64/DOUBLE, date and timestamp
///   included: numeric dictionary on trial, PLAIN, DELTA_BINARY_PACKED), `BoolValueEncoder`,
///   `FixedBytesValueEncoder` (UUID) and `ByteArrayValueEncoder` (string/binary: dictionary
///   with PLAIN fallback). Pages without any non-null value are always PLAIN.
/// * `ColumnPageWriter` keeps levels, counts, statistics and page framing (`PageAssembler`:
///   compression, CRC, header) for all of them.
/// Errors: `.invalidArgument` for a column whose storage does not match the field type or a
/// page over 2 GiB; the codec's error when compression fails.
/// Memory: one page of scratch buffers plus the chunk's encoded pages and dictionary. The
/// buffers are kept between chunks (`reset()`), so steady-state encoding does not allocate.
struct ColumnChunkEncoder {
    /// The value encoder of the column, chosen once from the field type (the hot loops run on
    /// the concrete, specialised type). `moved` only while a payload is being mutated in place.
    private enum Values {
        case int32(NumericValueEncoder<Int32>)
        case int64(NumericValueEncoder<Int64>)
        case double(NumericValueEncoder<Double>)
        case bool(BoolValueEncoder)
        case fixedBytes(FixedBytesValueEncoder)
        case byteArray(ByteArrayValueEncoder)
        case moved
    }

    let field: Field
    private var page: ColumnPageWriter
    private var values: Values

    init(field: Field, options: ParquetWriterOptions) {
        self.field = field
        // `plainColumns`: this column without a dictionary, whatever `dictionary` says.
        var columnOptions = options
        if options.plainColumns.contains(field.name) { columnOptions.dictionary = false }
        page = ColumnPageWriter(field: field, options: columnOptions)
        switch field.type {
        case .string, .binary: values = .byteArray(ByteArrayValueEncoder(options: columnOptions))
        case .int32, .date: values = .int32(NumericValueEncoder(options: columnOptions))
        case .int64, .timestampMicros: values = .int64(NumericValueEncoder(options: columnOptions))
        case .double: values = .double(NumericValueEncoder(options: columnOptions))
        case .bool: values = .bool(BoolValueEncoder())
        case .uuid: values = .fixedBytes(FixedBytesValueEncoder())
        }
    }

    /// Starts a new chunk, keeping buffer capacity.
    mutating func reset() {
        page.reset()
        switch values {
        case .int32(var e): values = .moved; e.reset(); values = .int32(e)
        case .int64(var e): values = .moved; e.reset(); values = .int64(e)
        case .double(var e): values = .moved; e.reset(); values = .double(e)
        case .bool(var e): values = .moved; e.reset(); values = .bool(e)
        case .fixedBytes(var e): values = .moved; e.reset(); values = .fixedBytes(e)
        case .byteArray(var e): values = .moved; e.reset(); values = .byteArray(e)
        case .moved: break
        }
    }

    /// Appends rows `range` of `column`, whose storage must match the field type (Int32 for
    /// int32/date, Int64 for int64/timestamp, Double, Bool, fixed bytes for uuid, strings or
    /// dictionary codes for string/binary; `.invalidArgument` otherwise).
    mutating func append(_ column: AnyColumn, range: Range<Int>) throws(ColumnarError) {
        guard !range.isEmpty else { return }
        switch (column, values) {
        case (.int64(let c), .int64(var e)):
            values = .moved
            defer { values = .int64(e) }
            page.stats.updateIntegers(c.values, validity: c.validity, range: range)
            try e.append(c.values, validity: c.validity, range: range, page: &page)
        case (.int32(let c), .int32(var e)):
            values = .moved
            defer { values = .int32(e) }
            page.stats.updateIntegers(c.values, validity: c.validity, range: range)
            try e.append(c.values, validity: c.validity, range: range, page: &page)
        case (.double(let c), .double(var e)):
            values = .moved
            defer { values = .double(e) }
            page.stats.updateDoubles(c.values, validity: c.validity, range: range)
            try e.append(c.values, validity: c.validity, range: range, page: &page)
        case (.bool(let c), .bool(var e)):
            values = .moved
            defer { values = .bool(e) }
            page.stats.updateBools(c.values, validity: c.validity, range: range)
            try e.append(c, range: range, page: &page)
        case (.fixedBytes(let c), .fixedBytes(var e)):
            values = .moved
            defer { values = .fixedBytes(e) }
            try e.append(c, range: range, page: &page)
        case (.string(let c), .byteArray(var e)):
            values = .moved
            defer { values = .byteArray(e) }
            try e.append(c, range: range, page: &page)
        case (.dictionary(let c), .byteArray(var e)):
            values = .moved
            defer { values = .byteArray(e) }
            try e.append(c, range: range, page: &page)
        default:
            throw .invalidArgument("column '\(field.name)': its storage does not match the field type \(field.type)")
        }
    }

    /// Flushes the last page and returns the chunk; call `reset()` before reusing the encoder.
    mutating func finish() throws(ColumnarError) -> EncodedChunk {
        switch values {
        case .int32(var e):
            values = .moved
            defer { values = .int32(e) }
            return try page.finish(&e)
        case .int64(var e):
            values = .moved
            defer { values = .int64(e) }
            return try page.finish(&e)
        case .double(var e):
            values = .moved
            defer { values = .double(e) }
            return try page.finish(&e)
        case .bool(var e):
            values = .moved
            defer { values = .bool(e) }
            return try page.finish(&e)
        case .fixedBytes(var e):
            values = .moved
            defer { values = .fixedBytes(e) }
            return try page.finish(&e)
        case .byteArray(var e):
            values = .moved
            defer { values = .byteArray(e) }
            return try page.finish(&e)
        case .moved:
            preconditionFailure("ColumnChunkEncoder: value encoder missing")
        }
    }
}
