/// Row selection over `AnyColumn`s and record batches: the star schema assembles its tables and
/// cuts its files with it (Query), the Sparkify ingest cuts its day and catalogue parts (Ingest).
/// Dictionary columns come out materialised as plain string columns; a fixed-width or string
/// output has a validity bitmap only when a selected row is NULL. Package API (not public).
/// Memory: the output column.
///
/// Unsafe code: `gatherStrings` copies the selected bytes into the uninitialised storage of
/// the output (sized by a first pass); `gatherStringsScalar` is its safe twin, compared in tests.
package enum ColumnGather {
    /// The rows `indices` of `column`, in that order.
    package static func gather(_ column: AnyColumn, _ indices: [Int]) -> AnyColumn {
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

    @inlinable
    package static func gather<T>(_ c: FixedWidthColumn<T>, _ indices: [Int]) -> FixedWidthColumn<T> {
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

    package static func gather(_ c: StringColumn, _ indices: [Int]) -> StringColumn {
        let source = [StringAccess(.string(c))!]
        return gatherStrings(source, count: indices.count, source: { _ in 0 }, row: { indices[$0] })
    }

    /// Rows drawn from several string columns: output row `k` is row `row(k)` of
    /// `sources[source(k)]`. Two passes (sizes, then one uninitialised buffer filled by
    /// `copyMemory`), so no per-row reallocation. Memory: the output column.
    package static func gatherStrings(_ sources: [StringAccess], count: Int, source: (Int) -> Int, row: (Int) -> Int) -> StringColumn {
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

    /// Safe twin of `gatherStrings` (tests): one capacity-checked append per row.
    package static func gatherStringsScalar(_ sources: [StringAccess], count: Int, source: (Int) -> Int,
                                            row: (Int) -> Int) -> StringColumn {
        var out = StringColumn()
        for k in 0..<count { sources[source(k)].append(row(k), to: &out) }
        return out
    }

    /// The batch's rows `indices`, keeping only the fields named `names` (in that order; all
    /// fields when nil). All rows in order share the columns instead of copying them. Throws
    /// `.invalidArgument` for a name the batch does not have.
    package static func gather(_ batch: RecordBatch, _ indices: [Int], names: [String]? = nil) throws(ColumnarError) -> RecordBatch {
        let keep = names ?? batch.schema.names
        // All rows in order (e.g. a table in one partition): the columns are shared, not copied.
        let identity = indices.count == batch.rowCount && indices.elementsEqual(0..<batch.rowCount)
        var fields: [Field] = []
        var columns: [AnyColumn] = []
        for name in keep {
            guard let i = batch.schema.index(of: name) else { throw .invalidArgument("no column '\(name)' to gather") }
            fields.append(batch.schema.fields[i])
            columns.append(identity ? batch.columns[i] : gather(batch.columns[i], indices))
        }
        return try RecordBatch(schema: Schema(fields), columns: columns)
    }
}
