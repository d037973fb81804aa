/// Writes a flat Parquet file (docs/parquet.md §8): `PAR1`, row groups of column chunks (v1 data
/// pages, optional dictionary page first), the Thrift footer, its length and `PAR1`.
/// Row groups can also be encoded apart, in parallel (`encodeRowGroup(_:options:)`), and
/// appended in order (`append(_:)`).
///
/// ### Usage
/// ```swift
/// let w = try ParquetWriter(path: "out.parquet", schema: schema)
/// try w.write(batch)          // any number of batches with exactly `schema`
/// try w.close()               // or w.abandon() to delete the partial file
/// ```
/// ### Memory
/// The writer holds at most one row group of rows (`rowGroupRows`): it keeps references to the
/// pending batches (no copy unless the caller mutates them) until the row group is full, then
/// encodes it column by column, holding one column chunk's encoded pages at a time (written to
/// the file as soon as the chunk is complete), plus the footer metadata (a few hundred bytes
/// per row group and column).
///
/// ### Errors and ownership
/// Owned by one thread; not `Sendable`. Every failure is a `ColumnarError`; after a failure
/// (or after `close()`), further calls throw `.invalidArgument`. The file is not removed on
/// failure: call `abandon()`. A writer released while still open (never closed) deletes its
/// partial file, so a footer-less file is never left behind.
public final class ParquetWriter {
    private enum Output {
        case file(WriteHandle)
        case memory(MemoryOutput)
        /// A storage object being written: `close()` writes the footer, the caller `finish()`es.
        case object(any ObjectWriter)
    }

    private final class MemoryOutput {
        var sink = ByteSink(capacity: 4096)
    }

    public let schema: Schema
    public let options: ParquetWriterOptions
    private var output: Output
    private let path: String
    private var pending: [(batch: RecordBatch, range: Range<Int>)] = []
    private var pendingRows = 0
    private var encoders: [ColumnChunkEncoder]
    private var rowGroups: [RowGroup] = []
    private var offset = 0
    private var state: State = .open
    private enum State { case open, closed, failed }

    /// Rows handed to `write` so far (buffered rows included).
    public private(set) var rowsWritten = 0
    /// Bytes in the file so far.
    public var bytesWritten: Int { offset }

    /// Creates (or truncates) `path` and writes the magic. Throws `.invalidArgument` for bad
    /// options or a schema with duplicate or no names, `.io` when the file cannot be created.
    public convenience init(path: String, schema: Schema, options: ParquetWriterOptions = .init()) throws(ColumnarError) {
        try Self.validate(schema: schema, options: options)
        let handle = try WriteHandle(path: path)
        try self.init(output: .file(handle), path: path, schema: schema, options: options)
    }

    /// Writes into `handle` (opened by the caller, e.g. standard output; the writer closes it),
    /// starting at the handle's current offset, which must be 0. Throws as `init(path:)`.
    public convenience init(handle: WriteHandle, schema: Schema, options: ParquetWriterOptions = .init()) throws(ColumnarError) {
        try Self.validate(schema: schema, options: options)
        guard handle.offset == 0 else { throw .invalidArgument("a Parquet file starts at offset 0") }
        try self.init(output: .file(handle), path: handle.path, schema: schema, options: options)
    }

    /// Writes into `writer` (an object of any `ObjectStorage`, or standard output), starting at
    /// its offset 0; `name` names it in errors. `close()` writes the footer but does not
    /// `finish()` the object (the caller does, when the whole output is good); `abandon()` and
    /// releasing the writer unclosed `abort()` it. Throws as `init(path:)`.
    public convenience init(writer: any ObjectWriter, name: String, schema: Schema,
                            options: ParquetWriterOptions = .init()) throws(ColumnarError) {
        try Self.validate(schema: schema, options: options)
        guard writer.offset == 0 else { throw .invalidArgument("a Parquet file starts at offset 0") }
        try self.init(output: .object(writer), path: name, schema: schema, options: options)
    }

    private init(output: Output, path: String, schema: Schema, options: ParquetWriterOptions) throws(ColumnarError) {
        self.output = output
        self.path = path
        self.schema = schema
        self.options = options
        encoders = schema.fields.map { ColumnChunkEncoder(field: $0, options: options) }
        do {
            try emit(Array("PAR1".utf8))
        } catch {
            state = .failed
            throw error
        }
    }

    private static func validate(schema: Schema, options: ParquetWriterOptions) throws(ColumnarError) {
        try options.validate()
        guard !schema.fields.isEmpty else { throw .invalidArgument("a Parquet schema needs at least one column") }
        guard Set(schema.names).count == schema.fields.count else {
            throw .invalidArgument("duplicate column names in \(schema.names)")
        }
    }

