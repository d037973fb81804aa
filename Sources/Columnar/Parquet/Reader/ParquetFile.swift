/// A Parquet file opened for reading: the validated footer, the schema mapped to our column
/// types, and positional reads of individual column chunks.
///
/// ### Contract
/// * `init` reads only the 8-byte tail and the footer (bounded by the file size), decodes and
///   validates it. Bad magic, a truncated file, an inconsistent footer → `.corrupt`;
///   encryption (`PARE` magic or `encryption_algorithm`) → `.unsupported`.
/// * `read(rowGroup:columns:)` reads exactly the bytes of the requested column chunks with
///   `pread` (never the whole file) and decodes them. The instance is immutable after `init`;
///   reads may run concurrently from several threads.
/// * Columns whose type we do not read (INT96, DECIMAL, nested, REPEATED, …) are absent from
///   `schema` and listed in `unsupportedColumns`; reading one by name throws `.unsupported`
///   naming it. `columns: nil` reads every column of `schema`.
/// * Hostile input never traps: every offset, length and count is checked, and each failure is
///   `ColumnarError.corrupt(ParquetLocation(file:rowGroup:column:page:), reason:)`. Memory per
///   column read is bounded by `maxRowGroupRows` (a row group above it is `.unsupported`).
///
/// ### Type mapping
/// BOOLEAN → bool; INT32 (none, INT_8/16/32, INT(≤32, signed)) → int32; INT32 DATE → date;
/// INT32 UINT_8/16/32 → int64; INT64 (none, INT_64, INT(64, signed)) → int64; INT64
/// TIMESTAMP(MILLIS/MICROS/NANOS) → timestampMicros (converted, nanos floored); FLOAT, DOUBLE →
/// double; BYTE_ARRAY STRING/UTF8/JSON/ENUM → string, other BYTE_ARRAY → binary;
/// FIXED_LEN_BYTE_ARRAY(16) UUID → uuid.
public final class ParquetFile: @unchecked Sendable {
    public let path: String
    package let metadata: FileMetaData
    public let schema: Schema
    /// Columns present in the file that cannot be read, with the reason (name → feature).
    public let unsupportedColumns: [String: String]

    let handle: ReadHandle
    let descriptors: [ParquetColumnDescriptor]
    /// First byte after the column data (start of the footer).
    let dataEnd: Int

    /// Largest page body we decompress (absolute cap against absurd `uncompressed_page_size`).
    static let maxPageSize = 256 << 20
    /// Largest footer we accept.
    static let maxFooterSize = 256 << 20
    /// Most rows a row group may declare (64 Mi, pyarrow's old default row group size). RLE runs
    /// let a few bytes declare any row count, and decoding allocates per row, so without a cap
    /// a 115-byte file asks for tens of GiB; larger row groups throw `.unsupported`.
    static let maxRowGroupRows = 1 << 26

    /// `pool`: share a bound on open descriptors with other files (see `DescriptorPool`); the
    /// file's descriptor may then be closed while idle and reopened by the next read.
    public init(path: String, pool: DescriptorPool? = nil) throws(ColumnarError) {
        self.path = path
        let handle = try ReadHandle(path: path, pool: pool)
        self.handle = handle
        let size = handle.size
        let location = ParquetLocation(file: path)
        guard size >= 12 else { throw .corrupt(location, reason: "file of \(size) bytes is too short for Parquet") }
        let head = try handle.read(offset: 0, count: 4)
        let tail = try handle.read(offset: size - 8, count: 8)
        let tailMagic = Array(tail[4..<8])
        if tailMagic == Array("PARE".utf8) {
            throw .unsupported(location, feature: "encrypted footer (PARE)")
        }
        guard head == Array("PAR1".utf8), tailMagic == Array("PAR1".utf8) else {
            throw .corrupt(location, reason: "missing PAR1 magic")
        }
        let footerLength = Int(UInt32(tail[0]) | UInt32(tail[1]) << 8 | UInt32(tail[2]) << 16 | UInt32(tail[3]) << 24)
        guard footerLength > 0, footerLength <= size - 12, footerLength <= Self.maxFooterSize else {
            throw .corrupt(location, reason: "footer length \(footerLength) does not fit the file (\(size) bytes)")
        }
        dataEnd = size - 8 - footerLength
        let footer = try handle.read(offset: dataEnd, count: footerLength)
        let meta: FileMetaData
        do {
            meta = try FileMetaData.decode(footer: footer)
        } catch {
            throw .corrupt(location, reason: "footer: \(error.reason)")
        }
        if meta.isEncrypted { throw .unsupported(location, feature: "encryption") }
        metadata = meta
        let (columns, leafCount): ([ParquetColumnDescriptor], Int)
        do {
            (columns, leafCount) = try ParquetColumnDescriptor.columns(of: meta.schema)
        } catch {
            throw .corrupt(location, reason: "schema: \(error.reason)")
        }
        var total: Int64 = 0
        for (i, group) in meta.rowGroups.enumerated() {
            let loc = ParquetLocation(file: path, rowGroup: i)
            guard group.numRows >= 0, group.numRows <= Int64(Int32.max) else {
                throw .corrupt(loc, reason: "row count \(group.numRows) out of range")
            }
            guard group.numRows <= Int64(Self.maxRowGroupRows) else {
                throw .unsupported(loc, feature: "row group of \(group.numRows) rows (limit \(Self.maxRowGroupRows))")
            }
            guard group.columns.count == leafCount else {
                throw .corrupt(loc, reason: "\(group.columns.count) column chunks for \(leafCount) schema leaves")
            }
            total += group.numRows
        }
        guard meta.numRows == total else {
            throw .corrupt(location, reason: "num_rows \(meta.numRows) differs from the row groups' total \(total)")
        }
        descriptors = columns
        schema = Schema(columns.compactMap(\.field))
        var unsupported: [String: String] = [:]
        for d in columns where d.type == nil { unsupported[d.name] = d.unsupportedReason ?? "unsupported" }
        unsupportedColumns = unsupported
    }

