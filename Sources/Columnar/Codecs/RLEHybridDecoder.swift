/// Decoder of Parquet's RLE / bit-packed hybrid encoding (definition levels, dictionary
/// indices, v2 booleans). Bit width 0...32.
///
/// ```
/// run := varint(count << 1) value-in-ceil(w/8)-bytes          (RLE run)
///      | varint((groups << 1) | 1) groups*w bytes              (8*groups values, LSB-first)
/// ```
/// Decodes exactly `count` values from `bytes[start..<end]`; the last bit-packed group may be
/// padded (extra values are ignored) and may be cut short by the writer as long as the needed
/// values are present. Errors: running out of data, a bad varint, an RLE value wider than `w`.
/// Memory: appends `count` values to the output; never allocates from a run length.
package enum RLEHybridDecoder {
    /// Appends `count` decoded values to `out`. Returns the position after the last byte used.
    @discardableResult
    package static func decode(_ bytes: [UInt8], start: Int, end: Int, bitWidth: Int, count: Int,
                              into out: inout ContiguousArray<UInt32>) throws(DecodeError) -> Int {
        guard bitWidth >= 0 && bitWidth <= 32 else { throw DecodeError("bit width \(bitWidth) out of range") }
        guard count >= 0 else { throw DecodeError("negative value count") }
        var reader = ByteReader(bytes, start: start, end: end)
        var left = count
        out.reserveCapacity(out.count + min(count, (end - start) * 8 + 64))  // not sized by `count` alone
        let valueBytes = (bitWidth + 7) / 8
        let mask: UInt64 = bitWidth == 0 ? 0 : (UInt64(1) << UInt64(bitWidth)) - 1
        while left > 0 {
            let header = try reader.readULEB128()
            if header & 1 == 0 {
                let runLength = header >> 1
                guard runLength > 0 else { throw DecodeError("empty RLE run") }
                var value: UInt64 = 0
                for i in 0..<valueBytes { value |= UInt64(try reader.readByte()) << UInt64(8 * i) }
                guard value & ~mask == 0 else { throw DecodeError("RLE value \(value) wider than \(bitWidth) bits") }
                let n = runLength >= UInt64(left) ? left : Int(runLength)
                out.append(contentsOf: repeatElement(UInt32(truncatingIfNeeded: value), count: n))
                left -= n
            } else {
                let groups = header >> 1
                guard groups > 0 else { throw DecodeError("empty bit-packed run") }
                let values = groups >= UInt64(Int32.max) ? Int(Int32.max) : Int(groups) * 8
                let n = min(values, left)
                // Bytes this run holds, and bytes actually needed for the n values we keep.
                let runBytes = groups > UInt64(Int32.max) ? Int.max : Int(groups) * bitWidth
                let needed = (n * bitWidth + 7) / 8
                guard needed <= reader.remaining else {
                    throw DecodeError("bit-packed run needs \(needed) bytes, \(reader.remaining) left")
                }
                let base = reader.position
                unpack(bytes, from: base, bitWidth: bitWidth, count: n, into: &out)
                try reader.skip(min(runBytes, reader.remaining))
                left -= n
            }
        }
        return reader.position
    }

    /// Unpacks `count` LSB-first values of `bitWidth` bits starting at byte `from`. The caller
    /// guarantees `ceil(count*bitWidth/8)` bytes are available.
    ///
    /// Each value is one unaligned 64-bit load at its first byte, shifted and masked (a value
    /// spans at most 5 bytes), written to a stack block appended 256 values at a time. Loads
    /// that would pass the end of `bytes` take the bytes that exist (`loadTail`); bits past
    /// the needed ones are masked off. `unpackGeneral` is the byte-at-a-time safe twin.
    static func unpack(_ bytes: [UInt8], from: Int, bitWidth: Int, count: Int, into out: inout ContiguousArray<UInt32>) {
        if bitWidth == 0 {
            out.append(contentsOf: repeatElement(0, count: count))
            return
        }
        let mask: UInt64 = (UInt64(1) << UInt64(bitWidth)) - 1
        bytes.withUnsafeBytes { raw in
            withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 256) { block in
                let lastFullLoad = raw.count &- 8
                var bit = from &* 8
                var done = 0
                while done < count {
                    let n = min(256, count &- done)
                    for k in 0..<n {
                        let byte = bit &>> 3
                        let word = byte <= lastFullLoad
                            ? UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: byte, as: UInt64.self))
                            : loadTail(raw, byte)
                        block[k] = UInt32(truncatingIfNeeded: (word &>> UInt64(bit & 7)) & mask)
                        bit &+= bitWidth
                    }
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: block[0 ..< n]))
                    done &+= n
                }
            }
        }
    }

    /// The little-endian word of the bytes from `byte` to the end of `raw` (fewer than 8).
    private static func loadTail(_ raw: UnsafeRawBufferPointer, _ byte: Int) -> UInt64 {
        var word: UInt64 = 0
        var shift: UInt64 = 0
        for i in byte ..< raw.count {
            word |= UInt64(raw[i]) << shift
            shift += 8
        }
        return word
    }

    /// Byte-at-a-time unpacking (same contract as `unpack`; its safe twin in tests).
    static func unpackGeneral(_ bytes: [UInt8], from: Int, bitWidth: Int, count: Int, into out: inout ContiguousArray<UInt32>) {
        if bitWidth == 0 {
            out.append(contentsOf: repeatElement(0, count: count))
            return
        }
        let mask: UInt64 = (UInt64(1) << UInt64(bitWidth)) - 1
        let totalBytes = (count * bitWidth + 7) / 8
        bytes.withUnsafeBufferPointer { buf in
            var acc: UInt64 = 0
            var accBits = 0
            var pos = from
            let limit = from + totalBytes
            for _ in 0..<count {
                while accBits < bitWidth && pos < limit {
                    acc |= UInt64(buf[pos]) << UInt64(accBits)
                    accBits += 8
                    pos += 1
                }
                out.append(UInt32(truncatingIfNeeded: acc & mask))
                acc >>= UInt64(bitWidth)
                accBits -= bitWidth
            }
        }
    }
}
