import Columnar

/// Part files as Parquet: zstd, dictionary pages for strings (but the session texts of schema
/// version 2, PLAIN), row-group min/max statistics, `sorting_columns` (user_id NULLs first,
/// event_time) in every row group, fsynced on close.
///
/// The session texts' encoding was measured on `extract generate --month 2019-10 --scale 0.02`
/// (848 K rows, 185 K sessions): user_session took 3.11 MB as 16-byte UUIDs (version 1),
/// 3.77 MB as PLAIN text + zstd 1, 4.50 MB dictionary-encoded (the whole store: 14.7, 15.4 and
/// 16.1 MB). Sorted by user then time, a repeated session is an LZ match of the previous row
/// for zstd, while a dictionary pays a code per row and its page besides.
/// Sendable: holds only options; each `write` uses its own `ParquetWriter`.
public struct ParquetPartEncoder: PartEncoder {
    public var rowGroupRows: Int
    /// zstd level of the pages (default `storeZstdLevel`).
    public var zstdLevel: Int32

    /// The store's zstd level: 1, not zstd's default 3. zstd was the largest item of the ingest
    /// profile (27 % of its CPU at level 3); on October + November at scale 0.1 (11 M rows,
    /// 1.47 GB of CSV) level 1 took 13.9 s of ingest CPU against 17.8 s at level 3 (level 2:
    /// 14.9 s), for a store of 183 MB against 161 MB (level 2: 176 MB; DuckDB's zstd store of
    /// the same data: 169 MB). Readers see no difference but the size.
    public static let storeZstdLevel: Int32 = 1

    public init(rowGroupRows: Int = 128 * 1024, zstdLevel: Int32 = storeZstdLevel) {
        self.rowGroupRows = rowGroupRows
        self.zstdLevel = zstdLevel
    }

    public func write(_ batch: RecordBatch, to path: String) throws(ColumnarError) -> Int {
        var options = ParquetWriterOptions()
        options.codec = .zstd
        options.compressionLevel = zstdLevel
        options.rowGroupRows = rowGroupRows
        options.sync = true
        var sorting: [SortingColumn] = []
        for name in EventsDataset.sortedBy {
            if let i = batch.schema.index(of: name) { sorting.append(SortingColumn(columnIndex: Int32(i), nullsFirst: true)) }
        }
        if sorting.count == EventsDataset.sortedBy.count { options.sortingColumns = sorting }
        // Session texts PLAIN (zstd): nearly every session is new to its row group, so a
        // dictionary only adds its codes (measured below).
        if batch.schema.fields.contains(where: { $0.name == "user_session" && $0.type == .string }) {
            options.plainColumns = ["user_session"]
        }
        options.keyValueMetadata = [KeyValue(key: "extract.sorted_by", value: "user_id NULLS FIRST, event_time, input order")]
        let writer = try ParquetWriter(path: path, schema: batch.schema, options: options)
        do {
            try writer.write(batch)
            _ = try writer.close()
        } catch {
            writer.abandon()
            throw error
        }
        return try FileIO.size(path)
    }
}