    public var rowCount: Int { Int(metadata.numRows) }
    public var rowGroupCount: Int { metadata.rowGroups.count }

    public func rowCount(rowGroup: Int) -> Int {
        guard metadata.rowGroups.indices.contains(rowGroup) else { return 0 }
        return Int(metadata.rowGroups[rowGroup].numRows)
    }

    /// Decodes the named columns (all of `schema` when nil) of one row group, in the order
    /// given. Strings come back as `.dictionary` when every data page of the chunk is
    /// dictionary-encoded, else `.string`.
    ///
    /// `uuidText`: that string column (when among the columns read) comes back as 16 bytes per
    /// row, the `.uuid` layout of events schema version 1 (see `UUIDTextSplit`).
    public func read(rowGroup: Int, columns: [String]? = nil, uuidText: UUIDTextSplit? = nil) throws(ColumnarError) -> RecordBatch {
        guard metadata.rowGroups.indices.contains(rowGroup) else {
            throw .invalidArgument("\(path): row group \(rowGroup) out of range (\(rowGroupCount))")
        }
        let wanted = try resolve(columns)
        var fields: [Field] = []
        var out: [AnyColumn] = []
        for d in wanted {
            if let split = uuidText, d.name == split.column, d.physical == .byteArray, d.field?.type == .string {
                let (column, raw) = try readColumn(rowGroup: rowGroup, descriptor: d, uuidText: true)
                out.append(column)
                fields.append(Field(d.name, .uuid, nullable: true))
                if let raw, !wanted.contains(where: { $0.name == split.rawColumn }) {
                    out.append(raw)
                    fields.append(Field(split.rawColumn, .string, nullable: true))
                }
                continue
            }
            out.append(try readColumn(rowGroup: rowGroup, descriptor: d))
            fields.append(d.field!)
        }
        if wanted.isEmpty { return try RecordBatch(schema: Schema([]), columns: []) }
        return try RecordBatch(schema: Schema(fields), columns: out)
    }

    /// Every row group, in order.
    public func readAll(columns: [String]? = nil) throws(ColumnarError) -> [RecordBatch] {
        var batches: [RecordBatch] = []
        for g in 0..<rowGroupCount { batches.append(try read(rowGroup: g, columns: columns)) }
        return batches
    }

    /// Statistics of one column chunk decoded with the column's type; nil when absent,
    /// unusable, or the column is unknown/unsupported.
    public func statistics(rowGroup: Int, column: String) -> ColumnStatistics? {
        guard metadata.rowGroups.indices.contains(rowGroup),
              let d = descriptors.first(where: { $0.name == column && $0.type != nil }),
              d.leafIndex >= 0, d.leafIndex < metadata.rowGroups[rowGroup].columns.count,
              let meta = metadata.rowGroups[rowGroup].columns[d.leafIndex].metaData,
              meta.type == d.physical,
              let stats = meta.statistics else { return nil }
        return ColumnStatistics(stats, descriptor: d)
    }

    func resolve(_ names: [String]?) throws(ColumnarError) -> [ParquetColumnDescriptor] {
        guard let names else { return descriptors.filter { $0.type != nil } }
        var out: [ParquetColumnDescriptor] = []
        for name in names {
            guard let d = descriptors.first(where: { $0.name == name }) else {
                throw .invalidArgument("\(path): no column '\(name)'")
            }
            guard d.type != nil else {
                throw .unsupported(ParquetLocation(file: path, column: name), feature: d.unsupportedReason ?? "column type")
            }
            out.append(d)
        }
        return out
    }
}

/// Asks `ParquetFile.read` to decode the string column `column` of UUID texts as 16 bytes per
/// row (`.fixedBytes` width 16, field type `.uuid`): a canonical lowercase UUID text
/// (`UUIDParser`) becomes its bytes and a valid row; NULL and any other text are invalid rows
/// of zero bytes, and the other texts come back verbatim in an extra string column named
/// `rawColumn` (NULL on every other row), placed right after, and only when there is one such
/// text in the row group (and the file has no column of that name among those read). This is the
/// layout of the store's events schema version 1 (`user_session` + `user_session_raw`), made
/// while the pages are decoded so no text column is built. Ignored for a column that is not a
/// BYTE_ARRAY string.
public struct UUIDTextSplit: Sendable, Equatable {
    public let column: String
    public let rawColumn: String
    public init(column: String, rawColumn: String) {
        self.column = column
        self.rawColumn = rawColumn
    }
}
