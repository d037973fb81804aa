import CSIMD
import Columnar

/// One batch of events (a store row group, or an in-memory batch) decoded for the learning
/// base: plain arrays the per-user pass reads by row index, plus the window selection.
///
/// Built once per batch from a `RecordBatch` holding (at least) the columns of
/// `EventColumns.learningBase`; the rows keep the batch's order, which must be sorted by
/// (user_id NULLs first, event_time). A class so cursors hand it around with one retain.
/// Memory: about 40 bytes per row plus the string columns.
final class EventBatch: Sendable {
    let count: Int
    let userIds: ContiguousArray<Int64>
    let userValid: Bitmap?
    let times: ContiguousArray<Int64>
    /// Rows inside the window (nil = every row; only boundary batches carry a bitmap).
    let selection: ContiguousArray<UInt64>?
    /// 0 = other event, 1 = `view`, 2 = `purchase` (exact byte comparison).
    let kinds: ContiguousArray<UInt8>
    let productIds: ContiguousArray<Int64>
    let productValid: Bitmap?
    let prices: ContiguousArray<Double>
    let priceValid: Bitmap?
    let category: StringSource
    let brand: StringSource
    /// 16 bytes per row; `sessionValid` clear when the row's session is not a uuid (NULL, or a
    /// text read through `sessionRaw`). Either store layout of `EventColumns` gives the same.
    let sessionBytes: ContiguousArray<UInt8>
    let sessionValid: Bitmap?
    let sessionRaw: StringSource

    enum Kind {
        static let other: UInt8 = 0
        static let view: UInt8 = 1
        static let purchase: UInt8 = 2
    }

    /// Decodes `batch`; `needsFilter` computes the window selection with the SIMD kernel.
    init(_ batch: RecordBatch, window: TimeWindow, needsFilter: Bool, source: String) throws(QueryError) {
        let count = batch.rowCount
        self.count = count
        func missing(_ name: String) -> QueryError {
            .columnar(.corrupt(ParquetLocation(file: source, column: name), reason: "missing or mistyped column '\(name)'"))
        }
        guard let t = batch.column(named: EventColumns.eventTime)?.int64Column else { throw missing(EventColumns.eventTime) }
        guard let u = batch.column(named: EventColumns.userId)?.int64Column else { throw missing(EventColumns.userId) }
        times = t.values
        userIds = u.values
        userValid = u.validity
        if let p = batch.column(named: EventColumns.productId)?.int64Column {
            productIds = p.values
            productValid = p.validity
        } else {
            throw missing(EventColumns.productId)
        }
        if let p = batch.column(named: EventColumns.price)?.doubleColumn {
            prices = p.values
            priceValid = p.validity
        } else {
            throw missing(EventColumns.price)
        }
        category = StringSource(batch.column(named: EventColumns.categoryCode), count: count, viewable: true)
        brand = StringSource(batch.column(named: EventColumns.brand), count: count, viewable: true)
        let session = batch.column(named: EventColumns.userSession)
        switch session {
        case .fixedBytes(let c)? where c.width == 16:
            // Schema version 1: 16 bytes, non-canonical texts in user_session_raw. Version 2
            // files come this way too: `ParquetEventRun` reads their texts with `UUIDTextSplit`.
            sessionBytes = c.bytes
            sessionValid = c.validity
            sessionRaw = StringSource(batch.column(named: EventColumns.userSessionRaw), count: count)
        case .string?, .dictionary?:
            // Session texts (in-memory inputs, or a reader that did not split them): canonical
            // UUIDs become 16 bytes, the other non-NULL texts (rare) are kept as the raw column.
            let (bytes, valid) = SessionBytes.decode(session!, count: count)
            sessionBytes = bytes
            sessionValid = valid
            sessionRaw = StringSource(SessionBytes.rawTexts(session!, valid: valid, count: count), count: count)
        case nil:
            sessionBytes = ContiguousArray(repeating: 0, count: count * 16)
            sessionValid = Bitmap(count: count, value: false)
            sessionRaw = StringSource(batch.column(named: EventColumns.userSessionRaw), count: count)
        default:
            throw missing(EventColumns.userSession)
        }
        kinds = EventBatch.decodeKinds(batch.column(named: EventColumns.eventType), count: count)
        selection = needsFilter ? WindowFilter.select(t.values, start: window.startMicros, end: window.endMicros) : nil
        HeldRows.add(count)
    }

    /// A batch from its columns (`slice(_:window:)`); each array holds `count` rows.
    init(count: Int, userIds: ContiguousArray<Int64>, userValid: Bitmap?, times: ContiguousArray<Int64>,
         selection: ContiguousArray<UInt64>?, kinds: ContiguousArray<UInt8>, productIds: ContiguousArray<Int64>,
         productValid: Bitmap?, prices: ContiguousArray<Double>, priceValid: Bitmap?, category: StringSource,
         brand: StringSource, sessionBytes: ContiguousArray<UInt8>, sessionValid: Bitmap?, sessionRaw: StringSource) {
        self.count = count
        self.userIds = userIds; self.userValid = userValid; self.times = times; self.selection = selection
        self.kinds = kinds; self.productIds = productIds; self.productValid = productValid
        self.prices = prices; self.priceValid = priceValid; self.category = category; self.brand = brand
        self.sessionBytes = sessionBytes; self.sessionValid = sessionValid; self.sessionRaw = sessionRaw
        HeldRows.add(count)
    }

