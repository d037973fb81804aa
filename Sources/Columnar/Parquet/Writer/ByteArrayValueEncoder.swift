/// Values of a string/binary (BYTE_ARRAY) column, from a `StringColumn` or a
/// `DictionaryColumn` (`ByteArrayValueEncoder-dictionaryColumn.swift`).
///
/// With the dictionary enabled: RLE_DICTIONARY pages (width byte + hybrid indices) over a chunk
/// dictionary (`ByteArrayDictionaryBuilder`); once the dictionary would pass `dictionaryMaxBytes` the
/// current page is closed and the rest of the chunk is PLAIN (`u32 length` + bytes per value).
/// Statistics: PLAIN values are counted as they are appended, dictionary-encoded ones from the
/// dictionary at the chunk's end. Memory: one page of indices / PLAIN bytes plus the
/// dictionary; kept between chunks.
struct ByteArrayValueEncoder: PageValueEncoder {
    private let dictionaryEnabled: Bool
    let dictionaryMaxBytes: Int
    var mode: ValueEncodingMode = .plain
    var dict = ByteArrayDictionaryBuilder()
    var indices: [UInt32] = []
    private var values = ByteSink()

    init(options: ParquetWriterOptions) {
        dictionaryEnabled = options.dictionary
        dictionaryMaxBytes = options.dictionaryMaxBytes
        reset()
    }

    mutating func reset() {
        mode = dictionaryEnabled ? .dictionary : .plain
        dict.reset()
        indices.removeAll(keepingCapacity: true)
        values.removeAll()
    }

    var dictionaryCount: Int { dict.count }

    var indexBits: Int { RLEHybridEncoder.estimateBits(dictionaryCount: dict.count) }

    func pageEstimate(_ page: ColumnPageWriter) -> Int {
        if mode == .dictionary { return (page.levels.count >> 3) &+ ((indices.count &* indexBits) >> 3) }
        return values.count &+ (page.levels.count >> 3) &+ (indices.count >> 3)
    }

    /// Closes the current (dictionary-encoded) page and writes the rest of the chunk as PLAIN.
    mutating func fallBackToPlain(page: inout ColumnPageWriter) throws(ColumnarError) {
        try page.flush(&self)
        mode = .plain
    }

    /// After a run of rows was appended: falls back to PLAIN when the dictionary refused a value
    /// (`overflow`), else flushes the page when it is full. The one page-flush check of both
    /// `append`s.
    @inline(__always)
    mutating func closePageIfDone(overflow: Bool, page: inout ColumnPageWriter) throws(ColumnarError) {
        if overflow {
            try fallBackToPlain(page: &page)
        } else if page.isFull(estimate: pageEstimate(page)) {
            try page.flush(&self)
        }
    }

    /// Appends the PLAIN encoding of one value.
    @inline(__always)
    mutating func appendPlain(_ v: UnsafeRawBufferPointer) {
        values.appendLittleEndian(UInt32(truncatingIfNeeded: v.count))
        values.append(v)
    }

    /// Appends rows `range` of `c`, flushing pages as they fill up.
    mutating func append(_ c: StringColumn, range: Range<Int>, page: inout ColumnPageWriter) throws(ColumnarError) {
        var row = range.lowerBound
        while row < range.upperBound {
            if mode == .plain {
                row = appendPlainStrings(c, from: row, to: range.upperBound, page: &page)
                try closePageIfDone(overflow: false, page: &page)
                continue
            }
            let overflow = appendDictionaryStrings(c, row: &row, end: range.upperBound, page: &page)
            try closePageIfDone(overflow: overflow, page: &page)
        }
    }

    /// Dictionary mode of `append`: takes rows from `row` (advanced past them) until `end`, the
    /// page filling up (checked after every row), or the dictionary refusing a value (returns
    /// true; that row is not taken).
    private mutating func appendDictionaryStrings(_ c: StringColumn, row: inout Int, end: Int,
                                                  page: inout ColumnPageWriter) -> Bool {
        let nullable = page.nullable, limit = dictionaryMaxBytes
        var r = row
        defer { row = r }
        return c.bytes.withUnsafeBytes { raw in
            c.offsets.withUnsafeBufferPointer { off in
                while r < end {
                    if c.validity?[r] ?? true {
                        let v = UnsafeRawBufferPointer(rebasing: raw[Int(off[r])..<Int(off[r &+ 1])])
                        guard let idx = dict.index(of: v, limit: limit) else { return true }
                        indices.append(idx)
                        page.nonNull &+= 1
                        if nullable { page.levels.append(1) }
                    } else {
                        page.stats.nullCount &+= 1
                        page.levels.append(0)
                    }
                    page.rows &+= 1
                    r &+= 1
                    if page.isFull(estimate: pageEstimate(page)) { return false }
                }
                return false
            }
        }
    }

