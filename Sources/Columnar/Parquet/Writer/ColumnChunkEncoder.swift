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
/// uncompressed body reaches `pageBytes` (every page has at least one row).
/// * REQUIRED: no levels. OPTIONAL: `u32 length` + RLE/bit-packed hybrid def levels (w = 1);
///   only non-null values follow.
/// * INT32/INT64/DOUBLE (incl. date, timestamp) with `numericDictionary` on: RLE_DICTIONARY
///   pages over a chunk dictionary of bit patterns (`NumericDictionaryBuilder`), with the same
///   `dictionaryMaxBytes` fallback as strings. The dictionary is on trial for the chunk's first
///   `numericTrialValues` non-null values, or until the first page flushed after
///   `minimumTrialValues`, or the chunk's end: pages that fill up before (small `pageBytes`) are
///   written PLAIN, and when the dictionary fills up during the trial the chunk stays PLAIN. At
///   the trial's end the chunk drops its dictionary (no dictionary page) when `NumericTrial`
///   says it will not pay: too big against PLAIN, sorted values (PLAIN + zstd wins), or new
///   values still arriving as fast in the trial's second half as in its first.
/// * Otherwise INT32/INT64/DOUBLE: PLAIN, or DELTA_BINARY_PACKED per page when enabled and
///   smaller. BOOLEAN: PLAIN bit-packed. UUID: PLAIN 16 bytes.
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
    /// Set for INT32/INT64/DOUBLE columns with the numeric dictionary enabled.
    private var numericDict: NumericDictionaryBuilder?
    /// The numeric dictionary is still on trial: PLAIN copies of the page values are kept too.
    private var trialPending = false
    /// Dictionary entries when the trial reached half its values (-1 = not yet).
    private var trialHalfEntries = -1
    /// Non-null values seen during the trial (all pages).
    private var trialValues = 0
    private let numericTrialValues: Int
    /// A page flushed after this many trial values ends the trial.
    static let minimumTrialValues = 1024
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
        switch field.type {
        case .string, .binary:
            dictionaryEnabled = options.dictionary
        case .int32, .date:
            dictionaryEnabled = options.dictionary && options.numericDictionary
            if dictionaryEnabled { numericDict = NumericDictionaryBuilder(width: 4) }
        case .int64, .timestampMicros, .double:
            dictionaryEnabled = options.dictionary && options.numericDictionary
            if dictionaryEnabled { numericDict = NumericDictionaryBuilder(width: 8) }
        case .bool, .uuid:
            dictionaryEnabled = false
        }
        dictionaryMaxBytes = options.dictionaryMaxBytes
        deltaIntegers = options.deltaEncodeSortedIntegers
        pageCRC = options.pageCRC
        numericTrialValues = max(1, options.numericTrialValues)
        compressor = PageCompressor(codec: options.codec, level: options.effectiveLevel)
        reset()
    }

    /// Starts a new chunk, keeping buffer capacity.
    mutating func reset() {
        mode = dictionaryEnabled ? .dictionary : .plain
        dict.reset()
        numericDict?.reset()
        trialPending = numericDict != nil
        trialHalfEntries = -1
        trialValues = 0
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

    /// Estimated uncompressed page body: levels at 1 bit, then dictionary indices at the
    /// current index width, or PLAIN values (+ booleans at 1 bit). While the numeric dictionary
    /// is on trial, the larger of the indices and the PLAIN copies (so that a page the trial
    /// turns PLAIN still respects `pageBytes`).
    private var pageEstimate: Int {
        if mode == .dictionary {
            let indexed = (levels.count >> 3) &+ ((indices.count &* indexBits) >> 3)
            return trialPending ? max(indexed, (levels.count >> 3) &+ values.count) : indexed
        }
        return values.count &+ (levels.count >> 3) &+ (indices.count >> 3)
    }

    private var dictionaryCount: Int { numericDict?.count ?? dict.count }

    /// Bits per dictionary index for the current dictionary size (the estimate's, ≥ 1).
    private var indexBits: Int { max(1, RLEHybridEncoder.bitWidth(forMax: UInt32(max(dictionaryCount, 1)))) }

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

    private mutating func appendFixed<T: NumericDictionaryKey>(
        _ column: ContiguousArray<T>, validity: Bitmap?, range: Range<Int>
    ) throws(ColumnarError) {
        var row = range.lowerBound
        while row < range.upperBound {
            let end = min(range.upperBound, row &+ fixedRoom(valueBytes: MemoryLayout<T>.size))
            var overflowAt: Int?   // first row the numeric dictionary refused
            column.withUnsafeBufferPointer { p in
                if let validity {
                    validity.forEachRun(in: row..<end) { run, valid in
                        guard overflowAt == nil else { return }
                        if valid {
                            let taken = putValues(UnsafeBufferPointer(rebasing: p[run]))
                            if taken < run.count { overflowAt = run.lowerBound &+ taken }
                            pageNonNull &+= taken
                            if nullable { levels.append(contentsOf: repeatElement(1, count: taken)) }
                        } else {
                            stats.nullCount &+= Int64(run.count)
                            levels.append(contentsOf: repeatElement(0, count: run.count))
                        }
                    }
                } else {
                    let taken = putValues(UnsafeBufferPointer(rebasing: p[row..<end]))
                    if taken < end &- row { overflowAt = row &+ taken }
                    pageNonNull &+= taken
                    if nullable { levels.append(contentsOf: repeatElement(1, count: taken)) }
                }
            }
            let stop = overflowAt ?? end
            pageRows &+= stop &- row
            row = stop
            if overflowAt != nil {
                try fallBackToPlain()
                continue
            }
            if trialPending {
                if trialHalfEntries < 0 && trialValues >= numericTrialValues / 2 { trialHalfEntries = dictionaryCount }
                if trialValues >= numericTrialValues { endTrial(T.self) }
            }
            if pageFull { try flushPage() }
        }
    }

    /// Rows of fixed-width values that still fit in the current page (at least 1); while the
    /// numeric dictionary is on trial, also no more than the values left in the trial.
    private func fixedRoom(valueBytes: Int) -> Int {
        guard mode == .dictionary else { return pageRoom(bytesPerRow: valueBytes) }
        let bitsPerRow = indexBits &+ (nullable ? 1 : 0)
        var room = max(1, min((pageBytes &- pageEstimate) &* 8 / bitsPerRow, Self.maxPageRows &- pageRows))
        if trialPending {
            let half = numericTrialValues / 2
            room = min(room, max(1, (trialValues < half ? half : numericTrialValues) &- trialValues),
                       pageRoom(bytesPerRow: valueBytes))
        }
        return room
    }

    /// Appends non-null values: their dictionary indices (plus PLAIN copies while on trial) or
    /// their PLAIN bytes. Returns how many were taken: all, or fewer when the dictionary is full.
    @inline(__always)
    private mutating func putValues<T: NumericDictionaryKey>(_ v: UnsafeBufferPointer<T>) -> Int {
        var taken = v.count
        if mode == .dictionary, numericDict != nil {
            taken = numericDict!.indices(of: v, into: &indices, limit: dictionaryMaxBytes)
            guard trialPending else { return taken }
            trialValues &+= taken
        }
        values.append(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: v[0..<taken])))
        return taken
    }

    /// Ends the numeric dictionary's trial: keeps the dictionary when it pays (and drops the
    /// PLAIN copies), otherwise turns the chunk so far into PLAIN values without a dictionary.
    private mutating func endTrial<T: NumericDictionaryKey>(_: T.Type) {
        trialPending = false
        guard mode == .dictionary, let d = numericDict else { return }
        let ordered = values.bytes.withUnsafeBytes { Self.orderedPairs($0, as: T.self) }
        let trial = NumericTrial(values: trialValues, width: d.width, entries: d.count, halfEntries: trialHalfEntries,
                                 sampled: pageNonNull, orderedPairs: ordered)
        if trial.keepsDictionary {
            values.removeAll()
        } else {
            mode = .plain
            indices.removeAll(keepingCapacity: true)
            numericDict!.reset()
        }
    }

    /// The larger of the numbers of non-decreasing and of non-increasing adjacent pairs of the
    /// PLAIN values in `raw` (little-endian `T`s).
    static func orderedPairs<T: NumericDictionaryKey>(_ raw: UnsafeRawBufferPointer, as: T.Type) -> Int {
        let size = MemoryLayout<T>.size
        let n = raw.count / size
        guard n > 1 else { return 0 }
        var up = 0, down = 0
        var previous = raw.loadUnaligned(as: T.self)
        for i in 1..<n {
            let v = raw.loadUnaligned(fromByteOffset: i &* size, as: T.self)
            if v >= previous { up &+= 1 }
            if v <= previous { down &+= 1 }
            previous = v
        }
        return max(up, down)
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
                // Whole runs of valid rows: one bulk copy of their PLAIN bytes and one levels append.
                func putRun(_ run: Range<Int>) {
                    values.append(UnsafeRawBufferPointer(rebasing: raw[(run.lowerBound &* w)..<(run.upperBound &* w)]))
                    for i in run { stats.updateBytes(UnsafeRawBufferPointer(rebasing: raw[(i &* w)..<(i &* w &+ w)])) }
                    pageNonNull &+= run.count
                    if nullable { levels.append(contentsOf: repeatElement(1, count: run.count)) }
                }
                if let validity = c.validity {
                    validity.forEachRun(in: row..<end) { run, valid in
                        if valid {
                            putRun(run)
                        } else {
                            stats.nullCount &+= Int64(run.count)
                            levels.append(contentsOf: repeatElement(0, count: run.count))
                        }
                    }
                } else {
                    putRun(row..<end)
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
            if mode == .plain {
                row = appendPlainStrings(c, from: row, to: range.upperBound)
                if pageFull { try flushPage() }
                continue
            }
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

    /// PLAIN strings from row `start` until `end` or a full page; returns the next row. Sizes
    /// the rows first and grows `values` once, then `copyPlainStrings` writes them.
    private mutating func appendPlainStrings(_ c: StringColumn, from start: Int, to end: Int) -> Int {
        let budget = max(1, pageBytes &- pageEstimate)
        let last = min(end, start &+ (Self.maxPageRows &- pageRows))
        var stop = start, total = 0
        c.offsets.withUnsafeBufferPointer { off in
            while stop < last && total < budget {   // at least one row
                if c.isValid(stop) {
                    total &+= 4 &+ Int(off[stop &+ 1] &- off[stop])
                    pageNonNull &+= 1
                    if nullable { levels.append(1) }
                } else {
                    stats.nullCount &+= 1
                    levels.append(0)
                }
                stop &+= 1
            }
        }
        let at = values.count
        values.bytes.append(contentsOf: repeatElement(0, count: total))
        values.bytes.withUnsafeMutableBytes { Self.copyPlainStrings(c, rows: start..<stop, into: $0, at: at) }
        c.bytes.withUnsafeBytes { raw in
            for i in start..<stop where c.isValid(i) { stats.updateBytes(UnsafeRawBufferPointer(rebasing: raw[c.range(i)])) }
        }
        pageRows &+= stop &- start
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

    private mutating func appendDictionary(_ c: DictionaryColumn, range: Range<Int>) throws(ColumnarError) {
        // remap[code] = chunk dictionary index (dictionary mode); UInt32.max = not seen yet.
        // seenPlain[code]: the value went to a PLAIN page (its statistics are added at the end).
        var remap = [UInt32](repeating: .max, count: c.dictionary.count)
        var seenPlain = [Bool](repeating: false, count: c.dictionary.count)
        var row = range.lowerBound
        let d = c.dictionary
        while row < range.upperBound {
            if mode == .dictionary {
                let overflow = remap.withUnsafeMutableBufferPointer {
                    appendDictionaryIndices(c, row: &row, end: range.upperBound, remap: $0)
                }
                if overflow {
                    try fallBackToPlain()
                } else if pageFull {
                    try flushPage()
                }
                continue
            }
            d.bytes.withUnsafeBytes { raw in
                d.offsets.withUnsafeBufferPointer { off in
                    c.codes.withUnsafeBufferPointer { codes in
                        while row < range.upperBound {
                            if c.validity?[row] ?? true {
                                let code = Int(codes[row])
                                let v = UnsafeRawBufferPointer(rebasing: raw[Int(off[code])..<Int(off[code &+ 1])])
                                values.appendLittleEndian(UInt32(truncatingIfNeeded: v.count))
                                values.append(v)
                                seenPlain[code] = true
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
            if pageFull { try flushPage() }
        }
        if seenPlain.contains(true) {
            d.bytes.withUnsafeBytes { raw in
                for code in seenPlain.indices where seenPlain[code] {
                    stats.updateBytes(UnsafeRawBufferPointer(rebasing: raw[d.range(code)]))
                }
            }
        }
    }

    /// Dictionary mode of `appendDictionary`: takes rows from `row` (advanced past them) until
    /// `end`, at most 64 Ki rows, the page filling up (checked after every row, as `pageFull`
    /// does), or the chunk dictionary refusing a value (returns true; that row is not taken).
    /// Indices and levels are written through pointers into zeroed regions appended to local
    /// copies of `indices`/`levels` up front (so every store is in bounds), then trimmed.
    private mutating func appendDictionaryIndices(_ c: DictionaryColumn, row: inout Int, end: Int,
                                                  remap: UnsafeMutableBufferPointer<UInt32>) -> Bool {
        let k = min(end &- row, 1 << 16)
        let writesLevels = nullable || c.validity != nil
        var ind: [UInt32] = []
        var lev: [UInt32] = []
        swap(&ind, &indices)
        swap(&lev, &levels)
        let ind0 = ind.count, lev0 = lev.count
        ind.append(contentsOf: repeatElement(0, count: k))
        if writesLevels { lev.append(contentsOf: repeatElement(0, count: k)) }
        var nInd = 0, nLev = 0, taken = 0, nulls = 0
        var overflow = false
        var bits = indexBits
        let first = row, rows0 = pageRows, limit = dictionaryMaxBytes, pageBytes = self.pageBytes
        let nullable = self.nullable, validity = c.validity, d = c.dictionary
        d.bytes.withUnsafeBytes { raw in
            d.offsets.withUnsafeBufferPointer { off in
                c.codes.withUnsafeBufferPointer { codes in
                    ind.withUnsafeMutableBufferPointer { ip in
                        lev.withUnsafeMutableBufferPointer { lp in
                            while taken < k {
                                let r = first &+ taken
                                if validity?[r] ?? true {
                                    let code = Int(codes[r])
                                    var idx = remap[code]
                                    if idx == .max {
                                        let v = UnsafeRawBufferPointer(rebasing: raw[Int(off[code])..<Int(off[code &+ 1])])
                                        guard let found = dict.index(of: v, limit: limit) else {
                                            overflow = true
                                            return
                                        }
                                        idx = found
                                        remap[code] = found
                                        bits = indexBits
                                    }
                                    ip[ind0 &+ nInd] = idx
                                    nInd &+= 1
                                    if nullable { lp[lev0 &+ nLev] = 1; nLev &+= 1 }
                                } else {
                                    nulls &+= 1
                                    lp[lev0 &+ nLev] = 0
                                    nLev &+= 1
                                }
                                taken &+= 1
                                let estimate = ((lev0 &+ nLev) >> 3) &+ (((ind0 &+ nInd) &* bits) >> 3)
                                if estimate >= pageBytes || rows0 &+ taken >= Self.maxPageRows { return }
                            }
                        }
                    }
                }
            }
        }
        ind.removeLast(k &- nInd)
        if writesLevels { lev.removeLast(k &- nLev) }
        swap(&ind, &indices)
        swap(&lev, &levels)
        pageNonNull &+= nInd
        stats.nullCount &+= Int64(nulls)
        pageRows &+= taken
        row &+= taken
        return overflow
    }

    /// Closes the current (dictionary-encoded) page and writes the rest of the chunk as PLAIN.
    private mutating func fallBackToPlain() throws(ColumnarError) {
        try flushPage()
        mode = .plain
        trialPending = false
    }

    // MARK: pages

    /// Encodes, compresses and appends the current page (no-op when it has no rows).
    /// Ends a pending numeric dictionary trial when this is the chunk's `last` page or the trial
    /// has `minimumTrialValues`; an earlier page flushed during the trial (small `pageBytes`) is
    /// written PLAIN from the copies and the trial goes on.
    private mutating func flushPage(last: Bool = false) throws(ColumnarError) {
        guard pageRows > 0 else { return }
        if trialPending && pageNonNull > 0 && (last || trialValues >= min(numericTrialValues, Self.minimumTrialValues)) {
            switch field.type {
            case .int32, .date: endTrial(Int32.self)
            case .double: endTrial(Double.self)
            default: endTrial(Int64.self)
            }
        }
        let trialPage = trialPending && mode == .dictionary
        body.removeAll()
        if nullable {
            body.appendLittleEndian(UInt32(0))
            levels.withUnsafeBufferPointer { RLEHybridEncoder.encode($0, bitWidth: 1, into: &body) }
            body.setUInt32LittleEndian(UInt32(body.count - 4), at: 0)
        }
        let encoding: Encoding
        if pageNonNull == 0 {
            encoding = .plain
        } else if mode == .dictionary && !trialPage {
            let width = max(1, RLEHybridEncoder.bitWidth(forMax: UInt32(dictionaryCount - 1)))
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
        try flushPage(last: true)
        dictionaryPage.removeAll()
        if dictionaryPages > 0 {
            body.removeAll()
            if let numericDict { numericDict.writePlain(into: &body) } else { dict.writePlain(into: &body) }
            var header = PageHeader(type: .dictionaryPage, uncompressedPageSize: 0, compressedPageSize: 0)
            header.dictionaryPageHeader = DictionaryPageHeader(numValues: Int32(dictionaryCount), encoding: .plain)
            try appendPage(header: header, dictionary: true)
            usedEncodings.insert(Encoding.plain.rawValue)
            usedEncodings.insert(Encoding.rle.rawValue)
            if numericDict == nil {   // numeric statistics come from the values themselves
                dict.bytes.withUnsafeBytes { raw in
                    for i in 0..<dict.count { stats.updateBytes(UnsafeRawBufferPointer(rebasing: raw[dict.range(i)])) }
                }
            }
        }
        return EncodedChunk(
            dictionaryPage: dictionaryPage.bytes, dictionaryEntries: dictionaryCount, dataPages: pages.bytes,
            numValues: numValues, totalUncompressedSize: totalUncompressed, totalCompressedSize: totalCompressed,
            encodings: usedEncodings.sorted().map { Encoding(rawValue: $0) },
            statistics: stats.statistics(for: field.type))
    }
}
