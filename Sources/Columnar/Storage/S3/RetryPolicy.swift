#if canImport(Glibc)
import Glibc
#endif

/// Retries of a failed S3 request: exponential backoff with full jitter (AWS's "exponential
/// backoff and jitter": attempt n waits a uniform random time in [0, min(maxDelay, base·2ⁿ)]),
/// at most `maxAttempts` attempts and at most `totalTime` seconds from the first. What is retried
/// is decided by `S3Failure.isRetryable` (5xx, 429, SlowDown, RequestTimeout, dropped or refused
/// connections, timeouts, truncated bodies); everything else fails at once.
public struct RetryPolicy: Sendable, Equatable {
    public var maxAttempts: Int
    /// Seconds; the first retry waits up to this.
    public var baseDelay: Double
    /// Seconds; no single wait is longer.
    public var maxDelay: Double
    /// Seconds from the first attempt after which no new attempt starts.
    public var totalTime: Double

    public init(maxAttempts: Int = 6, baseDelay: Double = 0.2, maxDelay: Double = 5, totalTime: Double = 60) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.totalTime = totalTime
    }

    /// The wait before attempt `attempt + 1` (attempt counts from 1), random in its window.
    func delay(after attempt: Int) -> Double {
        let ceiling = min(maxDelay, baseDelay * Double(1 << min(attempt - 1, 30)))
        return Double.random(in: 0...max(ceiling, 0))
    }

    /// Monotonic seconds.
    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    static func sleep(_ seconds: Double) {
        guard seconds > 0 else { return }
        var wanted = timespec(tv_sec: Int(seconds), tv_nsec: Int((seconds - Double(Int(seconds))) * 1e9))
        var left = timespec()
        while nanosleep(&wanted, &left) == -1 && errno == EINTR { wanted = left }
    }
}
