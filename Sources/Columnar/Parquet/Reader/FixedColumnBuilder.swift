/// A value type a `FixedColumnBuilder` decodes: Int32 (INT32), Int64 (INT64), Double (FLOAT
/// widened, DOUBLE).
protocol FixedColumnValue: BitwiseCopyable {
    static var zero: Self { get }
    /// Appends `count` PLAIN values of `physical` from `bytes[start..<end]`.
    static func decodePlain(_ bytes: [UInt8], start: Int, end: Int, count: Int, physical: PhysicalType,
                            into out: inout ContiguousArray<Self>) throws(DecodeError)
    /// Appends DELTA_BINARY_PACKED values (decoded as Int64); false when the type has none.
    static func appendDelta(_ values: ContiguousArray<Int64>, into out: inout ContiguousArray<Self>) -> Bool
    /// The finished column of `type` from the decoded values (nil when `type` cannot come from
    /// this physical type).
    static func column(_ values: ContiguousArray<Self>, type: ColumnType, conversion: ParquetColumnDescriptor.Conversion,
                       valid: Bitmap?) throws(DecodeError) -> AnyColumn?
}

extension Int32: FixedColumnValue {
    static var zero: Int32 { 0 }
    static func decodePlain(_ bytes: [UInt8], start: Int, end: Int, count: Int, physical: PhysicalType,
                            into out: inout ContiguousArray<Int32>) throws(DecodeError) {
        _ = try PlainDecoding.fixedWidth(bytes, start: start, end: end, count: count, into: &out)
    }
    static func appendDelta(_ values: ContiguousArray<Int64>, into out: inout ContiguousArray<Int32>) -> Bool {
        for v in values { out.append(Int32(truncatingIfNeeded: v)) }
        return true
    }
    /// int32/date as they are; int64 widened from UINT32.
    static func column(_ values: ContiguousArray<Int32>, type: ColumnType, conversion: ParquetColumnDescriptor.Conversion,
                       valid: Bitmap?) throws(DecodeError) -> AnyColumn? {
        switch type {
        case .int32, .date: .int32(FixedWidthColumn(values: values, validity: valid))
        case .int64, .timestampMicros:
            .int64(FixedWidthColumn(values: ContiguousArray(values.map { Int64(UInt32(bitPattern: $0)) }), validity: valid))
        default: nil
        }
    }
}

extension Int64: FixedColumnValue {
    static var zero: Int64 { 0 }
    static func decodePlain(_ bytes: [UInt8], start: Int, end: Int, count: Int, physical: PhysicalType,
                            into out: inout ContiguousArray<Int64>) throws(DecodeError) {
        _ = try PlainDecoding.fixedWidth(bytes, start: start, end: end, count: count, into: &out)
    }
    static func appendDelta(_ values: ContiguousArray<Int64>, into out: inout ContiguousArray<Int64>) -> Bool {
        out.append(contentsOf: values)
        return true
    }
    /// int64/timestamp in microseconds: milliseconds multiplied (overflow an error),
    /// nanoseconds floored.
    static func column(_ values: ContiguousArray<Int64>, type: ColumnType, conversion: ParquetColumnDescriptor.Conversion,
                       valid: Bitmap?) throws(DecodeError) -> AnyColumn? {
        guard type == .int64 || type == .timestampMicros else { return nil }
        var v = values
        switch conversion {
        case .millisToMicros:
            for i in v.indices {
                let (m, overflow) = v[i].multipliedReportingOverflow(by: 1000)
                guard !overflow else { throw DecodeError("millisecond timestamp \(v[i]) out of range") }
                v[i] = m
            }
        case .nanosToMicros:
            for i in v.indices {
                let x = v[i]
                let q = x / 1000
                v[i] = x % 1000 < 0 ? q - 1 : q
            }
        case .none, .uint32ToInt64:
            break
        }
        return .int64(FixedWidthColumn(values: v, validity: valid))
    }
}

extension Double: FixedColumnValue {
    static var zero: Double { 0 }
    static func decodePlain(_ bytes: [UInt8], start: Int, end: Int, count: Int, physical: PhysicalType,
                            into out: inout ContiguousArray<Double>) throws(DecodeError) {
        if physical == .float {
            _ = try PlainDecoding.floats(bytes, start: start, end: end, count: count, into: &out)
        } else {
            _ = try PlainDecoding.doubles(bytes, start: start, end: end, count: count, into: &out)
        }
    }
    static func appendDelta(_ values: ContiguousArray<Int64>, into out: inout ContiguousArray<Double>) -> Bool { false }
    static func column(_ values: ContiguousArray<Double>, type: ColumnType, conversion: ParquetColumnDescriptor.Conversion,
                       valid: Bitmap?) throws(DecodeError) -> AnyColumn? {
        type == .double ? .double(FixedWidthColumn(values: values, validity: valid)) : nil
    }
}

/// INT32, INT64, FLOAT and DOUBLE column chunks: PLAIN, dictionary (gathered), DELTA_BINARY_PACKED
/// (integers), BYTE_STREAM_SPLIT; nulls spread out after each page. Memory: the decoded values
/// (one slot per row, zero for nulls) and the dictionary.
struct FixedColumnBuilder<T: FixedColumnValue>: PhysicalColumnBuilder {
    let physical: PhysicalType
    private var values = ContiguousArray<T>()
    private var dictionary = ContiguousArray<T>()

    init(physical: PhysicalType) { self.physical = physical }

    mutating func reserve(rows: Int) { values.reserveCapacity(rows) }

    mutating func setDictionary(_ bytes: [UInt8], start: Int, end: Int, count: Int) throws(DecodeError) {
        try T.decodePlain(bytes, start: start, end: end, count: count, physical: physical, into: &dictionary)
    }

    mutating func appendPage(_ page: DataPageValues, indices: ContiguousArray<UInt32>, validity: LevelBits) throws(DecodeError) {
        switch page.encoding {
        case .plain:
            try T.decodePlain(page.bytes, start: page.start, end: page.end, count: page.present, physical: physical, into: &values)
        case .rleDictionary, .plainDictionary:
            ColumnBuilder.gather(dictionary, indices, zero: T.zero, into: &values)
        case .deltaBinaryPacked:
            var decoded = ContiguousArray<Int64>()
            try DeltaBinaryPackedDecoder.decode(page.bytes, start: page.start, end: page.end, count: page.present, into: &decoded)
            guard T.appendDelta(decoded, into: &values) else {
                throw DecodeError("encoding \(page.encoding.rawValue) for \(physical)")
            }
        case .byteStreamSplit:
            let size = physical == .float || physical == .int32 ? 4 : 8
            let plain = try ExtraEncodings.byteStreamSplit(page.bytes, start: page.start, end: page.end,
                                                          count: page.present, width: size)
            try T.decodePlain(plain, start: 0, end: plain.count, count: page.present, physical: physical, into: &values)
        default:
            throw DecodeError("encoding \(page.encoding.rawValue) for \(physical)")
        }
        if let levels = page.levels, page.present != page.rows {
            ColumnBuilder.expand(&values, levels: levels, rows: page.rows, zero: T.zero)
        }
    }

    mutating func finish(_ descriptor: ParquetColumnDescriptor, type: ColumnType, valid: Bitmap?,
                         levels: LevelBits) throws(DecodeError) -> AnyColumn {
        guard let column = try T.column(values, type: type, conversion: descriptor.conversion, valid: valid) else {
            throw DecodeError("column type \(type) from physical type \(physical)")
        }
        return column
    }
}
