/// Accumulates the decoded values of one column chunk, page by page, and produces the final
/// `AnyColumn`.
///
/// Values are kept in the physical domain (Int32/Int64/Double/Bool/bytes) and converted at
/// `finish` (unsigned widening, timestamp units). Strings stay dictionary codes while every
/// data page is dictionary-encoded; the first non-dictionary page materialises the codes into a
/// plain `StringColumn` and the chunk continues as plain. Memory: the decoded column plus the
/// dictionary and one page of scratch indices. Errors are `DecodeError` (wrapped by the caller).
struct ColumnBuilder {
    let descriptor: ParquetColumnDescriptor
    private(set) var rows = 0
    private var validity = LevelBits()
    private var nulls = 0
    private var bools = ContiguousArray<Bool>()
    private var ints32 = ContiguousArray<Int32>()
    private var ints64 = ContiguousArray<Int64>()
    private var doubles = ContiguousArray<Double>()
    private var strings = StringColumn()
    private var fixed = ContiguousArray<UInt8>()
    private var codes = ContiguousArray<UInt32>()
    private var dictionaryMode = true
    private var dictionaryPagesUsed = 0

    private(set) var hasDictionary = false
    private var dictCount = 0
    private var dictBools = ContiguousArray<Bool>()
    private var dictInts32 = ContiguousArray<Int32>()
    private var dictInts64 = ContiguousArray<Int64>()
    private var dictDoubles = ContiguousArray<Double>()
    private var dictStrings = StringColumn()
    private var dictFixed = ContiguousArray<UInt8>()

    private var indices = ContiguousArray<UInt32>()

    init(_ descriptor: ParquetColumnDescriptor) { self.descriptor = descriptor }

    /// Reserves room for `rows` values once per chunk. (Per-page `reserveCapacity` calls would
    /// reallocate exactly each time and make many-page chunks quadratic, so there are none.)
    mutating func reserve(rows: Int) {
        validity.reserve(rows)
        switch physical {
        case .boolean: bools.reserveCapacity(rows)
        case .int32: ints32.reserveCapacity(rows)
        case .int64: ints64.reserveCapacity(rows)
        case .float, .double: doubles.reserveCapacity(rows)
        case .byteArray:
            codes.reserveCapacity(rows)
        case .fixedLenByteArray: fixed.reserveCapacity(rows * max(width, 0))
        default: break
        }
    }

    private var physical: PhysicalType { descriptor.physical }
    private var width: Int { descriptor.typeLength }
    private var isBytes: Bool { physical == .byteArray }

    /// Encodings `appendPage` can decode for this column's physical type.
    func supports(_ encoding: Encoding) -> Bool {
        switch encoding {
        case .plain, .rleDictionary, .plainDictionary: true
        case .rle: physical == .boolean
        case .deltaBinaryPacked: physical == .int32 || physical == .int64
        case .deltaLengthByteArray, .deltaByteArray: physical == .byteArray
        case .byteStreamSplit: [.float, .double, .int32, .int64, .fixedLenByteArray].contains(physical)
        default: false
        }
    }

    /// Decodes the PLAIN dictionary page body `bytes[start..<end]` of `count` entries.
    mutating func setDictionary(_ bytes: [UInt8], start: Int, end: Int, count: Int) throws(DecodeError) {
        guard !hasDictionary else { throw DecodeError("second dictionary page in a column chunk") }
        guard count >= 0 else { throw DecodeError("negative dictionary size") }
        switch physical {
        case .boolean: _ = try PlainDecoding.bools(bytes, start: start, end: end, count: count, into: &dictBools)
        case .int32: _ = try PlainDecoding.fixedWidth(bytes, start: start, end: end, count: count, into: &dictInts32)
        case .int64: _ = try PlainDecoding.fixedWidth(bytes, start: start, end: end, count: count, into: &dictInts64)
        case .float: _ = try PlainDecoding.floats(bytes, start: start, end: end, count: count, into: &dictDoubles)
        case .double: _ = try PlainDecoding.doubles(bytes, start: start, end: end, count: count, into: &dictDoubles)
        case .byteArray: _ = try PlainDecoding.byteArrays(bytes, start: start, end: end, count: count, into: &dictStrings)
        case .fixedLenByteArray:
            _ = try PlainDecoding.fixedBytes(bytes, start: start, end: end, count: count, width: width, into: &dictFixed)
        default: throw DecodeError("dictionary for physical type \(physical)")
        }
        hasDictionary = true
        dictCount = count
    }

