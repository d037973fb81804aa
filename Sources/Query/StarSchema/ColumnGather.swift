import Columnar

/// Row selection and concatenation over `AnyColumn`s, used to assemble the star-schema tables.
/// Dictionary columns come out materialised as plain string columns. Memory: the output column.
enum ColumnGather {
    /// The rows `indices` of `column`, in that order.
    static func gather(_ column: AnyColumn, _ indices: [Int]) -> AnyColumn {
        switch column {
        case .bool(let c): return .bool(gather(c, indices))
        case .int32(let c): return .int32(gather(c, indices))
        case .int64(let c): return .int64(gather(c, indices))
        case .double(let c): return .double(gather(c, indices))
        case .string(let c): return .string(gather(c, indices))
        case .dictionary(let c): return .string(gather(c.materialized(), indices))
        case .fixedBytes(let c):
            var bytes = ContiguousArray<UInt8>()
            var validity: Bitmap? = c.validity == nil ? nil : Bitmap(reservingCapacity: indices.count)
            for i in indices {
                bytes.append(contentsOf: c.bytes[i * c.width..<(i + 1) * c.width])
                validity?.append(c.isValid(i))
            }
            return .fixedBytes(FixedBytesColumn(width: c.width, bytes: bytes, validity: validity))
        }
    }

    static func gather<T>(_ c: FixedWidthColumn<T>, _ indices: [Int]) -> FixedWidthColumn<T> {
        var values = ContiguousArray<T>()
        values.reserveCapacity(indices.count)
        var validity: Bitmap? = c.validity == nil ? nil : Bitmap(reservingCapacity: indices.count)
        for i in indices {
            values.append(c.values[i])
            validity?.append(c.isValid(i))
        }
        if let v = validity, v.clearCount == 0 { validity = nil }
        return FixedWidthColumn(values: values, validity: validity)
    }

    static func gather(_ c: StringColumn, _ indices: [Int]) -> StringColumn {
        let source = [StringAccess(.string(c))!]
        return gatherStrings(source, count: indices.count, source: { _ in 0 }, row: { indices[$0] })
    }

    /// Rows drawn from several string columns: output row `k` is row `row(k)` of
    /// `sources[source(k)]`. Two passes (sizes, then one uninitialised buffer filled by
    /// `copyMemory`), so no per-row reallocation. Memory: the output column.
    static func gatherStrings(_ sources: [StringAccess], count: Int, source: (Int) -> Int, row: (Int) -> Int) -> StringColumn {
        var total = 0
        var nulls = 0
        for k in 0..<count {
            let s = sources[source(k)], r = row(k)
            if s.isValid(r) { total += s.length(r) } else { nulls += 1 }
        }
        var offsets = ContiguousArray<Int32>()
        offsets.reserveCapacity(count + 1)
        offsets.append(0)
        var validity: Bitmap? = nulls > 0 ? Bitmap(reservingCapacity: count) : nil
        let bytes = ContiguousArray<UInt8>(unsafeUninitializedCapacity: total) { buffer, initialized in
            var position = 0
            for k in 0..<count {
                let s = sources[source(k)], r = row(k)
                let valid = s.isValid(r)
                validity?.append(valid)
                if valid {
                    s.withBytes(r) { b in
                        if let base = b.baseAddress, b.count > 0 {
                            UnsafeMutableRawPointer(buffer.baseAddress! + position).copyMemory(from: base, byteCount: b.count)
                            position += b.count
                        }
                    }
                }
                offsets.append(Int32(truncatingIfNeeded: position))
            }
            initialized = position
        }
        return StringColumn(offsets: offsets, bytes: bytes, validity: validity)
    }

    /// The batch's rows `indices`, keeping only the fields named `names` (in that order).
    static func gather(_ batch: RecordBatch, _ indices: [Int], names: [String]? = nil) throws(QueryError) -> RecordBatch {
        let keep = names ?? batch.schema.names
        // All rows in order (e.g. a table in one partition): the columns are shared, not copied.
        let identity = indices.count == batch.rowCount && indices.elementsEqual(0..<batch.rowCount)
        var fields: [Field] = []
        var columns: [AnyColumn] = []
        for name in keep {
            guard let i = batch.schema.index(of: name) else {
                throw .columnar(.invalidArgument("no column '\(name)' to gather"))
            }
            fields.append(batch.schema.fields[i])
            columns.append(identity ? batch.columns[i] : gather(batch.columns[i], indices))
        }
        do { return try RecordBatch(schema: Schema(fields), columns: columns) } catch { throw .columnar(error) }
    }
}

/// Read access to a string column that may be plain or dictionary-encoded, without
/// materialising the dictionary form.
struct StringAccess {
    let plain: StringColumn?
    let dictionary: DictionaryColumn?

    init?(_ column: AnyColumn) {
        switch column {
        case .string(let c): plain = c; dictionary = nil
        case .dictionary(let c): plain = nil; dictionary = c
        default: return nil
        }
    }

    @inline(__always) func isValid(_ row: Int) -> Bool {
        plain?.isValid(row) ?? dictionary!.isValid(row)
    }

    /// Calls `body` with the row's bytes (empty for null).
    @inline(__always) func withBytes<R>(_ row: Int, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        if let plain {
            return plain.bytes.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[plain.range(row)])) }
        }
        let d = dictionary!
        let code = d.isValid(row) ? Int(d.codes[row]) : 0
        if !d.isValid(row) || d.dictionary.count == 0 { return body(UnsafeRawBufferPointer(start: nil, count: 0)) }
        return d.dictionary.bytes.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[d.dictionary.range(code)])) }
    }

    /// Byte length of the row (0 for null).
    @inline(__always) func length(_ row: Int) -> Int {
        if let plain { return Int(plain.offsets[row + 1] &- plain.offsets[row]) }
        let d = dictionary!
        guard d.isValid(row) else { return 0 }
        let code = Int(d.codes[row])
        return Int(d.dictionary.offsets[code + 1] &- d.dictionary.offsets[code])
    }

    func string(_ row: Int) -> String? {
        guard isValid(row) else { return nil }
        return withBytes(row) { String(decoding: $0, as: UTF8.self) }
    }

    func equals(_ row: Int, _ literal: [UInt8]) -> Bool {
        guard isValid(row) else { return false }
        return withBytes(row) { b in
            guard b.count == literal.count else { return false }
            for i in 0..<b.count where b[i] != literal[i] { return false }
            return true
        }
    }

    func append(_ row: Int, to out: inout StringColumn) {
        if isValid(row) { withBytes(row) { out.appendBytes($0) } } else { out.appendNull() }
    }
}
