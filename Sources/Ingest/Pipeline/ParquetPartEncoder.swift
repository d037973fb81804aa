import Columnar

/// Part files as Parquet, for every dataset: zstd, dictionary pages for strings (but the
/// layout's PLAIN columns), row-group min/max statistics, `sorting_columns` and an
/// `extract.sorted_by` note when the batch has the layout's sort columns, fsynced on close.
/// What differs per dataset is its `PartLayout` (`events`, `sparkify`).
/// Sendable: holds only options; each `write` uses its own `ParquetWriter`.
public struct ParquetPartEncoder: PartEncoder {
    public var layout: PartLayout
    public var rowGroupRows: Int {
        get { layout.rowGroupRows }
        set { layout.rowGroupRows = newValue }
    }

    /// The events layout with these row-group rows and zstd level.
    public init(rowGroupRows: Int = 128 * 1024, zstdLevel: Int32 = storeZstdLevel) {
        layout = .events
        layout.rowGroupRows = rowGroupRows
        layout.zstdLevel = zstdLevel
    }

    public init(layout: PartLayout) { self.layout = layout }

    /// The Sparkify datasets' parts (`PartLayout.sparkify`).
    public static var sparkify: ParquetPartEncoder { ParquetPartEncoder(layout: .sparkify) }

    /// The store's zstd level: 1, not zstd's default 3. zstd was the largest item of the ingest
    /// profile (27 % of its CPU at level 3); on October + November at scale 0.1 (11 M rows,
    /// 1.47 GB of CSV) level 1 took 13.9 s of ingest CPU against 17.8 s at level 3 (level 2:
    /// 14.9 s), for a store of 183 MB against 161 MB (level 2: 176 MB; DuckDB's zstd store of
    /// the same data: 169 MB). Readers see no difference but the size.
    public static let storeZstdLevel: Int32 = 1

    public func write(_ batch: RecordBatch, to path: String) throws(ColumnarError) -> Int {
        var options = ParquetWriterOptions()
        options.codec = .zstd
        options.compressionLevel = layout.zstdLevel
        options.rowGroupRows = layout.rowGroupRows
        options.sync = true
        let sorting = layout.sortedBy.compactMap { name in
            batch.schema.index(of: name).map { SortingColumn(columnIndex: Int32($0), nullsFirst: true) }
        }
        if !sorting.isEmpty, sorting.count == layout.sortedBy.count {
            options.sortingColumns = sorting
            options.keyValueMetadata = [KeyValue(key: "extract.sorted_by", value: layout.sortNote)]
        }
        let plain = layout.plainStrings.filter { name in batch.schema.fields.contains { $0.name == name && $0.type == .string } }
        if !plain.isEmpty { options.plainColumns = Set(plain) }
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

/// How one dataset's parts are laid out in Parquet, beyond their schema.
public struct PartLayout: Sendable {
    public var rowGroupRows: Int
    /// zstd level of the pages (nil: the writer's default).
    public var zstdLevel: Int32?
    /// The order the rows of a part are in (declared NULLs first as `sorting_columns`, with
    /// `sortNote` as `extract.sorted_by`, when the batch has all these columns).
    public var sortedBy: [String]
    public var sortNote: String
    /// String columns written PLAIN instead of dictionary-encoded.
    public var plainStrings: [String]

    /// `events`: sorted by (user_id NULLs first, event_time, input order), zstd level 1, row
    /// groups of 128 K rows; session texts (schema version 2) PLAIN: sorted by user then time,
    /// a repeated session is an LZ match of the previous row for zstd, while a dictionary pays a
    /// code per row and its page besides. Measured on `extract generate --month 2019-10 --scale
    /// 0.02` (848 K rows, 185 K sessions): user_session took 3.11 MB as 16-byte UUIDs (version 1),
    /// 3.77 MB as PLAIN text + zstd 1, 4.50 MB dictionary-encoded (the whole store: 14.7, 15.4 and
    /// 16.1 MB).
    public static let events = PartLayout(rowGroupRows: 128 * 1024, zstdLevel: ParquetPartEncoder.storeZstdLevel,
                                          sortedBy: EventsDataset.sortedBy,
                                          sortNote: "user_id NULLS FIRST, event_time, input order",
                                          plainStrings: ["user_session"])

    /// The Sparkify datasets: row groups of 512 K rows, zstd's default level; log parts sorted by
    /// `ts` then input order.
    public static let sparkify = PartLayout(rowGroupRows: 512 * 1024, zstdLevel: nil, sortedBy: ["ts"],
                                            sortNote: "ts, input order", plainStrings: [])
}
