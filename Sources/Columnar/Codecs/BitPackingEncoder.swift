/// LSB-first bit packing (the order of Parquet's RLE/bit-packed hybrid, PLAIN booleans and
/// DELTA_BINARY_PACKED miniblocks): value `i` occupies bits `[i*w, (i+1)*w)` of a little-endian
/// bit stream. Values wider than `w` bits are truncated to their low `w` bits.
///
/// `pack` is the fast path (64-bit accumulator over a buffer pointer, stores into the sink's
/// appended region); `packScalar` is its
/// bit-by-bit twin, kept for tests. Output: `ceil(count * w / 8)` bytes appended to the sink.
package enum BitPackingEncoder {
    /// Packs `values` with `bitWidth` bits each (0...32) into `sink`.
    package static func pack(_ values: UnsafeBufferPointer<UInt32>, bitWidth: Int, into sink: inout ByteSink) {
        guard bitWidth > 0, !values.isEmpty else { return }
        let mask: UInt64 = bitWidth == 64 ? ~0 : (1 << UInt64(bitWidth)) &- 1
        // Output written in place: whole 32-bit words while ≥ 32 bits are pending, then the
        // tail bytes; every store stays within the `ceil(count * w / 8)` bytes appended.
        sink.appendWriting(count: (values.count &* bitWidth &+ 7) >> 3) { out in
            guard let base = out.baseAddress else { return }
            var acc: UInt64 = 0
            var bits = 0
            var at = 0
            for v in values {
                acc |= (UInt64(v) & mask) << UInt64(bits)
                bits &+= bitWidth
                if bits >= 32 {
                    base.storeBytes(of: UInt32(truncatingIfNeeded: acc).littleEndian, toByteOffset: at, as: UInt32.self)
                    at &+= 4
                    acc >>= 32
                    bits &-= 32
                }
            }
            while bits > 0 {
                base.storeBytes(of: UInt8(truncatingIfNeeded: acc), toByteOffset: at, as: UInt8.self)
                at &+= 1
                acc >>= 8
                bits -= 8
            }
        }
    }

    /// Packs 64-bit values (DELTA_BINARY_PACKED miniblocks) with `bitWidth` bits each (0...64).
    package static func pack64(_ values: UnsafeBufferPointer<UInt64>, bitWidth: Int, into sink: inout ByteSink) {
        guard bitWidth > 0, !values.isEmpty else { return }
        let mask: UInt64 = bitWidth == 64 ? ~0 : (1 << UInt64(bitWidth)) &- 1
        var acc: UInt64 = 0   // holds < 64 pending bits
        var bits = 0
        for raw in values {
            let v = raw & mask
            acc |= v << UInt64(bits)
            let total = bits + bitWidth
            if total >= 64 {
                sink.appendLittleEndian(acc)
                let used = 64 - bits  // bits of v already emitted
                acc = used == 64 ? 0 : v >> UInt64(used)
                bits = total - 64
            } else {
                bits = total
            }
        }
        while bits > 0 {
            sink.append(UInt8(truncatingIfNeeded: acc))
            acc >>= 8
            bits -= 8
        }
    }

    /// Bit-by-bit reference twin of `pack`/`pack64`.
    package static func packScalar(_ values: [UInt64], bitWidth: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: (values.count * bitWidth + 7) / 8)
        var bit = 0
        for v in values {
            for b in 0..<bitWidth {
                if (v >> UInt64(b)) & 1 == 1 { out[bit >> 3] |= 1 << UInt8(bit & 7) }
                bit += 1
            }
        }
        return out
    }
}