    /// Whole file in memory (tests, small outputs).
    public static func encode(schema: Schema, batches: [RecordBatch],
                              options: ParquetWriterOptions = .init()) throws(ColumnarError) -> [UInt8] {
        try validate(schema: schema, options: options)
        let memory = MemoryOutput()
        let w = try ParquetWriter(output: .memory(memory), path: "<memory>", schema: schema, options: options)
        for b in batches { try w.write(b) }
        try w.close()
        return memory.sink.bytes
    }

    // MARK: writing

    /// Buffers `batch` (its schema must equal the writer's) and writes every row group that
    /// becomes full.
    public func write(_ batch: RecordBatch) throws(ColumnarError) {
        try checkOpen()
        guard batch.schema == schema else {
            throw .invalidArgument("batch schema \(batch.schema.names) does not match the writer schema \(schema.names)")
        }
        var row = 0
        while row < batch.rowCount {
            let take = min(batch.rowCount - row, options.rowGroupRows - pendingRows)
            pending.append((batch, row..<(row + take)))
            pendingRows += take
            rowsWritten += take
            row += take
            if pendingRows >= options.rowGroupRows { try flushRowGroup() }
        }
    }

    /// Ends the current row group now (no-op when no rows are buffered).
    public func flushRowGroup() throws(ColumnarError) {
        try checkOpen()
        guard pendingRows > 0 else { return }
        do {
            try writeRowGroup()
        } catch {
            state = .failed
            throw error
        }
    }

    private func writeRowGroup() throws(ColumnarError) {
        let rg = try Self.encodeRowGroup(encoders: &encoders, pieces: pending, rows: pendingRows, schema: schema,
                                         options: options, base: offset) { (bytes: [UInt8]) throws(ColumnarError) in try emit(bytes) }
        rowGroups.append(rg)
        pending.removeAll(keepingCapacity: true)
        pendingRows = 0
    }

    /// Encodes `pieces` (`rows` rows in all) as one row group whose first byte lands at file
    /// offset `base`: each column chunk (dictionary page, data pages) is handed to `emit` in
    /// schema order as soon as it is encoded. Returns the row group's metadata.
    static func encodeRowGroup(encoders: inout [ColumnChunkEncoder], pieces: [(batch: RecordBatch, range: Range<Int>)],
                               rows: Int, schema: Schema, options: ParquetWriterOptions, base: Int,
                               emit: ([UInt8]) throws(ColumnarError) -> Void) throws(ColumnarError) -> RowGroup {
        var position = base
        var chunks: [ColumnChunk] = []
        var totalBytes: Int64 = 0
        var totalCompressed: Int64 = 0
        for i in encoders.indices {
            encoders[i].reset()
            for piece in pieces { try encoders[i].append(piece.batch.columns[i], range: piece.range) }
            let chunk = try encoders[i].finish()
            let field = schema.fields[i]
            let chunkStart = position
            try emit(chunk.dictionaryPage)
            position += chunk.dictionaryPage.count
            let dataStart = position
            try emit(chunk.dataPages)
            position += chunk.dataPages.count
            var md = ColumnMetaData(
                type: ParquetWriterSchema.physicalType(field.type), encodings: chunk.encodings,
                pathInSchema: [field.name], codec: options.codec, numValues: chunk.numValues,
                totalUncompressedSize: chunk.totalUncompressedSize, totalCompressedSize: chunk.totalCompressedSize,
                dataPageOffset: Int64(dataStart))
            if !chunk.dictionaryPage.isEmpty { md.dictionaryPageOffset = Int64(chunkStart) }
            md.statistics = chunk.statistics
            chunks.append(ColumnChunk(fileOffset: 0, metaData: md))
            totalBytes += chunk.totalUncompressedSize
            totalCompressed += chunk.totalCompressedSize
        }
        var rg = RowGroup(columns: chunks, totalByteSize: totalBytes, numRows: Int64(rows))
        rg.fileOffset = Int64(base)
        rg.totalCompressedSize = totalCompressed
        rg.sortingColumns = options.sortingColumns
        return rg
    }

    /// Encodes `batch` (all its rows, whatever `options.rowGroupRows` says) as one row group in
    /// memory, away from any file: safe on any thread, so several row groups of one file can
    /// be encoded in parallel and then added in order with `append(_:)`. Same encodings,
    /// statistics and metadata as `write` would produce. Memory: the encoded bytes.
    public static func encodeRowGroup(_ batch: RecordBatch, options: ParquetWriterOptions = .init()) throws(ColumnarError) -> EncodedRowGroup {
        try validate(schema: batch.schema, options: options)
        var encoders = batch.schema.fields.map { ColumnChunkEncoder(field: $0, options: options) }
        var sink = ByteSink(capacity: 1 << 16)
        let rg = try encodeRowGroup(encoders: &encoders, pieces: [(batch, 0..<batch.rowCount)], rows: batch.rowCount,
                                    schema: batch.schema, options: options, base: 0) { bytes in sink.append(contentsOf: bytes) }
        return EncodedRowGroup(schema: batch.schema, options: options, bytes: sink.bytes, metadata: rg)
    }

