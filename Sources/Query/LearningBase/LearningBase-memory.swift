import Columnar

/// The learning base (docs/learning-base.md) over sorted event runs, computed in memory.
extension LearningBase {
    /// Computes the learning base of `runs` (each sorted by user_id NULLs first, event_time)
    /// over `window`, in output order (user_id, start_time, user_session, product_id NULL first).
    /// `workers` > 1 splits the user-id space as the store path does. Memory: every output row.
    public static func rows(runs: [any EventRun], window: TimeWindow, workers: Int = 1) throws(QueryError) -> [LearningBaseRow] {
        let ranges = UserSplit.ranges(runs: runs, window: window, workers: workers)
        let shared = SharedBatches(runs: runs, window: window, ranges: ranges)
        let results = try parallel(ranges.count) { (i: Int) throws(QueryError) -> [LearningBaseRow] in
            var sink = RowCollector()
            _ = try MergeEngine.execute(runs: runs, window: window, users: ranges[i], shared: shared, sink: &sink)
            return sink.rows
        }
        return results.flatMap { $0 }
    }

    /// The CSV text (header included) of the learning base of `runs` over `window`.
    public static func csv(runs: [any EventRun], window: TimeWindow, workers: Int = 1) throws(QueryError) -> [UInt8] {
        let ranges = UserSplit.ranges(runs: runs, window: window, workers: workers)
        let shared = SharedBatches(runs: runs, window: window, ranges: ranges)
        let parts = try parallel(ranges.count) { (i: Int) throws(QueryError) -> ContiguousArray<UInt8> in
            var sink = BufferSink()
            _ = try MergeEngine.execute(runs: runs, window: window, users: ranges[i], shared: shared, sink: &sink)
            return sink.buffer
        }
        var out = ContiguousArray<UInt8>()
        CSVSink.appendHeader(to: &out)
        for p in parts { out.append(contentsOf: p) }
        return Array(out)
    }
}

/// A CSV sink that keeps the text in memory (no header).
struct BufferSink: LearningBaseSink {
    var buffer = ContiguousArray<UInt8>()
    mutating func consume(_ user: UserAccumulator) throws(QueryError) { CSVSink.appendRows(user, to: &buffer) }
}
