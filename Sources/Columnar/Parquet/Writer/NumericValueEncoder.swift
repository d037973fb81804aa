/// Values of an INT32/INT64/DOUBLE column (date and timestamp included), `T` its storage type.
///
/// With the numeric dictionary enabled: RLE_DICTIONARY pages over a chunk dictionary of bit
/// patterns (`NumericDictionaryBuilder`), on trial first (`NumericDictionaryTrial`): during
/// the trial PLAIN copies of the page's values are kept too, a page flushed before the trial
/// ends is written PLAIN from them, and at the trial's end the chunk drops its dictionary when
/// `NumericTrial` says it does not pay. When the dictionary would pass `dictionaryMaxBytes`,
/// the page is closed and the rest of the chunk is PLAIN. Otherwise (or after that): PLAIN, or
/// DELTA_BINARY_PACKED per page (integers only) when enabled and smaller.
/// Memory: one page of indices and PLAIN bytes plus the dictionary; kept between chunks.
struct NumericValueEncoder<T: NumericDictionaryKey>: PageValueEncoder {
    private let dictionaryEnabled: Bool
    private let dictionaryMaxBytes: Int
    private let deltaIntegers: Bool
    private var mode: ValueEncodingMode = .plain
    /// Set when the numeric dictionary is enabled.
    private var dict: NumericDictionaryBuilder?
    private var trial: NumericDictionaryTrial
    private var indices: [UInt32] = []
    /// PLAIN values of the page (in dictionary mode: only while on trial).
    private var values = ByteSink()
    private var scratch = ByteSink()

    init(options: ParquetWriterOptions) {
        dictionaryEnabled = options.dictionary && options.numericDictionary
        if dictionaryEnabled { dict = NumericDictionaryBuilder(width: MemoryLayout<T>.size) }
        dictionaryMaxBytes = options.dictionaryMaxBytes
        deltaIntegers = options.deltaEncodeSortedIntegers
        trial = NumericDictionaryTrial(length: options.numericTrialValues)
        reset()
    }

    mutating func reset() {
        mode = dictionaryEnabled ? .dictionary : .plain
        dict?.reset()
        trial.start(dict != nil)
        indices.removeAll(keepingCapacity: true)
        values.removeAll()
    }

    var dictionaryCount: Int { dict?.count ?? 0 }

    private var indexBits: Int { RLEHybridEncoder.estimateBits(dictionaryCount: dictionaryCount) }

    /// Dictionary mode: levels and indices at their bit widths; while on trial, the larger of
    /// that and the PLAIN copies (so that a page the trial turns PLAIN still respects
    /// `pageBytes`). PLAIN mode: the values' bytes plus the levels.
    func pageEstimate(_ page: ColumnPageWriter) -> Int {
        if mode == .dictionary {
            let indexed = (page.levels.count >> 3) &+ ((indices.count &* indexBits) >> 3)
            return trial.pending ? max(indexed, (page.levels.count >> 3) &+ values.count) : indexed
        }
        return values.count &+ (page.levels.count >> 3) &+ (indices.count >> 3)
    }

    /// Appends rows `range` of `column` (nulls where `validity` says so) to the page, flushing
    /// pages as they fill up. Statistics of the values are the caller's; null counts are kept here.
    mutating func append(_ column: ContiguousArray<T>, validity: Bitmap?, range: Range<Int>,
                         page: inout ColumnPageWriter) throws(ColumnarError) {
        let nullable = page.nullable
        var row = range.lowerBound
        while row < range.upperBound {
            let end = min(range.upperBound, row &+ room(page))
            var overflowAt: Int?   // first row the numeric dictionary refused
            column.withUnsafeBufferPointer { p in
                if let validity {
                    validity.forEachRun(in: row..<end) { run, valid in
                        guard overflowAt == nil else { return }
                        if valid {
                            let taken = putValues(UnsafeBufferPointer(rebasing: p[run]))
                            if taken < run.count { overflowAt = run.lowerBound &+ taken }
                            page.nonNull &+= taken
                            if nullable { page.levels.append(contentsOf: repeatElement(1, count: taken)) }
                        } else {
                            page.stats.nullCount &+= Int64(run.count)
                            page.levels.append(contentsOf: repeatElement(0, count: run.count))
                        }
                    }
                } else {
                    let taken = putValues(UnsafeBufferPointer(rebasing: p[row..<end]))
                    if taken < end &- row { overflowAt = row &+ taken }
                    page.nonNull &+= taken
                    if nullable { page.levels.append(contentsOf: repeatElement(1, count: taken)) }
                }
            }
            let stop = overflowAt ?? end
            page.rows &+= stop &- row
            row = stop
            if overflowAt != nil {
                // Close the dictionary-encoded page; the rest of the chunk is PLAIN.
                try page.flush(&self)
                mode = .plain
                trial.cancel()
                continue
            }
            if trial.pending && trial.checkpoint(entries: dictionaryCount) { endTrial(sampled: page.nonNull) }
            if page.isFull(estimate: pageEstimate(page)) { try page.flush(&self) }
        }
    }

