import Columnar
#if canImport(Glibc)
import Glibc
#endif

/// The output format of a learning base.
public enum OutputFormat: String, Sendable, CaseIterable {
    case csv, parquet

    /// `--format` when given, else the output's extension (`.parquet`/`.pq` → parquet), else CSV.
    public static func resolve(_ format: String?, path: String) throws(QueryError) -> OutputFormat {
        if let format {
            guard let f = OutputFormat(rawValue: format.lowercased()) else {
                throw .invalidWindow("--format '\(format)' is not one of: csv, parquet")
            }
            return f
        }
        let lower = path.lowercased()
        return lower.hasSuffix(".parquet") || lower.hasSuffix(".pq") ? .parquet : .csv
    }
}

/// What a learning-base run did.
public struct LearningBaseReport: Sendable {
    public var outputPath: String
    public var format: OutputFormat
    public var stats: ExecutionStats
    /// Store files (runs) and day partitions read.
    public var files: Int
    public var daysInWindow: Int
    public var workers: Int
    /// Non-fatal conditions (e.g. a window with no data), one line each.
    public var warnings: [String]
}

extension LearningBase {
    /// The default output name: `extracted_<yyyyMMdd start>_<yyyyMMdd end>.csv`.
    public static func defaultOutputName(_ window: TimeWindow) -> String {
        func compact(_ micros: Int64) -> String {
            CivilTime.isoDate(day: CivilTime.dayNumber(micros: micros)).replacingOccurrences(of: "-", with: "")
        }
        return "extracted_\(compact(window.startMicros))_\(compact(window.endMicros)).csv"
    }

    /// Builds the learning base of `store` over `window` into `output` (default name in the
    /// current directory when nil), as `format` (from the extension when nil).
    ///
    /// Plans the day partitions of the window and splits the user-id space into contiguous
    /// ranges. CSV: many small chunks that `workers` threads compute in increasing order, their
    /// texts written in chunk order into one stream (`OrderedChunkWriter`, no concatenation);
    /// Parquet: one range per worker, the parts' row groups appended in range order. Either way
    /// the file is sorted by user_id, start_time, user_session, product_id and the same query
    /// gives the same bytes. Everything is written under a temporary name in the output's
    /// folder and renamed at the end: a failed run never leaves a file under the final name.
    ///
    /// Errors: `.missingStore` (no store / no events), `.columnar` (a corrupt store file, named),
    /// `.outputNotWritable` (cannot create or write the output), `.invalidWindow` (bad format).
    /// A window without data is not an error: a header-only output and a warning.
    /// Memory: per worker, one decoded row group per store file in the window plus one user;
    /// CSV also holds at most `OutputChunking.window(workers:)` chunk texts.
    public static func run(store: String, window: TimeWindow, output: String? = nil, format: OutputFormat? = nil,
                           workers: Int = 2) throws(QueryError) -> LearningBaseReport {
        let path = output ?? defaultOutputName(window)
        let chosen = format
        let format: OutputFormat
        if let chosen { format = chosen } else { format = try OutputFormat.resolve(nil, path: path) }
        let plan = try StoreScan.plan(store: store, window: window)
        let workers = max(1, workers)
        let temp = temporaryName(for: path)
        var cleanup = [temp]
        defer { for p in cleanup { try? FileIO.remove(p) } }

        let stats: [ExecutionStats]
        let workerCount: Int
        switch format {
        case .csv:
            let chunks = UserSplit.ranges(runs: plan.runs, window: window,
                                          workers: OutputChunking.chunkCount(runs: plan.runs, window: window, workers: workers))
            workerCount = min(workers, chunks.count)
            stats = try writeCSV(runs: plan.runs, window: window, chunks: chunks, workers: workerCount, to: temp, reportedAs: path)
        case .parquet:
            let ranges = UserSplit.ranges(runs: plan.runs, window: window, workers: workers)
            workerCount = ranges.count
            let sharedBatches = SharedBatches(runs: plan.runs, window: window, ranges: ranges)
            let parts = ranges.indices.map { $0 == 0 ? temp : temp + ".part\($0)" }
            cleanup = parts
            var sinks: [ParquetSink] = []
            for (i, p) in parts.enumerated() { sinks.append(try ParquetSink(path: p, scratch: i > 0)) }
            let shared = SinkBox(sinks)
            stats = try parallel(ranges.count) { (i: Int) throws(QueryError) -> ExecutionStats in
                var sink = shared.sinks[i]
                let s = try MergeEngine.execute(runs: plan.runs, window: window, users: ranges[i], shared: sharedBatches, sink: &sink)
                if i > 0 { try sink.close() }
                return s
            }
            for i in sinks.indices where i > 0 { try sinks[0].append(partPath: parts[i]) }
            try sinks[0].close()
        }
        do {
            try FileIO.replaceFile(temp, path)
        } catch {
            throw .outputNotWritable(path: path, reason: error.description)
        }
        cleanup.removeAll { $0 == temp }
        var total = ExecutionStats()
        for s in stats { total.add(s) }
        var warnings: [String] = []
        if total.outputRows == 0 {
            warnings.append("no events in the window \(CivilTime.isoDateTime(micros: window.startMicros)) .. "
                            + "\(CivilTime.isoDateTime(micros: window.endMicros)) (\(plan.daysInWindow) of \(plan.daysInStore) day partitions); "
                            + "wrote a header-only \(format.rawValue) file")
        }
        return LearningBaseReport(outputPath: path, format: format, stats: total, files: plan.runs.count,
                                  daysInWindow: plan.daysInWindow, workers: workerCount, warnings: warnings)
    }

