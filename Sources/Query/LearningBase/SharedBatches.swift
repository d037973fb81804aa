import Foundation

/// Decoded batches wanted by more than one worker, and the memory bound of long windows.
///
/// **Sharing.** A batch (row group) whose user range straddles a split point between workers'
/// user ranges (chunks) is decoded once and handed to each of them, instead of being read and
/// decoded by every worker. Built before the workers start from the batch bounds (no data
/// read). The first worker to ask decodes under the unit's lock; an entry drops its batch once
/// every interested chunk took it (a chunk that stops early leaves it held until the execution
/// ends). A decode error is not cached: it is thrown to the asker, and the next asker decodes
/// again.
///
/// **Decode passes** (`DecodePasses`). A day's row group spans about every user of the day, so
/// a window of D days would hold D decoded row groups from its first chunk to its last. When the
/// window's candidate rows exceed `maxHeldRows`, the chunks are cut into P passes of about
/// `maxHeldRows` rows each and each pass into slice groups of consecutive chunks: a row group is
/// decoded once per pass that wants it, cut at once into one slice per group of that pass
/// (`EventBatch.slice`: the rows of the group's users), and the whole row group is dropped. A
/// slice is dropped once every chunk of its group took it, so a pass's rows are released group
/// by group as the chunks advance. The cost is one decode of a row group per pass it overlaps;
/// the rows, their order and every output byte are the same.
///
/// **Decoding ahead** (`warm(throughRange:)`): when ranges are computed in increasing order (the
/// CSV chunks), a batch is first wanted by two workers at about the same moment, so one of
/// them would wait for the other's decode. A worker starting range `r` therefore first decodes
/// the not-yet-decoded units that ranges up to `r + lookahead` will want, while nobody waits
/// for them; the two workers claim different units, so these decodes run in parallel.
///
/// Memory: without passes, at most one decoded batch per straddling row group (about one per
/// run per split), plus, when warming, the batches first wanted by the next `lookahead` ranges.
/// With passes, the not-yet-consumed slices of about one pass (≤ `maxHeldRows` rows, from
/// statistics) plus the next pass's first groups while two workers straddle a pass boundary,
/// plus one whole row group per decode in flight (`HeldRows` counts them all).
///
/// Shared state (why `@unchecked Sendable`): a unit's `lock` guards the unit and every entry
/// filled from it (a decode holds it, so the other askers wait for that decode); `warmLock`
/// guards the warming cursor and its counters. A unit and its entries are filled and emptied
/// together under one lock, which `LockedValueBox` (one value per box) cannot express.
final class SharedBatches: @unchecked Sendable {
    private struct Key: Hashable { var run: Int; var batch: Int; var group: Int }

    /// One decode of batch `batch` of run `run` for one pass, feeding the entries of the
    /// pass's groups that want it.
    private final class Unit: @unchecked Sendable {
        let lock = NSLock()
        let run: Int
        let batch: Int
        var decoded = false
        /// (group's user range, entry) of every group of the pass wanting the batch.
        var targets: [(users: Range<Int64>, entry: Entry)] = []
        init(run: Int, batch: Int) { self.run = run; self.batch = batch }
    }

    /// The batch (or slice) of one group, until each of its `interested` chunks took it.
    private final class Entry: @unchecked Sendable {
        var batch: EventBatch?
        var remaining: Int
        unowned let unit: Unit
        init(interested: Int, unit: Unit) { remaining = interested; self.unit = unit }
    }

    /// Read-only after `init`, so lookups need no lock.
    private let entries: [Key: Entry]
    /// Keeps the units alive (entries refer to them unowned).
    private let units: [Unit]
    /// The units by the first range that wants them, then run and batch (the warming order).
    private let warmOrder: [(firstRange: Int, unit: Unit)]
    private let runs: [any EventRun]
    private let window: TimeWindow
    private let passes: DecodePasses
    private let warmLock = NSLock()
    private var warmNext = 0
    private var warmStats = ExecutionStats()

    var count: Int { entries.count }
    /// Decode passes over the window (1 when it fits `maxHeldRows`).
    var passCount: Int { passes.count }

