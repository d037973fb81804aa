/// Encoder of Parquet's RLE / bit-packed hybrid (definition levels, dictionary indices), without
/// any length prefix (docs/parquet.md §4):
///
/// ```
/// rle-run        := varint(count << 1)  value in ceil(w/8) bytes LE
/// bit-packed-run := varint((groups << 1) | 1)  groups*8 values packed LSB-first
/// ```
/// Strategy: a run of ≥ 8 equal values becomes an RLE run; everything else goes into bit-packed
/// groups of 8 (the last group zero-padded). Groups stop at the first position where a run of ≥ 8
/// equal values begins, so long runs always get RLE. Runs never exceed 2^31 - 1 values.
/// O(n), no allocation except sink growth. Values must fit in `bitWidth` (0...32) bits.
package enum RLEHybridEncoder {
    static let maxRun = (1 << 31) - 1

    /// Appends the hybrid encoding of `values` to `sink`.
    package static func encode(_ values: UnsafeBufferPointer<UInt32>, bitWidth: Int, into sink: inout ByteSink) {
        let n = values.count
        let valueBytes = (bitWidth + 7) / 8
        var i = 0
        while i < n {
            let run = runLength(values, from: i)
            if run >= 8 {
                let v = values[i]
                var left = run
                while left > 0 {
                    let take = min(left, maxRun)
                    sink.appendVarint(UInt64(take) << 1)
                    var x = v
                    for _ in 0..<valueBytes {
                        sink.append(UInt8(truncatingIfNeeded: x))
                        x >>= 8
                    }
                    left -= take
                }
                i += run
                continue
            }
            // Literal groups of 8 until a long run starts at a group boundary.
            let start = i
            while i < n {
                if i > start, runLength(values, from: i, limit: 8) >= 8 { break }
                i = min(i + 8, n)
                if (i - start) >= maxRun - 8 { break }
            }
            let literal = i - start
            let groups = (literal + 7) / 8
            sink.appendVarint((UInt64(groups) << 1) | 1)
            BitPackingEncoder.pack(UnsafeBufferPointer(rebasing: values[start..<i]), bitWidth: bitWidth, into: &sink)
            // Zero padding to a whole group: (groups*8 - literal) values of w bits each.
            let packedBits = literal * bitWidth
            let fullBits = groups * 8 * bitWidth
            let extraBytes = (fullBits + 7) / 8 - (packedBits + 7) / 8
            for _ in 0..<extraBytes { sink.append(0) }
        }
    }

    package static func encode(_ values: [UInt32], bitWidth: Int) -> [UInt8] {
        var sink = ByteSink(capacity: values.count / 2 + 8)
        values.withUnsafeBufferPointer { encode($0, bitWidth: bitWidth, into: &sink) }
        return sink.bytes
    }

    @inline(__always)
    static func runLength(_ values: UnsafeBufferPointer<UInt32>, from i: Int, limit: Int = .max) -> Int {
        let v = values[i]
        var j = i &+ 1
        let end = limit == .max ? values.count : min(values.count, i &+ limit)
        while j < end && values[j] == v { j &+= 1 }
        return j &- i
    }

    /// Minimum bit width able to hold `maxValue` (0 for 0).
    package static func bitWidth(forMax maxValue: UInt32) -> Int { 32 - maxValue.leadingZeroBitCount }
}
