import Columnar

/// The event_time window filter of the two boundary days: bit `i` of the result is set iff
/// `start <= times[i] <= end` (both inclusive, docs/learning-base.md §4).
///
/// `select` is the SIMD kernel (8 lanes of Int64 per step, one byte of bitmap per step);
/// `selectScalar` is its safe twin, which the tests compare on every tail length.
/// Memory: the result bitmap, `count / 8` bytes, as LSB-first 64-bit words (the `Bitmap`
/// layout; bits past `count` are zero).
public enum WindowFilter {
    public static func select(_ times: ContiguousArray<Int64>, start: Int64, end: Int64) -> ContiguousArray<UInt64> {
        let n = times.count
        var words = ContiguousArray<UInt64>(repeating: 0, count: (n + 63) >> 6)
        let lo = SIMD8<Int64>(repeating: start), hi = SIMD8<Int64>(repeating: end)
        let weights = SIMD8<Int64>(1, 2, 4, 8, 16, 32, 64, 128)
        let zero = SIMD8<Int64>(repeating: 0)
        times.withUnsafeBufferPointer { src in
            words.withUnsafeMutableBufferPointer { dst in
                let raw = UnsafeRawPointer(src.baseAddress!)
                var i = 0
                while i &+ 8 <= n {
                    let v = raw.loadUnaligned(fromByteOffset: i &* 8, as: SIMD8<Int64>.self)
                    let inside = (v .>= lo) .& (v .<= hi)
                    let byte = UInt64(truncatingIfNeeded: zero.replacing(with: weights, where: inside).wrappedSum())
                    dst[i &>> 6] |= byte &<< UInt64(i & 63)
                    i &+= 8
                }
                while i < n {
                    let t = src[i]
                    if t >= start && t <= end { dst[i &>> 6] |= 1 &<< UInt64(i & 63) }
                    i &+= 1
                }
            }
        }
        return words
    }

    /// The scalar twin of `select` (reference for tests).
    public static func selectScalar(_ times: ContiguousArray<Int64>, start: Int64, end: Int64) -> ContiguousArray<UInt64> {
        var bitmap = Bitmap(reservingCapacity: times.count)
        for t in times { bitmap.append(t >= start && t <= end) }
        return bitmap.words
    }
}
