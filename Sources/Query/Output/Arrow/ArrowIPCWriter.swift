import Columnar

/// Writes an Arrow IPC stream or file to an `ObjectWriter`, sequentially (no seeking, so a pipe
/// works for both):
///
/// * `.stream`: the Schema message, the record batches, the end-of-stream marker.
/// * `.file` (Feather v2): `ARROW1` and 2 bytes of padding, the same stream, then the `Footer`
///   flatbuffer (`File.fbs`: version, schema, the record batches' `Block`s), its int32
///   length and `ARROW1`.
///
/// Owned by one thread at a time (the learning base's `OrderedSequencer` writer). Memory: one
/// `Block` (24 bytes) per batch for the footer. Errors: the handle's `ColumnarError`s; the
/// caller removes a partial file.
final class ArrowIPCWriter {
    enum Flavor: Sendable, Equatable { case stream, file }

    let schema: Schema
    let flavor: Flavor
    private let handle: any ObjectWriter
    private var blocks: [UInt8] = []
    private var blockCount = 0
    private let start: Int
    private(set) var rowsWritten = 0

    /// Writes the opening (file magic, Schema message) at the handle's current offset.
    init(handle: any ObjectWriter, schema: Schema, flavor: Flavor) throws(ColumnarError) {
        self.handle = handle
        self.schema = schema
        self.flavor = flavor
        start = handle.offset
        var opening: [UInt8] = []
        if flavor == .file { opening = ArrowFraming.magic + [0, 0] }
        opening += ArrowSchemaMessage.encoded(schema)
        try handle.write(opening)
    }

    /// Appends one record batch (encoded by `ArrowRecordBatchEncoder` for this schema).
    func append(_ batch: ArrowEncodedBatch) throws(ColumnarError) {
        let offset = handle.offset - start
        try handle.write(batch.bytes)
        blocks += FlatBytes.littleEndian(Int64(offset))
        blocks += FlatBytes.littleEndian(Int32(batch.metadataLength))
        blocks += [0, 0, 0, 0]  // struct padding before the 8-aligned bodyLength
        blocks += FlatBytes.littleEndian(Int64(batch.bodyLength))
        blockCount += 1
        rowsWritten += batch.rows
    }

    /// Writes the end-of-stream marker and, for a file, the footer and trailing magic. Does not
    /// close the handle.
    func finish() throws(ColumnarError) {
        var tail = ArrowFraming.endOfStream
        if flavor == .file {
            let footer = FlatBufferBuilder.finish(Self.footer(schema: schema, blocks: blocks, count: blockCount))
            tail += footer
            tail += FlatBytes.littleEndian(Int32(footer.count))
            tail += ArrowFraming.magic
        }
        try handle.write(tail)
    }

    /// The `Footer` table: version, schema, no dictionaries, the record batches' blocks.
    static func footer(schema: Schema, blocks: [UInt8], count: Int) -> FlatTable {
        var t = FlatTable()
        t.addInt16(0, ArrowSchemaMessage.metadataVersion)
        t.addTable(1, ArrowSchemaMessage.schemaTable(schema))
        t.addStructs(2, bytes: [], count: 0, alignment: 8)
        t.addStructs(3, bytes: blocks, count: count, alignment: 8)
        return t
    }
}
