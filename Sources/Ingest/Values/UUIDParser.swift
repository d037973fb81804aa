/// Canonical lowercase UUID text (`8-4-4-4-12` hex digits, 36 bytes) → 16 bytes.
///
/// Only the canonical lowercase form is stored as a UUID: any other text (uppercase, braces,
/// spaces, other lengths) is kept verbatim in `user_session_raw`, so nothing is lost and
/// formatting the UUID back reproduces the input byte for byte. Memory: none.
public enum UUIDParser {
    /// Writes the 16 bytes into `out` (at least 16 bytes) and returns true when `b` is canonical.
    /// SIMD: the first 32 bytes are classified in one step (hex digits everywhere but the four
    /// hyphens), the nibbles computed lane-wise; `parseScalar` is the twin the tests compare to.
    public static func parse(_ b: UnsafeRawBufferPointer, into out: UnsafeMutableRawBufferPointer) -> Bool {
        guard b.count == 36 else { return false }
        let v = b.loadUnaligned(fromByteOffset: 0, as: SIMD32<UInt8>.self)
        let hex = ((v &- 48) .< 10) .| ((v &- 97) .< 6)
        let hyphen = v .== SIMD32<UInt8>(repeating: 0x2D)
        let hyphenBits: UInt32 = 1 << 8 | 1 << 13 | 1 << 18 | 1 << 23
        guard CSVScanner.movemask(hyphen) == hyphenBits, CSVScanner.movemask(hex) == ~hyphenBits else { return false }
        guard let t0 = nibble(b[32]), let t1 = nibble(b[33]), let t2 = nibble(b[34]), let t3 = nibble(b[35]) else {
            return false
        }
        // '0'...'9' → 0...9, 'a'...'f' → 10...15.
        let n = (v & SIMD32<UInt8>(repeating: 0x0F)) &+ (v &>> 6) &* SIMD32<UInt8>(repeating: 9)
        out[0] = n[0] << 4 | n[1]; out[1] = n[2] << 4 | n[3]; out[2] = n[4] << 4 | n[5]; out[3] = n[6] << 4 | n[7]
        out[4] = n[9] << 4 | n[10]; out[5] = n[11] << 4 | n[12]
        out[6] = n[14] << 4 | n[15]; out[7] = n[16] << 4 | n[17]
        out[8] = n[19] << 4 | n[20]; out[9] = n[21] << 4 | n[22]
        out[10] = n[24] << 4 | n[25]; out[11] = n[26] << 4 | n[27]; out[12] = n[28] << 4 | n[29]
        out[13] = n[30] << 4 | n[31]; out[14] = t0 << 4 | t1; out[15] = t2 << 4 | t3
        return true
    }

    /// Byte-at-a-time twin of `parse`.
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
