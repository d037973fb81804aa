import Foundation

/// Decoded batches wanted by more than one worker: a batch (row group) whose user range
/// straddles a split point between workers' user ranges is decoded once and handed to each
/// of them, instead of being read and decoded by every worker.
///
/// Built before the workers start from the batch bounds (no data read). The first worker to
/// ask decodes under the entry's lock; the entry drops its batch once every interested worker
/// took it (a worker that stops early leaves it held until the execution ends). A decode error
/// is not cached: it is thrown to the asker, and the next asker decodes again.
///
/// Decoding ahead (`warm(throughRange:)`): when ranges are computed in increasing order (the
/// CSV chunks), a batch is first wanted by two workers at about the same moment, so one of
/// them would wait for the other's decode. A worker starting range `r` therefore first decodes
/// the not-yet-taken batches that ranges up to `r + lookahead` will want, while nobody waits
/// for them; the two workers claim different batches, so these decodes run in parallel.
/// Memory: at most one decoded batch per straddling row group (about one per run per split),
/// plus, when warming, the batches first wanted by the next `lookahead` ranges.
final class SharedBatches: @unchecked Sendable {
    private struct Key: Hashable { var run: Int; var batch: Int }

    private final class Entry: @unchecked Sendable {
        let lock = NSLock()
        var batch: EventBatch?
        let interested: Int
        var remaining: Int
        init(interested: Int) { self.interested = interested; remaining = interested }
    }

    /// Read-only after `init`, so lookups need no lock.
    private let entries: [Key: Entry]
    /// The entries by the first range that wants them, then run and batch (the warming order).
    private let warmOrder: [(firstRange: Int, key: Key)]
    private let runs: [any EventRun]
    private let window: TimeWindow
    private let warmLock = NSLock()
    private var warmNext = 0
    private var warmStats = ExecutionStats()

    var count: Int { entries.count }

    init(runs: [any EventRun], window: TimeWindow, ranges: [Range<Int64>]) {
        var entries: [Key: Entry] = [:]
        var order: [(firstRange: Int, key: Key)] = []
        if ranges.count > 1 {
            for (r, run) in runs.enumerated() {
                for b in 0..<run.batchCount {
                    let bounds = run.bounds(batch: b)
                    var interested = 0, first = -1
                    for (i, range) in ranges.enumerated() where bounds.mayMatch(window, users: range) {
                        interested += 1
                        if first < 0 { first = i }
                    }
                    if interested > 1 {
                        entries[Key(run: r, batch: b)] = Entry(interested: interested)
                        order.append((first, Key(run: r, batch: b)))
                    }
                }
            }
        }
        order.sort { ($0.firstRange, $0.key.run, $0.key.batch) < ($1.firstRange, $1.key.run, $1.key.batch) }
        self.entries = entries
        warmOrder = order
        self.runs = runs
        self.window = window
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

    /// Decodes every shared batch first wanted by a range `≤ range` that no worker has taken
    /// or decoded yet. Each batch is claimed by one caller; a decode error is dropped here (the
    /// batch stays undecoded and its first asker decodes it again and gets the error).
    func warm(throughRange range: Int) {
        while true {
            warmLock.lock()
            guard warmNext < warmOrder.count, warmOrder[warmNext].firstRange <= range else {
                warmLock.unlock()
                return
            }
            let key = warmOrder[warmNext].key
            warmNext += 1
            warmLock.unlock()
            guard let entry = entries[key] else { continue }
            entry.lock.lock()
            var decoded: EventBatch?
            if entry.batch == nil && entry.remaining == entry.interested {
                decoded = try? Self.decode(run: runs[key.run], batch: key.batch, window: window)
                entry.batch = decoded
            }
            entry.lock.unlock()
            if let decoded {
                warmLock.lock()
                warmStats.batchesRead += 1
                if runs[key.run].bounds(batch: key.batch).needsTimeFilter(window) { warmStats.batchesFiltered += 1 }
                warmStats.rowsScanned += decoded.count
                warmLock.unlock()
            }
        }
    }

    /// Read counters of the batches decoded by `warm` (the cursors count the others).
    var warmedStats: ExecutionStats {
        warmLock.lock()
        defer { warmLock.unlock() }
        return warmStats
    }

    /// Decodes batch `batch` of `run` for `window` (the row filter only where the batch's time
    /// range crosses a window boundary).
    static func decode(run: any EventRun, batch: Int, window: TimeWindow) throws(QueryError) -> EventBatch {
        let filter = run.bounds(batch: batch).needsTimeFilter(window)
        return try EventBatch(run.load(batch: batch), window: window, needsFilter: filter, source: run.name)
    }
}
