/// DELTA_BINARY_PACKED encoder (docs/parquet.md §4) with blocks of 128 values in 4 miniblocks of 32:
///
/// ```
/// header := varint(128) varint(4) varint(count) zigzag(first)
/// block  := zigzag(minDelta) 4 × width byte, then each used miniblock bit-packed (32 values)
/// ```
/// Deltas wrap in the column's own width (INT32 in 32 bits, so no miniblock is wider than 32
/// bits; INT64 in 64). Unused miniblocks of the last block get width 0 and no data; the last
/// used miniblock is zero-padded to 32 values. Input is the PLAIN little-endian values.
package enum DeltaBinaryPackedEncoder {
    package static let blockSize = 128
    package static let miniblocksPerBlock = 4
    static let miniblockSize = 32

    /// Encodes `raw.count / 8` little-endian Int64 values.
    package static func encodeInt64(_ raw: UnsafeRawBufferPointer, into sink: inout ByteSink) {
        let n = raw.count / 8
        writeHeader(count: n, first: n > 0 ? Int64(littleEndian: raw.loadUnaligned(as: Int64.self)) : 0, into: &sink)
        guard n > 1 else { return }
        var rel = [UInt64](repeating: 0, count: blockSize)
        var deltas = [Int64](repeating: 0, count: blockSize)
        var prev = Int64(littleEndian: raw.loadUnaligned(as: Int64.self))
        var i = 1
        while i < n {
            let count = min(blockSize, n - i)
            var minDelta = Int64.max
            for k in 0..<count {
                let v = Int64(littleEndian: raw.loadUnaligned(fromByteOffset: (i + k) * 8, as: Int64.self))
                let d = v &- prev
                prev = v
                deltas[k] = d
                if d < minDelta { minDelta = d }
            }
            for k in 0..<blockSize { rel[k] = k < count ? UInt64(bitPattern: deltas[k] &- minDelta) : 0 }
            sink.appendZigzag(minDelta)
            let used = (count + miniblockSize - 1) / miniblockSize
            var widths = [Int](repeating: 0, count: miniblocksPerBlock)
            for m in 0..<used {
                var bits: UInt64 = 0
                for k in (m * miniblockSize)..<((m + 1) * miniblockSize) { bits |= rel[k] }
                widths[m] = 64 - bits.leadingZeroBitCount
            }
            for w in widths { sink.append(UInt8(w)) }
            rel.withUnsafeBufferPointer { p in
                for m in 0..<used {
                    BitPackingEncoder.pack64(UnsafeBufferPointer(rebasing: p[(m * miniblockSize)..<((m + 1) * miniblockSize)]),
                                             bitWidth: widths[m], into: &sink)
                }
            }
            i += count
        }
    }

    /// Encodes `raw.count / 4` little-endian Int32 values (deltas wrap in 32 bits).
    package static func encodeInt32(_ raw: UnsafeRawBufferPointer, into sink: inout ByteSink) {
        let n = raw.count / 4
        let first = n > 0 ? Int32(littleEndian: raw.loadUnaligned(as: Int32.self)) : 0
        writeHeader(count: n, first: Int64(first), into: &sink)
        guard n > 1 else { return }
        var rel = [UInt32](repeating: 0, count: blockSize)
        var deltas = [Int32](repeating: 0, count: blockSize)
        var prev = first
        var i = 1
        while i < n {
            let count = min(blockSize, n - i)
            var minDelta = Int32.max
            for k in 0..<count {
                let v = Int32(littleEndian: raw.loadUnaligned(fromByteOffset: (i + k) * 4, as: Int32.self))
                let d = v &- prev
                prev = v
                deltas[k] = d
                if d < minDelta { minDelta = d }
            }
            for k in 0..<blockSize { rel[k] = k < count ? UInt32(bitPattern: deltas[k] &- minDelta) : 0 }
            sink.appendZigzag(Int64(minDelta))
            let used = (count + miniblockSize - 1) / miniblockSize
            var widths = [Int](repeating: 0, count: miniblocksPerBlock)
            for m in 0..<used {
                var bits: UInt32 = 0
                for k in (m * miniblockSize)..<((m + 1) * miniblockSize) { bits |= rel[k] }
                widths[m] = 32 - bits.leadingZeroBitCount
            }
            for w in widths { sink.append(UInt8(w)) }
            rel.withUnsafeBufferPointer { p in
                for m in 0..<used {
                    BitPackingEncoder.pack(UnsafeBufferPointer(rebasing: p[(m * miniblockSize)..<((m + 1) * miniblockSize)]),
                                           bitWidth: widths[m], into: &sink)
                }
            }
            i += count
        }
    }

    private static func writeHeader(count: Int, first: Int64, into sink: inout ByteSink) {
        sink.appendVarint(UInt64(blockSize))
        sink.appendVarint(UInt64(miniblocksPerBlock))
        sink.appendVarint(UInt64(count))
        sink.appendZigzag(first)
    }
}
