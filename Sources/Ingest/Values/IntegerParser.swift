/// Id text → Int64 with Spark's `cast(s as int)` leniency (`docs/learning-base.md` §3.2, the
/// `UTF8String.toLong` algorithm) but WITHOUT the 32-bit range rule: ids are stored as Int64
/// faithfully and the query applies the 32-bit rule later.
///
/// * leading/trailing bytes ≤ 0x20 and 0x7F are stripped (NBSP is not);
/// * optional `+`/`-` (a lone sign is NULL);
/// * ASCII digits, optionally followed by `.` and only digits, which are truncated (`'.'` → 0);
/// * Int64 overflow → NULL; anything else (`'1e3'`, `'0x10'`, `'1_000'`, `'1,5'`) → NULL.
/// Memory: none.
public enum IntegerParser {
    public enum Outcome: Equatable, Sendable {
        /// Empty field: NULL, nothing lost.
        case null
        /// The canonical text of `value` (`-?[1-9][0-9]*` or `0`): stored as is.
        case exact(Int64)
        /// A value the reference computes from a non-canonical text (trimmed, truncated, `+`,
        /// leading zeros, `-0`): stored, raw text recorded.
        case coerced(Int64)
        /// The reference computes NULL from a non-empty text: NULL stored, raw text recorded.
        case invalid
    }

    public static func parse(_ b: UnsafeRawBufferPointer) -> Outcome {
        let n = b.count
        if n == 0 { return .null }
        // Fast path: plain digits, no leading zero, at most 19 of them (fit a UInt64); eight at
        // a time while eight remain (SWAR), then one by one. `slow` is its scalar twin.
        if n <= 19, b[0] != 0x30 || n == 1 {
            var v: UInt64 = 0
            var ok = true
            var i = 0
            while i &+ 8 <= n {
                guard let d = eightDigits(b.loadUnaligned(fromByteOffset: i, as: UInt64.self).littleEndian) else {
                    ok = false
                    break
                }
                v = v &* 100_000_000 &+ d
                i &+= 8
            }
            while ok && i < n {
                let d = b[i] &- 48
                if d >= 10 { ok = false; break }
                v = v &* 10 &+ UInt64(d)
                i &+= 1
            }
            if ok && v <= UInt64(Int64.max) { return .exact(Int64(v)) }
        }
        return slow(b)
    }

    /// Eight ASCII digits (little-endian word, first digit in the low byte) → their value, or
    /// nil if any byte is not `0`…`9`.
    @inline(__always) static func eightDigits(_ w: UInt64) -> UInt64? {
        // Every byte 0x30…0x39: high nibble 3, and adding 6 does not carry into it.
        guard w & 0xF0F0_F0F0_F0F0_F0F0 == 0x3030_3030_3030_3030,
              (w &+ 0x0606_0606_0606_0606) & 0xF0F0_F0F0_F0F0_F0F0 == 0x3030_3030_3030_3030 else { return nil }
        var v = w & 0x0F0F_0F0F_0F0F_0F0F
        v = (v &* 2561) >> 8
        v = ((v & 0x00FF_00FF_00FF_00FF) &* 6_553_601) >> 16
        return ((v & 0x0000_FFFF_0000_FFFF) &* 42_949_672_960_001) >> 32
    }

    static func slow(_ b: UnsafeRawBufferPointer) -> Outcome {
        @inline(__always) func isTrim(_ c: UInt8) -> Bool { c <= 0x20 || c == 0x7F }
        var start = 0
        var end = b.count - 1
        while start < b.count, isTrim(b[start]) { start += 1 }
        if start == b.count { return .invalid }
        while end > start, isTrim(b[end]) { end -= 1 }
        let first = b[start]
        let negative = first == 0x2D
        var i = start
        if negative || first == 0x2B {
            if end == start { return .invalid }
            i += 1
        }
        // Accumulate negatively, like Java, so that Int64.min is representable.
        var result: Int64 = 0
        let stop = Int64.min / 10
        var sawDot = false
        while i <= end {
            let c = b[i]
            i += 1
            if c == 0x2E { sawDot = true; break }
            let d = c &- 48
            if d >= 10 { return .invalid }
            if result < stop { return .invalid }
            let (r, o) = result.multipliedReportingOverflow(by: 10)
            if o { return .invalid }
            let (r2, o2) = r.subtractingReportingOverflow(Int64(d))
            if o2 { return .invalid }
            result = r2
        }
        while i <= end {
            if b[i] &- 48 >= 10 { return .invalid }
            i += 1
        }
        if !negative {
            if result == Int64.min { return .invalid }
            result = -result
        }
        // Canonical: nothing trimmed, no '+', no '.', no leading zero, not "-0".
        let digitsStart = negative ? 1 : 0
        let canonical = start == 0 && end == b.count - 1 && !sawDot && first != 0x2B
            && (b.count - digitsStart == 1 || b[digitsStart] != 0x30) && !(negative && result == 0)
        return canonical ? .exact(result) : .coerced(result)
    }

    /// Convenience for tests.
    public static func parse(_ text: String) -> Outcome {
        var s = text
        return s.withUTF8 { parse(UnsafeRawBufferPointer($0)) }
    }
}
