import Columnar

/// Distinct byte strings → dense UInt32 codes (open addressing, linear probing), the
/// dictionary of one column of one day buffer. Memory: the distinct bytes plus 8 bytes per
/// slot (table kept ≤ 50 % full).
struct StringInterner {
    private(set) var values = StringColumn()
    /// Open-addressing table: 0 = empty, else (hash high 32 bits) << 32 | (code + 1), so a
    /// probe touches one word before comparing bytes.
    private var slots: ContiguousArray<UInt64>
    private var mask: Int
    /// The code returned by the last `intern` (-1: none yet).
    private var lastCode = -1

    init() {
        slots = ContiguousArray(repeating: 0, count: 256)
        mask = 255
    }

    var count: Int { values.count }

    static func hash(_ b: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(b.count)
        var i = 0
        while i + 8 <= b.count {
            h = (h ^ b.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xBF58_476D_1CE4_E5B9
            h ^= h >> 29
            i += 8
        }
        // The tail as one word from overlapping loads (no per-byte loop); the length is in the seed.
        let n = b.count
        var tail: UInt64 = 0
        if i < n {
            if n >= 8 {
                tail = b.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
            } else if n >= 4 {
                tail = UInt64(b.loadUnaligned(fromByteOffset: 0, as: UInt32.self))
                    | UInt64(b.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)) << 32
            } else {
                tail = UInt64(b[0]) | UInt64(b[n >> 1]) << 8 | UInt64(b[n - 1]) << 16
            }
        }
        h = (h ^ tail) &* 0x94D0_49BB_1331_11EB
        return h ^ (h >> 31)
    }

    mutating func intern(_ b: UnsafeRawBufferPointer) -> UInt32 {
        // Repeats of the previous value (e.g. event_type "view") skip the hash and the probe.
        if lastCode >= 0, equals(lastCode, b) { return UInt32(truncatingIfNeeded: lastCode) }
        let h = StringInterner.hash(b)
        var (code, slot) = probe(b, hash: h)
        if code < 0 {
            code = values.count
            values.appendBytes(b)
            slots[slot] = (h & 0xFFFF_FFFF_0000_0000) | UInt64(code + 1)
            if values.count * 2 > slots.count { grow() }
        }
        lastCode = code
        return UInt32(truncatingIfNeeded: code)
    }

    /// The code of `b` (-1 when absent) and the slot where the probe stopped (the empty slot
    /// to fill when absent). Pointer reads of the table, the offsets and the bytes: every slot
    /// index is masked, every code in the table is < `values.count`.
    @inline(__always)
    private func probe(_ b: UnsafeRawBufferPointer, hash h: UInt64) -> (code: Int, slot: Int) {
        let tag = h & 0xFFFF_FFFF_0000_0000
        let mask = self.mask
        return slots.withUnsafeBufferPointer { table in
            values.offsets.withUnsafeBufferPointer { off in
                values.bytes.withUnsafeBytes { raw in
                    var i = Int(truncatingIfNeeded: h) & mask
                    while true {
                        let slot = table[i]
                        if slot == 0 { return (-1, i) }
                        if slot & 0xFFFF_FFFF_0000_0000 == tag {
                            let code = Int(truncatingIfNeeded: slot & 0xFFFF_FFFF) &- 1
                            let lo = Int(off[code]), hi = Int(off[code &+ 1])
                            if hi &- lo == b.count, ByteEquality.equal(UnsafeRawBufferPointer(rebasing: raw[lo..<hi]), b) {
                                return (code, i)
                            }
                        }
                        i = (i &+ 1) & mask
                    }
                }
            }
        }
    }

    @inline(__always)
    private func equals(_ code: Int, _ b: UnsafeRawBufferPointer) -> Bool {
        values.offsets.withUnsafeBufferPointer { off in
            let lo = Int(off[code]), hi = Int(off[code &+ 1])
            guard hi &- lo == b.count else { return false }
            return values.bytes.withUnsafeBytes { raw in ByteEquality.equal(UnsafeRawBufferPointer(rebasing: raw[lo..<hi]), b) }
        }
    }

    private mutating func grow() {
        let size = slots.count * 2
        var table = ContiguousArray<UInt64>(repeating: 0, count: size)
        let newMask = size - 1
        values.bytes.withUnsafeBytes { raw in
            for code in 0..<values.count {
                let h = StringInterner.hash(UnsafeRawBufferPointer(rebasing: raw[values.range(code)]))
                var i = Int(truncatingIfNeeded: h) & newMask
                while table[i] != 0 { i = (i + 1) & newMask }
                table[i] = (h & 0xFFFF_FFFF_0000_0000) | UInt64(code + 1)
            }
        }
        slots = table
        mask = newMask
    }
}