    /// Rows that still fit in the current page (at least 1); while the numeric dictionary is on
    /// trial, also no more than the values left before the trial's next checkpoint.
    private func room(_ page: ColumnPageWriter) -> Int {
        let valueBytes = MemoryLayout<T>.size
        let estimate = pageEstimate(page)
        guard mode == .dictionary else { return page.room(estimate: estimate, bytesPerRow: valueBytes) }
        let bitsPerRow = indexBits &+ (page.nullable ? 1 : 0)
        var room = max(1, min((page.pageBytes &- estimate) &* 8 / bitsPerRow, ColumnPageWriter.maxPageRows &- page.rows))
        if trial.pending {
            room = min(room, trial.roomToCheckpoint, page.room(estimate: estimate, bytesPerRow: valueBytes))
        }
        return room
    }

    /// Appends non-null values: their dictionary indices (plus PLAIN copies while on trial) or
    /// their PLAIN bytes. Returns how many were taken: all, or fewer when the dictionary is full.
    @inline(__always)
    private mutating func putValues(_ v: UnsafeBufferPointer<T>) -> Int {
        var taken = v.count
        if mode == .dictionary, dict != nil {
            taken = dict!.indices(of: v, into: &indices, limit: dictionaryMaxBytes)
            guard trial.pending else { return taken }
            trial.record(taken)
        }
        values.append(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: v[0..<taken])))
        return taken
    }

    /// Ends the trial: keeps the dictionary when it pays (and drops the PLAIN copies), otherwise
    /// turns the chunk so far into PLAIN values without a dictionary. `sampled`: the page's
    /// non-null values, whose order is checked.
    private mutating func endTrial(sampled: Int) {
        guard mode == .dictionary, let d = dict else {
            trial.cancel()
            return
        }
        let ordered = values.bytes.withUnsafeBytes { NumericDictionaryTrial.orderedPairs($0, as: T.self) }
        if trial.end(width: d.width, entries: d.count, sampled: sampled, orderedPairs: ordered) {
            values.removeAll()
        } else {
            mode = .plain
            indices.removeAll(keepingCapacity: true)
            dict!.reset()
        }
    }

    /// Ends a pending trial when this is the chunk's last page or the trial has
    /// `NumericDictionaryTrial.minimumValues`; an earlier page stays a PLAIN trial page.
    mutating func willFlush(nonNull: Int, last: Bool) {
        if trial.endsAtFlush(nonNull: nonNull, last: last) { endTrial(sampled: nonNull) }
    }

    mutating func encodeValues(into body: inout ByteSink) -> Encoding {
        if mode == .dictionary && !trial.pending {
            let width = max(1, RLEHybridEncoder.bitWidth(forMax: UInt32(dictionaryCount - 1)))
            body.append(UInt8(width))
            indices.withUnsafeBufferPointer { RLEHybridEncoder.encode($0, bitWidth: width, into: &body) }
            return .rleDictionary
        }
        if deltaIntegers, let delta = encodeDelta(), delta.count < values.count {
            body.append(contentsOf: delta)
            return .deltaBinaryPacked
        }
        body.append(contentsOf: values.bytes)
        return .plain
    }

    /// DELTA_BINARY_PACKED of the page's PLAIN values (nil for DOUBLE).
    private mutating func encodeDelta() -> [UInt8]? {
        if T.self == Int32.self {
            scratch.removeAll()
            values.bytes.withUnsafeBytes { raw in DeltaBinaryPackedEncoder.encodeInt32(raw, into: &scratch) }
        } else if T.self == Int64.self {
            scratch.removeAll()
            values.bytes.withUnsafeBytes { raw in DeltaBinaryPackedEncoder.encodeInt64(raw, into: &scratch) }
        } else {
            return nil
        }
        return scratch.bytes
    }

    mutating func clearPage() {
        indices.removeAll(keepingCapacity: true)
        values.removeAll()
    }

    func writeDictionary(into body: inout ByteSink) { dict?.writePlain(into: &body) }

    /// Nothing: numeric statistics come from the values themselves.
    func addDictionaryStatistics(to stats: inout StatisticsAccumulator) {}
}
