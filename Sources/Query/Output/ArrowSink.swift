import Columnar
import Foundation

/// The learning base as Arrow IPC: the Parquet output's schema (`ParquetOutput.schema`, one
/// column table for both), as record batches in output order. `-o -` and `.arrows` write the
/// IPC stream format, any other path the IPC file format (`.arrow`, `.feather`).
public enum ArrowOutput {
    /// Rows per record batch at most (plus the rows of the user that crosses the bound: a user's
    /// rows are never split). Bounds a batch to a few MB.
    public static let batchRows = 1 << 16

    static func flavor(for path: String) -> ArrowIPCWriter.Flavor {
        path == "-" || path.lowercased().hasSuffix(".arrows") ? .stream : .file
    }
}

/// Collects one output chunk's rows as columns (`OutputColumns`, as the Parquet sink) and
/// encodes them, on the worker's thread, as Arrow record batches of at most `batchRows` rows
/// (plus one user's). The worker swaps in its own empty `columns` (capacity kept: `flush`
/// empties them) and the
/// encoded batches' byte arrays come from `pool` (given back after writing), so steady-state
/// batches allocate nothing. Memory: the chunk's encoded batches plus one batch of columns.
struct ArrowChunkSink: LearningBaseSink {
    var columns = OutputColumns()
    private(set) var batches: [ArrowEncodedBatch] = []
    let batchRows: Int
    /// Names the output in errors.
    let path: String
    let pool: ArrowBufferPool?

    init(batchRows: Int = ArrowOutput.batchRows, path: String, pool: ArrowBufferPool? = nil) {
        self.batchRows = max(1, batchRows)
        self.path = path
        self.pool = pool
    }

    mutating func consume(_ u: UserAccumulator) throws(QueryError) {
        columns.append(u)
        if columns.rows >= batchRows { try flush() }
    }

    /// Encodes the collected rows (if any) as one more batch.
    mutating func flush() throws(QueryError) {
        guard columns.rows > 0 else { return }
        do throws(ColumnarError) {
            let batch = try RecordBatch(schema: ParquetOutput.schema, columns: columns.batch())
            batches.append(ArrowRecordBatchEncoder.encode(batch, into: pool?.take() ?? []))
        } catch {
            throw .outputNotWritable(path: path, reason: error.reason)
        }
        columns.removeAll()
    }
}

/// Byte arrays of written record batches, for the workers to encode the next ones into
/// (thread-safe). Holds at most `limit` arrays (about the reorder window's batches).
typealias ArrowBufferPool = RecyclePool<[UInt8]>