    /// Appends one data page: `rows` level entries (nulls included), `levels` the definition
    /// levels (nil for a REQUIRED column; 1 = present), the values in `bytes[start..<end]`.
    mutating func appendPage(_ bytes: [UInt8], start: Int, end: Int, encoding: Encoding,
                             levels: ContiguousArray<UInt32>?, rows n: Int) throws(DecodeError) {
        var present = n
        if let levels {
            present = try validity.append(levels)
            nulls += n - present
        }
        let isDictionary = encoding == .rleDictionary || encoding == .plainDictionary
        if isDictionary {
            guard hasDictionary else { throw DecodeError("dictionary-encoded page without a dictionary page") }
            try decodeIndices(bytes, start: start, end: end, count: present)
        }
        if isBytes {
            try appendStrings(bytes, start: start, end: end, encoding: encoding, levels: levels, present: present)
            rows += n
            return
        }
        switch encoding {
        case .plain:
            try appendPlainDense(bytes, start: start, end: end, count: present)
        case .rleDictionary, .plainDictionary:
            appendDictionaryDense()
        case .rle:
            var r = ByteReader(bytes, start: start, end: end)
            let length = Int(try r.readUInt32LE())
            let body = try r.take(length)
            indices.removeAll(keepingCapacity: true)
            try RLEHybridDecoder.decode(bytes, start: body.lowerBound, end: body.upperBound, bitWidth: 1,
                                        count: present, into: &indices)
            for v in indices { bools.append(v != 0) }
        case .deltaBinaryPacked:
            var values = ContiguousArray<Int64>()
            try DeltaBinaryPackedDecoder.decode(bytes, start: start, end: end, count: present, into: &values)
            if physical == .int32 {
                for v in values { ints32.append(Int32(truncatingIfNeeded: v)) }
            } else {
                ints64.append(contentsOf: values)
            }
        case .byteStreamSplit:
            let size: Int = switch physical {
            case .float, .int32: 4
            case .double, .int64: 8
            default: width
            }
            let plain = try ExtraEncodings.byteStreamSplit(bytes, start: start, end: end, count: present, width: size)
            try appendPlainDense(plain, start: 0, end: plain.count, count: present)
        default:
            throw DecodeError("encoding \(encoding.rawValue) for \(physical)")
        }
        if let levels, present != n { expandNulls(levels: levels, rows: n) }
        rows += n
    }

    private mutating func decodeIndices(_ bytes: [UInt8], start: Int, end: Int, count: Int) throws(DecodeError) {
        indices.removeAll(keepingCapacity: true)
        if count == 0 { return }
        var r = ByteReader(bytes, start: start, end: end)
        let bitWidth = Int(try r.readByte())
        guard bitWidth <= 32 else { throw DecodeError("dictionary index bit width \(bitWidth) above 32") }
        try RLEHybridDecoder.decode(bytes, start: r.position, end: end, bitWidth: bitWidth, count: count, into: &indices)
        let limit = UInt32(truncatingIfNeeded: dictCount)
        for i in indices where i >= limit {
            throw DecodeError("dictionary index \(i) out of range (\(dictCount) entries)")
        }
    }

    private mutating func appendPlainDense(_ bytes: [UInt8], start: Int, end: Int, count: Int) throws(DecodeError) {
        switch physical {
        case .boolean: _ = try PlainDecoding.bools(bytes, start: start, end: end, count: count, into: &bools)
        case .int32: _ = try PlainDecoding.fixedWidth(bytes, start: start, end: end, count: count, into: &ints32)
        case .int64: _ = try PlainDecoding.fixedWidth(bytes, start: start, end: end, count: count, into: &ints64)
        case .float: _ = try PlainDecoding.floats(bytes, start: start, end: end, count: count, into: &doubles)
        case .double: _ = try PlainDecoding.doubles(bytes, start: start, end: end, count: count, into: &doubles)
        case .fixedLenByteArray:
            _ = try PlainDecoding.fixedBytes(bytes, start: start, end: end, count: count, width: width, into: &fixed)
        default: throw DecodeError("PLAIN for physical type \(physical)")
        }
    }

