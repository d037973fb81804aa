import Columnar

/// The text encodings of the reference job's CSV writer (Spark/univocity defaults,
/// learning-base.md §5.3), appending straight into a byte buffer.
public enum CSVText {
    /// A string field: trimmed of leading/trailing bytes ≤ 0x20; quoted when the *untrimmed*
    /// value contains `,` `"` CR or LF, with `"` → `\"` and `\` → `\\` inside the quotes;
    /// an empty (or whitespace-only) value is written `""`.
    public static func appendString<O: ByteOutput>(_ bytes: UnsafeRawBufferPointer, to out: inout O) {
        var needsQuotes = false
        for b in bytes where b == 0x2C || b == 0x22 || b == 0x0D || b == 0x0A { needsQuotes = true; break }
        var lo = 0, hi = bytes.count
        while lo < hi && bytes[lo] <= 0x20 { lo += 1 }
        while hi > lo && bytes[hi - 1] <= 0x20 { hi -= 1 }
        if lo == hi { out.append(0x22); out.append(0x22); return }
        let trimmed = UnsafeRawBufferPointer(rebasing: bytes[lo..<hi])
        if !needsQuotes { out.append(contentsOf: trimmed); return }
        out.append(0x22)
        for b in trimmed {
            if b == 0x22 || b == 0x5C { out.append(0x5C) }
            out.append(b)
        }
        out.append(0x22)
    }

    public static func appendString<O: ByteOutput>(_ s: String, to out: inout O) {
        var s = s
        s.withUTF8 { appendString(UnsafeRawBufferPointer($0), to: &out) }
    }

    /// Plain decimal of an unsigned integer.
    @inline(__always)
    public static func appendDecimal<O: ByteOutput>(_ v: UInt64, to out: inout O) {
        if v < 10 { out.append(UInt8(truncatingIfNeeded: v) &+ 48); return }
        var tmp: (UInt64, UInt64, UInt64) = (0, 0, 0)
        var n = 0
        var x = v
        withUnsafeMutableBytes(of: &tmp) { buf in
            while x > 0 { buf[n] = UInt8(truncatingIfNeeded: x % 10) &+ 48; x /= 10; n &+= 1 }
            var i = n &- 1
            while i >= 0 { out.append(buf[i]); i &-= 1 }
        }
    }

    @inline(__always)
    public static func appendInt<O: ByteOutput>(_ v: Int64, to out: inout O) {
        if v < 0 { out.append(UInt8(ascii: "-")) }
        appendDecimal(v.magnitude, to: &out)
    }

    @inline(__always)
    static func append2<O: ByteOutput>(_ v: Int64, to out: inout O) {
        out.append(UInt8(truncatingIfNeeded: v / 10) &+ 48)
        out.append(UInt8(truncatingIfNeeded: v % 10) &+ 48)
    }

    /// `yyyy-MM-dd'T'HH:mm:ss.SSS'Z'` of a UTC timestamp (Spark's `…SSSXXX` in UTC).
    public static func appendTimestamp<O: ByteOutput>(_ micros: Int64, to out: inout O) {
        let day = micros >= 0 ? micros / 86_400_000_000 : (micros - 86_400_000_000 + 1) / 86_400_000_000
        let inDay = micros - day * 86_400_000_000
        let (y, m, d) = CivilTime.civilFromDays(day)
        if y < 0 { out.append(UInt8(ascii: "-")) }
        let year = y.magnitude
        if year < 1000 {
            for p in [UInt64(1000), 100, 10] where year < p { out.append(48) }
        }
        appendDecimal(year, to: &out)
        out.append(UInt8(ascii: "-")); append2(m, to: &out)
        out.append(UInt8(ascii: "-")); append2(d, to: &out)
        out.append(UInt8(ascii: "T"))
        let secs = inDay / 1_000_000
        append2(secs / 3600, to: &out); out.append(UInt8(ascii: ":"))
        append2(secs / 60 % 60, to: &out); out.append(UInt8(ascii: ":"))
        append2(secs % 60, to: &out); out.append(UInt8(ascii: "."))
        let millis = inDay / 1000 % 1000
        out.append(UInt8(truncatingIfNeeded: millis / 100) &+ 48)
        append2(millis % 100, to: &out)
        out.append(UInt8(ascii: "Z"))
    }
}
