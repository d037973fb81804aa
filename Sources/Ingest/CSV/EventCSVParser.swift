import Columnar

/// Typed parsing of REES46 CSV rows straight into per-day column buffers.
///
/// Fed with buffers of whole rows (`parse`), it scans them (`CSVScanner.scanSIMD`), checks the
/// field count, converts each field with the reference semantics (`TimestampParser`,
/// `IntegerParser`, `DoubleParser`, `UUIDParser`), appends the row to the buffer of its UTC day
/// and records rejected/coerced lines in the `RejectLog`. The caller moves full day buffers
/// out (`takeFlushCandidate`, `takeAll`). Memory: the day buffers it holds (the caller bounds them
/// through `bufferedRows`) plus the structural entries of one input buffer.
struct EventCSVParser {
    let header: CSVHeader
    let fieldCount: Int
    let rejects: RejectLog
    /// 1-based physical line number of the next row.
    private(set) var line: Int
    private(set) var rowsRead = 0
    private(set) var rowsStored = 0
    private(set) var bufferedRows = 0
    /// The day buffers; while `lastIndex >= 0`, `buffers[lastIndex]` is an empty stand-in and
    /// the real buffer is `active` (moved out, so that the per-row appends go to a stored
    /// property of `self` with no array uniqueness or bounds check). `park()` moves it back.
    private var buffers: [EventBuffer] = []
    private var active = EventBuffer(day: .min)
    private var dayIndex: [Int64: Int] = [:]
    private var lastDay: Int64 = .min
    private var lastIndex = -1
    private var entries = ContiguousArray<UInt32>()
    /// Rows of the largest day flushed as cold (a finished day of time-ordered input): the
    /// capacity a new day buffer reserves, as the next day is likely about as large.
    private var rowsHint = 0
    /// Reservation cap: a new buffer never reserves more than twice this.
    private let fullDayRowsBound = 1 << 20
    private var scratch: [UInt8] = []
    private var dateMemo = TimestampParser.DateMemo()
    // Field positions of the required columns.
    private let iTime, iType, iProduct, iCategory, iCode, iBrand, iPrice, iUser, iSession: Int

    init(header: CSVHeader, rejects: RejectLog, firstDataLine: Int) {
        self.header = header
        fieldCount = header.names.count
        self.rejects = rejects
        line = firstDataLine
        let x = header.indices
        (iTime, iType, iProduct, iCategory, iCode, iBrand, iPrice, iUser, iSession) =
            (x[0], x[1], x[2], x[3], x[4], x[5], x[6], x[7], x[8])
        entries.reserveCapacity(1 << 16)
    }

    /// Parses every complete row of `b` (from offset 0); returns the offset just past the last
    /// complete row (the caller keeps the rest for the next call).
    mutating func parse(_ b: UnsafeRawBufferPointer) throws(ColumnarError) -> Int {
        entries.removeAll(keepingCapacity: true)
        let end = CSVScanner.scanSIMD(b, start: 0, into: &entries)
        try consumeEntries(b, ascii: UTF8Check.isASCII(UnsafeRawBufferPointer(rebasing: b[0..<end])))
        return end
    }