    deinit { HeldRows.remove(count) }

    /// The first row whose user is non-NULL and at least `lower`, by binary search (the rows
    /// are sorted by user_id NULLs first); `count` when there is none. A chunk's cursor starts
    /// here instead of scanning a batch shared with the chunks before it.
    func firstRow(userAtLeast lower: Int64) -> Int {
        var lo = 0, hi = count
        while lo < hi {
            let mid = (lo &+ hi) >> 1
            if userValid.isSet(mid) && userIds[mid] >= lower { hi = mid } else { lo = mid &+ 1 }
        }
        return lo
    }

    /// Rows read ahead by `prefetch`: a cursor visits about four rows of a run per user, so
    /// this is a few visits (and cache lines of the 8- and 16-byte columns) ahead.
    static let prefetchDistance = 32

    /// Asks the CPU to load the cache lines of row `row + prefetchDistance` (clamped to the
    /// batch) of every column the per-user pass reads. A window touches one batch per run in
    /// turn, more column streams than the hardware prefetcher follows; without the hint every
    /// new cache line of every column is a miss. No effect on results.
    @inline(__always)
    func prefetch(row: Int) {
        let r = min(row &+ Self.prefetchDistance, count &- 1)
        guard r >= 0 else { return }
        userIds.withUnsafeBufferPointer { csimd_prefetch($0.baseAddress! + r) }
        times.withUnsafeBufferPointer { csimd_prefetch($0.baseAddress! + r) }
        productIds.withUnsafeBufferPointer { csimd_prefetch($0.baseAddress! + r) }
        prices.withUnsafeBufferPointer { csimd_prefetch($0.baseAddress! + r) }
        sessionBytes.withUnsafeBufferPointer { csimd_prefetch($0.baseAddress! + r &* 16) }
        kinds.withUnsafeBufferPointer { csimd_prefetch($0.baseAddress! + r) }
        category.prefetchCode(r)
        brand.prefetchCode(r)
    }

    /// Rows ahead of a cursor whose dictionary spans `prefetchSpans` asks for: close enough
    /// that their codes, hinted `prefetchDistance` rows ahead, are already in cache.
    static let spanPrefetchDistance = 12

    /// Asks the CPU to load the category/brand `DictionarySpan` of every row in `rows` (each
    /// row's entry is a random place in its dictionary, so unlike the columns every row needs
    /// its own hint; a cursor hints each row once). No effect on results.
    @inline(__always)
    func prefetchSpans(_ rows: Range<Int>) {
        for row in rows {
            category.prefetchSpan(row)
            brand.prefetchSpan(row)
        }
    }

    /// Maps `event_type` to kind codes: per dictionary entry then by code, or per row.
    static func decodeKinds(_ column: AnyColumn?, count: Int) -> ContiguousArray<UInt8> {
        var out = ContiguousArray<UInt8>(repeating: Kind.other, count: count)
        switch column {
        case .dictionary(let c)?:
            let dict = c.dictionary
            var entryKinds = ContiguousArray<UInt8>(repeating: 0, count: dict.count)
            dict.bytes.withUnsafeBytes { raw in
                for i in 0..<dict.count { entryKinds[i] = kind(of: UnsafeRawBufferPointer(rebasing: raw[dict.range(i)])) }
            }
            c.codes.withUnsafeBufferPointer { codes in
                for row in 0..<count where c.isValid(row) {
                    let code = Int(codes[row])
                    if code < entryKinds.count { out[row] = entryKinds[code] }
                }
            }
        case .string(let c)?:
            c.bytes.withUnsafeBytes { raw in
                for row in 0..<count where c.isValid(row) {
                    out[row] = kind(of: UnsafeRawBufferPointer(rebasing: raw[c.range(row)]))
                }
            }
        default:
            break
        }
        return out
    }

    @inline(__always)
    static func kind(of bytes: UnsafeRawBufferPointer) -> UInt8 {
        if bytes.elementsEqual("view".utf8) { return Kind.view }
        if bytes.elementsEqual("purchase".utf8) { return Kind.purchase }
        return Kind.other
    }
}

extension Bitmap {
    /// Unchecked bit read for hot loops (callers guarantee `index < count`).
    @inline(__always) func bit(_ index: Int) -> Bool {
        words.withUnsafeBufferPointer { $0[index &>> 6] & (1 &<< UInt64(index & 63)) != 0 }
    }
}

extension Optional where Wrapped == ContiguousArray<UInt64> {
    /// True when bit `index` is set (nil = all set).
    @inline(__always) func isSelected(_ index: Int) -> Bool {
        switch self {
        case .none: true
        case .some(let w): w.withUnsafeBufferPointer { $0[index &>> 6] & (1 &<< UInt64(index & 63)) != 0 }
        }
    }
}

extension Optional where Wrapped == Bitmap {
    /// True when the row is valid (nil bitmap = all valid).
    @inline(__always) func isSet(_ index: Int) -> Bool {
        switch self {
        case .none: true
        case .some(let b): b.bit(index)
        }
    }
}
