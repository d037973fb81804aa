import Columnar

/// The text encodings of the reference job's CSV writer (Spark/univocity defaults,
/// docs/learning-base.md §5.3), appending straight into a byte buffer.
public enum CSVText {
    /// A string field: trimmed of leading/trailing bytes ≤ 0x20; quoted when the *untrimmed*
    /// value contains `,` `"` CR or LF, with `"` → `\"` and `\` → `\\` inside the quotes;
    /// an empty (or whitespace-only) value is written `""`.
    ///
    /// Fast path: a value that needs neither trimming nor quoting (the usual case) is copied
    /// as is after a word-at-a-time scan; anything else goes through `appendStringGeneral`.
    @inline(__always)
    public static func appendString<O: ByteOutput & ~Copyable>(_ bytes: UnsafeRawBufferPointer, to out: inout O) {
        if isVerbatim(bytes) { out.append(contentsOf: bytes) } else { appendStringGeneral(bytes, to: &out) }
    }

    /// True when `appendStringGeneral` would write `bytes` unchanged: not empty, first and last
    /// byte above 0x20, and no `,` `"` CR or LF (checked 8 bytes at a time).
    @inline(__always)
    static func isVerbatim(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let n = bytes.count
        guard n > 0, bytes[0] > 0x20, bytes[n &- 1] > 0x20 else { return false }
        var i = 0
        while i &+ 8 <= n {
            let w = bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            if hasByte(w, 0x2C) || hasByte(w, 0x22) || hasByte(w, 0x0D) || hasByte(w, 0x0A) { return false }
            i &+= 8
        }
        while i < n {
            let b = bytes[i]
            if b == 0x2C || b == 0x22 || b == 0x0D || b == 0x0A { return false }
            i &+= 1
        }
        return true
    }

    /// True when some byte of `w` equals `b` (exact: the classic zero-byte test on `w ^ bbbb…`).
    @inline(__always)
    static func hasByte(_ w: UInt64, _ b: UInt8) -> Bool {
        let x = w ^ (0x0101_0101_0101_0101 &* UInt64(b))
        return (x &- 0x0101_0101_0101_0101) & ~x & 0x8080_8080_8080_8080 != 0
    }

