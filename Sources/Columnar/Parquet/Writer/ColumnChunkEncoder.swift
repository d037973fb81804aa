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

/// Encodes the rows of one column of one row group into v1 data pages (parquet.md §4, §8).
///
/// Feed it slices of columns with `append(_:range:)` (a row group may come from several
/// batches; pages span them), then call `finish()`. Pages are cut when their estimated
/// uncompressed body reaches `pageBytes` (every page has at least one row).
/// * REQUIRED: no levels. OPTIONAL: `u32 length` + RLE/bit-packed hybrid def levels (w = 1);
///   only non-null values follow.
/// * INT32/INT64/DOUBLE: PLAIN, or DELTA_BINARY_PACKED per page when enabled and smaller.
///   BOOLEAN: PLAIN bit-packed. UUID: PLAIN 16 bytes.
/// * string/binary with dictionary on: RLE_DICTIONARY pages (width byte + hybrid indices) over a
///   chunk dictionary; once the dictionary would pass `dictionaryMaxBytes` the current page is
///   closed and the rest of the chunk is PLAIN. A `DictionaryColumn` input is remapped through
///   its own dictionary (each distinct input code is hashed once per slice, not once per row).
///   Pages without any non-null value are always PLAIN (nothing to index).
/// Memory: one page of scratch buffers plus the chunk's encoded pages and dictionary. The
/// buffers are kept between chunks (`reset()`), so steady-state encoding does not allocate.
struct ColumnChunkEncoder {
    let field: Field
    private let nullable: Bool
    private let pageBytes: Int
    private let dictionaryEnabled: Bool
    private let dictionaryMaxBytes: Int
    private let deltaIntegers: Bool
    private let pageCRC: Bool
    private var compressor: PageCompressor

    private enum Mode { case dictionary, plain }
    private var mode: Mode = .plain
    private var dict = DictionaryBuilder()
    private var stats = StatisticsAccumulator()

    // Page scratch.
    private var levels: [UInt32] = []
    private var indices: [UInt32] = []   // dictionary indices, or 0/1 booleans
    private var values = ByteSink()      // PLAIN values
    private var body = ByteSink()
    private var scratch = ByteSink()
    private var headerBytes = ByteSink(capacity: 64)
    private var pageRows = 0
    private var pageNonNull = 0

    // Chunk state.
    private var pages = ByteSink()
    private var dictionaryPage = ByteSink()
    private var numValues: Int64 = 0
    private var totalUncompressed: Int64 = 0
    private var totalCompressed: Int64 = 0
    private var dictionaryPages = 0
    private var usedEncodings: Set<Int32> = []

    init(field: Field, options: ParquetWriterOptions) {
        self.field = field
        nullable = field.nullable
        pageBytes = options.pageBytes
        dictionaryEnabled = options.dictionary && (field.type == .string || field.type == .binary)
        dictionaryMaxBytes = options.dictionaryMaxBytes
        deltaIntegers = options.deltaEncodeSortedIntegers
        pageCRC = options.pageCRC
        compressor = PageCompressor(codec: options.codec, level: options.effectiveLevel)
        reset()
    }

    /// Starts a new chunk, keeping buffer capacity.
    mutating func reset() {
        mode = dictionaryEnabled ? .dictionary : .plain
        dict.reset()
        stats.reset()
        levels.removeAll(keepingCapacity: true)
        indices.removeAll(keepingCapacity: true)
        values.removeAll()
        pages.removeAll()
        pageRows = 0
        pageNonNull = 0
        numValues = 0
        totalUncompressed = 0
        totalCompressed = 0
        dictionaryPages = 0
        usedEncodings = []
    }

    /// Rows per page are also capped so that `num_values` (i32) and level buffers stay small
    /// even for all-null columns.
    static let maxPageRows = 1 << 24

    private var pageFull: Bool { pageEstimate >= pageBytes || pageRows >= Self.maxPageRows }

    /// Rows that still fit in the current page at `bytesPerRow` (at least 1).
    private func pageRoom(bytesPerRow: Int) -> Int {
        max(1, min((pageBytes - pageEstimate) / bytesPerRow, Self.maxPageRows - pageRows))
    }

    private var pageEstimate: Int {
        let indexBits = mode == .dictionary ? max(1, RLEHybridEncoder.bitWidth(forMax: UInt32(max(dict.count, 1)))) : 1
        return values.count &+ (levels.count >> 3) &+ ((indices.count &* indexBits) >> 3)
    }

    // MARK: appending rows

