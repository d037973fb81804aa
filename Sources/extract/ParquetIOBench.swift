#if canImport(Glibc)
import Glibc
#endif
import Columnar

/// `extract bench --parquet-io SOURCE --out FILE`: single-core Parquet write and read throughput
/// of our own writer and reader, driven by `benchmarks/parquet_io.py` side by side with pyarrow.
/// Reads SOURCE fully into memory (untimed), writes it to FILE with zstd (timed), then reads FILE
/// back, every column of every row group (timed). Prints one JSON object on standard output with
/// wall and CPU (user + sys, `getrusage`) seconds of each phase.
/// `EXTRACT_PARQUET_NUMERIC_DICTIONARY=0` in the environment turns the writer's
/// `numericDictionary` off (to compare both settings on the same binary).
/// Memory: the whole table, decoded, plus one row group while writing.
enum ParquetIOBench {
    static func run(source: String, output: String, level: Int32?) throws {
        let input = try ParquetFile(path: source)
        let batches = try input.readAll()
        let rows = batches.reduce(0) { $0 + $1.rowCount }

        var options = ParquetWriterOptions()
        options.compressionLevel = level
        if let env = getenv("EXTRACT_PARQUET_NUMERIC_DICTIONARY"), String(cString: env) == "0" {
            options.numericDictionary = false
        }
        let writeStart = MonotonicClock.now()
        let writeCPU = cpuSeconds()
        let writer = try ParquetWriter(path: output, schema: input.schema, options: options)
        for batch in batches { try writer.write(batch) }
        try writer.close()
        let writeSeconds = MonotonicClock.seconds(since: writeStart)
        let writeCPUSeconds = cpuSeconds() - writeCPU

        let readStart = MonotonicClock.now()
        let readCPU = cpuSeconds()
        let ours = try ParquetFile(path: output)
        var readRows = 0
        for rg in 0..<ours.rowGroupCount { readRows += try ours.read(rowGroup: rg).rowCount }
        let readSeconds = MonotonicClock.seconds(since: readStart)
        let readCPUSeconds = cpuSeconds() - readCPU
        guard readRows == rows else {
            throw ColumnarError.invalidArgument("read back \(readRows) rows, wrote \(rows)")
        }
        let bytes = try FileIO.size(output)
        print("{\"rows\": \(rows), \"file_bytes\": \(bytes), \"write_seconds\": \(writeSeconds), "
              + "\"write_cpu_seconds\": \(writeCPUSeconds), \"read_seconds\": \(readSeconds), "
              + "\"read_cpu_seconds\": \(readCPUSeconds)}")
    }

    /// User + system CPU seconds of this process so far.
    private static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
            + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
    }
}
