import Columnar
#if canImport(Glibc)
import Glibc
#endif

/// The output format of a learning base.
public enum OutputFormat: String, Sendable, CaseIterable {
    case csv, parquet, arrow

    /// `--format` when given, else the output's extension (`.parquet`/`.pq` → parquet,
    /// `.arrow`/`.arrows`/`.feather` → arrow), else CSV.
    public static func resolve(_ format: String?, path: String) throws(QueryError) -> OutputFormat {
        if let format {
            guard let f = OutputFormat(rawValue: format.lowercased()) else {
                throw .unknownOutputFormat(format)
            }
            return f
        }
        let lower = path.lowercased()
        if lower.hasSuffix(".parquet") || lower.hasSuffix(".pq") { return .parquet }
        if lower.hasSuffix(".arrow") || lower.hasSuffix(".arrows") || lower.hasSuffix(".feather") { return .arrow }
        return .csv
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
    /// ranges (chunks) that `workers` threads compute in increasing order, their results written
    /// in chunk order into one file (`OrderedSequencer`, no concatenation): CSV text chunks of
    /// ~4 K input rows, Parquet row groups of ~128 K input rows encoded by the workers, or Arrow
    /// record batches of at most `arrowBatchRows` rows (plus one user's) encoded by the workers
    /// from chunks of ~16 K input rows (`ArrowOutput`; `-o -` streams the IPC stream format to
    /// standard output, other paths get the IPC file format). Either way
    /// the file is sorted by user_id, start_time, user_session, product_id and the same query
    /// gives the same bytes. Everything is written under a temporary name in the output's
    /// folder and renamed at the end: a failed run never leaves a file under the final name
    /// (a device or FIFO such as /dev/stdout, or `-` for standard output, is written directly:
    /// `OutputTarget`).
    ///
    /// Errors: `.missingStore` (no store / no events), `.columnar` (a corrupt store file, named),
    /// `.outputNotWritable` (cannot create or write the output; an output that is inside the
    /// store — a part file, `_manifest.json`, `.lock`, any new name in it, through links or
    /// `..` — is refused before anything is written), `.unknownOutputFormat` (bad format).
    /// Temporaries: stale `.NAME.tmp-PID` files of dead runs beside the output are removed first;
    /// this run's temporary is registered with `InterruptCleanup` (removed on SIGINT/SIGTERM).
    /// A window without data is not an error: a header-only output and a warning.
    /// Memory: the decoded rows `SharedBatches` holds: about `maxHeldRows` (the row groups of a
    /// window whose candidate rows exceed it are decoded in several passes, each keeping only
    /// its users' rows; see there), plus a decoded row group per decode in flight, plus one
    /// user; at most `OutputChunking.window(workers:)` chunk results (texts, encoded row groups
    /// or encoded record batches).
    ///
    /// `users` (`--users LO:HI`) restricts the output to that shard of users: row groups whose
    /// user_id statistics miss it are never decoded, rows outside it are skipped. `header` false
    /// (`--no-header`, CSV only) leaves out the header line, so that the bodies of contiguous
    /// shards, appended in range order after one header, are byte for byte the whole output.
    public static func run(store: String, window: TimeWindow, output: String? = nil, format: OutputFormat? = nil,
                           workers: Int = 2, users: UserRange = .all, header: Bool = true,
                           arrowBatchRows: Int = ArrowOutput.batchRows,
                           maxHeldRows: Int = LearningBase.defaultMaxHeldRows) throws(QueryError) -> LearningBaseReport {
        let path = output ?? defaultOutputName(window)
        let format = try OutputFormat.resolve(format?.rawValue, path: path)
        guard header || format == .csv else {
            throw .invalidUsers("--no-header applies to CSV output only (Parquet and Arrow outputs have no header line)")
        }
        var plan = try StoreScan.plan(store: store, window: window)
        let range = users.effective
        if range.isEmpty { plan.runs = [] }  // a shard outside the 32-bit ids: header only
        let workers = max(1, workers)
        let target = try OutputTarget.resolve(path)
        try OutputSafety.refuseStoreOverlap(output: path, store: store)
        if case .replace(let final, _) = target { try OutputSafety.refuseStoreOverlap(output: final, store: store) }
        let temp = target.writePath
        var keepTemp = false
        defer { if !keepTemp, case .replace = target { try? FileIO.remove(temp) } }
        var cleanup: Int?
        if case .replace(let final, let temporary) = target {
            // Temporaries of dead runs (SIGKILL) go first; this run's go on SIGINT/SIGTERM.
            StaleTemporaries.removeFiles(beside: final)
            let aside = FileIO.hiddenSibling(of: final, suffix: ".old-\(getpid())")
            cleanup = InterruptCleanup.shared.register {
                unlink(temporary)
                if !FileIO.exists(final) { _ = rename(aside, final) }
            }
        }
        defer { if let cleanup { InterruptCleanup.shared.unregister(cleanup) } }

        let chunking: OutputChunking = switch format {
        case .csv: .csv
        case .parquet: .parquet
        case .arrow: .arrow
        }
        let chunks = UserSplit.ranges(runs: plan.runs, window: window,
                                      workers: chunking.chunkCount(runs: plan.runs, window: window, users: range),
                                      within: range)
        let workerCount = min(workers, chunks.count)
        let handle: any ObjectWriter
        do throws(ColumnarError) { handle = try target.open() } catch {
            throw .outputNotWritable(path: path, reason: error.reason)
        }
        var finished = false
        defer { if !finished { handle.abort() } }
        let stats: [ExecutionStats]
        do throws(QueryError) {
            switch format {
            case .csv:
                stats = try writeCSV(runs: plan.runs, window: window, chunks: chunks, workers: workerCount, to: handle,
                                 named: temp, reportedAs: path, header: header, maxHeldRows: maxHeldRows)
            case .parquet:
                stats = try writeParquet(runs: plan.runs, window: window, chunks: chunks, workers: workerCount, to: handle,
                                         named: temp, reportedAs: path, maxHeldRows: maxHeldRows)
            case .arrow:
                stats = try writeArrow(runs: plan.runs, window: window, chunks: chunks, workers: workerCount, to: handle,
                                       flavor: ArrowOutput.flavor(for: path), batchRows: arrowBatchRows, reportedAs: path,
                                       maxHeldRows: maxHeldRows)
            }
        } catch {
            throw error.relocated(from: temp, to: path)  // messages name the user's output, not the temporary
        }
        PausePoint.reach("learning-base-before-rename")
        do {
            finished = true
            try handle.finish()  // close; a local file is renamed into place (FileIO.replaceFile)
        } catch {
            throw .outputNotWritable(path: path, reason: error.relocated(from: temp, to: path).reason)
        }
        keepTemp = true  // renamed: nothing left to clean up
        var total = ExecutionStats()
        for s in stats { total.add(s) }
        // Pruned: row groups of the window's files never decoded (by any chunk).
        total.batchesPruned = max(0, plan.runs.reduce(0) { $0 + $1.batchCount } - total.batchesRead)
        var warnings: [String] = []
        if total.outputRows == 0 {
            let whose = users.isAll ? "" : " of users \(users)"
            let what = format == .arrow ? "an arrow output with the schema and no rows"
                : header ? "a header-only \(format.rawValue) file" : "an empty file"
            warnings.append("no events\(whose) in the window \(CivilTime.isoDateTime(micros: window.startMicros)) .. "
                            + "\(CivilTime.isoDateTime(micros: window.endMicros)) (\(plan.daysInWindow) of \(plan.daysInStore) day partitions); "
                            + "wrote \(what)")
        }
        return LearningBaseReport(outputPath: path, format: format, stats: total, files: plan.runs.count,
                                  daysInWindow: plan.daysInWindow, workers: workerCount, warnings: warnings)
    }

    /// Computes the CSV chunks `chunks` (contiguous increasing user ranges) on `workers` threads
    /// into the new output `handle` (named `name` in errors): the header (unless `header` is false), then each chunk's rows
    /// in chunk order.
    static func writeCSV(runs: [any EventRun], window: TimeWindow, chunks: [Range<Int64>], workers: Int,
                         to handle: any ObjectWriter, named name: String? = nil, reportedAs path: String,
                         header: Bool = true,
                         maxHeldRows: Int = LearningBase.defaultMaxHeldRows) throws(QueryError) -> [ExecutionStats] {
        do throws(ColumnarError) {
            if header {
                var text = ContiguousArray<UInt8>()
                CSVSink.appendHeader(to: &text)
                try handle.write(Array(text))
            }
        } catch {
            throw .outputNotWritable(path: path, reason: error.reason)
        }
        let shared = SharedBatches(runs: runs, window: window, ranges: chunks, maxHeldRows: maxHeldRows)
        let chunking = OutputChunking.csv
        let writer = OrderedChunkWriter(output: handle, name: name ?? handle.name, chunks: chunks.count, window: chunking.window(workers: workers),
                                          bufferCapacity: chunking.bufferCapacity)
        let stats = try parallel(workers) { (_: Int) throws(QueryError) -> ExecutionStats in
            var total = ExecutionStats()
            var lead = RawBytes(capacity: 256), middle = RawBytes(capacity: 256)
            while let chunk = writer.next() {
                let c = chunk.index
                shared.warm(throughRange: c + chunking.warmLookahead, current: c)
                // The sink owns the chunk's buffer and the worker's scratch texts while it runs;
                // on an error they are freed with it, else moved back out (non-copyable).
                var sink = CSVChunkSink(buffer: chunk.buffer, lead: lead, middle: middle, index: c, writer: writer)
                do throws(QueryError) {
                    total.add(try MergeEngine.execute(runs: runs, window: window, users: chunks[c], shared: shared, sink: &sink))
                } catch {
                    writer.fail(error)
                    throw error
                }
                lead = sink.lead
                middle = sink.middle
                writer.complete(c, sink.buffer)
            }
            return total
        }
        try writer.finish()
        return stats + [shared.warmedStats]
    }

    /// Computes the Parquet row groups of `chunks` (one per non-empty chunk) on `workers`
    /// threads, each encoded by its worker, and appends them in chunk order to the new output
    /// `handle` (named `name` in errors), then writes the footer; the caller finishes `handle`.
    static func writeParquet(runs: [any EventRun], window: TimeWindow, chunks: [Range<Int64>], workers: Int,
                             to handle: any ObjectWriter, named name: String, reportedAs path: String,
                             maxHeldRows: Int = LearningBase.defaultMaxHeldRows) throws(QueryError) -> [ExecutionStats] {
        let file: ParquetWriter
        do {
            file = try ParquetWriter(writer: handle, name: name, schema: ParquetOutput.schema, options: ParquetOutput.options)
        } catch {
            throw .outputNotWritable(path: path, reason: error.reason)
        }
        let writer = WriterBox(file)
        let shared = SharedBatches(runs: runs, window: window, ranges: chunks, maxHeldRows: maxHeldRows)
        let chunking = OutputChunking.parquet
        let sequencer = OrderedSequencer<EncodedRowGroup?>(chunks: chunks.count, window: chunking.window(workers: workers))
        let stats: [ExecutionStats]
        do throws(QueryError) {
            stats = try parallel(workers) { (_: Int) throws(QueryError) -> ExecutionStats in
                var total = ExecutionStats()
                while let c = sequencer.next() {
                    shared.warm(throughRange: c + chunking.warmLookahead, current: c)
                    var sink = ParquetChunkSink()
                    let group: EncodedRowGroup?
                    do throws(QueryError) {
                        total.add(try MergeEngine.execute(runs: runs, window: window, users: chunks[c], shared: shared, sink: &sink))
                        group = try sink.encoded(path: path)
                    } catch {
                        sequencer.fail(error)
                        throw error
                    }
                    sequencer.complete(c, group, write: { (g: EncodedRowGroup?) throws(QueryError) in
                        guard let g else { return }
                        do throws(ColumnarError) { try writer.file.append(g) } catch {
                            throw .outputNotWritable(path: path, reason: error.reason)
                        }
                    }, recycle: { _ in })
                }
                return total
            }
            try sequencer.finish(path: path)
            do throws(ColumnarError) { try file.close() } catch { throw .outputNotWritable(path: path, reason: error.reason) }
        } catch {
            file.abandon()
            throw error
        }
        return stats + [shared.warmedStats]
    }
}

/// The Parquet output file shared by the workers: only the worker the `OrderedSequencer` lets
/// write touches it, one at a time.
final class WriterBox: @unchecked Sendable {
    let file: ParquetWriter
    init(_ file: ParquetWriter) { self.file = file }
}
