/// Canonical lowercase UUID text (`8-4-4-4-12` hex digits, 36 bytes) → 16 bytes.
///
/// Only the canonical lowercase form is stored as a UUID: any other text (uppercase, braces,
/// spaces, other lengths) is kept verbatim in `user_session_raw`, so nothing is lost and
/// formatting the UUID back reproduces the input byte for byte. Memory: none.
public enum UUIDParser {
    /// Writes the 16 bytes into `out` (at least 16 bytes) and returns true when `b` is canonical.
    /// (Scalar on purpose: a SIMD32 classification measured 10x slower, Swift's unsigned lane
    /// comparisons are not lowered to vector instructions.)
    public static func parse(_ b: UnsafeRawBufferPointer, into out: UnsafeMutableRawBufferPointer) -> Bool {
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
