import Columnar

extension EventBatch {
    /// The rows `rows` of this batch as a batch of their own (row `i` of the result is row
    /// `rows.lowerBound + i`), so that a long window keeps only the rows a decode pass needs
    /// (`SharedBatches`) instead of whole row groups. Every column of the range is copied;
    /// the dictionaries are shared. The window selection, when this batch has one, is
    /// recomputed for the range's times with `window` (the window it was built with), so the
    /// rows, their order and their values (hence every output byte) are those of this batch.
    /// Memory: about 60 bytes per row of `rows`; this batch is not retained.
    func slice(_ rows: Range<Int>, window: TimeWindow) -> EventBatch {
        precondition(rows.lowerBound >= 0 && rows.upperBound <= count, "slice out of range")
        let times = ContiguousArray(self.times[rows])
        let lo = rows.lowerBound &* 16, hi = rows.upperBound &* 16
        return EventBatch(
            count: rows.count,
            userIds: ContiguousArray(userIds[rows]), userValid: userValid?.copying(rows),
            times: times,
            selection: selection == nil ? nil : WindowFilter.select(times, start: window.startMicros, end: window.endMicros),
            kinds: ContiguousArray(kinds[rows]),
            productIds: ContiguousArray(productIds[rows]), productValid: productValid?.copying(rows),
            prices: ContiguousArray(prices[rows]), priceValid: priceValid?.copying(rows),
            category: category.slice(rows), brand: brand.slice(rows),
            sessionBytes: ContiguousArray(sessionBytes[lo ..< hi]), sessionValid: sessionValid?.copying(rows),
            sessionRaw: sessionRaw.slice(rows))
    }

    /// The rows whose user is non-NULL and in `users`: a contiguous range, the rows being sorted
    /// by user_id NULLs first (two binary searches).
    func rows(users: Range<Int64>) -> Range<Int> {
        let lo = firstRow(userAtLeast: users.lowerBound)
        return lo ..< max(lo, firstRow(userAtLeast: users.upperBound))
    }
}
