#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Columnar

/// Clocks shared by the CSV and JSON ingests: a monotonic clock for durations and the UTC wall
/// time for the `ingestedAt` of manifest source records.
enum IngestClock {
    /// Monotonic seconds (for elapsed times only).
    static func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }

    /// The current UTC time as "YYYY-MM-DDTHH:MM:SSZ".
    static func isoNow() -> String {
        var t = timespec()
        clock_gettime(CLOCK_REALTIME, &t)
        let s = CivilTime.isoDateTime(micros: Int64(t.tv_sec) * 1_000_000)
        return String(s.prefix(10)) + "T" + String(s.dropFirst(11)) + "Z"
    }
}
