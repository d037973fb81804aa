/// A value that a numeric dictionary stores by its bit pattern: INT32 (and date) in the low 32
/// bits, INT64 (and timestamp) and DOUBLE as all 64 bits. Keying doubles on the bit pattern
/// keeps -0.0 and 0.0, and NaNs with different payloads, apart, so they round-trip exactly.
protocol NumericDictionaryKey: BitwiseCopyable, Comparable {
    var dictionaryKey: UInt64 { get }
}

extension Int32: NumericDictionaryKey {
    @inline(__always) var dictionaryKey: UInt64 { UInt64(UInt32(bitPattern: self)) }
}

extension Int64: NumericDictionaryKey {
    @inline(__always) var dictionaryKey: UInt64 { UInt64(bitPattern: self) }
}

extension Double: NumericDictionaryKey {
    @inline(__always) var dictionaryKey: UInt64 { bitPattern }
}

/// The dictionary of one INT32/INT64/DOUBLE column chunk: distinct bit patterns in first-use
/// order, found through an open-addressing hash table specialised for 64-bit keys (Fibonacci
/// hashing, linear probing, power-of-two slots, ≤ 50 % load).
///
/// Each slot holds the key and `index + 1` (0 = empty), so a probe touches one 16-byte slot per
/// step and compares one word. `plainSize` is the size of the PLAIN dictionary page body
/// (`count * width`); `indices(of:into:limit:)` stops before an insertion that would pass
/// `limit`, which is how the writer falls back to PLAIN pages.
/// Memory: 8 bytes per entry + 16 bytes per slot; no allocation per value. `reset()` keeps the
/// capacity for the next chunk (a table grown past 64 Ki slots is dropped).
/// Unsafe code: `indices(of:into:limit:)` (pointer reads and writes of the slots and the output);
/// `indexScalar(of:limit:)` is its tested safe twin.
struct NumericDictionaryBuilder {
    /// Bytes per PLAIN entry: 4 (INT32) or 8 (INT64, DOUBLE).
    let width: Int
    /// Keys in first-use order (entry `i` is `keys[i]`).
    private(set) var keys: [UInt64] = []
    private var slots: [Slot]
    private var shift: UInt64

    struct Slot {
        var key: UInt64
        var index: UInt32   // entry + 1; 0 = empty
    }

    private static let initialSlots = 1024

    init(width: Int) {
        precondition(width == 4 || width == 8)
        self.width = width
        slots = Array(repeating: Slot(key: 0, index: 0), count: Self.initialSlots)
        shift = UInt64(64 - Self.initialSlots.trailingZeroBitCount)
    }

    var count: Int { keys.count }
    var plainSize: Int { keys.count &* width }

    mutating func reset() {
        keys.removeAll(keepingCapacity: true)
        if slots.count > 1 << 16 {
            slots = Array(repeating: Slot(key: 0, index: 0), count: Self.initialSlots)
            shift = UInt64(64 - Self.initialSlots.trailingZeroBitCount)
        } else {
            slots.withUnsafeMutableBufferPointer { $0.update(repeating: Slot(key: 0, index: 0)) }
        }
    }

    @inline(__always)
    private static func hash(_ key: UInt64, shift: UInt64) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9e37_79b9_7f4a_7c15) >> shift)
    }

    /// Appends the dictionary index of each value of `values` to `out`, inserting new values,
    /// and returns how many values were consumed: `values.count`, or fewer when inserting the
    /// next new value would make `plainSize` exceed `limit` (that value and the rest are left).
    @inline(__always)
    mutating func indices<T: NumericDictionaryKey>(
        of values: UnsafeBufferPointer<T>, into out: inout [UInt32], limit: Int
    ) -> Int {
        let n = values.count
        guard n > 0 else { return 0 }
        let start = out.count
        out.append(contentsOf: repeatElement(0, count: n))
        var done = 0
        out.withUnsafeMutableBufferPointer { buf in
            let dst = buf.baseAddress! + start
            while done < n {
                // Run with the table as is until a new value would need a bigger table.
                let step = lookUp(values, from: done, into: dst + done, limit: limit)
                done &+= step.consumed
                if step.stopped == .limit { break }
                if step.stopped == .grow { grow() }
            }
        }
        if done < n { out.removeLast(n &- done) }
        return done
    }

    private enum Stop { case end, limit, grow }

    /// Fills `dst[k]` with the index of `values[from + k]` until the end, the size limit, or the
    /// table reaching half load (then the caller grows the table and resumes).
    @inline(__always)
    private mutating func lookUp<T: NumericDictionaryKey>(
        _ values: UnsafeBufferPointer<T>, from: Int, into dst: UnsafeMutablePointer<UInt32>, limit: Int
    ) -> (consumed: Int, stopped: Stop) {
        let shift = self.shift
        let maxEntries = limit / width
        var consumed = 0
        var stop = Stop.end
        keys.reserveCapacity(slots.count / 2 + 1)
        let capacity = slots.count / 2
        slots.withUnsafeMutableBufferPointer { table in
            let mask = table.count &- 1
            var i = from
            while i < values.count {
                let key = values[i].dictionaryKey
                var s = Self.hash(key, shift: shift)
                var idx: UInt32 = 0
                while true {
                    let slot = table[s]
                    if slot.index == 0 { break }
                    if slot.key == key { idx = slot.index; break }
                    s = (s &+ 1) & mask
                }
                if idx == 0 {
                    if keys.count >= maxEntries { stop = .limit; break }
                    if keys.count >= capacity { stop = .grow; break }
                    keys.append(key)
                    idx = UInt32(truncatingIfNeeded: keys.count)
                    table[s] = Slot(key: key, index: idx)
                }
                dst[i &- from] = idx &- 1
                i &+= 1
            }
            consumed = i &- from
        }
        return (consumed, stop)
    }

    /// Safe twin of `indices(of:into:limit:)` for one value (tests): the index of `value`,
    /// inserting it when new; nil (nothing inserted) when that would pass `limit`.
    mutating func indexScalar<T: NumericDictionaryKey>(of value: T, limit: Int) -> UInt32? {
        let key = value.dictionaryKey
        if let i = keys.firstIndex(of: key) { return UInt32(i) }
        guard (keys.count + 1) * width <= limit else { return nil }
        if keys.count >= slots.count / 2 { grow() }
        var s = Self.hash(key, shift: shift)
        while slots[s].index != 0 { s = (s + 1) & (slots.count - 1) }
        keys.append(key)
        slots[s] = Slot(key: key, index: UInt32(keys.count))
        return UInt32(keys.count - 1)
    }

    private mutating func grow() {
        let newCount = slots.count * 2
        shift -= 1
        var newSlots = [Slot](repeating: Slot(key: 0, index: 0), count: newCount)
        let mask = newCount - 1
        let shift = self.shift
        newSlots.withUnsafeMutableBufferPointer { table in
            for slot in slots where slot.index != 0 {
                var s = Self.hash(slot.key, shift: shift)
                while table[s].index != 0 { s = (s &+ 1) & mask }
                table[s] = slot
            }
        }
        slots = newSlots
    }

    /// Appends the PLAIN dictionary page body (each key as `width` little-endian bytes).
    func writePlain(into sink: inout ByteSink) {
        sink.reserveCapacity(sink.count + plainSize)
        if width == 8 {
            for k in keys { sink.appendLittleEndian(k) }
        } else {
            for k in keys { sink.appendLittleEndian(UInt32(truncatingIfNeeded: k)) }
        }
    }
}
