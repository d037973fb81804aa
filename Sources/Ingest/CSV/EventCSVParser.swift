import Columnar

/// Typed parsing of REES46 CSV rows straight into per-day column buffers (`EventDays`).
///
/// Fed with buffers of whole rows (`parse`), it scans them (`CSVScanner.scanSIMD`), checks the
/// field count, converts each field with the reference semantics (`TimestampParser`,
/// `IntegerParser`, `DoubleParser`, `UUIDParser`), appends the row to the buffer of its UTC day
/// and records rejected/coerced lines in the `RejectLog`. The caller moves full day buffers
/// out of `days` (`EventDays`). Memory: the day buffers it holds (the caller bounds them
/// through `bufferedRows`) plus the structural entries of one input buffer.
struct EventCSVParser {
    let header: CSVHeader
    let fieldCount: Int
    let rejects: RejectLog
    /// 1-based physical line number of the next row.
    private(set) var line: Int
    private(set) var rowsRead = 0
    private(set) var rowsStored = 0
    /// The parsed rows, by UTC day (moved out by the reader for writing).
    var days = EventDays()
    var bufferedRows: Int { days.bufferedRows }
    private var entries = ContiguousArray<UInt32>()
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
        days.select(day: CivilTime.dayNumber(micros: t.micros))
        days.active.time.append(t.micros)
        days.active.lastRow = rowsRead
        days.active.minTime = min(days.active.minTime, t.micros)
        days.active.maxTime = max(days.active.maxTime, t.micros)

        reasons |= Self.appendString(field(b, starts[iType], ends[iType]), ascii: ascii, to: &days.active.eventType)
        reasons |= Self.appendInt(field(b, starts[iProduct], ends[iProduct]), to: &days.active.productId,
                             .productIdNormalized, .productIdInvalid)
        reasons |= Self.appendInt(field(b, starts[iCategory], ends[iCategory]), to: &days.active.categoryId,
                             .categoryIdNormalized, .categoryIdInvalid)
        reasons |= Self.appendString(field(b, starts[iCode], ends[iCode]), ascii: ascii, to: &days.active.categoryCode)
        reasons |= Self.appendString(field(b, starts[iBrand], ends[iBrand]), ascii: ascii, to: &days.active.brand)
        switch DoubleParser.parse(field(b, starts[iPrice], ends[iPrice])) {
        case .null: days.active.price.appendNull(0)
        case .exact(let v): days.active.price.append(v)
        case .coerced(let v): days.active.price.append(v); reasons |= RejectReason.priceNormalized.bit
        case .invalid: days.active.price.appendNull(0); reasons |= RejectReason.priceInvalid.bit
        case .outOfRange(let v): days.active.price.append(v); reasons |= RejectReason.priceOutOfRange.bit
        }
        reasons |= Self.appendInt(field(b, starts[iUser], ends[iUser]), to: &days.active.userId,
                             .userIdNormalized, .userIdInvalid)
        // user_session: canonical UUID, else the raw text.
        let s = field(b, starts[iSession], ends[iSession])
        var uuid = UUIDWords(a: 0, b: 0)
        let isUUID = withUnsafeMutableBytes(of: &uuid) { UUIDParser.parse(s, into: $0) }
        if isUUID {
            days.active.session.append(uuid)
        } else {
            let rowInBuffer = days.active.session.values.count
            days.active.session.appendNull(UUIDWords(a: 0, b: 0))
            if s.isEmpty {
                // NULL: nothing kept.
            } else if ascii || UTF8Check.isValid(s) {
                days.active.sessionRaw.append(row: rowInBuffer, s)
            } else {
                days.active.sessionRaw.append(row: rowInBuffer, UTF8Check.repair(s))
                reasons |= RejectReason.invalidUTF8.bit
            }
        }
        days.bufferedRows += 1
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
}