    /// Parses the final bytes of the input (no newline needed at the end): one last line.
    mutating func parseFinal(_ tail: UnsafeRawBufferPointer) throws(ColumnarError) {
        guard !tail.isEmpty else { return }
        var copy = [UInt8](tail)
        if copy.last != 0x0A { copy.append(0x0A) }
        var failure: ColumnarError?
        copy.withUnsafeBytes { (b: UnsafeRawBufferPointer) in
            do throws(ColumnarError) { _ = try parse(b) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    private mutating func consumeEntries(_ b: UnsafeRawBufferPointer, ascii: Bool) throws(ColumnarError) {
        var rowStart = 0
        var fieldStart = 0
        var nFields = 0
        // Start/end of each field of the current row (fields beyond the header are not kept).
        // Scratch for the field bounds, freed on return (a local array would be checked for
        // uniqueness on every store).
        let bounds = UnsafeMutableBufferPointer<Int>.allocate(capacity: 2 * (fieldCount + 1))
        bounds.initialize(repeating: 0)
        defer { bounds.deallocate() }
        let starts = UnsafeMutableBufferPointer(rebasing: bounds[0..<(fieldCount + 1)])
        let ends = UnsafeMutableBufferPointer(rebasing: bounds[(fieldCount + 1)...])
        for e in entries {
            let pos = Int(e & CSVScanner.offsetMask)
            if nFields <= fieldCount {
                starts[nFields] = fieldStart
                ends[nFields] = pos
            }
            nFields += 1
            fieldStart = pos + 1
            if e & CSVScanner.newlineFlag == 0 { continue }
            // End of row: strip the CR of a CRLF from the last field.
            var rowEnd = pos
            if rowEnd > rowStart, b[rowEnd - 1] == 0x0D {
                rowEnd -= 1
                if nFields <= fieldCount + 1 { ends[nFields - 1] = max(starts[nFields - 1], rowEnd) }
            }
            // Every row is one physical line (the scanner ends rows at every newline).
            let rowLine = line
            line += 1
            if nFields == 1 && rowEnd == rowStart {
                // blank line: skipped
            } else {
                rowsRead += 1
                let raw = UnsafeRawBufferPointer(rebasing: b[rowStart..<rowEnd])
                if e & CSVScanner.openQuoteFlag != 0 {
                    // A quote still open at the end of its line: this line only is rejected.
                    try rejects.record(line: rowLine, reasons: RejectReason.unterminatedQuote.bit, rejected: true, raw: raw)
                } else if nFields != fieldCount {
                    try rejects.record(line: rowLine, reasons: RejectReason.wrongFieldCount.bit, rejected: true, raw: raw)
                } else {
                    try row(b, starts, ends, ascii: ascii, line: rowLine, raw: raw)
                }
            }
            rowStart = pos + 1
            nFields = 0
        }
    }

    /// The content of field `b[s..<e]`; only a quoted one goes through `CSVField.content`
    /// (valid until the next call: it may point into `scratch`).
    @inline(__always)
    private mutating func field(_ b: UnsafeRawBufferPointer, _ s: Int, _ e: Int) -> UnsafeRawBufferPointer {
        if e > s, b[s] == 0x22 { return CSVField.content(b, s, e, &scratch) }
        return UnsafeRawBufferPointer(rebasing: b[s..<e])
    }

    private mutating func row(_ b: UnsafeRawBufferPointer, _ starts: UnsafeMutableBufferPointer<Int>,
                              _ ends: UnsafeMutableBufferPointer<Int>, ascii: Bool,
                              line: Int, raw: UnsafeRawBufferPointer) throws(ColumnarError) {
        var reasons: UInt32 = 0
        let timeText = field(b, starts[iTime], ends[iTime])
        if timeText.isEmpty {
            try rejects.record(line: line, reasons: RejectReason.missingEventTime.bit, rejected: true, raw: raw)
            return
        }
        guard let t = TimestampParser.parse(timeText, memo: &dateMemo) else {
            try rejects.record(line: line, reasons: RejectReason.badEventTime.bit, rejected: true, raw: raw)
            return
        }
        if t.coerced { reasons |= RejectReason.eventTimeNotCanonical.bit }
        let day = CivilTime.dayNumber(micros: t.micros)
        if day != lastDay { activate(day: day) }
        active.time.append(t.micros)
        active.lastRow = rowsRead
        active.minTime = min(active.minTime, t.micros)
        active.maxTime = max(active.maxTime, t.micros)

        reasons |= Self.appendString(field(b, starts[iType], ends[iType]), ascii: ascii, to: &active.eventType)
        reasons |= Self.appendInt(field(b, starts[iProduct], ends[iProduct]), to: &active.productId,
                             .productIdNormalized, .productIdInvalid)
        reasons |= Self.appendInt(field(b, starts[iCategory], ends[iCategory]), to: &active.categoryId,
                             .categoryIdNormalized, .categoryIdInvalid)
        reasons |= Self.appendString(field(b, starts[iCode], ends[iCode]), ascii: ascii, to: &active.categoryCode)
        reasons |= Self.appendString(field(b, starts[iBrand], ends[iBrand]), ascii: ascii, to: &active.brand)
        switch DoubleParser.parse(field(b, starts[iPrice], ends[iPrice])) {
        case .null: active.price.appendNull(0)
        case .exact(let v): active.price.append(v)
        case .coerced(let v): active.price.append(v); reasons |= RejectReason.priceNormalized.bit
        case .invalid: active.price.appendNull(0); reasons |= RejectReason.priceInvalid.bit
        case .outOfRange(let v): active.price.append(v); reasons |= RejectReason.priceOutOfRange.bit
        }
        reasons |= Self.appendInt(field(b, starts[iUser], ends[iUser]), to: &active.userId,
                             .userIdNormalized, .userIdInvalid)
        // user_session: canonical UUID, else the raw text.
        let s = field(b, starts[iSession], ends[iSession])
        var uuid = UUIDWords(a: 0, b: 0)
        let isUUID = withUnsafeMutableBytes(of: &uuid) { UUIDParser.parse(s, into: $0) }
        if isUUID {
            active.session.append(uuid)
        } else {
            let rowInBuffer = active.session.values.count
            active.session.appendNull(UUIDWords(a: 0, b: 0))
            if s.isEmpty {
                // NULL: nothing kept.
            } else if ascii || UTF8Check.isValid(s) {
                active.sessionRaw.append(row: rowInBuffer, s)
            } else {
                active.sessionRaw.append(row: rowInBuffer, UTF8Check.repair(s))
                reasons |= RejectReason.invalidUTF8.bit
            }
        }
        bufferedRows += 1
        rowsStored += 1
        if reasons != 0 { try rejects.record(line: line, reasons: reasons, rejected: false, raw: raw) }
    }

    private static func appendString(_ v: UnsafeRawBufferPointer, ascii: Bool,
                                     to column: inout DictionaryColumnBuilder) -> UInt32 {
        if v.isEmpty { column.appendNull(); return 0 }
        if ascii || UTF8Check.isValid(v) { column.append(v); return 0 }
        let repaired = UTF8Check.repair(v)
        repaired.withUnsafeBytes { column.append($0) }
        return RejectReason.invalidUTF8.bit
    }

    private static func appendInt(_ v: UnsafeRawBufferPointer, to column: inout NullableBuilder<Int64>,
                           _ normalized: RejectReason, _ invalid: RejectReason) -> UInt32 {
        switch IntegerParser.parse(v) {
        case .null: column.appendNull(0); return 0
        case .exact(let x): column.append(x); return 0
        case .coerced(let x): column.append(x); return normalized.bit
        case .invalid: column.appendNull(0); return invalid.bit
        }
    }

    /// Makes the buffer of `day` (created when new) the `active` one.
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
        lastDay = day
        lastIndex = k
    }

    /// Moves the `active` buffer back into `buffers` (every method reading `buffers` parks first).
    private mutating func park() {
        guard lastIndex >= 0 else { return }
        swap(&buffers[lastIndex], &active)
        lastDay = .min
        lastIndex = -1
    }

    /// Moves out the day buffer to flush: the largest "cold" day (no row for `coldRows` rows:
    /// in time-ordered input, a finished day, so it becomes one whole part), else the largest.
    mutating func takeFlushCandidate(coldRows: Int) -> EventBuffer? {
        park()
        let cold = buffers.indices.filter { rowsRead - buffers[$0].lastRow > coldRows }
        let pool = cold.isEmpty ? Array(buffers.indices) : cold
        guard let k = pool.max(by: { buffers[$0].count < buffers[$1].count }) else { return nil }
        let out = buffers.remove(at: k)
        rebuildIndex()
        bufferedRows -= out.count
        return out
    }

    /// Moves out the oldest day buffer that received no row for more than `coldRows` rows (in
    /// time-ordered input: a finished day, flushed whole as one part), or nil.
    mutating func takeColdDay(coldRows: Int) -> EventBuffer? {
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
        lastDay = .min
        lastIndex = -1
    }
}
