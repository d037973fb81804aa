import Columnar

/// Day partitioning of parsed events: one `EventBuffer` per UTC day, the day a row goes to
/// selected by `select(day:)` (O(1) while consecutive rows share a day), full or finished days
/// moved out for writing (`takeColdDay`, `takeFlushCandidate`, `takeAll`). Knows nothing of
/// the input's text format: a reader converts a row's time to its day (`CivilTime.dayNumber`)
/// and appends to `active`.
///
/// Ownership: while a day is selected, its buffer lives in `active` (moved out of `buffers`,
/// whose slot holds an empty stand-in), so per-row appends go to a stored property with no
/// array uniqueness or bounds check; every method reading `buffers` parks it back first.
/// Memory: the buffers it holds; the caller bounds them through `bufferedRows`.
struct EventDays {
    /// The buffer of the selected day (only meaningful after `select(day:)`).
    var active = EventBuffer(day: .min)
    /// Rows appended and not yet moved out (the caller increments it per stored row).
    var bufferedRows = 0
    private var buffers: [EventBuffer] = []
    private var dayIndex: [Int64: Int] = [:]
    /// The selected day (`.min`: none).
    private(set) var selectedDay: Int64 = .min
    private var selectedIndex = -1
    /// Rows of the largest day flushed as cold (a finished day of time-ordered input): the
    /// capacity a new day buffer reserves, as the next day is likely about as large.
    private var rowsHint = 0
    /// Reservation cap: a new buffer never reserves more than twice this.
    private let fullDayRowsBound = 1 << 20

    /// Makes `day`'s buffer (created when new) the `active` one.
    @inline(__always)
    mutating func select(day: Int64) {
        if day != selectedDay { activate(day: day) }
    }

    private mutating func activate(day: Int64) {
        park()
        let k: Int
        if let found = dayIndex[day] {
            k = found
        } else {
            k = buffers.count
            buffers.append(EventBuffer(day: day, reservingRows: min(rowsHint, 2 * fullDayRowsBound)))
            dayIndex[day] = k
        }
        swap(&buffers[k], &active)
        selectedDay = day
        selectedIndex = k
    }

    /// Moves the `active` buffer back into `buffers`.
    private mutating func park() {
        guard selectedIndex >= 0 else { return }
        swap(&buffers[selectedIndex], &active)
        selectedDay = .min
        selectedIndex = -1
    }

    /// Moves out the day buffer to flush: the largest "cold" day (no row for `coldRows` rows
    /// up to row `rowsRead`: in time-ordered input, a finished day, so it becomes one whole
    /// part), else the largest.
    mutating func takeFlushCandidate(coldRows: Int, rowsRead: Int) -> EventBuffer? {
        park()
        let cold = buffers.indices.filter { rowsRead - buffers[$0].lastRow > coldRows }
        let pool = cold.isEmpty ? Array(buffers.indices) : cold
        guard let k = pool.max(by: { buffers[$0].count < buffers[$1].count }) else { return nil }
        let out = buffers.remove(at: k)
        rebuildIndex()
        bufferedRows -= out.count
        return out
    }

    /// Moves out the oldest day buffer that received no row for more than `coldRows` rows up to
    /// row `rowsRead` (in time-ordered input: a finished day, flushed whole as one part), or nil.
    mutating func takeColdDay(coldRows: Int, rowsRead: Int) -> EventBuffer? {
        park()
        var best = -1
        for k in buffers.indices where rowsRead - buffers[k].lastRow > coldRows {
            if best < 0 || buffers[k].day < buffers[best].day { best = k }
        }
        guard best >= 0 else { return nil }
        let out = buffers.remove(at: best)
        rowsHint = max(rowsHint, out.count + out.count / 8)
        rebuildIndex()
        bufferedRows -= out.count
        return out
    }

    /// Moves out every day buffer, in day order.
    mutating func takeAll() -> [EventBuffer] {
        park()
        let out = buffers.sorted { $0.day < $1.day }
        buffers = []
        rebuildIndex()
        bufferedRows = 0
        return out
    }

    private mutating func rebuildIndex() {
        dayIndex = [:]
        for (k, buf) in buffers.enumerated() { dayIndex[buf.day] = k }
        selectedDay = .min
        selectedIndex = -1
    }
}

/// Day partitioning of a parsed batch by a timestamp column (microseconds, UTC): the rows of
/// each day, in day order, each day's rows sorted by (time, input order). Memory: one row index
/// per row.
enum BatchDays {
    struct Day {
        var key: String
        var day: Int64
        var rows: [Int]
        var minTime: Int64
        var maxTime: Int64
    }

    static func split(_ time: FixedWidthColumn<Int64>, rowCount: Int) -> [Day] {
        var byDay: [Int64: [Int]] = [:]
        for r in 0..<rowCount { byDay[CivilTime.dayNumber(micros: time.values[r]), default: []].append(r) }
        var out: [Day] = []
        for day in byDay.keys.sorted() {
            var rows = byDay[day]!
            rows.sort { (time.values[$0], $0) < (time.values[$1], $1) }
            out.append(Day(key: StoreTransaction.dayKey(day), day: day, rows: rows,
                           minTime: time.values[rows.first!], maxTime: time.values[rows.last!]))
        }
        return out
    }
}
