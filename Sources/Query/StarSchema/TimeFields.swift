import Columnar

/// The calendar fields of the `time` table for one UTC timestamp.
///
/// `week` is the ISO-8601 week number (weeks start on Monday; week 1 holds the year's first
/// Thursday), so 2018-12-31 is week 1. `weekday` is ISO too: 1 = Monday … 7 = Sunday (DuckDB
/// `isodow`). `year`, `month`, `day` are the calendar date's (not the ISO week-year).
public struct TimeFields: Sendable, Equatable {
    public var hour: Int32
    public var day: Int32
    public var week: Int32
    public var month: Int32
    public var year: Int32
    public var weekday: Int32

    public init(micros: Int64) {
        let days = CivilTime.dayNumber(micros: micros)
        let (y, m, d) = CivilTime.civilFromDays(days)
        hour = Int32((micros - days * CivilTime.microsPerDay) / (3600 * CivilTime.microsPerSecond))
        day = Int32(d)
        month = Int32(m)
        year = Int32(y)
        // 1970-01-01 was a Thursday (ISO 4).
        let iso = ((days % 7 + 7 + 3) % 7) + 1
        weekday = Int32(iso)
        let thursday = days - (iso - 1) + 3
        let isoYear = CivilTime.civilFromDays(thursday).year
        let dayOfYear = thursday - CivilTime.daysFromCivil(year: isoYear, month: 1, day: 1)
        week = Int32(dayOfYear / 7 + 1)
    }
}

/// The stable identifier of a songplay: FNV-1a 64 over the UTF-8 text
/// `"<ts ms>|<userId>|<sessionId>|<itemInSession>"` (nulls as empty text), read as a signed
/// Int64. Derived only from the event, so it is the same on every run and for any window.
public enum SongplayID {
    public static func make(tsMillis: Int64, userId: UnsafeRawBufferPointer, sessionId: Int64?, itemInSession: Int32?) -> Int64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        @inline(__always) func mix(_ b: UInt8) {
            h ^= UInt64(b)
            h = h &* 0x0000_0100_0000_01B3
        }
        @inline(__always) func mixDecimal(_ v: Int64) {
            if v < 0 { mix(UInt8(ascii: "-")) }
            var m = v.magnitude
            var p: UInt64 = 1
            while m / p >= 10 { p &*= 10 }
            while p > 0 {
                mix(UInt8(truncatingIfNeeded: m / p) &+ 0x30)
                m %= p
                p /= 10
            }
        }
        mixDecimal(tsMillis)
        mix(UInt8(ascii: "|"))
        for b in userId { mix(b) }
        mix(UInt8(ascii: "|"))
        if let sessionId { mixDecimal(sessionId) }
        mix(UInt8(ascii: "|"))
        if let itemInSession { mixDecimal(Int64(itemInSession)) }
        return Int64(bitPattern: h)
    }
}
