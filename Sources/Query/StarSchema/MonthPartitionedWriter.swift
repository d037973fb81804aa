import Columnar
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Streams a table partitioned by `year`/`month` (songplays, time) into
/// `<directory>/year=Y/month=M/part-NNNNN.parquet` (partition columns not in the files), the
/// rows arriving in partition order, day by day: one `ParquetWriter` is open at a time, for the
/// current partition; rows of another partition close it. A partition met again later (rows
/// out of partition order) gets a further part file, so nothing is ever overwritten.
///
/// Memory: the open writer's pending row group (references to the appended batches).
/// Owned by one thread; `finish` writes `_SUCCESS`; after an error the caller discards the
/// whole directory (it is inside `StarSchemaLake.atomically`).
final class MonthPartitionedWriter {
    let directory: String
    let options: ParquetWriterOptions
    let fileSchema: Schema
    private var current: (year: Int32, month: Int32)?
    private var writer: ParquetWriter?
    private var partsPerPartition: [String: Int] = [:]
    private(set) var rows = 0
    private(set) var files = 0

    init(directory: String, schema: Schema, options: ParquetWriterOptions) throws(ColumnarError) {
        self.directory = directory
        self.options = options
        fileSchema = Schema(schema.fields.filter { $0.name != "year" && $0.name != "month" })
        try FileIO.makeDirectories(directory)
    }

    /// Appends rows carrying int32 `year` and `month` columns; runs of equal (year, month)
    /// go to their partition's file.
    func append(_ batch: RecordBatch) throws(QueryError) {
        guard batch.rowCount > 0 else { return }
        guard let years = batch.column(named: "year")?.int32Column, let months = batch.column(named: "month")?.int32Column else {
            throw .columnar(.invalidArgument("a year/month partitioned batch lacks int32 year and month columns"))
        }
        var start = 0
        while start < batch.rowCount {
            let y = years.values[start], m = months.values[start]
            var end = start + 1
            while end < batch.rowCount, years.values[end] == y, months.values[end] == m { end += 1 }
            do {
                try open(year: y, month: m)
                let part = start == 0 && end == batch.rowCount
                    ? try project(batch)
                    : try ColumnGather.gather(batch, Array(start..<end), names: fileSchema.names)
                try writer!.write(part)
            } catch let e as QueryError {
                throw e
            } catch let e as ColumnarError {
                throw .columnar(e)
            } catch {
                throw .columnar(.invalidArgument("\(error)"))
            }
            rows += end - start
            start = end
        }
    }

    /// Closes the open file and writes `_SUCCESS`.
    func finish() throws(ColumnarError) {
        try close()
        try FileIO.writeAll(directory + "/_SUCCESS", [])
    }

    private func project(_ batch: RecordBatch) throws(ColumnarError) -> RecordBatch {
        try RecordBatch(schema: fileSchema, columns: fileSchema.names.map { batch.column(named: $0)! })
    }

    private func open(year: Int32, month: Int32) throws(ColumnarError) {
        if let c = current, c.year == year, c.month == month, writer != nil { return }
        try close()
        let yearDir = directory + "/year=\(year)"
        let dir = yearDir + "/month=\(month)"
        for d in [yearDir, dir] where mkdir(d, 0o755) != 0 && errno != EEXIST {
            throw .io(path: d, operation: "create directory", errno: errno)
        }
        let n = partsPerPartition[dir, default: 0]
        partsPerPartition[dir] = n + 1
        let name = "part-" + String(repeating: "0", count: max(0, 5 - String(n).count)) + String(n) + ".parquet"
        writer = try ParquetWriter(path: dir + "/" + name, schema: fileSchema, options: options)
        current = (year, month)
        files += 1
    }

    private func close() throws(ColumnarError) {
        guard let w = writer else { return }
        writer = nil
        do { _ = try w.close() } catch {
            w.abandon()
            throw error
        }
    }
}
