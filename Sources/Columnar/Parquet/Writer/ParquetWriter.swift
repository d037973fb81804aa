/// Writes a flat Parquet file (parquet.md §8): `PAR1`, row groups of column chunks (v1 data
/// pages, optional dictionary page first), the Thrift footer, its length and `PAR1`.
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
        let rgStart = offset
        var chunks: [ColumnChunk] = []
        var totalBytes: Int64 = 0
        var totalCompressed: Int64 = 0
        for i in encoders.indices {
            encoders[i].reset()
            for piece in pending { try encoders[i].append(piece.batch.columns[i], range: piece.range) }
            let chunk = try encoders[i].finish()
            let field = schema.fields[i]
            let chunkStart = offset
            try emit(chunk.dictionaryPage)
            let dataStart = offset
            try emit(chunk.dataPages)
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
        var rg = RowGroup(columns: chunks, totalByteSize: totalBytes, numRows: Int64(pendingRows))
        rg.fileOffset = Int64(rgStart)
        rg.totalCompressedSize = totalCompressed
        rg.sortingColumns = options.sortingColumns
        rowGroups.append(rg)
        pending.removeAll(keepingCapacity: true)
        pendingRows = 0
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
    /// Returns the footer.
    @discardableResult
    public func close() throws(ColumnarError) -> FileMetaData {
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
        pending.removeAll()
        pendingRows = 0
        state = .failed
    }

    deinit {
        if case .file(let handle) = output, state == .open { handle.abandon() }
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
        }
        offset += bytes.count
    }
}
