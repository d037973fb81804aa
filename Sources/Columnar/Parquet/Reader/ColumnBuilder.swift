/// Accumulates the decoded values of one column chunk, page by page, and produces the final
/// `AnyColumn`.
///
/// This front keeps what every physical type shares: the definition levels (`LevelBits`), the
/// row and null counts, the dictionary page's presence and size, and the dictionary indices of
/// the current page (decoded and range-checked here). The values themselves go to a typed
/// builder chosen once from the physical type (`PhysicalColumnBuilder`: `BoolColumnBuilder`,
/// `FixedColumnBuilder<Int32/Int64/Double>`, `FixedBytesColumnBuilder`,
/// `ByteArrayColumnBuilder`, or `UUIDTextColumnBuilder` when asked), which keeps them in the
/// physical domain and converts at `finish` (unsigned widening, timestamp units). Memory: the decoded column plus the dictionary and one
/// page of scratch indices. Errors are `DecodeError` (wrapped by the caller).
struct ColumnBuilder {
    /// The typed builder; `unsupported` for a physical type we do not read (every call throws),
    /// `moved` only while a payload is being mutated in place.
    private enum Values {
        case bool(BoolColumnBuilder)
        case int32(FixedColumnBuilder<Int32>)
        case int64(FixedColumnBuilder<Int64>)
        case double(FixedColumnBuilder<Double>)
        case fixedBytes(FixedBytesColumnBuilder)
        case byteArray(ByteArrayColumnBuilder)
        case uuidText(UUIDTextColumnBuilder)
        case unsupported
        case moved
    }

    /// What the typed builder is asked to do (one dispatch for every operation).
    private enum Operation {
        case reserve(Int)
        case dictionary([UInt8], start: Int, end: Int, count: Int)
        case page(DataPageValues)
        case finish(ColumnType, Bitmap?)
    }

    let descriptor: ParquetColumnDescriptor
    private(set) var rows = 0
    private var validity = LevelBits()
    private var nulls = 0
    private(set) var hasDictionary = false
    private var dictCount = 0
    private var indices = ContiguousArray<UInt32>()
    private var values: Values

    /// `uuidText`: a BYTE_ARRAY column is decoded by `UUIDTextColumnBuilder` (16 bytes per row,
    /// `finish` gives `.fixedBytes`, `uuidRawColumn` the other texts); ignored for other types.
    init(_ descriptor: ParquetColumnDescriptor, uuidText: Bool = false) {
        self.descriptor = descriptor
        if uuidText && descriptor.physical == .byteArray {
            values = .uuidText(UUIDTextColumnBuilder())
            return
        }
        switch descriptor.physical {
        case .boolean: values = .bool(BoolColumnBuilder())
        case .int32: values = .int32(FixedColumnBuilder(physical: .int32))
        case .int64: values = .int64(FixedColumnBuilder(physical: .int64))
        case .float, .double: values = .double(FixedColumnBuilder(physical: descriptor.physical))
        case .byteArray: values = .byteArray(ByteArrayColumnBuilder(nullable: descriptor.nullable))
        case .fixedLenByteArray: values = .fixedBytes(FixedBytesColumnBuilder(width: descriptor.typeLength))
        default: values = .unsupported
        }
    }

    private var physical: PhysicalType { descriptor.physical }

    /// Reserves room for `rows` values once per chunk. (Per-page `reserveCapacity` calls would
    /// reallocate exactly each time and make many-page chunks quadratic, so there are none.)
    mutating func reserve(rows: Int) {
        validity.reserve(rows)
        _ = try? run(.reserve(rows))
    }

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
        _ = try run(.dictionary(bytes, start: start, end: end, count: count))
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
        let page = DataPageValues(bytes: bytes, start: start, end: end, encoding: encoding, levels: levels,
                                  rows: n, present: present)
        if page.isDictionaryEncoded {
            guard hasDictionary else { throw DecodeError("dictionary-encoded page without a dictionary page") }
            try decodeIndices(bytes, start: start, end: end, count: present)
        }
        _ = try run(.page(page))
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

    /// The finished column, converted to the descriptor's `ColumnType`.
    mutating func finish() throws(DecodeError) -> AnyColumn {
        guard let type = descriptor.type else { throw DecodeError("column has no supported type") }
        let valid: Bitmap? = descriptor.nullable && nulls > 0 ? validity.bitmap : nil
        guard let column = try run(.finish(type, valid)) else { throw DecodeError("column has no supported type") }
        return column
    }

    /// For a builder made with `uuidText`, after `finish`: the non-canonical texts (NULL on the
    /// other rows), nil when there is none or the builder decodes another way.
    func uuidRawColumn() -> AnyColumn? {
        if case .uuidText(let b) = values { return b.rawColumn() }
        return nil
    }

    /// Runs `operation` on the typed builder, mutated in place.
    private mutating func run(_ operation: Operation) throws(DecodeError) -> AnyColumn? {
        switch values {
        case .bool(var b):
            values = .moved
            defer { values = .bool(b) }
            return try perform(operation, on: &b)
        case .int32(var b):
            values = .moved
            defer { values = .int32(b) }
            return try perform(operation, on: &b)
        case .int64(var b):
            values = .moved
            defer { values = .int64(b) }
            return try perform(operation, on: &b)
        case .double(var b):
            values = .moved
            defer { values = .double(b) }
            return try perform(operation, on: &b)
        case .fixedBytes(var b):
            values = .moved
            defer { values = .fixedBytes(b) }
            return try perform(operation, on: &b)
        case .byteArray(var b):
            values = .moved
            defer { values = .byteArray(b) }
            return try perform(operation, on: &b)
        case .uuidText(var b):
            values = .moved
            defer { values = .uuidText(b) }
            return try perform(operation, on: &b)
        case .unsupported, .moved:
            switch operation {
            case .reserve: return nil
            case .dictionary: throw DecodeError("dictionary for physical type \(physical)")
            case .page(let page):
                if page.encoding == .plain { throw DecodeError("PLAIN for physical type \(physical)") }
                throw DecodeError("encoding \(page.encoding.rawValue) for \(physical)")
            case .finish: return nil
            }
        }
    }

    private func perform<B: PhysicalColumnBuilder>(_ operation: Operation, on builder: inout B) throws(DecodeError) -> AnyColumn? {
        switch operation {
        case .reserve(let n):
            builder.reserve(rows: n)
            return nil
        case .dictionary(let bytes, let start, let end, let count):
            try builder.setDictionary(bytes, start: start, end: end, count: count)
            return nil
        case .page(let page):
            try builder.appendPage(page, indices: indices, validity: validity)
            return nil
        case .finish(let type, let valid):
            return try builder.finish(descriptor, type: type, valid: valid, levels: validity)
        }
    }
}
