import Columnar

/// The learning base as Parquet (and, with the same schema, as Arrow IPC: `ArrowOutput`): the
/// schema is `LearningBaseColumns.schema` (names, types, nullability, order). Strings are
/// written as they are (the CSV trimming of §5.3 is a rule of the CSV text format only). Row
/// groups are output chunks (user ranges), encoded by the workers in parallel and appended in
/// order.
enum ParquetOutput {
    /// The output schema, derived from the column table.
    static let schema = LearningBaseColumns.schema

    /// The writer's defaults (zstd, dictionaries, statistics, page CRCs).
    static let options = ParquetWriterOptions()
}

/// Collects one output chunk's rows as columns and encodes them as one Parquet row group
/// (`ParquetWriter.encodeRowGroup`), on the worker's thread. Memory: the chunk's rows as
/// columns plus their encoded bytes.
struct ParquetChunkSink: LearningBaseSink {
    private var columns = OutputColumns()

    mutating func consume(_ u: UserAccumulator) throws(QueryError) { columns.append(u) }

    /// The chunk's row group, nil when the chunk has no rows. `path` names the output in errors.
    func encoded(path: String) throws(QueryError) -> EncodedRowGroup? {
        guard columns.rows > 0 else { return nil }
        do throws(ColumnarError) {
            return try ParquetWriter.encodeRowGroup(try RecordBatch(schema: ParquetOutput.schema, columns: columns.batch()),
                                                    options: ParquetOutput.options)
        } catch {
            throw .outputNotWritable(path: path, reason: error.description)
        }
    }
}

/// The output columns being filled, as plain arrays (one exclusive access per user, no generic
/// column calls per value); `batch()` turns them into the columns of `LearningBaseColumns`, in
/// its order (written out by hand for speed; `RecordBatch` checks each column's type against
/// the schema and `LearningBaseColumnsTests` each value against the typed rows).
struct OutputColumns {
    var rows = 0
    var userId = ContiguousArray<Int32>()
    var session = StringColumn()
    var product = ContiguousArray<Int32>()
    var productValid = Bitmap()
    var productNulls = 0
    var price = ContiguousArray<Double>()
    var priceValid = Bitmap()
    var priceNulls = 0
    var category = StringColumn()
    var brand = StringColumn()
    var views = ContiguousArray<Int64>()
    var purchased = ContiguousArray<Bool>()
    var start = ContiguousArray<Int64>()
    var end = ContiguousArray<Int64>()
    var sessionViews = ContiguousArray<Int64>()
    var duration = ContiguousArray<Int32>()
    var hour = ContiguousArray<Int32>()
    var minute = ContiguousArray<Int32>()
    var dayOfWeek = ContiguousArray<Int32>()
    var rank = ContiguousArray<Int32>()
    var cumulative = ContiguousArray<Int64>()
    var previous = ContiguousArray<Int64>()

    mutating func append(_ u: UserAccumulator) {
        u.pool.withUnsafeBytes { pool in
            for i in 0..<u.outGroups.count {
                let group = u.groups[Int(u.outGroups[i])]
                let s = u.sessions[Int(group.session)]
                userId.append(u.userId)
                let so = Int(s.textOffset), sl = Int(s.textLength)
                session.appendBytes(UnsafeRawBufferPointer(rebasing: pool[so ..< so + sl]))
                if let p = UserAccumulator.productId(group.product) {
                    product.append(p); productValid.append(true)
                } else {
                    product.append(0); productValid.append(false); productNulls += 1
                }
                if let p = group.price {
                    price.append(p); priceValid.append(true)
                } else {
                    price.append(0); priceValid.append(false); priceNulls += 1
                }
                Self.append(group.category, .category, of: u, to: &category)
                Self.append(group.brand, .brand, of: u, to: &brand)
                views.append(group.views)
                purchased.append(group.purchased)
                let st = s.start, en = s.end
                start.append(st)
                end.append(en)
                sessionViews.append(s.products)
                duration.append(SessionClock.seconds(from: st, to: en))
                let clock = SessionClock.fields(st)
                hour.append(clock.hour)
                minute.append(clock.minute)
                dayOfWeek.append(clock.dayOfWeek)
                rank.append(s.rank)
                cumulative.append(u.outCumulative[i])
                previous.append(u.outCumulative[i] &- group.views)
            }
        }
        rows += u.outGroups.count
    }

    /// Empties every column, keeping the arrays' capacity (a worker reuses one `OutputColumns`
    /// for its Arrow batches, so they do not regrow and fault in fresh pages for each batch).
    mutating func removeAll() {
        rows = 0
        userId.removeAll(keepingCapacity: true)
        Self.clear(&session)
        product.removeAll(keepingCapacity: true)
        productValid = Bitmap(reservingCapacity: productValid.count)
        productNulls = 0
        price.removeAll(keepingCapacity: true)
        priceValid = Bitmap(reservingCapacity: priceValid.count)
        priceNulls = 0
        Self.clear(&category)
        Self.clear(&brand)
        views.removeAll(keepingCapacity: true)
        purchased.removeAll(keepingCapacity: true)
        start.removeAll(keepingCapacity: true)
        end.removeAll(keepingCapacity: true)
        sessionViews.removeAll(keepingCapacity: true)
        duration.removeAll(keepingCapacity: true)
        hour.removeAll(keepingCapacity: true)
        minute.removeAll(keepingCapacity: true)
        dayOfWeek.removeAll(keepingCapacity: true)
        rank.removeAll(keepingCapacity: true)
        cumulative.removeAll(keepingCapacity: true)
        previous.removeAll(keepingCapacity: true)
    }

    private static func clear(_ column: inout StringColumn) {
        column.offsets.removeAll(keepingCapacity: true)
        column.offsets.append(0)
        column.bytes.removeAll(keepingCapacity: true)
        column.validity = nil
    }

    @inline(__always)
    static func append(_ ref: UserAccumulator.TextRef, _ which: UserAccumulator.TextColumn, of u: UserAccumulator,
                       to column: inout StringColumn) {
        if ref.length >= 0 {
            u.withText(ref, which) { column.appendBytes($0) }
        } else {
            column.appendNull()
        }
    }

    func batch() -> [AnyColumn] {
        [
            .int32(FixedWidthColumn(values: userId)), .string(session),
            .int32(FixedWidthColumn(values: product, validity: productNulls > 0 ? productValid : nil)),
            .double(FixedWidthColumn(values: price, validity: priceNulls > 0 ? priceValid : nil)),
            .string(category), .string(brand),
            .int64(FixedWidthColumn(values: views)), .bool(FixedWidthColumn(values: purchased)),
            .int64(FixedWidthColumn(values: start)), .int64(FixedWidthColumn(values: end)),
            .int64(FixedWidthColumn(values: sessionViews)), .int32(FixedWidthColumn(values: duration)),
            .int32(FixedWidthColumn(values: hour)), .int32(FixedWidthColumn(values: minute)),
            .int32(FixedWidthColumn(values: dayOfWeek)), .int32(FixedWidthColumn(values: rank)),
            .int64(FixedWidthColumn(values: cumulative)), .int64(FixedWidthColumn(values: previous)),
        ]
    }
}
