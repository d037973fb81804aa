/// A Parquet file opened for reading: the validated footer, the schema mapped to our column
/// types, and positional reads of individual column chunks.
///
/// ### Contract
/// * `init` reads only the 8-byte tail and the footer (bounded by the file size), decodes and
///   validates it. Bad magic, a truncated file, an inconsistent footer → `.corrupt`;
///   encryption (`PARE` magic or `encryption_algorithm`) → `.unsupported`.
/// * `init` reads the footer with one ranged read of the file's end (`init(object:)`), so a
///   remote object opens with one request for any footer up to `defaultTailRead`.
/// * `read(rowGroup:columns:)` reads the bytes of the requested column chunks (never the whole
///   file): chunks closer than the object's `coalescingGap` are fetched by one ranged read
///   (`ChunkReads`), then decoded one by one. The instance is immutable after `init`; reads may
///   run concurrently from several threads.
/// * Columns whose type we do not read (INT96, DECIMAL, nested, REPEATED, …) are absent from
///   `schema` and listed in `unsupportedColumns`; reading one by name throws `.unsupported`
///   naming it. `columns: nil` reads every column of `schema`.
/// * Hostile input never traps: every offset, length and count is checked, and each failure is
///   `ColumnarError.corrupt(ParquetLocation(file:rowGroup:column:page:), reason:)`. Memory per
///   column read is bounded by `maxRowGroupRows` (a row group above it is `.unsupported`); a
///   row-group read holds the compressed bytes of the requested chunks (plus gaps below
///   `coalescingGap`) until its last column is decoded.
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

    /// The bytes: a local file (`ReadHandle`) or any `ObjectStorage` object.
    let handle: any RandomAccessObject
    let descriptors: [ParquetColumnDescriptor]
    /// First byte after the column data (start of the footer).
    let dataEnd: Int
    /// True when the leading `PAR1` was checked at open; otherwise the read of a column range
    /// starting at byte 4 (the first chunk) is widened to byte 0 and checks it (see `fetch`).
    let headVerified: Bool

    /// Largest page body we decompress (absolute cap against absurd `uncompressed_page_size`).
    static let maxPageSize = 256 << 20
    /// Largest footer we accept.
    static let maxFooterSize = 256 << 20
    /// Most rows a row group may declare (64 Mi, pyarrow's old default row group size). RLE runs
    /// let a few bytes declare any row count, and decoding allocates per row, so without a cap
    /// a 115-byte file asks for tens of GiB; larger row groups throw `.unsupported`.
    static let maxRowGroupRows = 1 << 26
    /// Bytes read from the end of the file at open (one ranged read): the 8-byte tail and, for
    /// any footer up to this size minus 8, the whole footer. Our parts' footers are a few KiB.
    public static let defaultTailRead = 64 << 10

    /// A local file. `pool`: share a bound on open descriptors with other files (see
    /// `DescriptorPool`); the file's descriptor may then be closed while idle and reopened by the
    /// next read. The leading magic is checked at open (one more 4-byte `pread` when the file is
    /// longer than the tail read), so every error is raised by `init` as it always was.
    public convenience init(path: String, pool: DescriptorPool? = nil) throws(ColumnarError) {
        try self.init(object: try ReadHandle(path: path, pool: pool), verifyHeadAtOpen: true)
    }

    /// Opens `object` (named `object.name` in errors) with ONE ranged read of its last
    /// `min(size, tailRead)` bytes; only a footer longer than that costs a second read, of the
    /// footer's missing start. `verifyHeadAtOpen`: also read the first 4 bytes at open when the
    /// tail read does not cover them (a second request on a remote object); when false, the
    /// leading `PAR1` is checked by the read of the first column chunk (which starts at byte 4
    /// and is then read from byte 0), so a damaged head is still reported, by `read`.
    /// Errors (`.corrupt`, `.unsupported`, and the object's own read errors) are the same for
    /// every backend and every `tailRead`.
    public init(object: any RandomAccessObject, tailRead: Int = ParquetFile.defaultTailRead,
                verifyHeadAtOpen: Bool = false) throws(ColumnarError) {
        let path = object.name
        self.path = path
        self.handle = object
        let size = object.size
        let location = ParquetLocation(file: path)
        guard size >= 12 else { throw .corrupt(location, reason: "file of \(size) bytes is too short for Parquet") }
        let suffixStart = size - min(size, max(tailRead, 12))
        let suffix = try object.read(offset: suffixStart, count: size - suffixStart)
        let tail = suffix[(suffix.count - 8)...]
        let tailMagic = Array(tail[(tail.startIndex + 4)...])
        if tailMagic == Array("PARE".utf8) {
            throw .unsupported(location, feature: "encrypted footer (PARE)")
        }
        let head: [UInt8]?
        if suffixStart == 0 {
            head = Array(suffix[0..<4])
        } else {
            head = verifyHeadAtOpen ? try object.read(offset: 0, count: 4) : nil
        }
        guard head.map({ $0 == Array("PAR1".utf8) }) ?? true, tailMagic == Array("PAR1".utf8) else {
            throw .corrupt(location, reason: "missing PAR1 magic")
        }
        headVerified = head != nil
        let t = tail.startIndex
        let footerLength = Int(UInt32(tail[t]) | UInt32(tail[t + 1]) << 8 | UInt32(tail[t + 2]) << 16 | UInt32(tail[t + 3]) << 24)
        guard footerLength > 0, footerLength <= size - 12, footerLength <= Self.maxFooterSize else {
            throw .corrupt(location, reason: "footer length \(footerLength) does not fit the file (\(size) bytes)")
        }
        dataEnd = size - 8 - footerLength
        // The footer as a window of one buffer: the suffix, or the missing start + the suffix.
        let footerBytes: [UInt8], footerStart: Int
        if dataEnd >= suffixStart {
            (footerBytes, footerStart) = (suffix, dataEnd - suffixStart)
        } else {
            (footerBytes, footerStart) = (try object.read(offset: dataEnd, count: suffixStart - dataEnd) + suffix, 0)
        }
        let meta: FileMetaData
        do {
            meta = try FileMetaData.decode(footer: footerBytes, start: footerStart, end: footerStart + footerLength)
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
        let chunks = try ChunkReads(self, rowGroup: rowGroup, wanted)
        var fields: [Field] = []
        var out: [AnyColumn] = []
        for (i, d) in wanted.enumerated() {
            if let split = uuidText, d.name == split.column, d.physical == .byteArray, d.field?.type == .string {
                let (column, raw) = try chunks.column(i, uuidText: true)
                out.append(column)
                fields.append(Field(d.name, .uuid, nullable: true))
                if let raw, !wanted.contains(where: { $0.name == split.rawColumn }) {
                    out.append(raw)
                    fields.append(Field(split.rawColumn, .string, nullable: true))
                }
                continue
            }
            out.append(try chunks.column(i, uuidText: false).column)
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