    private mutating func appendDictionaryDense() {
        switch physical {
        case .boolean: for i in indices { bools.append(dictBools[Int(i)]) }
        case .int32: Self.gather(dictInts32, indices, zero: 0, into: &ints32)
        case .int64: Self.gather(dictInts64, indices, zero: 0, into: &ints64)
        case .float, .double: Self.gather(dictDoubles, indices, zero: 0, into: &doubles)
        case .fixedLenByteArray:
            for i in indices { fixed.append(contentsOf: dictFixed[(Int(i) * width)..<(Int(i) * width + width)]) }
        default: break
        }
    }

    /// Appends `dictionary[i]` for each index straight into `out` (one resize, then a plain
    /// loop). Indices were checked against the dictionary size by `decodeIndices`; they are
    /// checked again here (a bad one traps instead of reading out of bounds).
    static func gather<T>(_ dictionary: ContiguousArray<T>, _ indices: ContiguousArray<UInt32>, zero: T,
                          into out: inout ContiguousArray<T>) {
        let base = out.count
        out.append(contentsOf: repeatElement(zero, count: indices.count))
        dictionary.withUnsafeBufferPointer { d in
            out.withUnsafeMutableBufferPointer { o in
                indices.withUnsafeBufferPointer { idx in
                    for k in 0..<idx.count {
                        let i = Int(idx[k])
                        precondition(i < d.count)
                        o[base &+ k] = d[i]
                    }
                }
            }
        }
    }

    /// Appends one slot per level: the next dense value where the level is 1, `zero` where 0.
    /// Callers guarantee `dense.count` equals the number of 1 levels.
    static func scatter<T>(_ dense: ContiguousArray<T>, levels: ContiguousArray<UInt32>, zero: T,
                           into out: inout ContiguousArray<T>) {
        let base = out.count
        out.append(contentsOf: repeatElement(zero, count: levels.count))
        dense.withUnsafeBufferPointer { d in
            out.withUnsafeMutableBufferPointer { o in
                levels.withUnsafeBufferPointer { lv in
                    var k = 0
                    for i in 0..<lv.count where lv[i] != 0 {
                        precondition(k < d.count)
                        o[base &+ i] = d[k]
                        k &+= 1
                    }
                }
            }
        }
    }

    /// Spreads the last `present` dense values of the page over `rows` slots (nulls get zero).
    private mutating func expandNulls(levels: ContiguousArray<UInt32>, rows n: Int) {
        switch physical {
        case .boolean: Self.expand(&bools, levels: levels, rows: n, zero: false)
        case .int32: Self.expand(&ints32, levels: levels, rows: n, zero: 0)
        case .int64: Self.expand(&ints64, levels: levels, rows: n, zero: 0)
        case .float, .double: Self.expand(&doubles, levels: levels, rows: n, zero: 0)
        case .fixedLenByteArray:
            let present = levels.reduce(0) { $0 + Int($1) }
            let base = fixed.count - present * width
            fixed.append(contentsOf: repeatElement(0, count: (n - present) * width))
            var j = present - 1
            for i in stride(from: n - 1, through: 0, by: -1) {
                let dst = base + i * width
                if levels[i] != 0 {
                    if dst != base + j * width {
                        for k in 0..<width { fixed[dst + k] = fixed[base + j * width + k] }
                    }
                    j -= 1
                } else {
                    for k in 0..<width { fixed[dst + k] = 0 }
                }
            }
        default: break
        }
    }

    private static func expand<T>(_ a: inout ContiguousArray<T>, levels: ContiguousArray<UInt32>, rows n: Int, zero: T) {
        let present = levels.reduce(0) { $0 + Int($1) }
        let base = a.count - present
        a.append(contentsOf: repeatElement(zero, count: n - present))
        var j = base + present - 1
        for i in stride(from: n - 1, through: 0, by: -1) {
            if levels[i] != 0 {
                a[base + i] = a[j]
                j -= 1
            } else {
                a[base + i] = zero
            }
        }
    }

