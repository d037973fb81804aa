import Columnar

#if _endian(big)
#error("the Arrow encoder copies values as in memory: little-endian hosts only")
#endif

/// One encapsulated RecordBatch message, ready to write: `bytes` = framed metadata
/// (`metadataLength` bytes, a multiple of 8) followed by the body (`bodyLength` bytes, a
/// multiple of 8). The file footer's `Block` is (offset written at, metadataLength, bodyLength).
struct ArrowEncodedBatch: Sendable {
    var bytes: [UInt8]
    var metadataLength: Int
    var bodyLength: Int
    var rows: Int
}

/// Encodes a `RecordBatch` as an Arrow IPC RecordBatch message (`Message.fbs`): one
/// `FieldNode` (length, null count) per column and its buffers in the body, each starting
/// 8-aligned (zero padding between them):
/// validity (empty when the column has no nulls: all valid), then the values (`Bool`
/// bit-packed LSB first; `Utf8`/`Binary`: int32 offsets, then the bytes; dictionary columns
/// are written materialized). Uncompressed.
/// Memory: the encoded message (about the batch's column bytes), in `buffer` when given (its
/// capacity reused); the batch is not modified.
/// Values are copied as they are in memory: little-endian hosts only (checked at compile time).
enum ArrowRecordBatchEncoder {
    static func encode(_ batch: RecordBatch, into buffer: consuming [UInt8] = []) -> ArrowEncodedBatch {
        var pieces: [Piece] = []
        var nodes: [UInt8] = []
        nodes.reserveCapacity(16 * batch.columns.count)
        for column in batch.columns {
            nodes += FlatBytes.littleEndian(Int64(column.count))
            let nulls = column.nullCount
            nodes += FlatBytes.littleEndian(Int64(nulls))
            pieces.append(nulls > 0 ? .bitmap(column.validity!, rows: column.count) : .none)
            switch column {
            case .bool(let c): pieces.append(.bools(c.values))
            case .int32(let c): pieces.append(.int32(c.values))
            case .int64(let c): pieces.append(.int64(c.values))
            case .double(let c): pieces.append(.double(c.values))
            case .string(let c): pieces += [.int32(c.offsets), .bytes(c.bytes)]
            case .dictionary(let d):
                let c = d.materialized()
                pieces += [.int32(c.offsets), .bytes(c.bytes)]
            case .fixedBytes(let c): pieces.append(.bytes(c.bytes))
            }
        }
        var buffers: [UInt8] = []
        buffers.reserveCapacity(16 * pieces.count)
        var bodyLength = 0
        for piece in pieces {
            let n = piece.byteCount
            buffers += FlatBytes.littleEndian(Int64(bodyLength))
            buffers += FlatBytes.littleEndian(Int64(n))
            bodyLength += ArrowFraming.aligned(n)
        }
        var header = FlatTable()
        header.addInt64(0, Int64(batch.rowCount))
        header.addStructs(1, bytes: nodes, count: batch.columns.count, alignment: 8)
        header.addStructs(2, bytes: buffers, count: pieces.count, alignment: 8)
        let framed = ArrowFraming.frame(metadata: FlatBufferBuilder.finish(
            ArrowSchemaMessage.message(.recordBatch, header, bodyLength: bodyLength)))
        let metadataLength = framed.count
        var bytes = consume buffer  // moved, not copied: still unique, so its capacity is reused
        bytes.removeAll(keepingCapacity: true)
        // A quarter of headroom, so that a reused buffer fits the next batches of similar size
        // instead of being reallocated (and its pages faulted in again) for a slightly larger one.
        let needed = metadataLength + bodyLength
        if bytes.capacity < needed { bytes.reserveCapacity(needed + needed / 4) }
        bytes += framed
        for piece in pieces {
            piece.append(to: &bytes)
            while bytes.count & 7 != 0 { bytes.append(0) }
        }
        precondition(bytes.count == metadataLength + bodyLength, "Arrow body length mismatch")
        return ArrowEncodedBatch(bytes: bytes, metadataLength: metadataLength, bodyLength: bodyLength, rows: batch.rowCount)
    }

    /// One body buffer (the column storage is shared, not copied, until `append`).
    enum Piece {
        case none
        case bitmap(Bitmap, rows: Int)
        case bools(ContiguousArray<Bool>)
        case int32(ContiguousArray<Int32>)
        case int64(ContiguousArray<Int64>)
        case double(ContiguousArray<Double>)
        case bytes(ContiguousArray<UInt8>)

        var byteCount: Int {
            switch self {
            case .none: 0
            case .bitmap(_, let rows): (rows + 7) / 8
            case .bools(let v): (v.count + 7) / 8
            case .int32(let v): 4 * v.count
            case .int64(let v): 8 * v.count
            case .double(let v): 8 * v.count
            case .bytes(let v): v.count
            }
        }

        /// Appends the buffer's `byteCount` bytes (little-endian values, as in memory here).
        func append(to out: inout [UInt8]) {
            switch self {
            case .none: break
            case .bitmap(let b, let rows): b.words.withUnsafeBytes { out += $0[0 ..< (rows + 7) / 8] }
            case .bools(let v): Self.pack(v, into: &out)
            case .int32(let v): v.withUnsafeBytes { out.append(contentsOf: $0) }
            case .int64(let v): v.withUnsafeBytes { out.append(contentsOf: $0) }
            case .double(let v): v.withUnsafeBytes { out.append(contentsOf: $0) }
            case .bytes(let v): out.append(contentsOf: v)
            }
        }

        /// Booleans as bits, LSB first, 8 to a byte (the last byte's high bits zero).
        static func pack(_ v: ContiguousArray<Bool>, into out: inout [UInt8]) {
            var i = 0
            while i < v.count {
                var byte: UInt8 = 0
                for bit in 0 ..< min(8, v.count - i) where v[i + bit] { byte |= 1 << UInt8(bit) }
                out.append(byte)
                i += 8
            }
        }
    }
}
