/// How `SharedBatches` cuts a long window into decode passes (see there): the chunks (user
/// ranges, in increasing order) are cut into `count` passes of consecutive chunks with about
/// `maxHeldRows` candidate rows each (from the batch statistics, no data read; the chunks are
/// balanced by rows), and each pass into up to `groupsPerPass` slice groups of consecutive
/// chunks, a group being the unit a decoded row group is sliced by and released by.
///
/// One pass (no slicing, the plain sharing of straddling batches) when the window's candidate
/// rows fit `maxHeldRows`, or when there are fewer than `minRanges` chunks (a few ranges run
/// in parallel, so passes would not bound anything).
struct DecodePasses: Sendable {
    static let groupsPerPass = 8
    static let minRanges = 8

    /// Passes (1 = none).
    let count: Int
    /// Per range (chunk): its group (all 0 without passes).
    private let groupOfRange: [Int]
    /// Per group: its pass and its users (its first chunk's lower bound to its last's upper).
    private let groupPass: [Int]
    private let groupUsers: [Range<Int64>]
    /// Per range: its lower bound (increasing), to find a range from its users.
    private let lowers: [Int64]

    init(runs: [any EventRun], window: TimeWindow, ranges: [Range<Int64>], maxHeldRows: Int) {
        var passes = 1
        if ranges.count >= Self.minRanges {
            let users = ranges.first!.lowerBound ..< ranges.last!.upperBound
            var rows = 0
            for run in runs {
                for b in 0..<run.batchCount {
                    let bounds = run.bounds(batch: b)
                    if bounds.mayMatch(window, users: users) { rows += bounds.rows }
                }
            }
            let limit = max(1, maxHeldRows)
            passes = min(ranges.count, rows <= limit ? 1 : (rows - 1) / limit + 1)
        }
        guard passes > 1 else {
            count = 1
            groupOfRange = Array(repeating: 0, count: ranges.count)
            groupPass = [0]
            groupUsers = [(ranges.first?.lowerBound ?? 0) ..< (ranges.last?.upperBound ?? 0)]
            lowers = ranges.map(\.lowerBound)
            return
        }
        let n = ranges.count, groups = min(n, passes * Self.groupsPerPass)
        count = passes
        groupOfRange = (0..<n).map { $0 * groups / n }
        groupPass = (0..<groups).map { $0 * passes / groups }
        var users: [Range<Int64>] = []
        var i = 0
        for g in 0..<groups {
            let first = i
            while i < n && groupOfRange[i] == g { i += 1 }
            users.append(ranges[first].lowerBound ..< ranges[i - 1].upperBound)
        }
        groupUsers = users
        lowers = ranges.map(\.lowerBound)
    }

    func group(ofRange range: Int) -> Int { groupOfRange[range] }

    /// The last range of the pass of range `range`.
    func lastRange(ofPassOf range: Int) -> Int {
        guard range < groupOfRange.count else { return range }
        let pass = groupPass[groupOfRange[range]]
        var r = range
        while r + 1 < groupOfRange.count && groupPass[groupOfRange[r + 1]] == pass { r += 1 }
        return r
    }
    func pass(ofGroup group: Int) -> Int { groupPass[group] }
    func users(ofGroup group: Int) -> Range<Int64> { groupUsers[group] }

    /// The range whose lower bound is the last one `≤ user` (binary search).
    func range(containing user: Int64) -> Int {
        var lo = 0, hi = lowers.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if lowers[mid] <= user { lo = mid + 1 } else { hi = mid }
        }
        return max(0, lo - 1)
    }
}
