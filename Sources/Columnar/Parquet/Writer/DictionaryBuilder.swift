/// The dictionary of one BYTE_ARRAY column chunk: distinct byte strings in first-use order, found
/// through an open-addressing hash table (linear probing, power-of-two slots, ≤ 50 % load).
///
/// `plainSize` is the size of the PLAIN dictionary page body (Σ 4 + length); `index(of:limit:)`
/// refuses to insert past `limit`, which is how the writer falls back to PLAIN pages.
/// Memory: the distinct bytes + 4 bytes per entry for offsets + 8 bytes per slot.
/// `reset()` keeps the capacity for the next chunk.
struct DictionaryBuilder {
    private(set) var bytes: [UInt8] = []
    private(set) var offsets: [Int32] = [0]
    private var hashes: [UInt32] = []
    private var slots: [Int32] = Array(repeating: -1, count: 1024)
    private(set) var plainSize = 0

    var count: Int { offsets.count - 1 }

    mutating func reset() {
        bytes.removeAll(keepingCapacity: true)
        offsets.removeAll(keepingCapacity: true)
        offsets.append(0)
        hashes.removeAll(keepingCapacity: true)
        if slots.count > 1 << 16 { slots = Array(repeating: -1, count: 1024) } else {
            for i in slots.indices { slots[i] = -1 }
        }
        plainSize = 0
    }

    /// The index of `value`, inserting it when new. Returns nil (and inserts nothing) when the
    /// insertion would make `plainSize` exceed `limit`.
    mutating func index(of value: UnsafeRawBufferPointer, limit: Int) -> UInt32? {
        let h = Self.hash(value)
        let mask = slots.count - 1
        var s = Int(h) & mask
        while true {
            let e = slots[s]
            if e < 0 { break }
            if hashes[Int(e)] == h && equals(Int(e), value) { return UInt32(e) }
            s = (s + 1) & mask
        }
        guard plainSize + 4 + value.count <= limit else { return nil }
        let e = Int32(count)
        bytes.append(contentsOf: value)
        offsets.append(Int32(truncatingIfNeeded: bytes.count))
        hashes.append(h)
        plainSize += 4 + value.count
        slots[s] = e
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

    private func equals(_ e: Int, _ value: UnsafeRawBufferPointer) -> Bool {
        let r = range(e)
        guard r.count == value.count else { return false }
        return bytes.withUnsafeBytes { raw in
            ByteOrder.compare(UnsafeRawBufferPointer(rebasing: raw[r]), value) == 0
        }
    }

    private mutating func grow() {
        let newCount = slots.count * 2
        var newSlots = [Int32](repeating: -1, count: newCount)
        let mask = newCount - 1
        for e in 0..<count {
            var s = Int(hashes[e]) & mask
            while newSlots[s] >= 0 { s = (s + 1) & mask }
            newSlots[s] = Int32(e)
        }
        slots = newSlots
    }

    /// FNV-1a over 8-byte words with a final avalanche (fast enough for short keys).
    static func hash(_ value: UnsafeRawBufferPointer) -> UInt32 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325 ^ UInt64(value.count)
        var i = 0
        let n = value.count
        while i + 8 <= n {
            h = (h ^ value.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0x0000_0100_0000_01b3
            h ^= h >> 29
            i += 8
        }
        while i < n {
            h = (h ^ UInt64(value[i])) &* 0x0000_0100_0000_01b3
            i += 1
        }
        h ^= h >> 33
        h &*= 0xff51_afd7_ed55_8ccd
        h ^= h >> 33
        return UInt32(truncatingIfNeeded: h)
    }
}
