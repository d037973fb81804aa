/// Sources a commit did not store because another ingest (another process, a Spark task)
/// committed the same content first, while this one was reading it (`StoreTransaction
/// .skippedAtCommit`): they are reported exactly like sources found already ingested at the
/// start — skipped, nothing stored — so the summary and the exit status say what happened.
extension SourceReport {
    static func markSkippedAtCommit(_ reports: inout [SourceReport], hashes: [String], message: ((String) -> Void)?) {
        guard !hashes.isEmpty else { return }
        let late = Set(hashes)
        for i in reports.indices where !reports[i].skipped && late.contains(reports[i].contentHash) {
            message?("\(reports[i].source): already ingested (same content, committed meanwhile by another ingest), skipped")
            reports[i] = SourceReport(source: reports[i].source, skipped: true, contentHash: reports[i].contentHash,
                                      bytes: reports[i].bytes, rowsRead: 0, rowsStored: 0, rowsRejected: 0, rowsCoerced: 0,
                                      reasons: [:], parts: 0, days: 0, rejectsFile: nil)
        }
    }
}
