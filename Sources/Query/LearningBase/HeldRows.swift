import Synchronization

/// The decoded event rows alive at once in this process (every `EventBatch`, whole row group
/// or slice), and the most there were since `resetPeak()`: the quantity a long window's
/// memory bound is about (`SharedBatches`' decode passes), measured exactly instead of
/// through the resident set size. Process-wide; updated once per batch (two relaxed atomic
/// operations), never per row.
enum HeldRows {
    private static let live = Atomic<Int>(0)
    private static let high = Atomic<Int>(0)

    static func add(_ rows: Int) {
        let now = live.add(rows, ordering: .relaxed).newValue
        var seen = high.load(ordering: .relaxed)
        while now > seen {
            let (done, actual) = high.compareExchange(expected: seen, desired: now, ordering: .relaxed)
            if done { break }
            seen = actual
        }
    }

    static func remove(_ rows: Int) { live.subtract(rows, ordering: .relaxed) }

    /// Rows held now.
    static var current: Int { live.load(ordering: .relaxed) }
    /// The most rows held at once since the last `resetPeak()`.
    static var peak: Int { high.load(ordering: .relaxed) }
    /// Starts a new peak measurement from the rows held now.
    static func resetPeak() { high.store(live.load(ordering: .relaxed), ordering: .relaxed) }
}
