import Columnar

/// Writes learning-base rows to a Parquet file, `chunkRows` rows per batch handed to the
/// writer. Types: user_id INT32, user_session STRING, product_id INT32 (nullable), price
/// DOUBLE (nullable), category_code/brand STRING (nullable), num_views_product INT64,
/// purchased BOOLEAN, start_time/end_time TIMESTAMP(UTC, micros), num_views_session INT64,
/// duration, start_hour, start_minute, start_dayofweek, sessions_precedentes INT32, the two
/// running sums INT64. Strings are written as they are (the CSV trimming of §5.3 is a rule of
/// the CSV text format only). Memory: one chunk of columns plus the writer's row group.
final class ParquetSink: LearningBaseSink {
    static let schema = Schema([
        Field("user_id", .int32, nullable: false), Field("user_session", .string, nullable: false),
        Field("product_id", .int32), Field("price", .double), Field("category_code", .string), Field("brand", .string),
        Field("num_views_product", .int64, nullable: false), Field("purchased", .bool, nullable: false),
        Field("start_time", .timestampMicros, nullable: false), Field("end_time", .timestampMicros, nullable: false),
        Field("num_views_session", .int64, nullable: false), Field("duration", .int32, nullable: false),
        Field("start_hour", .int32, nullable: false), Field("start_minute", .int32, nullable: false),
        Field("start_dayofweek", .int32, nullable: false), Field("sessions_precedentes", .int32, nullable: false),
        Field("num_prev_and_current_product_views", .int64, nullable: false),
        Field("num_prev_product_views", .int64, nullable: false),
    ])

    let writer: ParquetWriter
    let chunkRows = 1 << 16
    private var rows = 0
    private var userId = FixedWidthColumn<Int32>()
    private var session = StringColumn()
    private var product = FixedWidthColumn<Int32>()
    private var price = FixedWidthColumn<Double>()
    private var category = StringColumn()
    private var brand = StringColumn()
    private var views = FixedWidthColumn<Int64>()
    private var purchased = FixedWidthColumn<Bool>()
    private var start = FixedWidthColumn<Int64>()
    private var end = FixedWidthColumn<Int64>()
    private var sessionViews = FixedWidthColumn<Int64>()
    private var duration = FixedWidthColumn<Int32>()
    private var hour = FixedWidthColumn<Int32>()
    private var minute = FixedWidthColumn<Int32>()
    private var dayOfWeek = FixedWidthColumn<Int32>()
    private var rank = FixedWidthColumn<Int32>()
    private var cumulative = FixedWidthColumn<Int64>()
    private var previous = FixedWidthColumn<Int64>()

    /// `scratch` writes a worker's intermediate part (uncompressed, plain, no CRC: cheap to
    /// write and to read back into the final file).
    init(path: String, rowGroupRows: Int = 1 << 20, scratch: Bool = false) throws(QueryError) {
        var options = ParquetWriterOptions()
        options.rowGroupRows = rowGroupRows
        if scratch {
            options.codec = .uncompressed
            options.dictionary = false
            options.pageCRC = false
        }
        do {
            writer = try ParquetWriter(path: path, schema: Self.schema, options: options)
        } catch {
            throw QueryError.outputNotWritable(path: path, reason: error.description)
        }
    }

    func consume(_ u: UserAccumulator) throws(QueryError) {
        u.pool.withUnsafeBytes { pool in
            for i in 0..<u.outGroups.count {
                let g = Int(u.outGroups[i])
                let s = Int(u.gSession[g])
                userId.values.append(u.userId)
                let so = Int(u.sTextOffset[s]), sl = Int(u.sTextLength[s])
                session.appendBytes(UnsafeRawBufferPointer(rebasing: pool[so ..< so + sl]))
                product.append(UserAccumulator.productId(u.gProduct[g]), placeholder: 0)
                price.append(u.gPriceCount[g] > 0 ? u.gPriceSum[g] / Double(u.gPriceCount[g]) : nil, placeholder: 0)
                Self.append(u.gCategory[g], pool, to: &category)
                Self.append(u.gBrand[g], pool, to: &brand)
                views.values.append(u.gViews[g])
                purchased.values.append(u.gPurchased[g])
                let st = u.sStart[s], en = u.sEnd[s]
                start.values.append(st)
                end.values.append(en)
                sessionViews.values.append(u.sProducts[s])
                duration.values.append(SessionClock.seconds(from: st, to: en))
                let clock = SessionClock.fields(st)
                hour.values.append(clock.hour)
                minute.values.append(clock.minute)
                dayOfWeek.values.append(clock.dayOfWeek)
                rank.values.append(u.sRank[s])
                cumulative.values.append(u.outCumulative[i])
                previous.values.append(u.outCumulative[i] &- u.gViews[g])
                rows += 1
            }
        }
        if rows >= chunkRows { try flushChunk() }
    }

    @inline(__always)
    static func append(_ ref: UserAccumulator.TextRef, _ pool: UnsafeRawBufferPointer, to column: inout StringColumn) {
        if ref.length >= 0 {
            let o = Int(ref.offset)
            column.appendBytes(UnsafeRawBufferPointer(rebasing: pool[o ..< o + Int(ref.length)]))
        } else {
            column.appendNull()
        }
    }

    private func flushChunk() throws(QueryError) {
        guard rows > 0 else { return }
        let columns: [AnyColumn] = [
            .int32(userId), .string(session), .int32(product), .double(price), .string(category), .string(brand),
            .int64(views), .bool(purchased), .int64(start), .int64(end), .int64(sessionViews), .int32(duration),
            .int32(hour), .int32(minute), .int32(dayOfWeek), .int32(rank), .int64(cumulative), .int64(previous),
        ]
        do {
            try writer.write(try RecordBatch(schema: Self.schema, columns: columns))
        } catch {
            throw QueryError.outputNotWritable(path: "parquet output", reason: error.description)
        }
        rows = 0
        userId = .init(); session = .init(); product = .init(); price = .init(); category = .init(); brand = .init()
        views = .init(); purchased = .init(); start = .init(); end = .init(); sessionViews = .init(); duration = .init()
        hour = .init(); minute = .init(); dayOfWeek = .init(); rank = .init(); cumulative = .init(); previous = .init()
    }

    /// Writes the pending rows and the footer.
    func close() throws(QueryError) {
        try flushChunk()
        do { _ = try writer.close() } catch { throw QueryError.outputNotWritable(path: "parquet output", reason: error.description) }
    }

    /// Appends another Parquet file of the same schema (a worker's part), row group by row group.
    func append(partPath: String) throws(QueryError) {
        try flushChunk()
        do {
            let part = try ParquetFile(path: partPath)
            for g in 0..<part.rowGroupCount {
                let batch = try part.read(rowGroup: g, columns: Self.schema.names)
                try writer.write(try RecordBatch(schema: Self.schema, columns: batch.columns))
            }
        } catch {
            throw QueryError.outputNotWritable(path: partPath, reason: error.description)
        }
    }

    func abandon() { writer.abandon() }
}