    /// PLAIN strings from row `start` until `end` or a full page; returns the next row. Sizes
    /// the rows first and grows `values` once, then `copyPlainStrings` writes them.
    private mutating func appendPlainStrings(_ c: StringColumn, from start: Int, to end: Int,
                                             page: inout ColumnPageWriter) -> Int {
        let budget = max(1, page.pageBytes &- pageEstimate(page))
        let last = min(end, start &+ (ColumnPageWriter.maxPageRows &- page.rows))
        let nullable = page.nullable
        var stop = start, total = 0
        c.offsets.withUnsafeBufferPointer { off in
            while stop < last && total < budget {   // at least one row
                if c.isValid(stop) {
                    total &+= 4 &+ Int(off[stop &+ 1] &- off[stop])
                    page.nonNull &+= 1
                    if nullable { page.levels.append(1) }
                } else {
                    page.stats.nullCount &+= 1
                    page.levels.append(0)
                }
                stop &+= 1
            }
        }
        let at = values.count
        values.bytes.append(contentsOf: repeatElement(0, count: total))
        values.bytes.withUnsafeMutableBytes { Self.copyPlainStrings(c, rows: start..<stop, into: $0, at: at) }
        c.bytes.withUnsafeBytes { raw in
            for i in start..<stop where c.isValid(i) { page.stats.updateBytes(UnsafeRawBufferPointer(rebasing: raw[c.range(i)])) }
        }
        page.rows &+= stop &- start
        return stop
    }

    /// Writes the PLAIN encoding (`u32 length` + bytes per non-null value) of `rows` of `c` into
    /// `dst` from offset `at`; `dst` must have room for it. Unsafe (unaligned stores and raw
    /// copies, no bounds checks); `plainStringsScalar` is its safe twin.
    static func copyPlainStrings(_ c: StringColumn, rows: Range<Int>, into dst: UnsafeMutableRawBufferPointer, at: Int) {
        c.bytes.withUnsafeBytes { src in
            c.offsets.withUnsafeBufferPointer { off in
                var p = at
                for i in rows where c.isValid(i) {
                    let lo = Int(off[i]), n = Int(off[i &+ 1]) &- lo
                    dst.storeBytes(of: UInt32(truncatingIfNeeded: n).littleEndian, toByteOffset: p, as: UInt32.self)
                    if n > 0 { (dst.baseAddress! + (p &+ 4)).copyMemory(from: src.baseAddress! + lo, byteCount: n) }
                    p &+= 4 &+ n
                }
            }
        }
    }

    /// Safe twin of `copyPlainStrings` (tests).
    static func plainStringsScalar(_ c: StringColumn, rows: Range<Int>) -> [UInt8] {
        var out: [UInt8] = []
        for i in rows where c.isValid(i) {
            let v = Array(c.bytes[c.range(i)])
            out += withUnsafeBytes(of: UInt32(v.count).littleEndian) { Array($0) } + v
        }
        return out
    }

    mutating func willFlush(nonNull: Int, last: Bool) {}

    mutating func encodeValues(into body: inout ByteSink) -> Encoding {
        if mode == .dictionary {
            let width = max(1, RLEHybridEncoder.bitWidth(forMax: UInt32(dict.count - 1)))
            body.append(UInt8(width))
            indices.withUnsafeBufferPointer { RLEHybridEncoder.encode($0, bitWidth: width, into: &body) }
            return .rleDictionary
        }
        body.append(contentsOf: values.bytes)
        return .plain
    }

    mutating func clearPage() {
        indices.removeAll(keepingCapacity: true)
        values.removeAll()
    }

    func writeDictionary(into body: inout ByteSink) { dict.writePlain(into: &body) }

    /// The dictionary-encoded values' min/max: every dictionary entry was used by some page.
    func addDictionaryStatistics(to stats: inout StatisticsAccumulator) {
        dict.bytes.withUnsafeBytes { raw in
            for i in 0..<dict.count { stats.updateBytes(UnsafeRawBufferPointer(rebasing: raw[dict.range(i)])) }
        }
    }
}
