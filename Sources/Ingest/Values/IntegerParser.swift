/// Id text → Int64 with Spark's `cast(s as int)` leniency (`learning-base.md` §3.2, the
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
        // Fast path: plain digits, no leading zero, at most 19 of them (fit a UInt64).
        if n <= 19, b[0] != 0x30 || n == 1 {
            var v: UInt64 = 0
            var ok = true
            for i in 0..<n {
                let d = b[i] &- 48
                if d >= 10 { ok = false; break }
                v = v &* 10 &+ UInt64(d)
            }
            if ok && v <= UInt64(Int64.max) { return .exact(Int64(v)) }
        }
        return slow(b)
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
