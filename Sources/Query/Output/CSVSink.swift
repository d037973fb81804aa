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

    /// Appends the CSV lines of one finished user.
    static func appendRows(_ u: UserAccumulator, to out: inout ContiguousArray<UInt8>) {
        let comma: UInt8 = 0x2C
        u.pool.withUnsafeBytes { pool in
            for i in 0..<u.outGroups.count {
                let g = Int(u.outGroups[i])
                let s = Int(u.gSession[g])
                CSVText.appendInt(Int64(u.userId), to: &out); out.append(comma)
                let so = Int(u.sTextOffset[s]), sl = Int(u.sTextLength[s])
                CSVText.appendString(UnsafeRawBufferPointer(rebasing: pool[so ..< so + sl]), to: &out); out.append(comma)
                if let p = UserAccumulator.productId(u.gProduct[g]) { CSVText.appendInt(Int64(p), to: &out) }
                out.append(comma)
                if u.gPriceCount[g] > 0 { JavaDouble.append(u.gPriceSum[g] / Double(u.gPriceCount[g]), to: &out) }
                out.append(comma)
                appendText(u.gCategory[g], pool, to: &out); out.append(comma)
                appendText(u.gBrand[g], pool, to: &out); out.append(comma)
                let views = u.gViews[g]
                CSVText.appendInt(views, to: &out); out.append(comma)
                out.append(contentsOf: u.gPurchased[g] ? "true".utf8 : "false".utf8); out.append(comma)
                let start = u.sStart[s], end = u.sEnd[s]
                CSVText.appendTimestamp(start, to: &out); out.append(comma)
                CSVText.appendTimestamp(end, to: &out); out.append(comma)
                CSVText.appendInt(u.sProducts[s], to: &out); out.append(comma)
                CSVText.appendInt(Int64(SessionClock.seconds(from: start, to: end)), to: &out); out.append(comma)
                let clock = SessionClock.fields(start)
                CSVText.appendInt(Int64(clock.hour), to: &out); out.append(comma)
                CSVText.appendInt(Int64(clock.minute), to: &out); out.append(comma)
                CSVText.appendInt(Int64(clock.dayOfWeek), to: &out); out.append(comma)
                CSVText.appendInt(Int64(u.sRank[s]), to: &out); out.append(comma)
                let cumulative = u.outCumulative[i]
                CSVText.appendInt(cumulative, to: &out); out.append(comma)
                CSVText.appendInt(cumulative &- views, to: &out)
                out.append(0x0A)
            }
        }
    }
}
