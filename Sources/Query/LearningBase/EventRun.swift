import Columnar

/// Min/max of one batch of a run, for pruning (nil = unknown, never pruned on).
public struct BatchBounds: Sendable, Equatable {
    public var rows: Int
    public var userMin: Int64?
    public var userMax: Int64?
    public var timeMin: Int64?
    public var timeMax: Int64?

    public init(rows: Int, userMin: Int64? = nil, userMax: Int64? = nil, timeMin: Int64? = nil, timeMax: Int64? = nil) {
        self.rows = rows
        self.userMin = userMin
        self.userMax = userMax
        self.timeMin = timeMin
        self.timeMax = timeMax
    }

    /// False when no row of the batch can be inside the window and the user range.
    func mayMatch(_ window: TimeWindow, users: Range<Int64>) -> Bool {
        if rows == 0 { return false }
        if let t = timeMax, t < window.startMicros { return false }
        if let t = timeMin, t > window.endMicros { return false }
        if let u = userMax, u < users.lowerBound { return false }
        if let u = userMin, u >= users.upperBound { return false }
        return true
    }

    /// True when some row may lie outside the window (a boundary batch needing the row filter).
    func needsTimeFilter(_ window: TimeWindow) -> Bool {
        guard let lo = timeMin, let hi = timeMax else { return true }
        return lo < window.startMicros || hi > window.endMicros
    }
}

/// One sorted run of event batches: a store file (its row groups) or an in-memory list.
/// Rows are sorted by (user_id NULLs first, event_time, input order) across the whole run.
/// `load` is called at most once per batch per worker, in increasing order.
public protocol EventRun: Sendable {
    /// A name for error messages (the file path).
    var name: String { get }
    var batchCount: Int { get }
    func bounds(batch: Int) -> BatchBounds
    func load(batch: Int) throws(QueryError) -> RecordBatch
}

/// A run held in memory (tests, small inputs). Bounds are computed from the data.
public struct InMemoryRun: EventRun {
    public let name: String
    public let batches: [RecordBatch]
    private let computedBounds: [BatchBounds]

    public init(name: String = "memory", batches: [RecordBatch]) {
        self.name = name
        self.batches = batches
        computedBounds = batches.map { batch in
            var b = BatchBounds(rows: batch.rowCount)
            if let t = batch.column(named: EventColumns.eventTime)?.int64Column, !t.values.isEmpty {
                b.timeMin = t.values.min()
                b.timeMax = t.values.max()
            }
            if let u = batch.column(named: EventColumns.userId)?.int64Column {
                let valid = (0..<u.count).filter { u.isValid($0) }.map { u.values[$0] }
                b.userMin = valid.min()
                b.userMax = valid.max()
            }
            return b
        }
    }

    public var batchCount: Int { batches.count }
    public func bounds(batch: Int) -> BatchBounds { computedBounds[batch] }
    public func load(batch: Int) throws(QueryError) -> RecordBatch { batches[batch] }
}
