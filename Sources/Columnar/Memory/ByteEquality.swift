/// Byte equality of two short byte strings, used by the string dictionaries of the Parquet
/// writer (`ByteArrayDictionaryBuilder`) and of ingest (`StringInterner`) on every probe hit.
///
/// Unsafe code: unaligned 8-byte loads (the last word overlapping; 4-byte words, then bytes,
/// under 8 bytes), all inside both buffers. `equalScalar` is the safe twin, compared in tests.
public enum ByteEquality {
    @inlinable @inline(__always)
    public static func equal(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        let n = a.count
        guard n == b.count else { return false }
        guard n > 0, let pa = a.baseAddress, let pb = b.baseAddress else { return true }
        if n >= 8 {
            var i = 0
            while i &+ 8 <= n {
                if pa.loadUnaligned(fromByteOffset: i, as: UInt64.self) != pb.loadUnaligned(fromByteOffset: i, as: UInt64.self) {
                    return false
                }
                i &+= 8
            }
            return i == n || pa.loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self)
                == pb.loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self)
        }
        if n >= 4 {
            return pa.loadUnaligned(as: UInt32.self) == pb.loadUnaligned(as: UInt32.self)
                && pa.loadUnaligned(fromByteOffset: n &- 4, as: UInt32.self) == pb.loadUnaligned(fromByteOffset: n &- 4, as: UInt32.self)
        }
        var i = 0
        while i < n {
            if pa.load(fromByteOffset: i, as: UInt8.self) != pb.load(fromByteOffset: i, as: UInt8.self) { return false }
            i &+= 1
        }
        return true
    }

    /// Safe twin of `equal` (tests).
    public static func equalScalar(_ a: [UInt8], _ b: [UInt8]) -> Bool { a == b }
}
