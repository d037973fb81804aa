/// Gathers of column values through a sort permutation (`out[j] = values[perm[j]]`), and the
/// inverse of a permutation: the per-part reordering of `EventBuffer.sortedBatch`.
///
/// Unsafe code: `gather` and `inverse` write through the uninitialized storage of the result
/// (no per-element append, uniqueness or capacity check); `gatherScalar` and `inverseScalar` are
/// their safe twins, compared in tests. Contract: every `perm` entry is in `0..<values.count`
/// (`inverse`: `perm` is a permutation of `0..<perm.count`); this is checked by a precondition
/// once per call on the maximum, so a bad permutation traps instead of reading out of bounds.
enum PermutationGather {
    /// `values` in `perm` order. Memory: one array of `perm.count` elements.
    static func gather<T: BitwiseCopyable>(_ values: ContiguousArray<T>, _ perm: ContiguousArray<Int32>) -> ContiguousArray<T> {
        let n = perm.count
        return values.withUnsafeBufferPointer { src in
            perm.withUnsafeBufferPointer { p in
                precondition(inBounds(p, src.count), "permutation entry out of bounds")
                return ContiguousArray<T>(unsafeUninitializedCapacity: n) { dst, initialized in
                    guard n > 0, let s = src.baseAddress, let d = dst.baseAddress, let pp = p.baseAddress else {
                        initialized = 0
                        return
                    }
                    for j in 0..<n { (d + j).initialize(to: s[Int(pp[j])]) }
                    initialized = n
                }
            }
        }
    }

    /// Safe twin of `gather` (tests).
    static func gatherScalar<T>(_ values: ContiguousArray<T>, _ perm: ContiguousArray<Int32>) -> ContiguousArray<T> {
        ContiguousArray(perm.map { values[Int($0)] })
    }

    /// The inverse permutation: `inv[perm[j]] = j`.
    static func inverse(_ perm: ContiguousArray<Int32>) -> ContiguousArray<Int32> {
        let n = perm.count
        return perm.withUnsafeBufferPointer { p in
            precondition(inBounds(p, n), "permutation entry out of bounds")
            return ContiguousArray<Int32>(unsafeUninitializedCapacity: n) { dst, initialized in
                // Zero-filled first so that a non-permutation (repeated entry) leaves no
                // uninitialized element behind.
                dst.initialize(repeating: 0)
                for j in 0..<n { dst[Int(p[j])] = Int32(truncatingIfNeeded: j) }
                initialized = n
            }
        }
    }

    /// Safe twin of `inverse` (tests).
    static func inverseScalar(_ perm: ContiguousArray<Int32>) -> ContiguousArray<Int32> {
        var inv = ContiguousArray<Int32>(repeating: 0, count: perm.count)
        for (j, i) in perm.enumerated() { inv[Int(i)] = Int32(truncatingIfNeeded: j) }
        return inv
    }

    /// Every entry of `p` is in `0..<count` (one pass of min/max, vectorisable).
    private static func inBounds(_ p: UnsafeBufferPointer<Int32>, _ count: Int) -> Bool {
        var lo = Int32.max, hi = Int32.min
        for x in p { lo = min(lo, x); hi = max(hi, x) }
        return p.isEmpty || (lo >= 0 && Int(hi) < count)
    }
}
