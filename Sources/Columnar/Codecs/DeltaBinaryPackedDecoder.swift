/// Decoder of DELTA_BINARY_PACKED (Parquet Encodings.md) for INT32 and INT64.
///
/// Header: `varint blockSize` (multiple of 128), `varint miniblocksPerBlock` (blockSize/mb a
/// multiple of 32), `varint totalCount`, `zigzag firstValue`. Each block: `zigzag minDelta`, one
/// bit-width byte per miniblock (≤ 64), then the miniblocks bit-packed LSB-first. Arithmetic
/// wraps in 64 bits (INT32 callers truncate). Errors: bad header values, a count larger than
/// the header's `totalCount`, missing bytes. Memory: appends exactly `count` values.
package enum DeltaBinaryPackedDecoder {
    /// Appends `count` values decoded from `bytes[start..<end]`; returns the end position.
    @discardableResult
    package static func decode(_ bytes: [UInt8], start: Int, end: Int, count: Int,
                              into out: inout ContiguousArray<Int64>) throws(DecodeError) -> Int {
        var r = ByteReader(bytes, start: start, end: end)
        let blockSize = try r.readULEB128()
        let miniblocks = try r.readULEB128()
        let total = try r.readULEB128()
        let first = zigzag(try r.readULEB128())
        guard blockSize > 0, blockSize % 128 == 0, blockSize <= 1 << 20 else { throw DecodeError("bad delta block size \(blockSize)") }
        guard miniblocks > 0, blockSize % miniblocks == 0, (blockSize / miniblocks) % 32 == 0 else {
            throw DecodeError("bad delta miniblock count \(miniblocks)")
        }
        guard UInt64(count) <= total else { throw DecodeError("delta stream holds \(total) values, \(count) needed") }
        if count == 0 { return r.position }
        let perMini = Int(blockSize / miniblocks)
        out.reserveCapacity(out.count + min(count, (end - start) * 8 + 64))  // not sized by `count` alone
        var value = first
        out.append(value)
        var left = count - 1
        var widths = [Int](repeating: 0, count: Int(miniblocks))
        var scratch = ContiguousArray<UInt64>()
        while left > 0 {
            let minDelta = zigzag(try r.readULEB128())
            for i in 0..<widths.count {
                let w = Int(try r.readByte())
                guard w <= 64 else { throw DecodeError("delta bit width \(w) above 64") }
                widths[i] = w
            }
            for w in widths where left > 0 {
                let n = min(perMini, left)
                let fullBytes = perMini * w / 8
                let needed = (n * w + 7) / 8
                guard needed <= r.remaining else { throw DecodeError("delta miniblock needs \(needed) bytes, \(r.remaining) left") }
                scratch.removeAll(keepingCapacity: true)
                unpack64(bytes, from: r.position, bitWidth: w, count: n, into: &scratch)
                try r.skip(min(fullBytes, r.remaining))
                for d in scratch {
                    value = value &+ minDelta &+ Int64(bitPattern: d)
                    out.append(value)
                }
                left -= n
            }
        }
        return r.position
    }

    @inline(__always)
    static func zigzag(_ v: UInt64) -> Int64 { Int64(bitPattern: (v >> 1) ^ (0 &- (v & 1))) }

    /// LSB-first unpacking of up to 64-bit values; the caller guarantees the bytes exist.
    static func unpack64(_ bytes: [UInt8], from: Int, bitWidth: Int, count: Int, into out: inout ContiguousArray<UInt64>) {
        if bitWidth == 0 {
            out.append(contentsOf: repeatElement(0, count: count))
            return
        }
        var bit = 0
        for _ in 0..<count {
            var v: UInt64 = 0
            var got = 0
            while got < bitWidth {
                let byte = bytes[from + (bit >> 3)]
                let shift = bit & 7
                let take = min(8 - shift, bitWidth - got)
                let part = (UInt64(byte) >> UInt64(shift)) & ((UInt64(1) << UInt64(take)) - 1)
                v |= part << UInt64(got)
                got += take
                bit += take
            }
            out.append(v)
        }
    }
}
