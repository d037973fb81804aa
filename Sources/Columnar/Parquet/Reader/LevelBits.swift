/// Validity bits built straight from definition levels (64 per word, LSB-first like `Bitmap`).
struct LevelBits {
    private(set) var words = ContiguousArray<UInt64>()
    private(set) var count = 0

    /// Appends one bit per level (1 = present). Returns the number of present values; throws
    /// on a level above the maximum 1.
    ///
    /// Fast path: a page whose levels are all 1 (no NULL, the usual case) is detected with a
    /// branch-free AND/OR reduction and its bits are set a word at a time; any other page goes
    /// through `appendGeneral` (the per-level twin, also used by tests).
    mutating func append(_ levels: ContiguousArray<UInt32>) throws(DecodeError) -> Int {
        var all: UInt32 = ~0, any: UInt32 = 0
        levels.withUnsafeBufferPointer { lv in
            for l in lv { all &= l; any |= l }
        }
        guard !levels.isEmpty, all == 1, any == 1 else { return try appendGeneral(levels) }
        setOnes(levels.count)
        return levels.count
    }

    /// Appends `n` set bits: the partial first word, whole words, then the partial last word.
    private mutating func setOnes(_ n: Int) {
        let end = count &+ n
        let needed = (end &+ 63) >> 6
        if words.count < needed { words.append(contentsOf: repeatElement(0, count: needed - words.count)) }
        var c = count
        words.withUnsafeMutableBufferPointer { w in
            while c < end {
                let bit = c & 63
                let take = Swift.min(64 &- bit, end &- c)
                let ones: UInt64 = take == 64 ? ~0 : ((1 &<< UInt64(take)) &- 1)
                w[c &>> 6] |= ones &<< UInt64(bit)
                c &+= take
            }
        }
        count = end
    }

    /// `append` one level at a time (any levels).
    mutating func appendGeneral(_ levels: ContiguousArray<UInt32>) throws(DecodeError) -> Int {
        var present = 0
        var seen: UInt32 = 0
        let needed = (count &+ levels.count &+ 63) >> 6
        if words.count < needed { words.append(contentsOf: repeatElement(0, count: needed - words.count)) }
        let start = count
        words.withUnsafeMutableBufferPointer { w in
            levels.withUnsafeBufferPointer { lv in
                var c = start
                for l in lv {
                    seen |= l
                    w[c &>> 6] |= UInt64(l & 1) &<< UInt64(c & 63)
                    present &+= Int(l & 1)
                    c &+= 1
                }
            }
        }
        // Any level ≥ 2 sets a bit above bit 0 of `seen`.
        if seen > 1 { throw DecodeError("definition level above the maximum 1") }
        count &+= levels.count
        return present
    }

    subscript(row: Int) -> Bool { words[row >> 6] & (1 << UInt64(row & 63)) != 0 }

    mutating func reserve(_ bits: Int) { words.reserveCapacity((bits + 63) >> 6) }

    var bitmap: Bitmap {
        var b = Bitmap(count: count, value: false)
        b.words = words
        return b
    }
}
