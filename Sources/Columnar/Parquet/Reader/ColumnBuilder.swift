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
    private var validity = Bitmap()
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

    private var physical: PhysicalType { descriptor.physical }
    private var width: Int { descriptor.typeLength }
    private var isBytes: Bool { physical == .byteArray }

    /// Encodings `appendPage` can decode for this column's physical type.
    func supports(_ encoding: Encoding) -> Bool {
        switch encoding {
        case .plain, .rleDictionary, .plainDictionary: true
        case .rle: physical == .boolean
        case .deltaBinaryPacked: physical == .int32 || physical == .int64
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
            present = 0
            validity.reserveCapacity(rows + n)
            for l in levels {
                guard l <= 1 else { throw DecodeError("definition level \(l) above the maximum 1") }
                validity.append(l != 0)
                present += Int(l)
            }
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
            bools.reserveCapacity(bools.count + present)
            for v in indices { bools.append(v != 0) }
        case .deltaBinaryPacked:
            var values = ContiguousArray<Int64>()
            try DeltaBinaryPackedDecoder.decode(bytes, start: start, end: end, count: present, into: &values)
            if physical == .int32 {
                ints32.reserveCapacity(ints32.count + present)
                for v in values { ints32.append(Int32(truncatingIfNeeded: v)) }
            } else {
                ints64.append(contentsOf: values)
            }
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
        case .boolean: bools.reserveCapacity(bools.count + indices.count); for i in indices { bools.append(dictBools[Int(i)]) }
        case .int32: ints32.reserveCapacity(ints32.count + indices.count); for i in indices { ints32.append(dictInts32[Int(i)]) }
        case .int64: ints64.reserveCapacity(ints64.count + indices.count); for i in indices { ints64.append(dictInts64[Int(i)]) }
        case .float, .double:
            doubles.reserveCapacity(doubles.count + indices.count)
            for i in indices { doubles.append(dictDoubles[Int(i)]) }
        case .fixedLenByteArray:
            for i in indices { fixed.append(contentsOf: dictFixed[(Int(i) * width)..<(Int(i) * width + width)]) }
        default: break
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
                codes.reserveCapacity(codes.count + levels.count)
                var k = 0
                for l in levels {
                    if l != 0 { codes.append(indices[k]); k += 1 } else { codes.append(0) }
                }
            } else {
                codes.append(contentsOf: indices)
            }
            return
        }
        if dictionaryMode {
            try materializeCodes()
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
        let valid: Bitmap? = descriptor.nullable && nulls > 0 ? validity : nil
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
