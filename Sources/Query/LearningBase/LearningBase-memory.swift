import Columnar
import Dispatch
import Foundation

/// The learning base (docs/learning-base.md) over sorted event runs.
public enum LearningBase {
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

    /// Runs `body(0..<n)` on up to `n` threads; rethrows the first error (by index).
    static func parallel<T: Sendable>(_ n: Int, _ body: @Sendable (Int) throws(QueryError) -> T) throws(QueryError) -> [T] {
        if n == 1 { return [try body(0)] }
        let slots = ResultSlots<T>(n)
        DispatchQueue.concurrentPerform(iterations: n) { i in
            let r: Result<T, QueryError>
            do throws(QueryError) { r = .success(try body(i)) } catch { r = .failure(error) }
            slots.lock.lock()
            slots.values[i] = r
            slots.lock.unlock()
        }
        var out: [T] = []
        for r in slots.values {
            switch r! {
            case .success(let v): out.append(v)
            case .failure(let e): throw e
            }
        }
        return out
    }
}

/// A CSV sink that keeps the text in memory (no header).
struct BufferSink: LearningBaseSink {
    var buffer = ContiguousArray<UInt8>()
    mutating func consume(_ user: UserAccumulator) throws(QueryError) { CSVSink.appendRows(user, to: &buffer) }
}

/// One result slot per worker; each worker writes only its own index.
final class ResultSlots<T: Sendable>: @unchecked Sendable {
    var values: [Result<T, QueryError>?]
    let lock = NSLock()
    init(_ n: Int) { values = Array(repeating: nil, count: n) }
}