    /// The byte-at-a-time string encoding (any value; the safe twin of the fast path).
    public static func appendStringGeneral<O: ByteOutput & ~Copyable>(_ bytes: UnsafeRawBufferPointer, to out: inout O) {
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

    public static func appendString<O: ByteOutput & ~Copyable>(_ s: String, to out: inout O) {
        var s = s
        s.withUTF8 { appendString(UnsafeRawBufferPointer($0), to: &out) }
    }

    /// "00" "01" … "99": the two ASCII digits of each value below 100, as a literal in
    /// read-only data (no lazy global initialisation on the hot path).
    @inline(__always)
    static var digitPairs: UnsafePointer<UInt8> {
        let text: StaticString = "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899"
        return text.utf8Start
    }

    /// The number of decimal digits of `v` (1…20): a few comparisons below 10¹⁰ (every id
    /// and count of the output), a loop above.
    @inline(__always)
    static func decimalDigitCount(_ v: UInt64) -> Int {
        if v < 10_000 {
            if v < 100 { return v < 10 ? 1 : 2 }
            return v < 1000 ? 3 : 4
        }
        if v < 100_000_000 {
            if v < 1_000_000 { return v < 100_000 ? 5 : 6 }
            return v < 10_000_000 ? 7 : 8
        }
        if v < 10_000_000_000 { return v < 1_000_000_000 ? 9 : 10 }
        var n = 11
        var bound: UInt64 = 100_000_000_000
        while n < 19 && v >= bound { n &+= 1; bound &*= 10 }
        return n == 19 && v >= bound ? 20 : n
    }

    /// Plain decimal of an unsigned integer: the digit count first, then two digits per step
    /// from `digitPairs` written in place (`appendDecimalGeneral` is the digit-by-digit twin).
    @inline(__always)
    public static func appendDecimal<O: ByteOutput & ~Copyable>(_ v: UInt64, to out: inout O) {
        if v < 10 { out.append(UInt8(truncatingIfNeeded: v) &+ 48); return }
        let n = decimalDigitCount(v)
        let pairs = digitPairs
        out.appendUninitialized(n) { buf in
            var x = v
            var i = n
            while x >= 100 {
                let r = Int(truncatingIfNeeded: x % 100) &* 2
                x /= 100
                i &-= 2
                buf[i] = pairs[r]
                buf[i &+ 1] = pairs[r &+ 1]
            }
            if x >= 10 {
                buf[0] = pairs[Int(x) &* 2]
                buf[1] = pairs[Int(x) &* 2 &+ 1]
            } else {
                buf[0] = UInt8(truncatingIfNeeded: x) &+ 48
            }
        }
    }

    /// Digit-by-digit decimal (the safe twin of `appendDecimal`).
    public static func appendDecimalGeneral<O: ByteOutput & ~Copyable>(_ v: UInt64, to out: inout O) {
        if v < 10 { out.append(UInt8(truncatingIfNeeded: v) &+ 48); return }
        var digits: [UInt8] = []
        var x = v
        while x > 0 { digits.append(UInt8(truncatingIfNeeded: x % 10) &+ 48); x /= 10 }
        for d in digits.reversed() { out.append(d) }
    }

    @inline(__always)
    public static func appendInt<O: ByteOutput & ~Copyable>(_ v: Int64, to out: inout O) {
        if v < 0 { out.append(UInt8(ascii: "-")) }
        appendDecimal(v.magnitude, to: &out)
    }

    @inline(__always)
    static func append2<O: ByteOutput & ~Copyable>(_ v: Int64, to out: inout O) {
        out.append(UInt8(truncatingIfNeeded: v / 10) &+ 48)
        out.append(UInt8(truncatingIfNeeded: v % 10) &+ 48)
    }

    /// `yyyy-MM-dd'T'HH:mm:ss.SSS'Z'` of a UTC timestamp (Spark's `…SSSXXX` in UTC).
    /// Years 1000–9999 are formatted into a 24-byte scratch and appended at once; other years
    /// go through `appendTimestampGeneral` (the safe twin).
    @inline(__always)
    public static func appendTimestamp<O: ByteOutput & ~Copyable>(_ micros: Int64, to out: inout O) {
        let day = micros >= 0 ? micros / 86_400_000_000 : (micros - 86_400_000_000 + 1) / 86_400_000_000
        let inDay = micros &- day &* 86_400_000_000
        let (y, m, d) = CivilTime.civilFromDays(day)
        guard y >= 1000 && y <= 9999 else { appendTimestampGeneral(micros, to: &out); return }
        let secs = inDay / 1_000_000
        let millis = Int(inDay / 1000 % 1000)
        let pairs = digitPairs
        out.appendUninitialized(24) { buf in
            @inline(__always) func put2(_ v: Int, _ at: Int) {
                buf[at] = pairs[v &* 2]
                buf[at &+ 1] = pairs[v &* 2 &+ 1]
            }
            put2(Int(y / 100), 0); put2(Int(y % 100), 2); buf[4] = 0x2D
            put2(Int(m), 5); buf[7] = 0x2D
            put2(Int(d), 8); buf[10] = 0x54
            put2(Int(secs / 3600), 11); buf[13] = 0x3A
            put2(Int(secs / 60 % 60), 14); buf[16] = 0x3A
            put2(Int(secs % 60), 17); buf[19] = 0x2E
            buf[20] = UInt8(truncatingIfNeeded: millis / 100) &+ 48
            put2(millis % 100, 21); buf[23] = 0x5A
        }
    }

    /// The general timestamp text (any year: sign and at least four digits).
    public static func appendTimestampGeneral<O: ByteOutput & ~Copyable>(_ micros: Int64, to out: inout O) {
        let day = micros >= 0 ? micros / 86_400_000_000 : (micros - 86_400_000_000 + 1) / 86_400_000_000
        let inDay = micros - day * 86_400_000_000
        let (y, m, d) = CivilTime.civilFromDays(day)
        if y < 0 { out.append(UInt8(ascii: "-")) }
        let year = y.magnitude
        if year < 1000 {
            for p in [UInt64(1000), 100, 10] where year < p { out.append(48) }
        }
        appendDecimalGeneral(year, to: &out)
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
