import Columnar

/// `event_time` text → UTC microseconds, with exactly the leniency of Spark's
/// `to_timestamp(s, 'yyyy-MM-dd HH:mm:ss')` under the LEGACY parser (`SimpleDateFormat`,
/// lenient = false, parse-prefix) — `docs/learning-base.md` §3.1:
///
/// * each of the six numbers may be preceded by spaces or TABs and has any number of ASCII
///   digits (leading zeros fine, no sign); the literals `-`, `-`, ` `, `:`, `:` must match exactly;
/// * whatever follows the seconds is ignored (` UTC`, `.999`, ` +0300`: not applied);
/// * month 1…12, day within the month (Julian leap rule and the 1582-10-05…14 gap before the
///   Gregorian reform), hour 0…23, minute and second 0…59, year ≥ 1; fraction truncated.
///
/// Documented difference: non-ASCII (e.g. Arabic-Indic) digits are not accepted (NULL).
/// Years above 294 000 (beyond Spark's timestamp range) are NULL.
/// Memory: none; pure function over the bytes.
public enum TimestampParser {
    /// The parsed value and whether the text was not in the canonical
    /// `YYYY-MM-DD HH:MM:SS` / `YYYY-MM-DD HH:MM:SS UTC` form (then the raw text is recorded).
    public struct Result: Equatable, Sendable {
        public var micros: Int64
        public var coerced: Bool
    }

    /// Parses `bytes`; nil when the reference would produce NULL.
    public static func parse(_ bytes: UnsafeRawBufferPointer) -> Result? {
        let n = bytes.count
        // Fast path: the canonical 19-byte form, optionally followed by exactly " UTC".
        if n == 19 || n == 23, let m = canonical(bytes) { return canonicalResult(m, bytes) }
        return lenient(bytes).map { Result(micros: $0, coerced: true) }
    }

    /// The last canonical date (`YYYY-MM-DD`, bytes 0..<10 as two little-endian words) that
    /// `parse(_:memo:)` saw, with the micros of its midnight. Rows of time-ordered input share
    /// their date, so only the time of day is parsed.
    public struct DateMemo: Sendable {
        var w0: UInt64 = 0
        var w1: UInt16 = 0
        var midnight: Int64 = 0
        var valid = false

        public init() {}
    }

    /// `parse(bytes)` (same result for every input), skipping the date fields and the calendar
    /// arithmetic when the first 10 bytes equal those of the last canonical value (`memo`).
    public static func parse(_ bytes: UnsafeRawBufferPointer, memo: inout DateMemo) -> Result? {
        let n = bytes.count
        guard n == 19 || n == 23 else { return parse(bytes) }
        let w0 = bytes.loadUnaligned(as: UInt64.self)
        let w1 = bytes.loadUnaligned(fromByteOffset: 8, as: UInt16.self)
        if memo.valid, w0 == memo.w0, w1 == memo.w1, let t = timeOfDay(bytes) {
            return canonicalResult(memo.midnight &+ t, bytes)
        }
        guard let m = canonical(bytes), let t = timeOfDay(bytes) else { return parse(bytes) }
        memo = DateMemo()
        (memo.w0, memo.w1, memo.midnight, memo.valid) = (w0, w1, m - t, true)
        return canonicalResult(m, bytes)
    }

    /// The result for canonical text of value `m`: exact when it ends after the seconds or
    /// with exactly " UTC".
    @inline(__always)
    private static func canonicalResult(_ m: Int64, _ bytes: UnsafeRawBufferPointer) -> Result {
        if bytes.count == 19 { return Result(micros: m, coerced: false) }
        let utc = bytes[19] == 0x20 && bytes[20] == 0x55 && bytes[21] == 0x54 && bytes[22] == 0x43
        return Result(micros: m, coerced: !utc)
    }

    /// Micros of the canonical ` HH:MM:SS` at bytes 10..<19 (hour < 24, minute and second
    /// < 60), nil when not canonical.
    @inline(__always)
    static func timeOfDay(_ b: UnsafeRawBufferPointer) -> Int64? {
        @inline(__always) func d(_ i: Int) -> Int64? {
            let c = b[i] &- 48
            return c < 10 ? Int64(c) : nil
        }
        guard b[10] == 0x20, b[13] == 0x3A, b[16] == 0x3A,
              let h0 = d(11), let h1 = d(12), let mi0 = d(14), let mi1 = d(15),
              let s0 = d(17), let s1 = d(18) else { return nil }
        let hour = h0 * 10 + h1, minute = mi0 * 10 + mi1, second = s0 * 10 + s1
        guard hour < 24, minute < 60, second < 60 else { return nil }
        return (hour * 3600 + minute * 60 + second) * CivilTime.microsPerSecond
    }