    private mutating func appendStrings(_ bytes: [UInt8], start: Int, end: Int, encoding: Encoding,
                                        levels: ContiguousArray<UInt32>?, present: Int) throws(DecodeError) {
        let isDictionary = encoding == .rleDictionary || encoding == .plainDictionary
        if isDictionary && dictionaryMode {
            dictionaryPagesUsed += 1
            if let levels {
                guard indices.count == present else { throw DecodeError("dictionary index count \(indices.count) for \(present) values") }
                Self.scatter(indices, levels: levels, zero: 0, into: &codes)
            } else {
                codes.append(contentsOf: indices)
            }
            return
        }
        if dictionaryMode {
            try materializeCodes()
        }
        if present == 0, let levels {
            // An all-NULL page (e.g. user_session_raw, set only for non-UUID ids): one bulk append.
            strings.offsets.append(contentsOf: repeatElement(Int32(truncatingIfNeeded: strings.bytes.count), count: levels.count))
            return
        }
        switch encoding {
        case .plain:
            var r = ByteReader(bytes, start: start, end: end)
            let total = levels?.count ?? present
            for i in 0..<total {
                if let levels, levels[i] == 0 {
                    strings.offsets.append(Int32(truncatingIfNeeded: strings.bytes.count))
                    continue
                }
                let n = Int(try r.readUInt32LE())
                try PlainDecoding.appendString(&strings, bytes, try r.take(n))
            }
        case .deltaLengthByteArray, .deltaByteArray:
            let dense = encoding == .deltaByteArray
                ? try ExtraEncodings.deltaByteArrays(bytes, start: start, end: end, count: present)
                : try ExtraEncodings.deltaLengthByteArrays(bytes, start: start, end: end, count: present)
            let denseBytes = Array(dense.bytes)
            var k = 0
            let total = levels?.count ?? present
            for i in 0..<total {
                if let levels, levels[i] == 0 {
                    strings.offsets.append(Int32(truncatingIfNeeded: strings.bytes.count))
                    continue
                }
                try PlainDecoding.appendString(&strings, denseBytes, dense.range(k))
                k += 1
            }
        case .rleDictionary, .plainDictionary:
            var k = 0
            let total = levels?.count ?? present
            for i in 0..<total {
                if let levels, levels[i] == 0 {
                    strings.offsets.append(Int32(truncatingIfNeeded: strings.bytes.count))
                    continue
                }
                try appendDictionaryString(Int(indices[k]))
                k += 1
            }
        default:
            throw DecodeError("encoding \(encoding.rawValue) for BYTE_ARRAY")
        }
    }

    private mutating func appendDictionaryString(_ index: Int) throws(DecodeError) {
        let r = dictStrings.range(index)
        guard strings.bytes.count + r.count < Int(Int32.max) else {
            throw DecodeError("more than 2 GiB of string data in one column chunk")
        }
        strings.bytes.append(contentsOf: dictStrings.bytes[r])
        strings.offsets.append(Int32(truncatingIfNeeded: strings.bytes.count))
    }

    /// Switches from dictionary codes to plain strings (the rows decoded so far).
    private mutating func materializeCodes() throws(DecodeError) {
        dictionaryMode = false
        for row in 0..<codes.count {
            if descriptor.nullable && !validity[row] {
                strings.offsets.append(Int32(truncatingIfNeeded: strings.bytes.count))
            } else {
                try appendDictionaryString(Int(codes[row]))
            }
        }
        codes = []
    }

