import Columnar

/// Writes learning-base rows as the reference job's CSV text (learning-base.md §5.3) into a
/// byte buffer, flushed to `handle` every `flushBytes`. Memory: about `flushBytes`.
struct CSVSink: LearningBaseSink {
    let handle: WriteHandle
    var buffer = ContiguousArray<UInt8>()
    let flushBytes = 1 << 20

    init(handle: WriteHandle, header: Bool) {
        self.handle = handle
        buffer.reserveCapacity(flushBytes + 4096)
        if header { CSVSink.appendHeader(to: &buffer) }
    }

    static func appendHeader(to out: inout ContiguousArray<UInt8>) {
        out.append(contentsOf: LearningBaseRow.columnNames.joined(separator: ",").utf8)
        out.append(0x0A)
    }

    mutating func consume(_ user: UserAccumulator) throws(QueryError) {
        CSVSink.appendRows(user, to: &buffer)
        if buffer.count >= flushBytes { try flush() }
    }

    mutating func flush() throws(QueryError) {
        let handle = self.handle
        var failure: ColumnarError?
        buffer.withUnsafeBytes { raw in
            do throws(ColumnarError) { try handle.write(raw) } catch { failure = error }
        }
        buffer.removeAll(keepingCapacity: true)
        if let failure { throw QueryError.outputNotWritable(path: handle.path, reason: failure.description) }
    }

    @inline(__always)
    static func appendText(_ ref: UserAccumulator.TextRef, _ pool: UnsafeRawBufferPointer, to out: inout ContiguousArray<UInt8>) {
        guard ref.length >= 0 else { return }
        let o = Int(ref.offset)
        CSVText.appendString(UnsafeRawBufferPointer(rebasing: pool[o ..< o + Int(ref.length)]), to: &out)
    }

    /// Appends the CSV lines of one finished user. Rows come grouped by session, so the
    /// session's leading (`user_id,user_session,`) and middle (columns 9–16) texts are formatted
    /// once per session and copied for each of its rows.
    static func appendRows(_ u: UserAccumulator, to out: inout ContiguousArray<UInt8>) {
        let comma: UInt8 = 0x2C
        var lead = ContiguousArray<UInt8>(), middle = ContiguousArray<UInt8>()
        lead.reserveCapacity(64)
        middle.reserveCapacity(96)
        var current = -1
        out.reserveCapacity(out.count + u.outGroups.count * 160 + u.pool.count * 2)
        u.pool.withUnsafeBytes { pool in
            for i in 0..<u.outGroups.count {
                let g = Int(u.outGroups[i])
                let s = Int(u.gSession[g])
                if s != current {
                    current = s
                    lead.removeAll(keepingCapacity: true)
                    CSVText.appendInt(Int64(u.userId), to: &lead); lead.append(comma)
                    let so = Int(u.sTextOffset[s]), sl = Int(u.sTextLength[s])
                    CSVText.appendString(UnsafeRawBufferPointer(rebasing: pool[so ..< so + sl]), to: &lead); lead.append(comma)
                    middle.removeAll(keepingCapacity: true)
                    let start = u.sStart[s], end = u.sEnd[s]
                    CSVText.appendTimestamp(start, to: &middle); middle.append(comma)
                    CSVText.appendTimestamp(end, to: &middle); middle.append(comma)
                    CSVText.appendInt(u.sProducts[s], to: &middle); middle.append(comma)
                    CSVText.appendInt(Int64(SessionClock.seconds(from: start, to: end)), to: &middle); middle.append(comma)
                    let clock = SessionClock.fields(start)
                    CSVText.appendInt(Int64(clock.hour), to: &middle); middle.append(comma)
                    CSVText.appendInt(Int64(clock.minute), to: &middle); middle.append(comma)
                    CSVText.appendInt(Int64(clock.dayOfWeek), to: &middle); middle.append(comma)
                    CSVText.appendInt(Int64(u.sRank[s]), to: &middle); middle.append(comma)
                }
                out.append(contentsOf: lead)
                if let p = UserAccumulator.productId(u.gProduct[g]) { CSVText.appendInt(Int64(p), to: &out) }
                out.append(comma)
                if u.gPriceCount[g] > 0 { JavaDouble.append(u.gPriceSum[g] / Double(u.gPriceCount[g]), to: &out) }
                out.append(comma)
                appendText(u.gCategory[g], pool, to: &out); out.append(comma)
                appendText(u.gBrand[g], pool, to: &out); out.append(comma)
                let views = u.gViews[g]
                CSVText.appendInt(views, to: &out); out.append(comma)
                out.append(contentsOf: u.gPurchased[g] ? "true,".utf8 : "false,".utf8)
                out.append(contentsOf: middle)
                let cumulative = u.outCumulative[i]
                CSVText.appendInt(cumulative, to: &out); out.append(comma)
                CSVText.appendInt(cumulative &- views, to: &out)
                out.append(0x0A)
            }
        }
    }
}