    static func canonical(_ b: UnsafeRawBufferPointer) -> Int64? {
        @inline(__always) func d(_ i: Int) -> Int64? {
            let c = b[i] &- 48
            return c < 10 ? Int64(c) : nil
        }
        guard b[4] == 0x2D, b[7] == 0x2D, b[10] == 0x20, b[13] == 0x3A, b[16] == 0x3A,
              let y0 = d(0), let y1 = d(1), let y2 = d(2), let y3 = d(3),
              let mo0 = d(5), let mo1 = d(6), let d0 = d(8), let d1 = d(9),
              let h0 = d(11), let h1 = d(12), let mi0 = d(14), let mi1 = d(15),
              let s0 = d(17), let s1 = d(18) else { return nil }
        return build(year: y0 * 1000 + y1 * 100 + y2 * 10 + y3, month: mo0 * 10 + mo1, day: d0 * 10 + d1,
                     hour: h0 * 10 + h1, minute: mi0 * 10 + mi1, second: s0 * 10 + s1)
    }

    static func lenient(_ b: UnsafeRawBufferPointer) -> Int64? {
        var i = 0
        var fields: (Int64, Int64, Int64, Int64, Int64, Int64) = (0, 0, 0, 0, 0, 0)
        let literals: (UInt8, UInt8, UInt8, UInt8, UInt8) = (0x2D, 0x2D, 0x20, 0x3A, 0x3A)
        for k in 0..<6 {
            if k > 0 {
                let lit: UInt8
                switch k {
                case 1: lit = literals.0
                case 2: lit = literals.1
                case 3: lit = literals.2
                case 4: lit = literals.3
                default: lit = literals.4
                }
                guard i < b.count, b[i] == lit else { return nil }
                i += 1
            }
            while i < b.count, b[i] == 0x20 || b[i] == 0x09 { i += 1 }
            var value: Int64 = 0
            var digits = 0
            while i < b.count, b[i] &- 48 < 10 {
                if value < 1_000_000_000_000 { value = value * 10 + Int64(b[i] &- 48) }
                digits += 1
                i += 1
            }
            guard digits > 0 else { return nil }
            switch k {
            case 0: fields.0 = value
            case 1: fields.1 = value
            case 2: fields.2 = value
            case 3: fields.3 = value
            case 4: fields.4 = value
            default: fields.5 = value
            }
        }
        return build(year: fields.0, month: fields.1, day: fields.2, hour: fields.3, minute: fields.4, second: fields.5)
    }

    /// Validated fields → micros (proleptic Gregorian day number of the same fields, as Spark's
    /// rebase of legacy dates produces); nil when the calendar rejects them.
    static func build(year: Int64, month: Int64, day: Int64, hour: Int64, minute: Int64, second: Int64) -> Int64? {
        guard year >= 1, year <= 294_000, month >= 1, month <= 12, day >= 1,
              hour < 24, minute < 60, second < 60 else { return nil }
        if year > 1582 || (year == 1582 && (month > 10 || (month == 10 && day >= 15))) {
            guard day <= CivilTime.daysInMonth(year: year, month: month) else { return nil }
        } else {
            // Julian calendar part of the hybrid calendar: every 4th year is a leap year.
            let dim: Int64 = month == 2 ? (year % 4 == 0 ? 29 : 28) : CivilTime.daysInMonth(year: 2001, month: month)
            guard day <= dim else { return nil }
            if year == 1582, month == 10, day >= 5 { return nil }  // the days dropped by the reform
        }
        let days = CivilTime.daysFromCivil(year: year, month: month, day: day)
        return days * CivilTime.microsPerDay + (hour * 3600 + minute * 60 + second) * CivilTime.microsPerSecond
    }

    /// Convenience for tests and small inputs.
    public static func parse(_ text: String) -> Result? {
        var s = text
        return s.withUTF8 { parse(UnsafeRawBufferPointer($0)) }
    }
}