    /// The finished column, converted to the descriptor's `ColumnType`.
    mutating func finish() throws(DecodeError) -> AnyColumn {
        guard let type = descriptor.type else { throw DecodeError("column has no supported type") }
        let valid: Bitmap? = descriptor.nullable && nulls > 0 ? validity.bitmap : nil
        switch type {
        case .bool: return .bool(FixedWidthColumn(values: bools, validity: valid))
        case .int32, .date: return .int32(FixedWidthColumn(values: ints32, validity: valid))
        case .double: return .double(FixedWidthColumn(values: doubles, validity: valid))
        case .int64, .timestampMicros:
            var values: ContiguousArray<Int64>
            switch descriptor.conversion {
            case .uint32ToInt64:
                values = ContiguousArray(ints32.map { Int64(UInt32(bitPattern: $0)) })
            case .millisToMicros:
                values = ints64
                for i in values.indices {
                    let (v, overflow) = values[i].multipliedReportingOverflow(by: 1000)
                    guard !overflow else { throw DecodeError("millisecond timestamp \(values[i]) out of range") }
                    values[i] = v
                }
            case .nanosToMicros:
                values = ints64
                for i in values.indices {
                    let v = values[i]
                    let q = v / 1000
                    values[i] = v % 1000 < 0 ? q - 1 : q
                }
            case .none:
                values = ints64
            }
            return .int64(FixedWidthColumn(values: values, validity: valid))
        case .string, .binary:
            if dictionaryMode && dictionaryPagesUsed > 0 {
                return .dictionary(DictionaryColumn(codes: codes, dictionary: dictStrings, validity: valid))
            }
            if dictionaryMode { try materializeCodes() }
            return .string(StringColumn(offsets: strings.offsets, bytes: strings.bytes, validity: valid))
        case .uuid:
            return .fixedBytes(FixedBytesColumn(width: 16, bytes: fixed, validity: valid))
        }
    }
}

/// Validity bits built straight from definition levels (64 per word, LSB-first like `Bitmap`).
struct LevelBits {
    private(set) var words = ContiguousArray<UInt64>()
    private(set) var count = 0

    /// Appends one bit per level (1 = present). Returns the number of present values; throws
    /// on a level above the maximum 1.
    ///
    /// Fast path: a page whose levels are all 1 (no NULL, the usual case) is detected with a
    /// branch-free AND/OR reduction and its bits are set a word at a time; any other page goes
    /// through `appendGeneral` (the per-level twin, also used by tests).
    mutating func append(_ levels: ContiguousArray<UInt32>) throws(DecodeError) -> Int {
        var all: UInt32 = ~0, any: UInt32 = 0
        levels.withUnsafeBufferPointer { lv in
            for l in lv { all &= l; any |= l }
        }
        guard !levels.isEmpty, all == 1, any == 1 else { return try appendGeneral(levels) }
        setOnes(levels.count)
        return levels.count
    }

    /// Appends `n` set bits: the partial first word, whole words, then the partial last word.
    private mutating func setOnes(_ n: Int) {
        let end = count &+ n
        let needed = (end &+ 63) >> 6
        if words.count < needed { words.append(contentsOf: repeatElement(0, count: needed - words.count)) }
        var c = count
        words.withUnsafeMutableBufferPointer { w in
            while c < end {
                let bit = c & 63
                let take = Swift.min(64 &- bit, end &- c)
                let ones: UInt64 = take == 64 ? ~0 : ((1 &<< UInt64(take)) &- 1)
                w[c &>> 6] |= ones &<< UInt64(bit)
                c &+= take
            }
        }
        count = end
    }

    /// `append` one level at a time (any levels).
    mutating func appendGeneral(_ levels: ContiguousArray<UInt32>) throws(DecodeError) -> Int {
        var present = 0
        var seen: UInt32 = 0
        let needed = (count &+ levels.count &+ 63) >> 6
        if words.count < needed { words.append(contentsOf: repeatElement(0, count: needed - words.count)) }
        let start = count
        words.withUnsafeMutableBufferPointer { w in
            levels.withUnsafeBufferPointer { lv in
                var c = start
                for l in lv {
                    seen |= l
                    w[c &>> 6] |= UInt64(l & 1) &<< UInt64(c & 63)
                    present &+= Int(l & 1)
                    c &+= 1
                }
            }
        }
        // Any level ≥ 2 sets a bit above bit 0 of `seen`.
        if seen > 1 { throw DecodeError("definition level above the maximum 1") }
        count &+= levels.count
        return present
    }

    subscript(row: Int) -> Bool { words[row >> 6] & (1 << UInt64(row & 63)) != 0 }

    mutating func reserve(_ bits: Int) { words.reserveCapacity((bits + 63) >> 6) }

    var bitmap: Bitmap {
        var b = Bitmap(count: count, value: false)
        b.words = words
        return b
    }
}
