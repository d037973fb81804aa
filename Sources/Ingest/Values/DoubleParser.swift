#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Price text → Double with Spark's non-ANSI `cast(s as double)` (`docs/learning-base.md` §3.3):
/// `java.lang.Double.parseDouble` after trimming bytes ≤ 0x20 (not 0x7F), plus Spark's
/// case-insensitive special literals `[+]inf`, `[+]infinity`, `-inf`, `-infinity`, `nan`.
///
/// The Java decimal grammar is validated here (`[+-]? (d+ [. d*] | . d+) ([eE] [+-]? d+)? [fFdD]?`,
/// `[+-]?NaN`, `[+-]?Infinity`); only then is `strtod` called on the validated digits, so
/// `strtod`'s extra forms (hex, `inf` spellings, locale) can never leak in. Overflow → ±∞,
/// underflow → ±0, as `parseDouble` converts them, reported as `.outOfRange` (never silently).
/// Documented difference: Java hex floats (`0x1p3`) are NULL here.
/// Memory: a 64-byte stack buffer; longer numbers take one heap copy.
public enum DoubleParser {
    public enum Outcome: Equatable, Sendable {
        case null
        /// A plain decimal/exponent literal, stored as is.
        case exact(Double)
        /// Trimmed, suffixed (`12.5d`) or a special literal: stored, raw text recorded.
        case coerced(Double)
        /// Non-empty text the reference turns into NULL: NULL stored, raw text recorded.
        case invalid
        /// A finite literal beyond the double range: ±∞ for an overflow (`1e309`, 400 digits),
        /// ±0.0 for an underflow of a non-zero value (`4.9e-325`), as `parseDouble` gives;
        /// stored, raw text recorded.
        case outOfRange(Double)

        public static func == (a: Outcome, b: Outcome) -> Bool {
            switch (a, b) {
            case (.null, .null), (.invalid, .invalid): return true
            case (.exact(let x), .exact(let y)), (.coerced(let x), .coerced(let y)), (.outOfRange(let x), .outOfRange(let y)):
                return x.bitPattern == y.bitPattern || (x.isNaN && y.isNaN)
            default: return false
            }
        }
    }

    public static func parse(_ b: UnsafeRawBufferPointer) -> Outcome {
        if b.isEmpty { return .null }
        var start = 0
        var end = b.count
        while start < end, b[start] <= 0x20 { start += 1 }
        while end > start, b[end - 1] <= 0x20 { end -= 1 }
        if start == end { return .invalid }
        let trimmed = start != 0 || end != b.count
        // Grammar check.
        var i = start
        if b[i] == 0x2B || b[i] == 0x2D { i += 1 }
        let bodyStart = i
        var intDigits = 0, fracDigits = 0
        while i < end, b[i] &- 48 < 10 { i += 1; intDigits += 1 }
        if i < end, b[i] == 0x2E {
            i += 1
            while i < end, b[i] &- 48 < 10 { i += 1; fracDigits += 1 }
        }
        var numeric = intDigits + fracDigits > 0
        if numeric, i < end, b[i] | 0x20 == 0x65 {  // e / E
            var j = i + 1
            if j < end, b[j] == 0x2B || b[j] == 0x2D { j += 1 }
            var expDigits = 0
            while j < end, b[j] &- 48 < 10 { j += 1; expDigits += 1 }
            if expDigits == 0 { numeric = false } else { i = j }
        }
        var suffixed = false
        if numeric, i < end, b[i] | 0x20 == 0x66 || b[i] | 0x20 == 0x64 { i += 1; suffixed = true }
        if numeric, i == end {
            let numberEnd = suffixed ? end - 1 : end
            if let value = fastDecimal(b, start, numberEnd) {
                return trimmed || suffixed ? .coerced(value) : .exact(value)
            }
            let value = strtodConvert(b, start, numberEnd)
            if !value.isFinite || (value == 0 && hasNonZeroDigit(b, bodyStart, numberEnd)) { return .outOfRange(value) }
            return trimmed || suffixed ? .coerced(value) : .exact(value)
        }
        // Java's NaN / Infinity (case-sensitive, optional sign).
        let negative = b[start] == 0x2D
        if matches(b, bodyStart, end, "NaN") { return .coerced(.nan) }
        if matches(b, bodyStart, end, "Infinity") { return .coerced(negative ? -.infinity : .infinity) }
        // Spark's special literals (case-insensitive, on the trimmed text).
        if matchesFolded(b, start, end, "inf") || matchesFolded(b, start, end, "+inf")
            || matchesFolded(b, start, end, "infinity") || matchesFolded(b, start, end, "+infinity") {
            return .coerced(.infinity)
        }
        if matchesFolded(b, start, end, "-inf") || matchesFolded(b, start, end, "-infinity") {
            return .coerced(-.infinity)
        }
        if matchesFolded(b, start, end, "nan") { return .coerced(.nan) }
        return .invalid
    }

