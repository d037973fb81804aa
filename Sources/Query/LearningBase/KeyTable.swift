/// A small open-addressing hash table from a 128-bit key to an `Int32`, reused across users:
/// `clear()` is O(1) (generation stamps), so a user with 3 events costs no allocation.
///
/// Used for session lookup (uuid bytes, or a 128-bit hash of a raw session text) and, with
/// `hi = 0`, for (session, product) group lookup. A slot keeps its key, value and stamp
/// together, so a probe reads one cache line and an insert writes one array.
/// Memory: 24 bytes per slot, grown ×2 at half load.
struct KeyTable {
    private struct Slot {
        var hi: UInt64
        var lo: UInt64
        var value: Int32
        var stamp: UInt32
    }

    private var slots: ContiguousArray<Slot>
    private var generation: UInt32 = 1
    private var mask: Int
    private(set) var count = 0

    init(capacity: Int = 64) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = ContiguousArray(repeating: Slot(hi: 0, lo: 0, value: 0, stamp: 0), count: size)
        mask = size - 1
    }

    mutating func clear() {
        count = 0
        generation &+= 1
        if generation == 0 {
            for i in slots.indices { slots[i].stamp = 0 }
            generation = 1
        }
    }

    @inline(__always) private static func hash(_ h: UInt64, _ l: UInt64) -> Int {
        var x = h ^ (l &* 0x9E37_79B9_7F4A_7C15)
        x ^= x >> 29
        x = x &* 0xBF58_476D_1CE5_E9B9
        x ^= x >> 32
        return Int(truncatingIfNeeded: x)
    }

    /// The value stored for the key, or nil.
    @inline(__always) func find(_ h: UInt64, _ l: UInt64) -> Int32? {
        slots.withUnsafeBufferPointer { all in
            var slot = Self.hash(h, l) & mask
            while true {
                let s = all[slot]
                if s.stamp != generation { return nil }
                if s.hi == h && s.lo == l { return s.value }
                slot = (slot &+ 1) & mask
            }
        }
    }

    /// Inserts a key known to be absent.
    @inline(__always) mutating func insert(_ h: UInt64, _ l: UInt64, _ value: Int32) {
        if (count &+ 1) &* 2 > mask &+ 1 { grow() }
        let (generation, mask) = (generation, mask)
        slots.withUnsafeMutableBufferPointer { all in
            var slot = Self.hash(h, l) & mask
            while all[slot].stamp == generation { slot = (slot &+ 1) & mask }
            all[slot] = Slot(hi: h, lo: l, value: value, stamp: generation)
        }
        count &+= 1
    }

    private mutating func grow() {
        let old = slots, oldGeneration = generation
        let size = (mask + 1) * 2
        slots = ContiguousArray(repeating: Slot(hi: 0, lo: 0, value: 0, stamp: 0), count: size)
        mask = size - 1
        generation = 1
        count = 0
        for s in old where s.stamp == oldGeneration { insert(s.hi, s.lo, s.value) }
    }
}
