/// BYTE_ARRAY column chunks (string/binary). Values stay dictionary codes while every data page
/// is dictionary-encoded (the result is then a `DictionaryColumn`); the first other page
/// materialises the codes into a plain `StringColumn` and the chunk continues as plain
/// (PLAIN, DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY, or dictionary pages copied out).
/// Memory: the codes or the strings, plus the dictionary. More than 2 GiB of string bytes in
/// one chunk is a `DecodeError`.
struct ByteArrayColumnBuilder: PhysicalColumnBuilder {
    private let nullable: Bool
    private var strings = StringColumn()
    private var codes = ContiguousArray<UInt32>()
    private var dictionary = StringColumn()
    private var dictionaryMode = true
    private var dictionaryPagesUsed = 0

    init(nullable: Bool) { self.nullable = nullable }

    mutating func reserve(rows: Int) { codes.reserveCapacity(rows) }

    mutating func setDictionary(_ bytes: [UInt8], start: Int, end: Int, count: Int) throws(DecodeError) {
        _ = try PlainDecoding.byteArrays(bytes, start: start, end: end, count: count, into: &dictionary)
    }

    mutating func appendPage(_ page: DataPageValues, indices: ContiguousArray<UInt32>, validity: LevelBits) throws(DecodeError) {
        let present = page.present
        if page.isDictionaryEncoded && dictionaryMode {
            dictionaryPagesUsed += 1
            if let levels = page.levels {
                guard indices.count == present else { throw DecodeError("dictionary index count \(indices.count) for \(present) values") }
                ColumnBuilder.scatter(indices, levels: levels, zero: 0, into: &codes)
            } else {
                codes.append(contentsOf: indices)
            }
            return
        }
        if dictionaryMode {
            try materializeCodes(validity)
        }
        if present == 0, let levels = page.levels {
            // An all-NULL page (e.g. user_session_raw, set only for non-UUID ids): one bulk append.
            strings.offsets.append(contentsOf: repeatElement(Int32(truncatingIfNeeded: strings.bytes.count), count: levels.count))
            return
        }
        let bytes = page.bytes, levels = page.levels
        let total = levels?.count ?? present
        switch page.encoding {
        case .plain:
            var r = ByteReader(bytes, start: page.start, end: page.end)
            for i in 0..<total {
                if let levels, levels[i] == 0 {
                    strings.offsets.append(Int32(truncatingIfNeeded: strings.bytes.count))
                    continue
                }
                let n = Int(try r.readUInt32LE())
                try PlainDecoding.appendString(&strings, bytes, try r.take(n))
            }
        case .deltaLengthByteArray, .deltaByteArray:
            let dense = page.encoding == .deltaByteArray
                ? try ExtraEncodings.deltaByteArrays(bytes, start: page.start, end: page.end, count: present)
                : try ExtraEncodings.deltaLengthByteArrays(bytes, start: page.start, end: page.end, count: present)
            let denseBytes = Array(dense.bytes)
            var k = 0
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
            for i in 0..<total {
                if let levels, levels[i] == 0 {
                    strings.offsets.append(Int32(truncatingIfNeeded: strings.bytes.count))
                    continue
                }
                try appendDictionaryString(Int(indices[k]))
                k += 1
            }
        default:
            throw DecodeError("encoding \(page.encoding.rawValue) for BYTE_ARRAY")
        }
    }

    private mutating func appendDictionaryString(_ index: Int) throws(DecodeError) {
        let r = dictionary.range(index)
        guard strings.bytes.count + r.count < Int(Int32.max) else {
            throw DecodeError("more than 2 GiB of string data in one column chunk")
        }
        strings.bytes.append(contentsOf: dictionary.bytes[r])
        strings.offsets.append(Int32(truncatingIfNeeded: strings.bytes.count))
    }

    /// Switches from dictionary codes to plain strings (the rows decoded so far; `validity`
    /// tells their nulls).
    private mutating func materializeCodes(_ validity: LevelBits) throws(DecodeError) {
        dictionaryMode = false
        for row in 0..<codes.count {
            if nullable && !validity[row] {
                strings.offsets.append(Int32(truncatingIfNeeded: strings.bytes.count))
            } else {
                try appendDictionaryString(Int(codes[row]))
            }
        }
        codes = []
    }

    mutating func finish(_ descriptor: ParquetColumnDescriptor, type: ColumnType, valid: Bitmap?,
                         levels: LevelBits) throws(DecodeError) -> AnyColumn {
        guard type == .string || type == .binary else {
            throw DecodeError("column type \(type) from physical type \(PhysicalType.byteArray)")
        }
        if dictionaryMode && dictionaryPagesUsed > 0 {
            return .dictionary(DictionaryColumn(codes: codes, dictionary: dictionary, validity: valid))
        }
        if dictionaryMode { try materializeCodes(levels) }
        return .string(StringColumn(offsets: strings.offsets, bytes: strings.bytes, validity: valid))
    }
}
