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
    /// Plans the day partitions of the window, splits the user-id space into `workers` ranges,
    /// runs one merge per range in parallel and concatenates their outputs in range order (so
    /// the file is sorted by user_id, start_time, user_session, product_id and the same query
    /// gives the same bytes). Everything is written under a temporary name in the output's
    /// folder and renamed at the end: a failed run never leaves a file under the final name.
    ///
    /// Errors: `.missingStore` (no store / no events), `.columnar` (a corrupt store file, named),
    /// `.outputNotWritable` (cannot create or write the output), `.invalidWindow` (bad format).
    /// A window without data is not an error: a header-only output and a warning.
    /// Memory: per worker, one decoded row group per store file in the window plus one user.
    public static func run(store: String, window: TimeWindow, output: String? = nil, format: OutputFormat? = nil,
                           workers: Int = 2) throws(QueryError) -> LearningBaseReport {
        let path = output ?? defaultOutputName(window)
        let format = format ?? (path.lowercased().hasSuffix(".parquet") || path.lowercased().hasSuffix(".pq") ? .parquet : .csv)
        let plan = try StoreScan.plan(store: store, window: window)
        let ranges = UserSplit.ranges(runs: plan.runs, window: window, workers: max(1, workers))
        let sharedBatches = SharedBatches(runs: plan.runs, window: window, ranges: ranges)
        let temp = temporaryName(for: path)
        let parts = ranges.indices.map { $0 == 0 ? temp : temp + ".part\($0)" }
        var cleanup = parts
        defer { for p in cleanup { try? FileIO.remove(p) } }

        let stats: [ExecutionStats]
        switch format {
        case .csv:
            var handles: [WriteHandle] = []
            for p in parts {
                do { handles.append(try WriteHandle(path: p)) } catch {
                    throw .outputNotWritable(path: path, reason: error.description)
                }
            }
            let shared = handles
            stats = try parallel(ranges.count) { (i: Int) throws(QueryError) -> ExecutionStats in
                var sink = CSVSink(handle: shared[i], header: i == 0)
                let s = try MergeEngine.execute(runs: plan.runs, window: window, users: ranges[i], shared: sharedBatches, sink: &sink)
                try sink.flush()
                return s
            }
            do {
                for h in handles { try h.close() }
                for i in parts.indices where i > 0 { try FileAppend.append(parts[i], to: parts[0]) }
            } catch {
                throw .outputNotWritable(path: path, reason: error.description)
            }
        case .parquet:
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
            try FileIO.rename(temp, path)
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
                                  daysInWindow: plan.daysInWindow, workers: ranges.count, warnings: warnings)
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
