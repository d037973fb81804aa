/// The type-independent half of `ColumnChunkEncoder` (DuckDB's primitive column writer): the
/// current page's definition levels, row and value counts and sizing rules, the chunk's
/// statistics, and turning a page into levels + values + header through `PageAssembler`.
///
/// A `PageValueEncoder` fills `levels`, `rows`, `nonNull` and `stats` while it buffers the
/// page's values, and calls `flush` when `isFull` says so. Memory: one page of levels and one
/// page body scratch, kept between chunks, plus the chunk's framed pages (`PageAssembler`).
struct ColumnPageWriter {
    /// Rows per page are also capped so that `num_values` (i32) and level buffers stay small
    /// even for all-null columns.
    static let maxPageRows = 1 << 24

    let field: Field
    let nullable: Bool
    /// Target uncompressed page body (`ParquetWriterOptions.pageBytes`).
    let pageBytes: Int
    /// Definition levels of the page (only for OPTIONAL columns, or rows of a REQUIRED column
    /// that are null): 1 = value present, 0 = null.
    var levels: [UInt32] = []
    /// Rows in the page (nulls included), and non-null values among them.
    var rows = 0
    var nonNull = 0
    /// Statistics of the chunk so far (`nullCount` is kept by the value encoders).
    var stats = StatisticsAccumulator()

    private var assembler: PageAssembler
    private var body = ByteSink()
    private var numValues: Int64 = 0
    /// Data pages written RLE_DICTIONARY (the chunk then needs its dictionary page).
    private var dictionaryPages = 0
    private var usedEncodings: Set<Int32> = []

    init(field: Field, options: ParquetWriterOptions) {
        self.field = field
        nullable = field.nullable
        pageBytes = options.pageBytes
        assembler = PageAssembler(columnName: field.name, options: options)
    }

    /// Starts a new chunk, keeping buffer capacity.
    mutating func reset() {
        stats.reset()
        levels.removeAll(keepingCapacity: true)
        rows = 0
        nonNull = 0
        numValues = 0
        dictionaryPages = 0
        usedEncodings = []
        assembler.reset()
    }

    /// The page must be flushed: its estimate reached `pageBytes`, or it has `maxPageRows`.
    @inline(__always)
    func isFull(estimate: Int) -> Bool { estimate >= pageBytes || rows >= Self.maxPageRows }

    /// Rows that still fit in the page at `bytesPerRow` given its `estimate` (at least 1).
    @inline(__always)
    func room(estimate: Int, bytesPerRow: Int) -> Int {
        max(1, min((pageBytes - estimate) / bytesPerRow, Self.maxPageRows - rows))
    }

    /// Encodes, compresses and appends the current page (no-op when it has no rows): `u32`
    /// length + RLE levels (OPTIONAL), then the values as `values` encodes them (none when all
    /// rows are null: PLAIN). `last` marks the chunk's last page.
    mutating func flush<E: PageValueEncoder>(_ values: inout E, last: Bool = false) throws(ColumnarError) {
        guard rows > 0 else { return }
        values.willFlush(nonNull: nonNull, last: last)
        body.removeAll()
        if nullable {
            body.appendLittleEndian(UInt32(0))
            levels.withUnsafeBufferPointer { RLEHybridEncoder.encode($0, bitWidth: 1, into: &body) }
            body.setUInt32LittleEndian(UInt32(body.count - 4), at: 0)
        }
        let encoding = nonNull == 0 ? Encoding.plain : values.encodeValues(into: &body)
        var header = PageHeader(type: .dataPage, uncompressedPageSize: 0, compressedPageSize: 0)
        header.dataPageHeader = DataPageHeader(numValues: Int32(rows), encoding: encoding)
        try assembler.append(header: header, body: body, to: .data)
        numValues &+= Int64(rows)
        usedEncodings.insert(encoding.rawValue)
        if nullable { usedEncodings.insert(Encoding.rle.rawValue) }
        if encoding == .rleDictionary { dictionaryPages &+= 1 }
        levels.removeAll(keepingCapacity: true)
        values.clearPage()
        rows = 0
        nonNull = 0
    }

    /// Flushes the last page, writes the dictionary page when a data page used it, and returns
    /// the chunk. Call `reset()` (and the encoder's) before the next chunk.
    mutating func finish<E: PageValueEncoder>(_ values: inout E) throws(ColumnarError) -> EncodedChunk {
        try flush(&values, last: true)
        if dictionaryPages > 0 {
            body.removeAll()
            values.writeDictionary(into: &body)
            var header = PageHeader(type: .dictionaryPage, uncompressedPageSize: 0, compressedPageSize: 0)
            header.dictionaryPageHeader = DictionaryPageHeader(numValues: Int32(values.dictionaryCount), encoding: .plain)
            try assembler.append(header: header, body: body, to: .dictionary)
            usedEncodings.insert(Encoding.plain.rawValue)
            usedEncodings.insert(Encoding.rle.rawValue)
            values.addDictionaryStatistics(to: &stats)
        }
        return EncodedChunk(
            dictionaryPage: assembler.dictionaryPage.bytes, dictionaryEntries: values.dictionaryCount,
            dataPages: assembler.dataPages.bytes, numValues: numValues,
            totalUncompressedSize: assembler.totalUncompressed, totalCompressedSize: assembler.totalCompressed,
            encodings: usedEncodings.sorted().map { Encoding(rawValue: $0) },
            statistics: stats.statistics(for: field.type))
    }
}
