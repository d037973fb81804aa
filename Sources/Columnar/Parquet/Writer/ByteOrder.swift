#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Unsigned byte-wise ordering of byte strings (Parquet's order for BYTE_ARRAY, STRING and
/// FIXED_LEN_BYTE_ARRAY statistics): `memcmp` on the common prefix, then the shorter first.
enum ByteOrder {
    /// < 0, 0 or > 0 as `a` sorts before, equal to, or after `b`.
    static func compare(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Int {
        let n = min(a.count, b.count)
        if n > 0, let pa = a.baseAddress, let pb = b.baseAddress {
            let c = memcmp(pa, pb, n)
            if c != 0 { return Int(c) }
        }
        return a.count - b.count
    }

    /// Scalar twin of `compare` (tests).
    static func compareScalar(_ a: [UInt8], _ b: [UInt8]) -> Int {
        for (x, y) in zip(a, b) where x != y { return Int(x) - Int(y) }
        return a.count - b.count
    }
}
