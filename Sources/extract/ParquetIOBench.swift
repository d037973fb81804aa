import Columnar

/// `extract bench --parquet-io SOURCE --out FILE`: single-core Parquet write and read throughput
/// of our own writer and reader, driven by `benchmarks/parquet_io.py` side by side with pyarrow.
/// Reads SOURCE fully into memory (untimed), writes it to FILE with zstd (timed), then reads FILE
/// back, every column of every row group (timed). Prints one JSON object on standard output.
/// Memory: the whole table, decoded, plus one row group while writing.
enum ParquetIOBench {
    static func run(source: String, output: String, level: Int32?) throws {
        let input = try ParquetFile(path: source)
        let batches = try input.readAll()
        let rows = batches.reduce(0) { $0 + $1.rowCount }

        let writeStart = MonotonicClock.now()
        var options = ParquetWriterOptions()
        options.compressionLevel = level
        let writer = try ParquetWriter(path: output, schema: input.schema, options: options)
        for batch in batches { try writer.write(batch) }
        try writer.close()
        let writeSeconds = MonotonicClock.seconds(since: writeStart)

        let readStart = MonotonicClock.now()
        let ours = try ParquetFile(path: output)
        var readRows = 0
        for rg in 0..<ours.rowGroupCount { readRows += try ours.read(rowGroup: rg).rowCount }
        let readSeconds = MonotonicClock.seconds(since: readStart)
        guard readRows == rows else {
            throw ColumnarError.invalidArgument("read back \(readRows) rows, wrote \(rows)")
        }
        let bytes = try FileIO.size(output)
        print("{\"rows\": \(rows), \"file_bytes\": \(bytes), \"write_seconds\": \(writeSeconds), \"read_seconds\": \(readSeconds)}")
    }
}
