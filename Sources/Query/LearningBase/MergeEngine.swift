import Columnar

/// Counters of one execution (summed over workers).
public struct ExecutionStats: Sendable, Equatable {
    public var batchesRead = 0
    /// Row groups of the window's files never decoded (set by `LearningBase.run` from the plan).
    public var batchesPruned = 0
    public var batchesFiltered = 0
    public var rowsScanned = 0
    public var users = 0
    public var outputRows = 0

    public init() {}

    mutating func add(_ o: ExecutionStats) {
        batchesRead += o.batchesRead
        batchesPruned += o.batchesPruned
        batchesFiltered += o.batchesFiltered
        rowsScanned += o.rowsScanned
        users += o.users
        outputRows += o.outputRows
    }
}

/// A position in one run, restricted to a user range. Holds one decoded batch at a time.
final class RunCursor {
    let run: any EventRun
    let runIndex: Int
    let shared: SharedBatches?
    let window: TimeWindow
    let users: Range<Int64>
    private var nextBatch = 0
    private(set) var batch: EventBatch?
    var row = 0
    /// Rows of `batch` below this have had their dictionary spans hinted (`prefetchSpans`).
    private var spansHinted = 0
    /// The current row's user, or `Int64.max` when the run is exhausted for this range.
    private(set) var user: Int64 = .max
    var stats = ExecutionStats()

    init(run: any EventRun, index: Int, shared: SharedBatches?, window: TimeWindow, users: Range<Int64>) throws(QueryError) {
        self.run = run
        runIndex = index
        self.shared = shared
        self.window = window
        self.users = users
        try loadNext()
        try settle()
    }

    /// Loads the next batch that may hold matching rows; nil batch when none is left.
    private func loadNext() throws(QueryError) {
        batch = nil
        row = 0
        while nextBatch < run.batchCount {
            let index = nextBatch
            nextBatch += 1
            let bounds = run.bounds(batch: index)
            guard bounds.mayMatch(window, users: users) else { continue }
            let filter = bounds.needsTimeFilter(window)
            let (run, window) = (run, window)
            var decodedRows = -1
            let decode = { () throws(QueryError) -> EventBatch in
                let b = try SharedBatches.decode(run: run, batch: index, window: window)
                decodedRows = b.count
                return b
            }
            if let shared {
                batch = try shared.batch(run: runIndex, batch: index, users: users, decode: decode)
            } else {
                batch = try decode()
            }
            // Read counters count decodes (a batch shared by several ranges counts once, a
            // batch decoded in several passes once per pass), with the rows decoded.
            if decodedRows >= 0 {
                stats.batchesRead += 1
                if filter { stats.batchesFiltered += 1 }
                stats.rowsScanned += decodedRows
            }
            row = batch!.firstRow(userAtLeast: users.lowerBound)
            spansHinted = row
            return
        }
    }

    /// Moves to the first row at or after `row` whose user is non-NULL, fits Int32 and lies in
    /// the range; sets `user` (`Int64.max` when exhausted).
    func settle() throws(QueryError) {
        while let b = batch {
            while row < b.count {
                if b.userValid.isSet(row) {
                    let u = b.userIds[row]
                    if u >= users.upperBound || u > Int64(Int32.max) { user = .max; batch = nil; return }
                    if u >= users.lowerBound && u >= Int64(Int32.min) { user = u; return }
                }
                row += 1
            }
            try loadNext()
        }
        user = .max
    }

    /// Feeds every row of user `u` (the current user) to `acc`, crossing batch boundaries.
    @inline(__always)
    func consume(user u: Int64, into acc: inout UserAccumulator) throws(QueryError) {
        while let b = batch {
            var r = row
            b.prefetch(row: r)
            let n = b.count
            let hintEnd = min(r &+ EventBatch.spanPrefetchDistance, n)
            if spansHinted < hintEnd {
                b.prefetchSpans(max(spansHinted, r) ..< hintEnd)
                spansHinted = hintEnd
            }
            let ids = b.userIds
            while r < n && ids[r] == u && b.userValid.isSet(r) {
                if b.selection.isSelected(r) { acc.add(b, r) }
                r &+= 1
            }
            row = r
            if r < n { break }
            try loadNext()
        }
        try settle()
    }
}

/// The k-way merge of sorted runs by user_id, feeding one user at a time to the per-user pass.
///
/// Within a user, runs are consumed in the order given (day order, then file order within a
/// day), each in its own (event_time, input order): for one file per day this is exactly time
/// order. Every aggregate is order-independent except `first()` and the floating-point price
/// sum, both inside the tolerance of docs/learning-base.md §7.
/// Memory: one decoded batch per run plus one user's sessions and groups.
enum MergeEngine {
    /// `shared` (built from the same runs, window and worker ranges) lets workers decode a
    /// batch straddling their ranges once.
    static func execute<S: LearningBaseSink & ~Copyable>(runs: [any EventRun], window: TimeWindow, users: Range<Int64>,
                                             shared: SharedBatches? = nil,
                                             sink: inout S) throws(QueryError) -> ExecutionStats {
        var cursors: [RunCursor] = []
        for (i, run) in runs.enumerated() {
            cursors.append(try RunCursor(run: run, index: i, shared: shared, window: window, users: users))
        }
        var acc = UserAccumulator()
        var stats = ExecutionStats()
        // The cursors' current users side by side: the per-user minimum is a scan of one small
        // array instead of a load from every cursor object.
        var heads = ContiguousArray(cursors.map(\.user))
        while true {
            var u = Int64.max
            heads.withUnsafeBufferPointer { h in for v in h where v < u { u = v } }
            if u == .max { break }
            acc.reset(user: Int32(truncatingIfNeeded: u))
            for i in 0..<heads.count where heads[i] == u {
                let c = cursors[i]
                try c.consume(user: u, into: &acc)
                heads[i] = c.user
            }
            if acc.isEmpty { continue }
            acc.finish()
            stats.users += 1
            if !acc.outGroups.isEmpty {
                stats.outputRows += acc.outGroups.count
                try sink.consume(acc)
            }
        }
        for c in cursors { stats.add(c.stats) }
        return stats
    }
}