    /// Appends rows `range` of `column` (whose storage must match the field type).
    mutating func append(_ column: AnyColumn, range: Range<Int>) throws(ColumnarError) {
        guard !range.isEmpty else { return }
        switch column {
        case .int64(let c):
            stats.updateIntegers(c.values, validity: c.validity, range: range)
            try appendFixed(c.values, validity: c.validity, range: range)
        case .int32(let c):
            stats.updateIntegers(c.values, validity: c.validity, range: range)
            try appendFixed(c.values, validity: c.validity, range: range)
        case .double(let c):
            stats.updateDoubles(c.values, validity: c.validity, range: range)
            try appendFixed(c.values, validity: c.validity, range: range)
        case .bool(let c):
            stats.updateBools(c.values, validity: c.validity, range: range)
            try appendBools(c, range: range)
        case .fixedBytes(let c):
            try appendFixedBytes(c, range: range)
        case .string(let c):
            try appendStrings(c, range: range)
        case .dictionary(let c):
            try appendDictionary(c, range: range)
        }
    }

    private mutating func appendFixed<T: BitwiseCopyable>(
        _ column: ContiguousArray<T>, validity: Bitmap?, range: Range<Int>
    ) throws(ColumnarError) {
        let size = MemoryLayout<T>.size
        var row = range.lowerBound
        while row < range.upperBound {
            let room = pageRoom(bytesPerRow: size)
            let end = min(range.upperBound, row + room)
            column.withUnsafeBytes { raw in
                if let validity {
                    validity.forEachRun(in: row..<end) { run, valid in
                        let n = run.count
                        if valid {
                            values.append(UnsafeRawBufferPointer(rebasing: raw[(run.lowerBound &* size)..<(run.upperBound &* size)]))
                            pageNonNull &+= n
                            if nullable { levels.append(contentsOf: repeatElement(1, count: n)) }
                        } else {
                            stats.nullCount &+= Int64(n)
                            levels.append(contentsOf: repeatElement(0, count: n))
                        }
                    }
                } else {
                    values.append(UnsafeRawBufferPointer(rebasing: raw[(row * size)..<(end * size)]))
                    pageNonNull &+= end - row
                    if nullable { levels.append(contentsOf: repeatElement(1, count: end - row)) }
                }
            }
            pageRows &+= end - row
            row = end
            if pageFull { try flushPage() }
        }
    }

    private mutating func appendBools(_ c: FixedWidthColumn<Bool>, range: Range<Int>) throws(ColumnarError) {
        var row = range.lowerBound
        while row < range.upperBound {
            let room = max(8, min((pageBytes - pageEstimate) * 8, Self.maxPageRows - pageRows))
            let end = min(range.upperBound, row + room)
            c.values.withUnsafeBufferPointer { p in
                for i in row..<end {
                    if c.validity?[i] ?? true {
                        indices.append(p[i] ? 1 : 0)
                        pageNonNull &+= 1
                        if nullable { levels.append(1) }
                    } else {
                        stats.nullCount &+= 1
                        levels.append(0)
                    }
                }
            }
            pageRows &+= end - row
            row = end
            if pageFull { try flushPage() }
        }
    }

    private mutating func appendFixedBytes(_ c: FixedBytesColumn, range: Range<Int>) throws(ColumnarError) {
        let w = c.width
        var row = range.lowerBound
        while row < range.upperBound {
            let room = pageRoom(bytesPerRow: w)
            let end = min(range.upperBound, row + room)
            c.bytes.withUnsafeBytes { raw in
                for i in row..<end {
                    if c.validity?[i] ?? true {
                        let v = UnsafeRawBufferPointer(rebasing: raw[(i &* w)..<(i &* w &+ w)])
                        values.append(v)
                        stats.updateBytes(v)
                        pageNonNull &+= 1
                        if nullable { levels.append(1) }
                    } else {
                        stats.nullCount &+= 1
                        levels.append(0)
                    }
                }
            }
            pageRows &+= end - row
            row = end
            if pageFull { try flushPage() }
        }
    }

    private mutating func appendStrings(_ c: StringColumn, range: Range<Int>) throws(ColumnarError) {
        var row = range.lowerBound
        while row < range.upperBound {
            var overflow = false
            c.bytes.withUnsafeBytes { raw in
                c.offsets.withUnsafeBufferPointer { off in
                    while row < range.upperBound {
                        if c.validity?[row] ?? true {
                            let v = UnsafeRawBufferPointer(rebasing: raw[Int(off[row])..<Int(off[row &+ 1])])
                            if mode == .dictionary {
                                guard let idx = dict.index(of: v, limit: dictionaryMaxBytes) else {
                                    overflow = true
                                    return
                                }
                                indices.append(idx)
                            } else {
                                values.appendLittleEndian(UInt32(truncatingIfNeeded: v.count))
                                values.append(v)
                                stats.updateBytes(v)
                            }
                            pageNonNull &+= 1
                            if nullable { levels.append(1) }
                        } else {
                            stats.nullCount &+= 1
                            levels.append(0)
                        }
                        pageRows &+= 1
                        row &+= 1
                        if pageFull { return }
                    }
                }
            }
            if overflow {
                try fallBackToPlain()
            } else if pageFull {
                try flushPage()
            }
        }
    }

