/// FIXED_LEN_BYTE_ARRAY column chunks of `width` bytes (UUID): PLAIN, dictionary and
/// BYTE_STREAM_SPLIT pages; nulls become `width` zero bytes. Memory: `width` bytes per row
/// plus the dictionary.
struct FixedBytesColumnBuilder: PhysicalColumnBuilder {
    let width: Int
    private var values = ContiguousArray<UInt8>()
    private var dictionary = ContiguousArray<UInt8>()

    init(width: Int) { self.width = width }

    mutating func reserve(rows: Int) { values.reserveCapacity(rows * max(width, 0)) }

    mutating func setDictionary(_ bytes: [UInt8], start: Int, end: Int, count: Int) throws(DecodeError) {
        _ = try PlainDecoding.fixedBytes(bytes, start: start, end: end, count: count, width: width, into: &dictionary)
    }

    mutating func appendPage(_ page: DataPageValues, indices: ContiguousArray<UInt32>, validity: LevelBits) throws(DecodeError) {
        switch page.encoding {
        case .plain:
            _ = try PlainDecoding.fixedBytes(page.bytes, start: page.start, end: page.end, count: page.present,
                                             width: width, into: &values)
        case .rleDictionary, .plainDictionary:
            for i in indices { values.append(contentsOf: dictionary[(Int(i) * width)..<(Int(i) * width + width)]) }
        case .byteStreamSplit:
            let plain = try ExtraEncodings.byteStreamSplit(page.bytes, start: page.start, end: page.end,
                                                          count: page.present, width: width)
            _ = try PlainDecoding.fixedBytes(plain, start: 0, end: plain.count, count: page.present, width: width, into: &values)
        default:
            throw DecodeError("encoding \(page.encoding.rawValue) for \(PhysicalType.fixedLenByteArray)")
        }
        if let levels = page.levels, page.present != page.rows { expandNulls(levels: levels, rows: page.rows) }
    }

    /// Spreads the page's `present` values (the last ones) over `rows` slots, zeros for nulls.
    private mutating func expandNulls(levels: ContiguousArray<UInt32>, rows n: Int) {
        let present = levels.reduce(0) { $0 + Int($1) }
        let base = values.count - present * width
        values.append(contentsOf: repeatElement(0, count: (n - present) * width))
        var j = present - 1
        for i in stride(from: n - 1, through: 0, by: -1) {
            let dst = base + i * width
            if levels[i] != 0 {
                if dst != base + j * width {
                    for k in 0..<width { values[dst + k] = values[base + j * width + k] }
                }
                j -= 1
            } else {
                for k in 0..<width { values[dst + k] = 0 }
            }
        }
    }

    mutating func finish(_ descriptor: ParquetColumnDescriptor, type: ColumnType, valid: Bitmap?,
                         levels: LevelBits) throws(DecodeError) -> AnyColumn {
        guard type == .uuid else { throw DecodeError("column type \(type) from physical type \(PhysicalType.fixedLenByteArray)") }
        return .fixedBytes(FixedBytesColumn(width: 16, bytes: values, validity: valid))
    }
}