    init(runs: [any EventRun], window: TimeWindow, ranges: [Range<Int64>],
         maxHeldRows: Int = LearningBase.defaultMaxHeldRows) {
        let passes = DecodePasses(runs: runs, window: window, ranges: ranges, maxHeldRows: maxHeldRows)
        var entries: [Key: Entry] = [:]
        var units: [Unit] = []
        var order: [(firstRange: Int, unit: Unit)] = []
        if ranges.count > 1 {
            for (r, run) in runs.enumerated() {
                for b in 0..<run.batchCount {
                    let bounds = run.bounds(batch: b)
                    // Chunks wanting the batch, counted per group; one unit per pass.
                    var unit: Unit?
                    var unitPass = -1
                    var group = -1, interested = 0, first = -1
                    func close() {
                        guard interested > 0 else { return }
                        // Without passes a batch wanted by one chunk only is decoded by it alone.
                        if passes.count == 1 && interested == 1 { return }
                        let pass = passes.pass(ofGroup: group)
                        if pass != unitPass {
                            let u = Unit(run: r, batch: b)
                            units.append(u)
                            order.append((first, u))
                            unit = u
                            unitPass = pass
                        }
                        let entry = Entry(interested: interested, unit: unit!)
                        unit!.targets.append((passes.users(ofGroup: group), entry))
                        entries[Key(run: r, batch: b, group: group)] = entry
                    }
                    for (i, range) in ranges.enumerated() where bounds.mayMatch(window, users: range) {
                        let g = passes.group(ofRange: i)
                        if g != group {
                            close()
                            group = g
                            interested = 0
                            if passes.pass(ofGroup: g) != unitPass { first = i }
                        }
                        interested += 1
                    }
                    close()
                }
            }
        }
        order.sort { ($0.firstRange, $0.unit.run, $0.unit.batch) < ($1.firstRange, $1.unit.run, $1.unit.batch) }
        self.entries = entries
        self.units = units
        warmOrder = order
        self.runs = runs
        self.window = window
        self.passes = passes
    }

    /// The batch `batch` of run `run` for the range `users` (one of the ranges given to `init`):
    /// shared (and, with passes, sliced to the range's group) when planned so, else `decode()`.
    func batch(run: Int, batch: Int, users: Range<Int64>,
               decode: () throws(QueryError) -> EventBatch) throws(QueryError) -> EventBatch {
        let group = passes.count == 1 ? 0 : passes.group(ofRange: passes.range(containing: users.lowerBound))
        guard let entry = entries[Key(run: run, batch: batch, group: group)] else { return try decode() }
        let unit = entry.unit
        unit.lock.lock()
        defer { unit.lock.unlock() }
        if !unit.decoded { fill(unit, with: try decode()) }
        let result = entry.batch!
        entry.remaining -= 1
        if entry.remaining == 0 { entry.batch = nil }
        return result
    }

    /// Hands `full` (the unit's decoded batch) to the unit's entries: whole without passes,
    /// else each group's slice. Called under the unit's lock.
    private func fill(_ unit: Unit, with full: EventBatch) {
        for (users, entry) in unit.targets where entry.remaining > 0 {
            entry.batch = passes.count == 1 ? full : full.slice(full.rows(users: users), window: window)
        }
        unit.decoded = true
    }

    /// Decodes every unit first wanted by a range `≤ range` that no worker has decoded yet,
    /// called by a worker starting range `current`; with passes, only units of `current`'s
    /// pass or an earlier one (decoding the next pass early would hold two passes at once).
    /// Each unit is claimed by one caller; a decode error is dropped here (the unit stays
    /// undecoded and its first asker decodes it again and gets the error).
    func warm(throughRange range: Int, current: Int) {
        let last = passes.count == 1 ? range : min(range, passes.lastRange(ofPassOf: current))
        while true {
            warmLock.lock()
            guard warmNext < warmOrder.count, warmOrder[warmNext].firstRange <= last else {
                warmLock.unlock()
                return
            }
            let unit = warmOrder[warmNext].unit
            warmNext += 1
            warmLock.unlock()
            unit.lock.lock()
            var rows = -1
            if !unit.decoded, let full = try? Self.decode(run: runs[unit.run], batch: unit.batch, window: window) {
                rows = full.count
                fill(unit, with: full)
            }
            unit.lock.unlock()
            if rows >= 0 {
                warmLock.lock()
                warmStats.batchesRead += 1
                if runs[unit.run].bounds(batch: unit.batch).needsTimeFilter(window) { warmStats.batchesFiltered += 1 }
                warmStats.rowsScanned += rows
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

extension LearningBase {
    /// Rows of a window held decoded at once before `SharedBatches` decodes it in passes (about
    /// 60 bytes each, ~600 MB): windows up to about 17 days at scale 0.5 keep their single pass
    /// (no extra decoding); longer or larger windows are bounded near it. Measured trade-off in
    /// benchmarks/RESULTS.md, "Long windows".
    public static let defaultMaxHeldRows = 10_000_000
}