    private static func matches(_ b: UnsafeRawBufferPointer, _ s: Int, _ e: Int, _ word: StaticString) -> Bool {
        guard e - s == word.utf8CodeUnitCount else { return false }
        let w = word.utf8Start
        for k in 0..<(e - s) where b[s + k] != w[k] { return false }
        return true
    }

    private static func matchesFolded(_ b: UnsafeRawBufferPointer, _ s: Int, _ e: Int, _ word: StaticString) -> Bool {
        guard e - s == word.utf8CodeUnitCount else { return false }
        let w = word.utf8Start
        for k in 0..<(e - s) {
            let c = b[s + k]
            let folded = (c >= 0x41 && c <= 0x5A) ? c | 0x20 : c
            if folded != w[k] { return false }
        }
        return true
    }

    /// Exact fast path for validated text of the form `[+-]? d* [. d*]` with at most 15
    /// digits: the digits as an integer m < 2^53 divided by 10^k (k ≤ 15), both exact, so the
    /// one IEEE division is correctly rounded, as strtod is. nil for any other form.
    @inline(__always) static func fastDecimal(_ b: UnsafeRawBufferPointer, _ s: Int, _ e: Int) -> Double? {
        var i = s
        let negative = i < e && b[i] == 0x2D
        if i < e, b[i] == 0x2B || b[i] == 0x2D { i += 1 }
        var m: UInt64 = 0
        var digits = 0
        var fraction = -1
        while i < e {
            let c = b[i]
            let d = c &- 48
            if d < 10 {
                m = m &* 10 &+ UInt64(d)
                digits += 1
            } else if c == 0x2E && fraction < 0 {
                fraction = 0
                i += 1
                continue
            } else {
                return nil
            }
            if fraction >= 0 { fraction += 1 }
            i += 1
        }
        guard digits <= 15 else { return nil }
        var scale = 1.0
        var k = max(fraction, 0)
        while k > 0 { scale *= 10; k -= 1 }
        let v = Double(m) / scale
        return negative ? -v : v
    }

    /// Whether the mantissa of validated text `b[s..<e]` (sign already skipped) has a non-zero
    /// digit (the exponent is not looked at).
    private static func hasNonZeroDigit(_ b: UnsafeRawBufferPointer, _ s: Int, _ e: Int) -> Bool {
        var i = s
        while i < e {
            let c = b[i]
            if c | 0x20 == 0x65 { return false }
            if c &- 49 < 9 { return true }
            i += 1
        }
        return false
    }

    /// The strtod twin of `fastDecimal` (and the path for every other form).
    static func strtodConvert(_ b: UnsafeRawBufferPointer, _ s: Int, _ e: Int) -> Double {
        let len = e - s
        if len < 64 {
            return withUnsafeTemporaryAllocation(of: CChar.self, capacity: 64) { buf in
                for k in 0..<len { buf[k] = CChar(bitPattern: b[s + k]) }
                buf[len] = 0
                return strtod(buf.baseAddress!, nil)
            }
        }
        var copy = [CChar](repeating: 0, count: len + 1)
        for k in 0..<len { copy[k] = CChar(bitPattern: b[s + k]) }
        return strtod(copy, nil)
    }

    /// Convenience for tests.
    public static func parse(_ text: String) -> Outcome {
        var s = text
        return s.withUTF8 { parse(UnsafeRawBufferPointer($0)) }
    }
}
