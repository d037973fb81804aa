import Columnar

/// Writes learning-base rows as the reference job's CSV text (learning-base.md §5.3) into a
/// raw byte buffer, flushed to `handle` every `flushBytes`. Owned by one worker.
/// Memory: about `flushBytes` plus one user's rows.
final class CSVSink: LearningBaseSink {
    let handle: WriteHandle
    private var buffer: RawBytes
    private var lead = RawBytes(capacity: 256), middle = RawBytes(capacity: 256)
    let flushBytes = 1 << 20

    init(handle: WriteHandle, header: Bool) {
        self.handle = handle
        buffer = RawBytes(capacity: flushBytes + (64 << 10))
        if header { CSVSink.appendHeader(to: &buffer) }
    }

    deinit {
        buffer.deallocate()
        lead.deallocate()
        middle.deallocate()
    }

    func consume(_ user: UserAccumulator) throws(QueryError) {
        CSVSink.appendRows(user, to: &buffer, lead: &lead, middle: &middle)
        if buffer.count >= flushBytes { try flush() }
    }

    func flush() throws(QueryError) {
        do {
            try handle.write(buffer.bytes)
        } catch {
            buffer.removeAll()
            throw QueryError.outputNotWritable(path: handle.path, reason: error.description)
        }
        buffer.removeAll()
    }

    static func appendHeader<O: ByteOutput>(to out: inout O) {
        var line = LearningBaseRow.columnNames.joined(separator: ",") + "\n"
        line.withUTF8 { out.append(contentsOf: UnsafeRawBufferPointer($0)) }
    }

    @inline(__always)
    static func appendText<O: ByteOutput>(_ ref: UserAccumulator.TextRef, _ pool: UnsafeRawBufferPointer, to out: inout O) {
        guard ref.length >= 0 else { return }
        let o = Int(ref.offset)
        CSVText.appendString(UnsafeRawBufferPointer(rebasing: pool[o ..< o + Int(ref.length)]), to: &out)
    }

    /// Appends the CSV lines of one finished user. Rows come grouped by session, so the
    /// session's leading (`user_id,user_session,`) and middle (columns 9–16) texts are formatted
    /// once per session and copied for each of its rows.
    static func appendRows<O: ByteOutput>(_ u: UserAccumulator, to out: inout O) {
        var lead = RawBytes(capacity: 256), middle = RawBytes(capacity: 256)
        defer { lead.deallocate(); middle.deallocate() }
        appendRows(u, to: &out, lead: &lead, middle: &middle)
    }

    /// `appendRows` with caller-owned scratch buffers for the per-session texts (reused).
    static func appendRows<O: ByteOutput>(_ u: UserAccumulator, to out: inout O, lead: inout RawBytes, middle: inout RawBytes) {
        let comma: UInt8 = 0x2C
        var current = -1
        u.pool.withUnsafeBytes { pool in
            for i in 0..<u.outGroups.count {
                let g = Int(u.outGroups[i])
                let s = Int(u.gSession[g])
                if s != current {
                    current = s
                    lead.removeAll()
                    CSVText.appendInt(Int64(u.userId), to: &lead); lead.append(comma)
                    let so = Int(u.sTextOffset[s]), sl = Int(u.sTextLength[s])
                    CSVText.appendString(UnsafeRawBufferPointer(rebasing: pool[so ..< so + sl]), to: &lead); lead.append(comma)
                    middle.removeAll()
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
                out.append(contentsOf: lead.bytes)
                if let p = UserAccumulator.productId(u.gProduct[g]) { CSVText.appendInt(Int64(p), to: &out) }
                out.append(comma)
                if u.gPriceCount[g] > 0 { JavaDouble.append(u.gPriceSum[g] / Double(u.gPriceCount[g]), to: &out) }
                out.append(comma)
                appendText(u.gCategory[g], pool, to: &out); out.append(comma)
                appendText(u.gBrand[g], pool, to: &out); out.append(comma)
                let views = u.gViews[g]
                CSVText.appendInt(views, to: &out); out.append(comma)
                out.append(u.gPurchased[g] ? "true," : "false,")
                out.append(contentsOf: middle.bytes)
                let cumulative = u.outCumulative[i]
                CSVText.appendInt(cumulative, to: &out); out.append(comma)
                CSVText.appendInt(cumulative &- views, to: &out)
                out.append(0x0A)
            }
        }
    }
}
