#if canImport(Glibc)
import Glibc
#endif
import Columnar

/// Nanosecond monotonic clock.
enum MonotonicClock {
    static func now() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }

    static func seconds(since start: UInt64) -> Double { Double(now() &- start) / 1e9 }
}

enum StandardStreams {
    /// Writes all bytes to standard output.
    static func writeOut(_ bytes: UnsafeRawBufferPointer) throws {
        var done = 0
        while done < bytes.count {
            let n = write(1, bytes.baseAddress! + done, bytes.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw ColumnarError.io(path: "<stdout>", operation: "write", errno: errno)
            }
            done += n
        }
    }
}

/// "12.34" style seconds.
func formatSeconds(_ s: Double) -> String {
    let centi = Int((s * 100).rounded())
    let frac = centi % 100
    return "\(centi / 100).\(frac < 10 ? "0" : "")\(frac)"
}