    private mutating func appendDictionary(_ c: DictionaryColumn, range: Range<Int>) throws(ColumnarError) {
        // remap[code] = chunk dictionary index (dictionary mode) or 1 when seen (plain mode);
        // UInt32.max = not seen yet.
        var remap = [UInt32](repeating: .max, count: c.dictionary.count)
        var seenPlain = [Bool](repeating: false, count: c.dictionary.count)
        var row = range.lowerBound
        let d = c.dictionary
        while row < range.upperBound {
            var overflow = false
            d.bytes.withUnsafeBytes { raw in
                d.offsets.withUnsafeBufferPointer { off in
                    c.codes.withUnsafeBufferPointer { codes in
                        while row < range.upperBound {
                            if c.validity?[row] ?? true {
                                let code = Int(codes[row])
                                if mode == .dictionary {
                                    var idx = remap[code]
                                    if idx == .max {
                                        let v = UnsafeRawBufferPointer(rebasing: raw[Int(off[code])..<Int(off[code &+ 1])])
                                        guard let found = dict.index(of: v, limit: dictionaryMaxBytes) else {
                                            overflow = true
                                            return
                                        }
                                        idx = found
                                        remap[code] = found
                                    }
                                    indices.append(idx)
                                } else {
                                    let v = UnsafeRawBufferPointer(rebasing: raw[Int(off[code])..<Int(off[code &+ 1])])
                                    values.appendLittleEndian(UInt32(truncatingIfNeeded: v.count))
                                    values.append(v)
                                    seenPlain[code] = true
                                }
                                pageNonNull &+= 1
                                if nullable { levels.append(1) }
                            } else {
                                stats.nullCount &+= 1
                                levels.append(0)
                            }
                            pageRows &+= 1
                            row &+= 1
                            if pageFull { return }
                        }
                    }
                }
            }
            if overflow {
                try fallBackToPlain()
            } else if pageFull {
                try flushPage()
            }
        }
        if seenPlain.contains(true) {
            d.bytes.withUnsafeBytes { raw in
                for code in seenPlain.indices where seenPlain[code] {
                    stats.updateBytes(UnsafeRawBufferPointer(rebasing: raw[d.range(code)]))
                }
            }
        }
    }

    /// Closes the current (dictionary-encoded) page and writes the rest of the chunk as PLAIN.
    private mutating func fallBackToPlain() throws(ColumnarError) {
        try flushPage()
        mode = .plain
    }

    // MARK: pages

    /// Encodes, compresses and appends the current page (no-op when it has no rows).
    private mutating func flushPage() throws(ColumnarError) {
        guard pageRows > 0 else { return }
        body.removeAll()
        if nullable {
            body.appendLittleEndian(UInt32(0))
            levels.withUnsafeBufferPointer { RLEHybridEncoder.encode($0, bitWidth: 1, into: &body) }
            body.setUInt32LittleEndian(UInt32(body.count - 4), at: 0)
        }
        let encoding: Encoding
        if pageNonNull == 0 {
            encoding = .plain
        } else if mode == .dictionary {
            let width = max(1, RLEHybridEncoder.bitWidth(forMax: UInt32(dict.count - 1)))
            body.append(UInt8(width))
            indices.withUnsafeBufferPointer { RLEHybridEncoder.encode($0, bitWidth: width, into: &body) }
            encoding = .rleDictionary
        } else if field.type == .bool {
            indices.withUnsafeBufferPointer { BitPackingEncoder.pack($0, bitWidth: 1, into: &body) }
            encoding = .plain
        } else if deltaIntegers, let delta = encodeDelta(), delta.count < values.count {
            body.append(contentsOf: delta)
            encoding = .deltaBinaryPacked
        } else {
            body.append(contentsOf: values.bytes)
            encoding = .plain
        }
        var header = PageHeader(type: .dataPage, uncompressedPageSize: 0, compressedPageSize: 0)
        header.dataPageHeader = DataPageHeader(numValues: Int32(pageRows), encoding: encoding)
        try appendPage(header: header, dictionary: false)
        numValues &+= Int64(pageRows)
        usedEncodings.insert(encoding.rawValue)
        if nullable { usedEncodings.insert(Encoding.rle.rawValue) }
        if encoding == .rleDictionary { dictionaryPages &+= 1 }
        levels.removeAll(keepingCapacity: true)
        indices.removeAll(keepingCapacity: true)
        values.removeAll()
        pageRows = 0
        pageNonNull = 0
    }

