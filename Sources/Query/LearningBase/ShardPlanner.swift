import Foundation

/// One shard of a learning base: a user range and what it is expected to cost.
public struct Shard: Sendable, Equatable {
    public var users: UserRange
    /// Estimated input rows of the shard's users in the window's row groups: each row group's
    /// rows spread evenly over its [user_id min, max] statistics (no data is decoded).
    public var rows: Int
    /// Row groups whose statistics overlap the shard (each is decoded by the shard) and their rows.
    public var rowGroups: Int
    public var rowGroupRows: Int
}

/// Cuts the user-id space into `n` contiguous shards of about equal work for `extract shards`,
/// from the row groups' user_id statistics only.
///
/// Each row group that may match the window is taken as `rows` users spread evenly over
/// [max(min, Int32.min), min(max, Int32.max)] (unknown bounds: the whole 32-bit domain; a row
/// group entirely outside it holds no output user and counts nothing). The cut points are the
/// integer quantiles of that piecewise-uniform density. Cuts are integers in the stored domain
/// that can reach the output, strictly increasing, with Int32.min < cut <= Int32.max: every
/// shard is non-empty as a range (it may hold no user), the first is unbounded below and the
/// last unbounded above, so the shards cover every id whatever the store holds.
/// Memory: two boundaries per row group.
public enum ShardPlanner {
    public static let maxShards = 10_000

    /// Errors: `n` outside 1...maxShards → `.invalidUsers` (exit 2); the store's errors as
    /// `StoreScan.plan` throws them (missing store exit 3, corrupt file exit 4).
    public static func plan(store: String, window: TimeWindow, shards n: Int) throws(QueryError) -> [Shard] {
        try checkCount(n)
        return plan(runs: try StoreScan.plan(store: store, window: window).runs, window: window, shards: n)
    }

    static func checkCount(_ n: Int) throws(QueryError) {
        guard (1...maxShards).contains(n) else {
            throw .invalidUsers("-n \(n): the shard count must be between 1 and \(maxShards)")
        }
    }

    /// A row group as a segment [lo, hi) of the 32-bit domain carrying `rows` rows.
    struct Segment { var lo: Int64; var hi: Int64; var rows: Int }

    static func segments(runs: [any EventRun], window: TimeWindow) -> [Segment] {
        let domain = UserRange.domain
        var out: [Segment] = []
        for run in runs {
            for b in 0..<run.batchCount {
                let bounds = run.bounds(batch: b)
                guard bounds.mayMatch(window, users: domain) else { continue }
                let lo = max(bounds.userMin ?? domain.lowerBound, domain.lowerBound)
                let hi = min((bounds.userMax ?? domain.upperBound - 1) + 1, domain.upperBound)
                if lo < hi { out.append(Segment(lo: lo, hi: hi, rows: bounds.rows)) }
            }
        }
        return out
    }

    static func plan(runs: [any EventRun], window: TimeWindow, shards n: Int) -> [Shard] {
        let segments = segments(runs: runs, window: window)
        let cuts = cutPoints(segments, shards: n)
        let cumulative = Cumulative(segments)
        var shards: [Shard] = []
        var previousRows = 0
        for k in 0..<n {
            let lower: Int64? = k == 0 ? nil : cuts[k - 1]
            let upper: Int64? = k == n - 1 ? nil : cuts[k]
            let range = (lower ?? UserRange.domain.lowerBound) ..< (upper ?? UserRange.domain.upperBound)
            let below = Int(cumulative.rows(below: range.upperBound).rounded())
            var groups = 0, groupRows = 0
            for s in segments where s.lo < range.upperBound && s.hi > range.lowerBound {
                groups += 1
                groupRows += s.rows
            }
            // lower < upper by construction, so this cannot throw.
            let users = try! UserRange(lower: lower, upper: upper)
            shards.append(Shard(users: users, rows: below - previousRows, rowGroups: groups, rowGroupRows: groupRows))
            previousRows = below
        }
        return shards
    }

    /// The n - 1 cut points: quantiles of the density, then made strictly increasing inside
    /// (Int32.min, Int32.max].
    static func cutPoints(_ segments: [Segment], shards n: Int) -> [Int64] {
        let domain = UserRange.domain
        let cumulative = Cumulative(segments)
        let total = cumulative.total
        var cuts: [Int64] = []
        for k in 1..<max(n, 1) {
            if total > 0 {
                cuts.append(cumulative.quantile(total * Double(k) / Double(n)))
            } else {
                // No rows: an even split of the domain.
                let width = Double(domain.upperBound - domain.lowerBound)
                cuts.append(domain.lowerBound + Int64((width * Double(k) / Double(n)).rounded(.down)))
            }
        }
        // Strictly increasing, with room for the shards on either side.
        var previous = domain.lowerBound
        for k in cuts.indices {
            cuts[k] = max(cuts[k], previous + 1)
            previous = cuts[k]
        }
        var next = domain.upperBound
        for k in cuts.indices.reversed() {
            cuts[k] = min(cuts[k], next - 1)
            next = cuts[k]
        }
        return cuts
    }

    /// The cumulative row count F(x) = rows with user_id < x of the piecewise-uniform density.
    struct Cumulative {
        /// Sorted boundaries with F at each and the density (rows per id) to the next.
        private var points: [(x: Int64, f: Double, density: Double)] = []
        private(set) var total: Double = 0

        init(_ segments: [Segment]) {
            var events: [(x: Int64, delta: Double)] = []
            for s in segments {
                let d = Double(s.rows) / Double(s.hi - s.lo)
                events.append((s.lo, d))
                events.append((s.hi, -d))
            }
            events.sort { $0.x < $1.x }
            var f = 0.0, density = 0.0
            var i = 0
            while i < events.count {
                let x = events[i].x
                if let last = points.last { f += last.density * Double(x - last.x) }
                while i < events.count && events[i].x == x { density += events[i].delta; i += 1 }
                if density < 1e-12 { density = 0 }
                points.append((x, f, density))
            }
            total = f
        }

        func rows(below x: Int64) -> Double {
            // The last boundary at or before x.
            var lo = 0, hi = points.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if points[mid].x <= x { lo = mid + 1 } else { hi = mid }
            }
            guard lo > 0 else { return 0 }
            let p = points[lo - 1]
            return min(total, p.f + p.density * Double(x - p.x))
        }

        /// The smallest integer x with F(x) >= target (0 < target <= total).
        func quantile(_ target: Double) -> Int64 {
            var lo = 0, hi = points.count
            while lo < hi {  // first boundary with f >= target
                let mid = (lo + hi) / 2
                if points[mid].f < target { lo = mid + 1 } else { hi = mid }
            }
            guard lo > 0 else { return points.first?.x ?? 0 }
            let p = points[lo - 1]
            guard p.density > 0 else { return points[min(lo, points.count - 1)].x }
            let x = p.x + Int64(((target - p.f) / p.density).rounded(.up))
            return lo < points.count ? min(x, points[lo].x) : x
        }
    }

    /// The plan as JSON: `[{"shard": 0, "users": ":123", "rows": …, "rowGroups": …, "rowGroupRows": …}, …]`.
    public static func json(_ shards: [Shard]) -> String {
        let lines = shards.enumerated().map { i, s in
            "  {\"shard\": \(i), \"users\": \"\(s.users)\", \"rows\": \(s.rows), \"rowGroups\": \(s.rowGroups), \"rowGroupRows\": \(s.rowGroupRows)}"
        }
        return "[\n" + lines.joined(separator: ",\n") + "\n]\n"
    }
}
