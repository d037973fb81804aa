/// A small open-addressing hash table from a 128-bit key to an `Int32`, reused across users:
/// `clear()` is O(1) (generation stamps), so a user with 3 events costs no allocation.
///
/// Used for session lookup (uuid bytes, or a 128-bit hash of a raw session text) and, with
/// `hi = 0`, for (session, product) group lookup. Memory: 24 bytes per slot, grown ×2 at half load.
struct KeyTable {
    private var hi: ContiguousArray<UInt64>
    private var lo: ContiguousArray<UInt64>
    private var values: ContiguousArray<Int32>
    private var stamps: ContiguousArray<UInt32>
    private var generation: UInt32 = 1
    private var mask: Int
    private(set) var count = 0

    init(capacity: Int = 64) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        hi = ContiguousArray(repeating: 0, count: size)
        lo = ContiguousArray(repeating: 0, count: size)
        values = ContiguousArray(repeating: 0, count: size)
        stamps = ContiguousArray(repeating: 0, count: size)
        mask = size - 1
    }

    mutating func clear() {
        count = 0
        generation &+= 1
        if generation == 0 {
            for i in stamps.indices { stamps[i] = 0 }
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
        var slot = Self.hash(h, l) & mask
        while true {
            if stamps[slot] != generation { return nil }
            if hi[slot] == h && lo[slot] == l { return values[slot] }
            slot = (slot &+ 1) & mask
        }
    }

    /// Inserts a key known to be absent.
    @inline(__always) mutating func insert(_ h: UInt64, _ l: UInt64, _ value: Int32) {
        if (count &+ 1) &* 2 > mask &+ 1 { grow() }
        var slot = Self.hash(h, l) & mask
        while stamps[slot] == generation { slot = (slot &+ 1) & mask }
        stamps[slot] = generation
        hi[slot] = h
        lo[slot] = l
        values[slot] = value
        count &+= 1
    }

    private mutating func grow() {
        let oldHi = hi, oldLo = lo, oldValues = values, oldStamps = stamps, oldGeneration = generation
        let size = (mask + 1) * 2
        hi = ContiguousArray(repeating: 0, count: size)
        lo = ContiguousArray(repeating: 0, count: size)
        values = ContiguousArray(repeating: 0, count: size)
        stamps = ContiguousArray(repeating: 0, count: size)
        mask = size - 1
        generation = 1
        count = 0
        for i in oldStamps.indices where oldStamps[i] == oldGeneration {
            insert(oldHi[i], oldLo[i], oldValues[i])
        }
    }
}