    /// DELTA_BINARY_PACKED of the page's PLAIN integer values (nil for non-integer columns).
    private mutating func encodeDelta() -> [UInt8]? {
        switch field.type {
        case .int32, .date:
            scratch.removeAll()
            values.bytes.withUnsafeBytes { raw in
                DeltaBinaryPackedEncoder.encodeInt32(raw, into: &scratch)
            }
        case .int64, .timestampMicros:
            scratch.removeAll()
            values.bytes.withUnsafeBytes { raw in
                DeltaBinaryPackedEncoder.encodeInt64(raw, into: &scratch)
            }
        default:
            return nil
        }
        return scratch.bytes
    }

    /// Compresses `body`, fills in the sizes and CRC of `header`, and appends header + body to
    /// the data pages or the dictionary page.
    private mutating func appendPage(header: PageHeader, dictionary: Bool) throws(ColumnarError) {
        guard body.count <= Int(Int32.max) else {
            throw .invalidArgument("column '\(field.name)': a page body of \(body.count) bytes exceeds 2 GiB")
        }
        var header = header
        let bodyBytes = body.bytes   // shares the storage, no copy
        var failure: ColumnarError?
        let compressedLength: Int? = bodyBytes.withUnsafeBytes { raw in
            do throws(ColumnarError) { return try compressor.compress(raw) } catch {
                failure = error
                return nil
            }
        }
        if let failure { throw failure }
        let storedLength = compressedLength ?? body.count
        guard storedLength <= Int(Int32.max) else {
            throw .invalidArgument("column '\(field.name)': a compressed page exceeds 2 GiB")
        }
        header.uncompressedPageSize = Int32(body.count)
        header.compressedPageSize = Int32(storedLength)
        headerBytes.removeAll()
        let headerSize: Int
        if compressedLength != nil {
            compressor.output.withUnsafeBytes { raw in
                let stored = UnsafeRawBufferPointer(rebasing: raw[0..<storedLength])
                if pageCRC { header.crc = CRC32.parquetValue(stored) }
                header.serialize(into: &headerBytes)
                if dictionary {
                    dictionaryPage.append(contentsOf: headerBytes.bytes)
                    dictionaryPage.append(stored)
                } else {
                    pages.append(contentsOf: headerBytes.bytes)
                    pages.append(stored)
                }
            }
        } else {
            bodyBytes.withUnsafeBytes { stored in
                if pageCRC { header.crc = CRC32.parquetValue(stored) }
                header.serialize(into: &headerBytes)
                if dictionary {
                    dictionaryPage.append(contentsOf: headerBytes.bytes)
                    dictionaryPage.append(stored)
                } else {
                    pages.append(contentsOf: headerBytes.bytes)
                    pages.append(stored)
                }
            }
        }
        headerSize = headerBytes.count
        totalCompressed &+= Int64(headerSize + storedLength)
        totalUncompressed &+= Int64(headerSize + body.count)
    }

    // MARK: finishing

    /// Flushes the last page and returns the chunk; call `reset()` before reusing the encoder.
    mutating func finish() throws(ColumnarError) -> EncodedChunk {
        try flushPage()
        dictionaryPage.removeAll()
        if dictionaryPages > 0 {
            body.removeAll()
            dict.writePlain(into: &body)
            var header = PageHeader(type: .dictionaryPage, uncompressedPageSize: 0, compressedPageSize: 0)
            header.dictionaryPageHeader = DictionaryPageHeader(numValues: Int32(dict.count), encoding: .plain)
            try appendPage(header: header, dictionary: true)
            usedEncodings.insert(Encoding.plain.rawValue)
            usedEncodings.insert(Encoding.rle.rawValue)
            dict.bytes.withUnsafeBytes { raw in
                for i in 0..<dict.count { stats.updateBytes(UnsafeRawBufferPointer(rebasing: raw[dict.range(i)])) }
            }
        }
        return EncodedChunk(
            dictionaryPage: dictionaryPage.bytes, dictionaryEntries: dict.count, dataPages: pages.bytes,
            numValues: numValues, totalUncompressedSize: totalUncompressed, totalCompressedSize: totalCompressed,
            encodings: usedEncodings.sorted().map { Encoding(rawValue: $0) },
            statistics: stats.statistics(for: field.type))
    }
}
