import Foundation

/// Decoded batches wanted by more than one worker: a batch (row group) whose user range
/// straddles a split point between workers' user ranges is decoded once and handed to each
/// of them, instead of being read and decoded by every worker.
///
/// Built before the workers start from the batch bounds (no data read). The first worker to
/// ask decodes under the entry's lock; the entry drops its batch once every interested worker
/// took it (a worker that stops early leaves it held until the execution ends). A decode error
/// is not cached: it is thrown to the asker, and the next asker decodes again.
/// Memory: at most one decoded batch per straddling row group (about one per run per split).
final class SharedBatches: @unchecked Sendable {
    private struct Key: Hashable { var run: Int; var batch: Int }

    private final class Entry: @unchecked Sendable {
        let lock = NSLock()
        var batch: EventBatch?
        var remaining: Int
        init(remaining: Int) { self.remaining = remaining }
    }

    /// Read-only after `init`, so lookups need no lock.
    private let entries: [Key: Entry]

    var count: Int { entries.count }

    init(runs: [any EventRun], window: TimeWindow, ranges: [Range<Int64>]) {
        var entries: [Key: Entry] = [:]
        if ranges.count > 1 {
            for (r, run) in runs.enumerated() {
                for b in 0..<run.batchCount {
                    let bounds = run.bounds(batch: b)
                    let interested = ranges.reduce(0) { $0 + (bounds.mayMatch(window, users: $1) ? 1 : 0) }
                    if interested > 1 { entries[Key(run: r, batch: b)] = Entry(remaining: interested) }
                }
            }
        }
        self.entries = entries
    }

    /// The batch `batch` of run `run`: shared when several workers want it, else `decode()`.
    func batch(run: Int, batch: Int, decode: () throws(QueryError) -> EventBatch) throws(QueryError) -> EventBatch {
        guard let entry = entries[Key(run: run, batch: batch)] else { return try decode() }
        entry.lock.lock()
        defer { entry.lock.unlock() }
        let result: EventBatch
        if let cached = entry.batch {
            result = cached
        } else {
            result = try decode()
        }
        entry.remaining -= 1
        entry.batch = entry.remaining > 0 ? result : nil
        return result
    }
}
