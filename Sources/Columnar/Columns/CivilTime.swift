/// Proleptic Gregorian calendar arithmetic on UTC timestamps (Howard Hinnant's algorithms),
/// shared by Ingest (parsing) and Query (windows, output formatting). No Foundation, no time
/// zones: every timestamp in `extract` is UTC microseconds since 1970-01-01T00:00:00Z.
public enum CivilTime {
    public static let microsPerSecond: Int64 = 1_000_000
    public static let microsPerDay: Int64 = 86_400_000_000

    /// Days since 1970-01-01 of the civil date y-m-d (m 1...12, d 1...31; not validated).
    @inlinable
    public static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The civil date of a day number (inverse of `daysFromCivil`).
    @inlinable
    public static func civilFromDays(_ days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? yoe + era * 400 + 1 : yoe + era * 400, m, d)
    }

    @inlinable public static func isLeapYear(_ y: Int64) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    @inlinable public static func daysInMonth(year: Int64, month: Int64) -> Int64 {
        switch month {
        case 2: isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Floor division of a timestamp into its UTC day number.
    @inlinable public static func dayNumber(micros: Int64) -> Int64 {
        micros >= 0 ? micros / microsPerDay : (micros - microsPerDay + 1) / microsPerDay
    }

    /// "YYYY-MM-DD" of a day number (years 0...9999 zero-padded to 4 digits).
    public static func isoDate(day: Int64) -> String {
        let (y, m, d) = civilFromDays(day)
        return pad(y, 4) + "-" + pad(m, 2) + "-" + pad(d, 2)
    }

    /// "YYYY-MM-DD HH:MM:SS" of a timestamp (second precision, fraction dropped).
    public static func isoDateTime(micros: Int64) -> String {
        let day = dayNumber(micros: micros)
        let secs = (micros - day * microsPerDay) / microsPerSecond
        return isoDate(day: day) + " " + pad(secs / 3600, 2) + ":" + pad(secs / 60 % 60, 2) + ":" + pad(secs % 60, 2)
    }

    /// Parses exactly "YYYY-MM-DD HH:MM:SS" (or "YYYY-MM-DD", meaning midnight) as UTC micros,
    /// calendar-validated. This is the strict format of command-line options, not the lenient
    /// event_time parser of the ingest.
    public static func parseStrict(_ text: String) -> Int64? {
        let b = Array(text.utf8)
        guard b.count == 19 || b.count == 10 else { return nil }
        func num(_ r: Range<Int>) -> Int64? {
            var v: Int64 = 0
            for i in r {
                guard b[i] >= 48 && b[i] <= 57 else { return nil }
                v = v * 10 + Int64(b[i] - 48)
            }
            return v
        }
        guard b[4] == 45, b[7] == 45, let y = num(0..<4), let mo = num(5..<7), let d = num(8..<10),
              y >= 1, (1...12).contains(mo), d >= 1, d <= daysInMonth(year: y, month: mo) else { return nil }
        var secs: Int64 = 0
        if b.count == 19 {
            guard b[10] == 32, b[13] == 58, b[16] == 58, let h = num(11..<13), let mi = num(14..<16),
                  let s = num(17..<19), h < 24, mi < 60, s < 60 else { return nil }
            secs = h * 3600 + mi * 60 + s
        }
        return daysFromCivil(year: y, month: mo, day: d) * microsPerDay + secs * microsPerSecond
    }

    private static func pad(_ v: Int64, _ width: Int) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}
