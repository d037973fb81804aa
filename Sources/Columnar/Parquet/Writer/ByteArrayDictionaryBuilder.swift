/// The dictionary of one BYTE_ARRAY column chunk: distinct byte strings in first-use order, found
/// through an open-addressing hash table (linear probing, power-of-two slots, ≤ 50 % load).
///
/// Each slot stores the entry's 32-bit hash next to its index (`hash << 32 | index + 1`, 0 =
/// empty), so a probe compares bytes only when the full hashes match and growing rehashes
/// nothing. `plainSize` is the size of the PLAIN dictionary page body (Σ 4 + length);
/// `index(of:limit:)` refuses to insert past `limit`, which is how the writer falls back to
/// PLAIN pages.
/// Memory: the distinct bytes + 4 bytes per entry for offsets + 8 bytes per slot.
/// `reset()` keeps the capacity for the next chunk.
/// Unsafe code: `probe` (pointer reads of the table and the entry bytes) and `hash`
/// (unaligned word loads); `hashScalar` is its tested twin. Equality: `ByteEquality.equal`.
struct ByteArrayDictionaryBuilder {
    private(set) var bytes: [UInt8] = []
    private(set) var offsets: [Int32] = [0]
    private var slots: [UInt64] = Array(repeating: 0, count: 1024)
    private(set) var plainSize = 0

    var count: Int { offsets.count - 1 }

    mutating func reset() {
        bytes.removeAll(keepingCapacity: true)
        offsets.removeAll(keepingCapacity: true)
        offsets.append(0)
        if slots.count > 1 << 16 { slots = Array(repeating: 0, count: 1024) } else {
            slots.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        }
        plainSize = 0
    }

    /// The index of `value`, inserting it when new. Returns nil (and inserts nothing) when the
    /// insertion would make `plainSize` exceed `limit`.
    @inline(__always)
    mutating func index(of value: UnsafeRawBufferPointer, limit: Int) -> UInt32? {
        let h = Self.hash(value)
        let found = probe(value, hash: h)
        if found.entry >= 0 { return UInt32(truncatingIfNeeded: found.entry) }
        return insert(value, hash: h, slot: found.slot, limit: limit)
    }

    /// The entry holding `value` (or -1) and the slot where the probe stopped.
    @inline(__always)
    private func probe(_ value: UnsafeRawBufferPointer, hash h: UInt32) -> (entry: Int, slot: Int) {
        slots.withUnsafeBufferPointer { table in
            bytes.withUnsafeBytes { raw in
                offsets.withUnsafeBufferPointer { off in
                    let mask = table.count &- 1
                    let tag = UInt64(h) << 32
                    var s = Int(h) & mask
                    while true {
                        let slot = table[s]
                        if slot == 0 { return (-1, s) }
                        if slot & 0xffff_ffff_0000_0000 == tag {
                            let e = Int(truncatingIfNeeded: slot & 0xffff_ffff) &- 1
                            let lo = Int(off[e]), hi = Int(off[e &+ 1])
                            if hi &- lo == value.count,
                               ByteEquality.equal(UnsafeRawBufferPointer(rebasing: raw[lo..<hi]), value) {
                                return (e, s)
                            }
                        }
                        s = (s &+ 1) & mask
                    }
                }
            }
        }
    }

    private mutating func insert(_ value: UnsafeRawBufferPointer, hash h: UInt32, slot s: Int, limit: Int) -> UInt32? {
        guard plainSize + 4 + value.count <= limit else { return nil }
        let e = count
        bytes.append(contentsOf: value)
        offsets.append(Int32(truncatingIfNeeded: bytes.count))
        plainSize += 4 + value.count
        slots[s] = (UInt64(h) << 32) | UInt64(e + 1)
        if count * 2 > slots.count { grow() }
        return UInt32(e)
    }

    /// Range of entry `i` in `bytes`.
    func range(_ i: Int) -> Range<Int> { Int(offsets[i])..<Int(offsets[i + 1]) }

    /// Appends the PLAIN dictionary page body (u32 length + bytes per entry).
    func writePlain(into sink: inout ByteSink) {
        sink.reserveCapacity(sink.count + plainSize)
        bytes.withUnsafeBytes { raw in
            for i in 0..<count {
                let r = range(i)
                sink.appendLittleEndian(UInt32(r.count))
                sink.append(UnsafeRawBufferPointer(rebasing: raw[r]))
            }
        }
    }

    private mutating func grow() {
        let newCount = slots.count * 2
        var newSlots = [UInt64](repeating: 0, count: newCount)
        let mask = newCount - 1
        newSlots.withUnsafeMutableBufferPointer { table in
            for slot in slots where slot != 0 {
                var s = Int(truncatingIfNeeded: slot >> 32) & mask
                while table[s] != 0 { s = (s &+ 1) & mask }
                table[s] = slot
            }
        }
        slots = newSlots
    }

    // MARK: hashing and equality

    private static let k0: UInt64 = 0x9e37_79b9_7f4a_7c15
    private static let k1: UInt64 = 0xff51_afd7_ed55_8ccd

    /// Word-at-a-time multiplicative hash: every whole 8-byte word, then the last 8 bytes
    /// (overlapping) for the tail, or the 0...7 bytes themselves for short values, then an
    /// avalanche. Equal bytes hash equally; `hashScalar` is the byte-wise twin.
    @inline(__always)
    static func hash(_ value: UnsafeRawBufferPointer) -> UInt32 {
        let n = value.count
        var h = k0 ^ UInt64(truncatingIfNeeded: n)
        guard n > 0, let p = value.baseAddress else { return finish(h) }
        if n >= 8 {
            var i = 0
            while i &+ 8 <= n {
                h = mix(h, p.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                i &+= 8
            }
            if i < n { h = mix(h, p.loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self)) }
        } else {
            var w: UInt64 = 0
            if n >= 4 {
                w = UInt64(p.loadUnaligned(as: UInt32.self))
                    | UInt64(p.loadUnaligned(fromByteOffset: n &- 4, as: UInt32.self)) << 32
            } else {
                for i in 0..<n { w |= UInt64(p.load(fromByteOffset: i, as: UInt8.self)) << UInt64(i &* 8) }
            }
            h = mix(h, w)
        }
        return finish(h)
    }

    /// Byte-by-byte twin of `hash` (tests): assembles the same little-endian words.
    static func hashScalar(_ value: [UInt8]) -> UInt32 {
        func word(_ at: Int, _ size: Int) -> UInt64 {
            var w: UInt64 = 0
            for i in 0..<size { w |= UInt64(value[at + i]) << UInt64(8 * i) }
            return w
        }
        let n = value.count
        var h = k0 ^ UInt64(n)
        if n == 0 { return finish(h) }
        if n >= 8 {
            var i = 0
            while i + 8 <= n {
                h = mix(h, word(i, 8))
                i += 8
            }
            if i < n { h = mix(h, word(n - 8, 8)) }
        } else if n >= 4 {
            h = mix(h, word(0, 4) | word(n - 4, 4) << 32)
        } else {
            h = mix(h, word(0, n))
        }
        return finish(h)
    }

    @inline(__always)
    private static func mix(_ h: UInt64, _ w: UInt64) -> UInt64 {
        let x = (h ^ w) &* k1
        return x ^ (x >> 29)
    }

    @inline(__always)
    private static func finish(_ h: UInt64) -> UInt32 {
        var x = h ^ (h >> 33)
        x &*= k0
        x ^= x >> 32
        return UInt32(truncatingIfNeeded: x)
    }

}