    /// Appends a row group encoded by `encodeRowGroup(_:options:)` after the rows written so far
    /// (buffered rows are first written as their own row group). Its schema and options must be
    /// this writer's (`.invalidArgument` otherwise); its offsets are moved to where it lands.
    public func append(_ group: EncodedRowGroup) throws(ColumnarError) {
        try checkOpen()
        guard group.schema == schema, group.options == options else {
            throw .invalidArgument("\(path): an encoded row group must have the writer's schema and options")
        }
        try flushRowGroup()
        let base = offset
        do {
            try emit(group.bytes)
        } catch {
            state = .failed
            throw error
        }
        var rg = group.metadata
        rg.fileOffset = Int64(base)
        for c in rg.columns.indices {
            guard var md = rg.columns[c].metaData else { continue }
            md.dataPageOffset += Int64(base)
            if let d = md.dictionaryPageOffset { md.dictionaryPageOffset = d + Int64(base) }
            rg.columns[c].metaData = md
        }
        rowGroups.append(rg)
        rowsWritten += Int(rg.numRows)
    }

    // MARK: closing

    /// The footer this writer has produced (or would produce) for the row groups so far.
    private func footer() -> FileMetaData {
        var md = FileMetaData(
            version: 1, schema: ParquetWriterSchema.elements(schema, annotateIntegers: options.annotateIntegers),
            numRows: rowGroups.reduce(0) { $0 + $1.numRows }, rowGroups: rowGroups)
        if !options.keyValueMetadata.isEmpty { md.keyValueMetadata = options.keyValueMetadata }
        md.createdBy = ExtractVersion.createdBy
        md.columnOrders = Array(repeating: .typeOrder, count: schema.fields.count)
        return md
    }

    /// Writes the last row group, the footer and the trailing magic; fsyncs when `options.sync`.
    public func close() throws(ColumnarError) { try closeReturningFooter() }

    /// `close()`, returning the footer (the Thrift model, package API).
    @discardableResult
    package func closeReturningFooter() throws(ColumnarError) -> FileMetaData {
        try checkOpen()
        do {
            if pendingRows > 0 { try writeRowGroup() }
            let md = footer()
            var tail = ByteSink(capacity: 1024)
            tail.append(contentsOf: md.serialized())
            let footerLength = tail.count
            tail.appendLittleEndian(UInt32(truncatingIfNeeded: footerLength))
            tail.append(contentsOf: Array("PAR1".utf8))
            try emit(tail.bytes)
            if case .file(let handle) = output {
                if options.sync { try handle.sync() }
                try handle.close()
            }
            state = .closed
            return md
        } catch {
            state = .failed
            throw error
        }
    }

    /// Closes the file without a footer and deletes it. Safe to call in any state.
    public func abandon() {
        if case .file(let handle) = output, state != .closed { handle.abandon() }
        if case .object(let writer) = output { writer.abort() }
        pending.removeAll()
        pendingRows = 0
        state = .failed
    }

    deinit {
        if case .file(let handle) = output, state == .open { handle.abandon() }
        if case .object(let writer) = output, state == .open { writer.abort() }
    }

    private func checkOpen() throws(ColumnarError) {
        switch state {
        case .open: return
        case .closed: throw .invalidArgument("\(path): the Parquet writer is already closed")
        case .failed: throw .invalidArgument("\(path): the Parquet writer failed or was abandoned")
        }
    }

    private func emit(_ bytes: [UInt8]) throws(ColumnarError) {
        guard !bytes.isEmpty else { return }
        switch output {
        case .file(let handle):
            try handle.write(bytes)
        case .memory(let memory):
            memory.sink.append(contentsOf: bytes)
        case .object(let writer):
            try writer.write(bytes)
        }
        offset += bytes.count
    }
}

/// One row group encoded in memory by `ParquetWriter.encodeRowGroup(_:options:)`: its column
/// chunks' bytes and their metadata, with offsets relative to the first byte of `bytes`.
public struct EncodedRowGroup: Sendable {
    public let schema: Schema
    public let options: ParquetWriterOptions
    public let bytes: [UInt8]
    let metadata: RowGroup
    public var rows: Int { Int(metadata.numRows) }
}
