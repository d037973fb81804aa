/// How a CSV learning base is cut into user-range chunks for `OrderedChunkWriter`.
///
/// Enough chunks that the workers stay balanced to the end (at least 4 per worker) and that a
/// chunk's text stays small (about `rowsPerChunk` candidate input rows, ~100 output bytes each),
/// so the reorder window bounds memory at about `window × rowsPerChunk × 100` bytes.
enum OutputChunking {
    static let rowsPerChunk = 4_000
    static let maxChunks = 1 << 14

    /// Chunk count for the rows of `runs`' batches that may match `window` (from statistics).
    static func chunkCount(runs: [any EventRun], window: TimeWindow, workers: Int) -> Int {
        var rows = 0
        for run in runs {
            for b in 0..<run.batchCount {
                let bounds = run.bounds(batch: b)
                if bounds.mayMatch(window, users: UserSplit.all) { rows += bounds.rows }
            }
        }
        return min(maxChunks, max(4 * workers, rows / rowsPerChunk))
    }

    /// Initial capacity of a chunk buffer: room for a typical chunk's text, so buffers never
    /// grow by copying (untouched capacity costs address space only, not resident memory).
    static let bufferCapacity = rowsPerChunk * 256

    /// How many chunks ahead of the one it starts a worker decodes the shared batches
    /// (`SharedBatches.warm`): far enough that the other worker does not reach them first,
    /// within the reorder window so that warmed batches are soon consumed.
    static let warmLookahead = 16

    /// Chunks in flight (computed or waiting to be written) at most.
    static func window(workers: Int) -> Int { 2 * workers + 1 + warmLookahead }
}
