import Columnar

extension LearningBase {
    /// Computes the Arrow record batches of `chunks` on `workers` threads, each chunk's batches
    /// encoded by its worker (`ArrowChunkSink`, at most `batchRows` rows plus one user's each),
    /// and writes them in chunk order to `handle` as an IPC `flavor` (stream or file), after
    /// the schema; then the end-of-stream marker (and, for a file, the footer). The caller
    /// finishes `handle` (closing or committing it).
    /// Memory: at most `OutputChunking.arrow.window(workers:)` chunks' encoded batches.
    /// Errors: `.outputNotWritable` naming `path`; the caller removes a partial file.
    static func writeArrow(runs: [any EventRun], window: TimeWindow, chunks: [Range<Int64>], workers: Int,
                           to handle: any ObjectWriter, flavor: ArrowIPCWriter.Flavor, batchRows: Int,
                           reportedAs path: String,
                           maxHeldRows: Int = LearningBase.defaultMaxHeldRows) throws(QueryError) -> [ExecutionStats] {
        let writer: ArrowIPCWriter
        do throws(ColumnarError) {
            writer = try ArrowIPCWriter(handle: handle, schema: ParquetOutput.schema, flavor: flavor)
        } catch {
            throw .outputNotWritable(path: path, reason: error.reason)
        }
        let box = ArrowWriterBox(writer)
        let shared = SharedBatches(runs: runs, window: window, ranges: chunks, maxHeldRows: maxHeldRows)
        let chunking = OutputChunking.arrow
        let sequencer = OrderedSequencer<[ArrowEncodedBatch]>(chunks: chunks.count, window: chunking.window(workers: workers))
        let pool = ArrowBufferPool(limit: chunking.window(workers: workers) + workers)
        let stats = try parallel(workers) { (_: Int) throws(QueryError) -> ExecutionStats in
            var total = ExecutionStats()
            var columns = OutputColumns()
            while let c = sequencer.next() {
                shared.warm(throughRange: c + chunking.warmLookahead, current: c)
                var sink = ArrowChunkSink(batchRows: batchRows, path: path, pool: pool)
                swap(&sink.columns, &columns)  // lent to the sink, taken back (emptied by flush) below
                defer { swap(&sink.columns, &columns) }
                do throws(QueryError) {
                    total.add(try MergeEngine.execute(runs: runs, window: window, users: chunks[c], shared: shared, sink: &sink))
                    try sink.flush()
                } catch {
                    sequencer.fail(error)
                    throw error
                }
                sequencer.complete(c, sink.batches, write: { (batches: [ArrowEncodedBatch]) throws(QueryError) in
                    do throws(ColumnarError) {
                        for b in batches { try box.writer.append(b) }
                    } catch {
                        throw .outputNotWritable(path: path, reason: error.reason)
                    }
                }, recycle: { batches in for b in batches { pool.give(b.bytes) } })
            }
            return total
        }
        try sequencer.finish(path: path)
        do throws(ColumnarError) {
            try writer.finish()
        } catch {
            throw .outputNotWritable(path: path, reason: error.reason)
        }
        return stats + [shared.warmedStats]
    }
}

/// The Arrow writer shared by the workers: only the worker the `OrderedSequencer` lets write
/// touches it, one at a time.
final class ArrowWriterBox: @unchecked Sendable {
    let writer: ArrowIPCWriter
    init(_ writer: ArrowIPCWriter) { self.writer = writer }
}
