extension Bitmap {
    /// Calls `body` for each maximal run of equal bits inside `range`, in order, with the run
    /// and whether its bits are set (valid rows). Scans a 64-bit word per step, so long runs
    /// cost O(1) per word. `runsScalar` is the bit-by-bit twin used by tests.
    @inline(__always)
    func forEachRun(in range: Range<Int>, _ body: (Range<Int>, Bool) -> Void) {
        words.withUnsafeBufferPointer { words in
            var i = range.lowerBound
            let end = range.upperBound
            while i < end {
                let valid = (words[i >> 6] >> UInt64(i & 63)) & 1 == 1
                var j = i
                while j < end {
                    let w = valid ? words[j >> 6] : ~words[j >> 6]
                    let shift = j & 63
                    let same = (~(w >> UInt64(shift))).trailingZeroBitCount
                    let avail = 64 - shift
                    if same >= avail {
                        j &+= avail
                    } else {
                        j &+= same
                        break
                    }
                }
                j = Swift.min(j, end)
                body(i..<j, valid)
                i = j
            }
        }
    }

    /// Bit-by-bit twin of `forEachRun` (tests).
    func runsScalar(in range: Range<Int>) -> [(Range<Int>, Bool)] {
        var out: [(Range<Int>, Bool)] = []
        var i = range.lowerBound
        while i < range.upperBound {
            var j = i + 1
            while j < range.upperBound && self[j] == self[i] { j += 1 }
            out.append((i..<j, self[i]))
            i = j
        }
        return out
    }
}
