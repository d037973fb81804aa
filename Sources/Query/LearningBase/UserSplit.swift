/// Splits the user-id space into at most `workers` contiguous ranges of about equal row counts
/// (one per worker, or per CSV output chunk), from the batches' user_id statistics (no data is
/// read; 16 sample points per batch). Ranges cover `within` (default: all Int32 ids; a
/// `--users` shard's effective range) contiguously, in increasing order, so the ranges' outputs
/// concatenated in range order are globally sorted.
enum UserSplit {
    static let all: Range<Int64> = Int64(Int32.min) ..< Int64(Int32.max) + 1

    static func ranges(runs: [any EventRun], window: TimeWindow, workers: Int,
                       within: Range<Int64> = all) -> [Range<Int64>] {
        guard workers > 1, within.upperBound - within.lowerBound > 1 else { return [within] }
        // (userMin, rows) of each batch that may match the window; a batch with unknown bounds
        // makes the split a guess, which is still correct (only balance suffers).
        var points: [(Int64, Int)] = []
        var total = 0
        for run in runs {
            for b in 0..<run.batchCount {
                let bounds = run.bounds(batch: b)
                guard bounds.mayMatch(window, users: within), let lo = bounds.userMin, let hi = bounds.userMax else { continue }
                // Spread the batch's rows over its [min, max] range as a few sample points.
                let samples = 16
                for k in 0..<samples {
                    let v = lo &+ Int64((Double(hi &- lo) * Double(k) / Double(samples)).rounded(.down))
                    points.append((v, bounds.rows / samples + (k < bounds.rows % samples ? 1 : 0)))
                }
                total += bounds.rows
            }
        }
        guard total > 0 else { return [within] }
        points.sort { $0.0 < $1.0 }
        var cuts: [Int64] = []
        var seen = 0
        var next = 1
        for (v, rows) in points {
            seen += rows
            while next < workers && seen * workers >= total * next {
                let cut = max(min(v, within.upperBound), within.lowerBound)
                if cut > (cuts.last ?? within.lowerBound) && cut < within.upperBound { cuts.append(cut) }
                next += 1
            }
        }
        var ranges: [Range<Int64>] = []
        var lower = within.lowerBound
        for cut in cuts where cut > lower {
            ranges.append(lower ..< cut)
            lower = cut
        }
        ranges.append(lower ..< within.upperBound)
        return ranges
    }
}
