/// What the first values of a numeric column chunk tell about its dictionary, and the rule that
/// decides whether the chunk keeps it (the numeric dictionary trial of `NumericValueEncoder`;
/// its state is `NumericDictionaryTrial`).
///
/// The dictionary is dropped (the chunk is written PLAIN) when any of these holds:
/// * size: the dictionary (`entries * width`) plus bit-packed indices is not below 3/4 of the
///   PLAIN size (near-unique values, or too few values to amortise the dictionary);
/// * sorted: ≥ 90 % of adjacent pairs (of the trial's last page, when it has ≥ 64 values) go the same way and more than 1/16 of the values are
///   distinct (timestamps in time order: PLAIN + zstd is several times smaller than
///   ever-increasing indices, and the dictionary would overflow `dictionaryMaxBytes` anyway);
/// * growth: the trial's second half brought ≥ 4/5 as many new values as its first half and more
///   than 1/8 of the values are distinct (the distinct count grows linearly with the rows, so the
///   dictionary outgrows its limit or costs as much as the values: ids drawn from a large set).
/// Measured on the 10 M-row events table (benchmarks/RESULTS.md): the dictionary shrinks
/// product_id, category_id and price, and would grow event_time (2.7x) and user_id (1.2x).
struct NumericTrial {
    /// Non-null values seen (> 0).
    var values: Int
    /// Bytes per PLAIN value (4 or 8).
    var width: Int
    /// Distinct values (dictionary entries).
    var entries: Int
    /// Entries after the first half of the trial, or -1 when the trial ended earlier.
    var halfEntries: Int
    /// Values of the last page of the trial, whose adjacent pairs were checked for order.
    var sampled: Int
    /// Adjacent pairs of those in the more frequent order (non-decreasing or non-increasing).
    var orderedPairs: Int

    var keepsDictionary: Bool {
        let bits = max(1, RLEHybridEncoder.bitWidth(forMax: UInt32(max(entries, 1) - 1)))
        let encoded = entries * width + (values * bits + 7) / 8
        if encoded * 4 >= values * width * 3 { return false }
        if sampled >= 64 && orderedPairs * 10 >= (sampled - 1) * 9 && entries * 16 > values { return false }
        if halfEntries > 0 {
            let newInSecondHalf = entries - halfEntries
            if newInSecondHalf * 5 >= halfEntries * 4 && entries * 8 > values { return false }
        }
        return true
    }
}
