/// Where a column chunk's numeric dictionary trial stands (`NumericValueEncoder`): whether it
/// is still on, how many non-null values it has taken, and the dictionary size at its half.
/// The decision at its end is `NumericTrial`'s.
///
/// The trial runs for the chunk's first `length` non-null values, or until the first page
/// flushed after `minimumValues` values, or the chunk's end, whichever comes first.
struct NumericDictionaryTrial {
    /// A page flushed after this many trial values ends the trial.
    static let minimumValues = 1024

    /// Values the trial lasts at most (`ParquetWriterOptions.numericTrialValues`, ≥ 1).
    let length: Int
    private(set) var pending = false
    /// Non-null values taken during the trial (all pages).
    private(set) var values = 0
    /// Dictionary entries when the trial reached half its values (-1 = not yet).
    private(set) var halfEntries = -1

    init(length: Int) { self.length = max(1, length) }

    /// Starts the trial for a new chunk (`on`: the chunk has a numeric dictionary).
    mutating func start(_ on: Bool) {
        pending = on
        values = 0
        halfEntries = -1
    }

    /// Ends the trial without a decision (the dictionary overflowed: the chunk goes PLAIN).
    mutating func cancel() { pending = false }

    /// Counts `n` more values taken.
    @inline(__always)
    mutating func record(_ n: Int) { values &+= n }

    /// Values that may still be taken before the next checkpoint (half, then the end), ≥ 1.
    var roomToCheckpoint: Int { max(1, (values < length / 2 ? length / 2 : length) &- values) }

    /// Notes the dictionary size once half the values are in; true when all `length` are.
    mutating func checkpoint(entries: Int) -> Bool {
        if halfEntries < 0 && values >= length / 2 { halfEntries = entries }
        return values >= length
    }

    /// Whether flushing a page with `nonNull` values (the chunk's `last` or not) ends the trial.
    func endsAtFlush(nonNull: Int, last: Bool) -> Bool {
        pending && nonNull > 0 && (last || values >= min(length, Self.minimumValues))
    }

    /// Ends the trial and returns whether the chunk keeps its dictionary (`NumericTrial`).
    mutating func end(width: Int, entries: Int, sampled: Int, orderedPairs: Int) -> Bool {
        pending = false
        return NumericTrial(values: values, width: width, entries: entries, halfEntries: halfEntries,
                            sampled: sampled, orderedPairs: orderedPairs).keepsDictionary
    }

    /// The larger of the numbers of non-decreasing and of non-increasing adjacent pairs of the
    /// PLAIN values in `raw` (little-endian `T`s).
    static func orderedPairs<T: NumericDictionaryKey>(_ raw: UnsafeRawBufferPointer, as: T.Type) -> Int {
        let size = MemoryLayout<T>.size
        let n = raw.count / size
        guard n > 1 else { return 0 }
        var up = 0, down = 0
        var previous = raw.loadUnaligned(as: T.self)
        for i in 1..<n {
            let v = raw.loadUnaligned(fromByteOffset: i &* size, as: T.self)
            if v >= previous { up &+= 1 }
            if v <= previous { down &+= 1 }
            previous = v
        }
        return max(up, down)
    }
}
