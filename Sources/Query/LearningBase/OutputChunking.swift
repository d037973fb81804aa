/// How a learning base is cut into user-range chunks that workers compute in increasing order
/// and an `OrderedSequencer` writes in order: CSV text chunks (`OrderedChunkWriter`),
/// Parquet row groups (one per chunk) or Arrow record batches (one or more per chunk).
///
/// Enough chunks that the workers stay balanced to the end (`minChunks`); each
/// about `rowsPerChunk` candidate input rows, so the reorder window bounds memory at about
/// `window × rowsPerChunk` rows of output (~100 bytes each as CSV text).
struct OutputChunking: Sendable {
    /// Candidate input rows per chunk.
    let rowsPerChunk: Int
    /// Chunks ahead of the one it starts that a worker decodes the shared batches for
    /// (`SharedBatches.warm`): about 64 K rows, so the other worker does not reach them first.
    let warmLookahead: Int

    /// CSV: small chunks, so a chunk's text is still in cache when it is written.
    static let csv = OutputChunking(rowsPerChunk: 4_000)
    /// Parquet: a chunk is a row group, so chunks are row-group sized.
    static let parquet = OutputChunking(rowsPerChunk: 1 << 17)
    /// Arrow: small chunks (each one record batch, rarely more: `ArrowOutput.batchRows`), so both
    /// workers stay busy to the end and the uncompressed batches waiting in the reorder window
    /// stay small (64 K-row chunks made 8 chunks of a 17-day window at scale 0.02: ~25 % more wall time).
    static let arrow = OutputChunking(rowsPerChunk: 1 << 14)

    static let maxChunks = 1 << 14
    /// At least 4 chunks per worker of the default two, and the same cut whatever `--workers`
    /// says, so a Parquet output's row groups (one per chunk) do not depend on it.
    static let minChunks = 8

    init(rowsPerChunk: Int) {
        self.rowsPerChunk = rowsPerChunk
        warmLookahead = max(1, 64_000 / rowsPerChunk)
    }

    /// Chunk count for the rows of `runs`' batches that may match `window` and `users`
    /// (from statistics).
    func chunkCount(runs: [any EventRun], window: TimeWindow, users: Range<Int64> = UserSplit.all) -> Int {
        var rows = 0
        for run in runs {
            for b in 0..<run.batchCount {
                let bounds = run.bounds(batch: b)
                if bounds.mayMatch(window, users: users) { rows += bounds.rows }
            }
        }
        return min(Self.maxChunks, max(Self.minChunks, rows / rowsPerChunk))
    }

    /// Initial capacity of a CSV chunk buffer: room for a typical chunk's text, so buffers never
    /// grow by copying (untouched capacity costs address space only, not resident memory).
    var bufferCapacity: Int { rowsPerChunk * 256 }

    /// Chunks in flight (computed or waiting to be written) at most.
    func window(workers: Int) -> Int { 2 * workers + 1 + warmLookahead }
}
