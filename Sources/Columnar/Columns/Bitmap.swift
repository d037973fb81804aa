/// A validity (or selection) bitmap: bit `i` set means row `i` is valid (non-null).
///
/// Stored LSB-first in 64-bit words, the same bit order as Arrow and as Parquet's
/// bit-packed booleans. Bits past `count` are always zero.
/// Memory: `ceil(count / 64) * 8` bytes. Value type, copy-on-write through `ContiguousArray`.
public struct Bitmap: Sendable, Equatable {
    public internal(set) var words: ContiguousArray<UInt64>
    public private(set) var count: Int

    /// A bitmap of `count` bits, all set to `value`.
    public init(count: Int, value: Bool) {
        precondition(count >= 0, "negative bitmap size")
        self.count = count
        let wordCount = (count + 63) >> 6
        words = ContiguousArray(repeating: value ? ~0 : 0, count: wordCount)
        if value { clearTail() }
    }

    /// An empty bitmap with room for `capacity` bits.
    public init(reservingCapacity capacity: Int = 0) {
        count = 0
        words = []
        words.reserveCapacity((capacity + 63) >> 6)
    }

    public subscript(index: Int) -> Bool {
        get {
            precondition(index >= 0 && index < count, "bitmap index out of range")
            return words[index >> 6] & (1 << UInt64(index & 63)) != 0
        }
        set {
            precondition(index >= 0 && index < count, "bitmap index out of range")
            let mask: UInt64 = 1 << UInt64(index & 63)
            if newValue { words[index >> 6] |= mask } else { words[index >> 6] &= ~mask }
        }
    }

    /// Appends one bit.
    public mutating func append(_ bit: Bool) {
        if count & 63 == 0 { words.append(0) }
        if bit { words[count >> 6] |= 1 << UInt64(count & 63) }
        count += 1
    }

    /// Number of set bits.
    public var setCount: Int {
        var total = 0
        for word in words { total &+= word.nonzeroBitCount }
        return total
    }

    /// Number of clear bits (nulls, for a validity bitmap).
    public var clearCount: Int { count - setCount }

    /// The bits `range` of this bitmap as a new bitmap of `range.count` bits (bit `i` of the
    /// result is bit `range.lowerBound + i`), copied a word at a time.
    public func copying(_ range: Range<Int>) -> Bitmap {
        precondition(range.lowerBound >= 0 && range.upperBound <= count, "bitmap range out of range")
        var out = Bitmap(count: range.count, value: false)
        let shift = UInt64(range.lowerBound & 63), first = range.lowerBound >> 6
        words.withUnsafeBufferPointer { src in
            out.words.withUnsafeMutableBufferPointer { dst in
                for k in 0..<dst.count {
                    var w = src[first + k] >> shift
                    if shift != 0, first + k + 1 < src.count { w |= src[first + k + 1] << (64 - shift) }
                    dst[k] = w
                }
            }
        }
        out.clearTail()
        return out
    }

    public mutating func reserveCapacity(_ bits: Int) { words.reserveCapacity((bits + 63) >> 6) }

    private mutating func clearTail() {
        let tail = count & 63
        if tail != 0, !words.isEmpty { words[words.count - 1] &= (1 << UInt64(tail)) - 1 }
    }
}