    /// Computes the CSV chunks `chunks` (contiguous increasing user ranges) on `workers` threads
    /// into the new file `temp`: the header, then each chunk's rows in chunk order.
    static func writeCSV(runs: [any EventRun], window: TimeWindow, chunks: [Range<Int64>], workers: Int,
                         to temp: String, reportedAs path: String) throws(QueryError) -> [ExecutionStats] {
        let handle: WriteHandle
        do throws(ColumnarError) {
            handle = try WriteHandle(path: temp)
            var header = ContiguousArray<UInt8>()
            CSVSink.appendHeader(to: &header)
            try handle.write(Array(header))
        } catch {
            throw .outputNotWritable(path: path, reason: error.description)
        }
        let shared = SharedBatches(runs: runs, window: window, ranges: chunks)
        let writer = OrderedChunkWriter(handle: handle, chunks: chunks.count, window: OutputChunking.window(workers: workers),
                                          bufferCapacity: OutputChunking.bufferCapacity)
        let stats = try parallel(workers) { (_: Int) throws(QueryError) -> ExecutionStats in
            var total = ExecutionStats()
            var lead = RawBytes(capacity: 256), middle = RawBytes(capacity: 256)
            defer { lead.deallocate(); middle.deallocate() }
            while let (c, buffer) = writer.next() {
                shared.warm(throughRange: c + OutputChunking.warmLookahead)
                var sink = CSVChunkSink(buffer: buffer, lead: lead, middle: middle, index: c, writer: writer)
                do throws(QueryError) {
                    total.add(try MergeEngine.execute(runs: runs, window: window, users: chunks[c], shared: shared, sink: &sink))
                } catch {
                    sink.buffer.deallocate()
                    writer.fail(error)
                    throw error
                }
                (lead, middle) = (sink.lead, sink.middle)
                writer.complete(c, sink.buffer)
            }
            return total
        }
        try writer.finish()
        do { try handle.close() } catch { throw .outputNotWritable(path: path, reason: error.description) }
        return stats + [shared.warmedStats]
    }

    /// `<dir>/.<name>.tmp-<pid>` beside the final output (same file system, so rename is atomic).
    static func temporaryName(for path: String) -> String {
        let slash = path.lastIndex(of: "/")
        let dir = slash.map { String(path[...$0]) } ?? ""
        let base = slash.map { String(path[path.index(after: $0)...]) } ?? path
        return dir + "." + base + ".tmp-\(getpid())"
    }
}

/// Hands each worker its own sink (index i is used by worker i only).
final class SinkBox: @unchecked Sendable {
    let sinks: [ParquetSink]
    init(_ sinks: [ParquetSink]) { self.sinks = sinks }
}
