import Columnar

/// Writes one sorted batch as one complete, fsynced part file. The store is format-agnostic;
/// the ingest uses `ParquetPartEncoder` (zstd, statistics, sorting metadata). Called once per
/// part from the writer thread (an existential here is not a hot path).
public protocol PartEncoder: Sendable {
    /// Writes `batch` at `path` (created), fsynced; returns the file size in bytes.
    func write(_ batch: RecordBatch, to path: String) throws(ColumnarError) -> Int
}
