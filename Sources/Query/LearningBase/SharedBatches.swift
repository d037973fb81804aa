import Columnar

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
/// Shared state: each entry's batch behind its own `LockedValueBox` (a decode holds it, so
/// the other askers wait for that decode), the warming cursor behind another.
final class SharedBatches: Sendable {
    private struct Key: Hashable { var run: Int; var batch: Int }

    private struct EntryState {
        var batch: EventBatch?
        var remaining: Int
    }

    private final class Entry: Sendable {
        let interested: Int
        let state: LockedValueBox<EntryState>
        init(interested: Int) {
            self.interested = interested
            state = LockedValueBox(EntryState(remaining: interested))
        }
    }

    private struct WarmState {
        var next = 0
        var stats = ExecutionStats()
    }

    /// Read-only after `init`, so lookups need no lock.
    private let entries: [Key: Entry]
    /// The entries by the first range that wants them, then run and batch (the warming order).
    private let warmOrder: [(firstRange: Int, key: Key)]
    private let runs: [any EventRun]
    private let window: TimeWindow
    private let warming = LockedValueBox(WarmState())

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
        return try entry.state.withLockedValue { (e: inout EntryState) throws(QueryError) -> EventBatch in
            let result: EventBatch
            if let cached = e.batch {
                result = cached
            } else {
                result = try decode()
            }
            e.remaining -= 1
            e.batch = e.remaining > 0 ? result : nil
            return result
        }
    }

    /// Decodes every shared batch first wanted by a range `≤ range` that no worker has taken
    /// or decoded yet. Each batch is claimed by one caller; a decode error is dropped here (the
    /// batch stays undecoded and its first asker decodes it again and gets the error).
    func warm(throughRange range: Int) {
        let warmOrder = warmOrder
        while true {
            let claimed = warming.withLockedValue { w -> Key? in
                guard w.next < warmOrder.count, warmOrder[w.next].firstRange <= range else { return nil }
                w.next += 1
                return warmOrder[w.next - 1].key
            }
            guard let key = claimed else { return }
            guard let entry = entries[key] else { continue }
            let (runs, window) = (runs, window)
            let decoded = entry.state.withLockedValue { e -> EventBatch? in
                guard e.batch == nil && e.remaining == entry.interested else { return nil }
                e.batch = try? Self.decode(run: runs[key.run], batch: key.batch, window: window)
                return e.batch
            }
            if let decoded {
                let filtered = runs[key.run].bounds(batch: key.batch).needsTimeFilter(window)
                warming.withLockedValue { w in
                    w.stats.batchesRead += 1
                    if filtered { w.stats.batchesFiltered += 1 }
                    w.stats.rowsScanned += decoded.count
                }
            }
        }
    }

    /// Read counters of the batches decoded by `warm` (the cursors count the others).
    var warmedStats: ExecutionStats { warming.withLockedValue { $0.stats } }

    /// Decodes batch `batch` of `run` for `window` (the row filter only where the batch's time
    /// range crosses a window boundary).
    static func decode(run: any EventRun, batch: Int, window: TimeWindow) throws(QueryError) -> EventBatch {
        let filter = run.bounds(batch: batch).needsTimeFilter(window)
        return try EventBatch(run.load(batch: batch), window: window, needsFilter: filter, source: run.name)
    }
}
