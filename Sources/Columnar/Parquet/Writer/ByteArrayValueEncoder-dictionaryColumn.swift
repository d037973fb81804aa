/// What one call of the dictionary-index kernel (`ByteArrayValueEncoder.appendIndices`) did.
struct DictionaryIndexRun: Equatable {
    /// Rows taken (nulls included).
    var taken = 0
    /// Non-null rows taken (indices appended).
    var nonNull = 0
    /// Null rows taken.
    var nulls = 0
    /// The chunk dictionary refused the value of row `first + taken` (not taken).
    var overflow = false
}

extension ByteArrayValueEncoder {
    /// Appends rows `range` of a dictionary-encoded column: in dictionary mode each distinct
    /// input code is looked up in the chunk dictionary once per call (`remap`), in PLAIN mode its
    /// bytes are copied; pages are flushed as they fill up.
    mutating func append(_ c: DictionaryColumn, range: Range<Int>, page: inout ColumnPageWriter) throws(ColumnarError) {
        // remap[code] = chunk dictionary index (dictionary mode); UInt32.max = not seen yet.
        // seenPlain[code]: the value went to a PLAIN page (its statistics are added at the end).
        var remap = [UInt32](repeating: .max, count: c.dictionary.count)
        var seenPlain = [Bool](repeating: false, count: c.dictionary.count)
        let nullable = page.nullable
        var row = range.lowerBound
        let d = c.dictionary
        while row < range.upperBound {
            if mode == .dictionary {
                let limit = dictionaryMaxBytes
                let run = remap.withUnsafeMutableBufferPointer { remap in
                    Self.appendIndices(c, from: row, end: range.upperBound, remap: remap, dictionary: &dict, limit: limit,
                                       nullable: nullable, pageBytes: page.pageBytes, pageRows: page.rows,
                                       levels: &page.levels, indices: &indices)
                }
                page.nonNull &+= run.nonNull
                page.stats.nullCount &+= Int64(run.nulls)
                page.rows &+= run.taken
                row &+= run.taken
                try closePageIfDone(overflow: run.overflow, page: &page)
                continue
            }
            d.bytes.withUnsafeBytes { raw in
                d.offsets.withUnsafeBufferPointer { off in
                    c.codes.withUnsafeBufferPointer { codes in
                        while row < range.upperBound {
                            if c.validity?[row] ?? true {
                                let code = Int(codes[row])
                                appendPlain(UnsafeRawBufferPointer(rebasing: raw[Int(off[code])..<Int(off[code &+ 1])]))
                                seenPlain[code] = true
                                page.nonNull &+= 1
                                if nullable { page.levels.append(1) }
                            } else {
                                page.stats.nullCount &+= 1
                                page.levels.append(0)
                            }
                            page.rows &+= 1
                            row &+= 1
                            if page.isFull(estimate: pageEstimate(page)) { return }
                        }
                    }
                }
            }
            try closePageIfDone(overflow: false, page: &page)
        }
        if seenPlain.contains(true) {
            d.bytes.withUnsafeBytes { raw in
                for code in seenPlain.indices where seenPlain[code] {
                    page.stats.updateBytes(UnsafeRawBufferPointer(rebasing: raw[d.range(code)]))
                }
            }
        }
    }

    /// The dictionary-mode kernel: takes rows of `c` from `first` until `end`, at most 64 Ki
    /// rows, the page filling up (checked after every row against `pageBytes` and
    /// `ColumnPageWriter.maxPageRows`, with `pageRows` rows already in the page, as
    /// `ColumnPageWriter.isFull` does), or `dictionary` refusing a value (`limit` bytes; that row
    /// is not taken). Appends one index per non-null row to `indices` and one level per row to
    /// `levels` when the column is `nullable` (a null row of a REQUIRED column gets a 0 level
    /// too); `remap[code]` caches the chunk index of input code `code` (`UInt32.max` = not yet).
    ///
    /// Unsafe: indices and levels are stored through pointers into zeroed regions appended up
    /// front (so every store is in bounds), then trimmed; codes index `remap` and the input
    /// dictionary unchecked. `remap` must have one entry per input dictionary entry.
    /// `appendIndicesScalar` is its safe twin.
    static func appendIndices(_ c: DictionaryColumn, from first: Int, end: Int, remap: UnsafeMutableBufferPointer<UInt32>,
                              dictionary dict: inout ByteArrayDictionaryBuilder, limit: Int, nullable: Bool,
                              pageBytes: Int, pageRows rows0: Int,
                              levels lev: inout [UInt32], indices ind: inout [UInt32]) -> DictionaryIndexRun {
        let k = min(end &- first, 1 << 16)
        let writesLevels = nullable || c.validity != nil
        let ind0 = ind.count, lev0 = lev.count
        ind.append(contentsOf: repeatElement(0, count: k))
        if writesLevels { lev.append(contentsOf: repeatElement(0, count: k)) }
        var nInd = 0, nLev = 0, taken = 0, nulls = 0
        var overflow = false
        var bits = RLEHybridEncoder.estimateBits(dictionaryCount: dict.count)
        let validity = c.validity, d = c.dictionary
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
                                        bits = RLEHybridEncoder.estimateBits(dictionaryCount: dict.count)
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
                                if estimate >= pageBytes || rows0 &+ taken >= ColumnPageWriter.maxPageRows { return }
                            }
                        }
                    }
                }
            }
        }
        ind.removeLast(k &- nInd)
        if writesLevels { lev.removeLast(k &- nLev) }
        return DictionaryIndexRun(taken: taken, nonNull: nInd, nulls: nulls, overflow: overflow)
    }

    /// Safe twin of `appendIndices` (tests): the same contract, one checked append per row.
    static func appendIndicesScalar(_ c: DictionaryColumn, from first: Int, end: Int, remap: inout [UInt32],
                                    dictionary dict: inout ByteArrayDictionaryBuilder, limit: Int, nullable: Bool,
                                    pageBytes: Int, pageRows: Int,
                                    levels: inout [UInt32], indices: inout [UInt32]) -> DictionaryIndexRun {
        var run = DictionaryIndexRun()
        let k = min(end - first, 1 << 16)
        while run.taken < k {
            let r = first + run.taken
            if c.validity?[r] ?? true {
                let code = Int(c.codes[r])
                if remap[code] == .max {
                    let value = Array(c.dictionary.bytes[c.dictionary.range(code)])
                    guard let found = value.withUnsafeBytes({ dict.index(of: $0, limit: limit) }) else {
                        run.overflow = true
                        return run
                    }
                    remap[code] = found
                }
                indices.append(remap[code])
                run.nonNull += 1
                if nullable { levels.append(1) }
            } else {
                run.nulls += 1
                levels.append(0)
            }
            run.taken += 1
            let bits = RLEHybridEncoder.estimateBits(dictionaryCount: dict.count)
            if levels.count / 8 + indices.count * bits / 8 >= pageBytes || pageRows + run.taken >= ColumnPageWriter.maxPageRows {
                return run
            }
        }
        return run
    }
}
