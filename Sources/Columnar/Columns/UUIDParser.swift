/// Canonical lowercase UUID text (`8-4-4-4-12` hex digits, 36 bytes) → 16 bytes.
///
/// Only the canonical lowercase form is a UUID here: any other text (uppercase, braces, spaces,
/// other lengths) is not, so formatting the 16 bytes back reproduces the text byte for byte.
/// Ingest parses sessions with it (the store's user_session: 16 bytes in schema version 1,
/// kept to sort and format back in version 2); the learning base parses version 2's session
/// texts back to 16 bytes. In Columnar because both modules need it. Memory: none.
public enum UUIDParser {
    /// Writes the 16 bytes into `out` (at least 16 bytes) and returns true when `b` is canonical.
    /// (Scalar on purpose: a SIMD32 classification measured 10x slower, Swift's unsigned lane
    /// comparisons are not lowered to vector instructions.)
    @inlinable
    public static func parse(_ b: UnsafeRawBufferPointer, into out: UnsafeMutableRawBufferPointer) -> Bool {
        guard b.count == 36, b[8] == 0x2D, b[13] == 0x2D, b[18] == 0x2D, b[23] == 0x2D else { return false }
        // SWAR: four 8-hex-digit words (the 4-digit groups loaded in pairs).
        let w0 = b.loadUnaligned(fromByteOffset: 0, as: UInt64.self)
        let w1 = UInt64(b.loadUnaligned(fromByteOffset: 9, as: UInt32.self))
            | UInt64(b.loadUnaligned(fromByteOffset: 14, as: UInt32.self)) << 32
        let w2 = UInt64(b.loadUnaligned(fromByteOffset: 19, as: UInt32.self))
            | UInt64(b.loadUnaligned(fromByteOffset: 24, as: UInt32.self)) << 32
        let w3 = b.loadUnaligned(fromByteOffset: 28, as: UInt64.self)
        guard let x0 = hex8(w0), let x1 = hex8(w1), let x2 = hex8(w2), let x3 = hex8(w3) else { return false }
        out.storeBytes(of: x0, toByteOffset: 0, as: UInt32.self)
        out.storeBytes(of: x1, toByteOffset: 4, as: UInt32.self)
        out.storeBytes(of: x2, toByteOffset: 8, as: UInt32.self)
        out.storeBytes(of: x3, toByteOffset: 12, as: UInt32.self)
        return true
    }

    /// Eight lowercase hex digits (little-endian word, first digit in the low byte) → their four
    /// bytes (first byte in the low byte), or nil if any byte is not `[0-9a-f]`.
    @inlinable @inline(__always) static func hex8(_ w: UInt64) -> UInt32? {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let high: UInt64 = 0x8080_8080_8080_8080
        if w & high != 0 { return nil }
        // Per byte c < 0x80: c + (0x80 − t) has its high bit set iff c ≥ t (no carry out of a byte).
        let ge30 = w &+ ones &* 0x50, ge3A = w &+ ones &* 0x46
        let ge61 = w &+ ones &* 0x1F, ge67 = w &+ ones &* 0x19
        let ok = (ge30 & ~ge3A) | (ge61 & ~ge67)
        if ok & high != high { return nil }
        let n = (w & (ones &* 0x0F)) &+ ((w >> 6) & ones) &* 9
        var x = ((n << 4) | (n >> 8)) & 0x00FF_00FF_00FF_00FF
        x = (x | (x >> 8)) & 0x0000_FFFF_0000_FFFF
        x = (x | (x >> 16)) & 0xFFFF_FFFF
        return UInt32(truncatingIfNeeded: x).littleEndian
    }

    /// The scalar twin of `parse` (tests compare them).
    public static func parseScalar(_ b: UnsafeRawBufferPointer, into out: UnsafeMutableRawBufferPointer) -> Bool {
        guard b.count == 36, b[8] == 0x2D, b[13] == 0x2D, b[18] == 0x2D, b[23] == 0x2D else { return false }
        var i = 0
        var k = 0
        while k < 16 {
            if i == 8 || i == 13 || i == 18 || i == 23 { i += 1 }
            guard let hi = nibble(b[i]), let lo = nibble(b[i + 1]) else { return false }
            out[k] = hi << 4 | lo
            i += 2
            k += 1
        }
        return true
    }

    static func nibble(_ c: UInt8) -> UInt8? {
        let d = c &- 48
        if d < 10 { return d }
        let h = c &- 97
        if h < 6 { return h + 10 }
        return nil
    }

    /// The canonical text of 16 bytes.
    public static func format(_ bytes: some Collection<UInt8>) -> String {
        let hex = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(36)
        for (k, v) in bytes.enumerated() {
            if k == 4 || k == 6 || k == 8 || k == 10 { out.append(0x2D) }
            out.append(hex[Int(v >> 4)])
            out.append(hex[Int(v & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Convenience for tests: the 16 bytes, or nil when not canonical.
    public static func parse(_ text: String) -> [UInt8]? {
        var s = text
        var out = [UInt8](repeating: 0, count: 16)
        let ok = s.withUTF8 { src in out.withUnsafeMutableBytes { parse(UnsafeRawBufferPointer(src), into: $0) } }
        return ok ? out : nil
    }
}
