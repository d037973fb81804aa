/// 16 bytes → canonical lowercase UUID text (`8-4-4-4-12` hex digits, 36 bytes): the inverse of
/// `UUIDParser`, so parsing then formatting reproduces a canonical text byte for byte.
///
/// The one formatter of the project: ingest writes the session text column of schema version 2
/// with it (`SessionText`), the learning base formats version 1 sessions for its outputs
/// (`UserAccumulator`). In Columnar because both modules need it. Memory: none; writes exactly
/// 36 bytes at `out`, which the caller owns and must have room for.
public enum UUIDFormatter {
    /// Writes the 36-byte text of the uuid whose bytes, read big-endian, are `high` then `low`.
    /// Each group of 8 digits is made at once by `hexDigits`.
    @inlinable @inline(__always)
    public static func format(high h: UInt64, low l: UInt64, into out: UnsafeMutablePointer<UInt8>) {
        let raw = UnsafeMutableRawPointer(out)
        let a = hexDigits(UInt32(truncatingIfNeeded: h >> 32)), b = hexDigits(UInt32(truncatingIfNeeded: h))
        let c = hexDigits(UInt32(truncatingIfNeeded: l >> 32)), d = hexDigits(UInt32(truncatingIfNeeded: l))
        raw.storeBytes(of: a.littleEndian, toByteOffset: 0, as: UInt64.self)
        out[8] = 0x2D
        raw.storeBytes(of: UInt32(truncatingIfNeeded: b).littleEndian, toByteOffset: 9, as: UInt32.self)
        out[13] = 0x2D
        raw.storeBytes(of: UInt32(truncatingIfNeeded: b >> 32).littleEndian, toByteOffset: 14, as: UInt32.self)
        out[18] = 0x2D
        raw.storeBytes(of: UInt32(truncatingIfNeeded: c).littleEndian, toByteOffset: 19, as: UInt32.self)
        out[23] = 0x2D
        raw.storeBytes(of: UInt32(truncatingIfNeeded: c >> 32).littleEndian, toByteOffset: 24, as: UInt32.self)
        raw.storeBytes(of: d.littleEndian, toByteOffset: 28, as: UInt64.self)
    }

    /// The 8 lowercase hex digits of `x`, most significant first, as the bytes of a
    /// little-endian word: each nibble spread into its own byte, reordered, then `0`–`9`/`a`–`f`
    /// added without branches.
    @inlinable @inline(__always)
    public static func hexDigits(_ x: UInt32) -> UInt64 {
        var v = UInt64(x)
        v = (v | v << 16) & 0x0000_FFFF_0000_FFFF
        v = (v | v << 8) & 0x00FF_00FF_00FF_00FF
        v = (v | v << 4) & 0x0F0F_0F0F_0F0F_0F0F      // byte k = nibble k (least significant first)
        v = v.byteSwapped                             // most significant nibble in byte 0
        let letters = ((v &+ 0x0606_0606_0606_0606) >> 4) & 0x0101_0101_0101_0101
        return v &+ 0x3030_3030_3030_3030 &+ letters &* 39
    }
}
