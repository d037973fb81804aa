import Columnar

/// An inclusive UTC time window `[start, end]` in microseconds, as given by `--start`/`--end`.
/// `start >= end` is an error (the reference job exits 2 on equality too).
public struct TimeWindow: Sendable, Equatable {
    public let startMicros: Int64
    public let endMicros: Int64

    public init(startMicros: Int64, endMicros: Int64) throws(QueryError) {
        guard startMicros < endMicros else {
            throw .invalidWindow("--start (\(CivilTime.isoDateTime(micros: startMicros))) must be before --end (\(CivilTime.isoDateTime(micros: endMicros)))")
        }
        self.startMicros = startMicros
        self.endMicros = endMicros
    }

    /// Parses 'YYYY-MM-DD HH:MM:SS' (or 'YYYY-MM-DD') bounds.
    public init(start: String, end: String) throws(QueryError) {
        guard let s = CivilTime.parseStrict(start) else {
            throw .invalidWindow("--start '\(start)' is not a valid 'YYYY-MM-DD HH:MM:SS' UTC time")
        }
        guard let e = CivilTime.parseStrict(end) else {
            throw .invalidWindow("--end '\(end)' is not a valid 'YYYY-MM-DD HH:MM:SS' UTC time")
        }
        try self.init(startMicros: s, endMicros: e)
    }

    /// UTC day numbers (days since 1970-01-01) the window touches, first and last inclusive.
    public var dayRange: ClosedRange<Int64> {
        CivilTime.dayNumber(micros: startMicros)...CivilTime.dayNumber(micros: endMicros)
    }

    @inlinable public func contains(_ micros: Int64) -> Bool { micros >= startMicros && micros <= endMicros }
}
