/// BOOLEAN column chunks: PLAIN (bit-packed), RLE (`u32` length + hybrid, width 1) and
/// dictionary pages; nulls spread out after each page. Memory: one Bool per row plus the
/// dictionary and one page of RLE scratch.
struct BoolColumnBuilder: PhysicalColumnBuilder {
    private var values = ContiguousArray<Bool>()
    private var dictionary = ContiguousArray<Bool>()
    private var scratch = ContiguousArray<UInt32>()

    mutating func reserve(rows: Int) { values.reserveCapacity(rows) }

    mutating func setDictionary(_ bytes: [UInt8], start: Int, end: Int, count: Int) throws(DecodeError) {
        _ = try PlainDecoding.bools(bytes, start: start, end: end, count: count, into: &dictionary)
    }

    mutating func appendPage(_ page: DataPageValues, indices: ContiguousArray<UInt32>, validity: LevelBits) throws(DecodeError) {
        switch page.encoding {
        case .plain:
            _ = try PlainDecoding.bools(page.bytes, start: page.start, end: page.end, count: page.present, into: &values)
        case .rleDictionary, .plainDictionary:
            for i in indices { values.append(dictionary[Int(i)]) }
        case .rle:
            var r = ByteReader(page.bytes, start: page.start, end: page.end)
            let length = Int(try r.readUInt32LE())
            let body = try r.take(length)
            scratch.removeAll(keepingCapacity: true)
            try RLEHybridDecoder.decode(page.bytes, start: body.lowerBound, end: body.upperBound, bitWidth: 1,
                                        count: page.present, into: &scratch)
            for v in scratch { values.append(v != 0) }
        default:
            throw DecodeError("encoding \(page.encoding.rawValue) for \(PhysicalType.boolean)")
        }
        if let levels = page.levels, page.present != page.rows {
            ColumnBuilder.expand(&values, levels: levels, rows: page.rows, zero: false)
        }
    }

    mutating func finish(_ descriptor: ParquetColumnDescriptor, type: ColumnType, valid: Bitmap?,
                         levels: LevelBits) throws(DecodeError) -> AnyColumn {
        guard type == .bool else { throw DecodeError("column type \(type) from physical type \(PhysicalType.boolean)") }
        return .bool(FixedWidthColumn(values: values, validity: valid))
    }
}
