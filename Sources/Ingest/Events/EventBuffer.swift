import Columnar

/// The rows that are NULL in a column being built, turned into its validity bitmap once at
/// the end: appending a valid value costs nothing here (no per-value bitmap append).
/// Memory: 4 bytes per NULL.
struct NullPositions {
    var rows = ContiguousArray<Int32>()

    /// The validity bitmap of `count` rows, nil when no row is NULL.
    /// With `inverse` (row → its position in the sorted order), the bitmap of the sorted rows:
    /// O(NULLs) after the one shared inverse, no per-row bit gather.
    func bitmap(count: Int, inverse: ContiguousArray<Int32>? = nil) -> Bitmap? {
        guard !rows.isEmpty else { return nil }
        var b = Bitmap(count: count, value: true)
        if let inverse {
            for r in rows { b[Int(inverse[Int(r)])] = false }
        } else {
            for r in rows { b[Int(r)] = false }
        }
        return b
    }
}

/// A nullable fixed-width column being built (specialised in this module: the Columnar
/// generic `append` is not inlinable and costs a metadata lookup per value).
struct NullableBuilder<T: BitwiseCopyable & Sendable> {
    var values = ContiguousArray<T>()
    var nulls = NullPositions()

    @inline(__always) mutating func append(_ v: T) {
        values.append(v)
    }

    mutating func appendNull(_ placeholder: T) {
        nulls.rows.append(Int32(truncatingIfNeeded: values.count))
        values.append(placeholder)
    }

    var validity: Bitmap? { nulls.bitmap(count: values.count) }

    var column: FixedWidthColumn<T> { FixedWidthColumn(values: values, validity: validity) }

    /// The column in `perm` order (`inverse`: its inverse permutation).
    func gathered(_ perm: ContiguousArray<Int32>?, _ inverse: ContiguousArray<Int32>?) -> FixedWidthColumn<T> {
        let v = nulls.bitmap(count: values.count, inverse: inverse)
        guard let perm else { return FixedWidthColumn(values: values, validity: v) }
        return FixedWidthColumn(values: PermutationGather.gather(values, perm), validity: v)
    }
}

/// A string column NULL in almost every row (user_session text that is not a canonical UUID):
/// only its non-NULL rows are kept, as (row, bytes). Memory: the kept bytes plus 8 per kept row.
struct SparseStringBuilder {
    var rows = ContiguousArray<Int32>()
    var offsets: ContiguousArray<Int32> = [0]
    var bytes = ContiguousArray<UInt8>()

    mutating func append(row: Int, _ b: UnsafeRawBufferPointer) {
        rows.append(Int32(truncatingIfNeeded: row))
        bytes.append(contentsOf: b)
        offsets.append(Int32(truncatingIfNeeded: bytes.count))
    }

    mutating func append(row: Int, _ b: [UInt8]) {
        b.withUnsafeBytes { append(row: row, $0) }
    }

    var byteEstimate: Int { bytes.count + rows.count * 8 }

    /// The dense column of `count` rows, in `perm` order when given.
    func column(count: Int, perm: ContiguousArray<Int32>?) -> StringColumn {
        if rows.isEmpty {
            return StringColumn(offsets: ContiguousArray(repeating: 0, count: count + 1), bytes: [],
                                validity: Bitmap(count: count, value: false))
        }
        var slot = ContiguousArray<Int32>(repeating: -1, count: count)
        for (k, r) in rows.enumerated() { slot[Int(r)] = Int32(k) }
        var out = StringColumn()
        out.reserveCapacity(rows: count, bytes: bytes.count)
        bytes.withUnsafeBytes { raw in
            for j in 0..<count {
                let k = Int(slot[perm.map { Int($0[j]) } ?? j])
                if k < 0 {
                    out.appendNull()
                } else {
                    out.appendBytes(UnsafeRawBufferPointer(rebasing: raw[Int(offsets[k])..<Int(offsets[k + 1])]))
                }
            }
        }
        return out
    }
}

func gather(_ v: Bitmap, _ perm: ContiguousArray<Int32>) -> Bitmap {
    var out = Bitmap(reservingCapacity: perm.count)
    for i in perm { out.append(v[Int(i)]) }
    return out
}

func gather<T>(_ c: FixedWidthColumn<T>, _ perm: ContiguousArray<Int32>?) -> FixedWidthColumn<T> {
    guard let perm else { return c }
    return FixedWidthColumn(values: PermutationGather.gather(c.values, perm), validity: c.validity.map { gather($0, perm) })
}

/// The rows of one UTC day (of one source) in input order, in typed column builders:
/// the unit the ingest holds in memory and flushes as one sorted part file.
/// Memory: ≈ 75 bytes per row plus the distinct strings (`byteEstimate`).
struct EventBuffer {
    let day: Int64
    var time = ContiguousArray<Int64>()
    var eventType = DictionaryColumnBuilder()
    var productId = NullableBuilder<Int64>()
    var categoryId = NullableBuilder<Int64>()
    var categoryCode = DictionaryColumnBuilder()
    var brand = DictionaryColumnBuilder()
    var price = NullableBuilder<Double>()
    var userId = NullableBuilder<Int64>()
    /// The 16 UUID bytes in memory order (two words, no per-byte work).
    var session = NullableBuilder<UUIDWords>()
    var sessionRaw = SparseStringBuilder()
    /// `rowsRead` of the parser when this day last received a row.
    var lastRow = 0
    var minTime = Int64.max
    var maxTime = Int64.min

    init(day: Int64) { self.day = day }

    /// A buffer with room for `rows` rows in every fixed-width column (no regrowth copies
    /// while it fills up to that).
    init(day: Int64, reservingRows rows: Int) {
        self.day = day
        guard rows > 0 else { return }
        time.reserveCapacity(rows)
        eventType.codes.reserveCapacity(rows)
        productId.values.reserveCapacity(rows)
        categoryId.values.reserveCapacity(rows)
        categoryCode.codes.reserveCapacity(rows)
        brand.codes.reserveCapacity(rows)
        price.values.reserveCapacity(rows)
        userId.values.reserveCapacity(rows)
        session.values.reserveCapacity(rows)
    }

    var count: Int { time.count }

    var byteEstimate: Int {
        time.count * 58 + eventType.byteEstimate + categoryCode.byteEstimate + brand.byteEstimate
            + sessionRaw.byteEstimate
    }

    /// The permutation that sorts rows by (user_id NULLs first, event_time, input order), or
    /// nil when they already are.
    func sortPermutation() -> ContiguousArray<Int32>? {
        if let packed = packedSortPermutation() { return packed.isEmpty && count > 0 ? nil : packed }
        return keyedSortPermutation()
    }

    /// The fast path of `sortPermutation`: keys packed into two words, (user + 1 or 0 for NULL,
    /// (time − minTime) << 27 | row), compared as a pair. Returns nil when the buffer does not fit
    /// the packing (≥ 2^27 rows, a time span ≥ 2^37 µs, user_id == Int64.max), an empty
    /// permutation when the rows are already sorted.
    func packedSortPermutation() -> ContiguousArray<Int32>? {
        let n = count
        guard n > 0, n < (1 << 27), maxTime >= minTime, UInt64(bitPattern: maxTime &- minTime) < (1 << 37) else { return nil }
        var sorted = true
        var timeOrdered = true
        var ok = true
        let base = minTime
        let validity = userId.validity
        // Keys written in place (no per-key append); `initialized` counts the keys written.
        var keys = ContiguousArray<PackedSortKey>(unsafeUninitializedCapacity: n) { k, initialized in
            time.withUnsafeBufferPointer { t in
                userId.values.withUnsafeBufferPointer { u in
                    var prevHi: UInt64 = 0, prevLo: UInt64 = 0
                    for i in 0..<n {
                        let valid = validity?[i] ?? true
                        var hi: UInt64 = 0
                        if valid {
                            if u[i] == .max { ok = false; return }
                            hi = (UInt64(bitPattern: u[i]) ^ (1 << 63)) &+ 1
                        }
                        let lo = UInt64(bitPattern: t[i] &- base) << 27 | UInt64(i)
                        if i > 0 {
                            if hi < prevHi || (hi == prevHi && lo < prevLo) { sorted = false }
                            if lo < prevLo { timeOrdered = false }
                        }
                        prevHi = hi; prevLo = lo
                        k[i] = PackedSortKey(hi: hi, lo: lo)
                        initialized = i &+ 1
                    }
                }
            }
        }
        guard ok else { return nil }
        if sorted { return [] }
        if timeOrdered {
            // lo already increases in input order: a stable sort on hi alone orders (hi, lo).
            PackedSortKey.radixSortByHi(&keys)
        } else {
            keys.withUnsafeMutableBufferPointer { k in
                k.sort { a, b in a.hi != b.hi ? a.hi < b.hi : a.lo < b.lo }
            }
        }
        return ContiguousArray<Int32>(unsafeUninitializedCapacity: n) { p, initialized in
            keys.withUnsafeBufferPointer { k in
                for j in 0..<n { p[j] = Int32(truncatingIfNeeded: k[j].lo & ((1 << 27) - 1)) }
            }
            initialized = n
        }
    }

    /// The general path of `sortPermutation` (any row count and time span).
    func keyedSortPermutation() -> ContiguousArray<Int32>? {
        struct Key: Comparable {
            var user: Int64, time: Int64, row: Int32, valid: Bool
            static func < (a: Key, b: Key) -> Bool {
                if a.valid != b.valid { return !a.valid }
                if a.user != b.user { return a.user < b.user }
                if a.time != b.time { return a.time < b.time }
                return a.row < b.row
            }
        }
        let n = count
        var keys = ContiguousArray<Key>()
        keys.reserveCapacity(n)
        let validity = userId.validity
        for i in 0..<n {
            let valid = validity?[i] ?? true
            keys.append(Key(user: valid ? userId.values[i] : 0, time: time[i], row: Int32(i), valid: valid))
        }
        var sorted = true
        var k = 1
        while k < n { if keys[k] < keys[k - 1] { sorted = false; break }; k += 1 }
        if sorted { return nil }
        keys.sort()
        var perm = ContiguousArray<Int32>()
        perm.reserveCapacity(n)
        for key in keys { perm.append(key.row) }
        return perm
    }

    /// The rows sorted, as a batch of `EventsDataset.schemas[schemaVersion]` (1: user_session
    /// as 16 bytes plus user_session_raw; 2: user_session as text). A version this build does
    /// not know is an invalid argument (callers take it from `EventsDataset`).
    func sortedBatch(schemaVersion: Int = EventsDataset.currentSchemaVersion) throws(ColumnarError) -> RecordBatch {
        guard let schema = EventsDataset.schema(version: schemaVersion) else {
            throw .invalidArgument("unknown events schema version \(schemaVersion)")
        }
        let perm = sortPermutation()
        let t = gather(FixedWidthColumn(values: time), perm)
        let inverse = perm.map(PermutationGather.inverse)
        let words = perm.map { PermutationGather.gather(session.values, $0) } ?? session.values
        let sessionValidity = session.nulls.bitmap(count: count, inverse: inverse)
        let common: [AnyColumn] = [
            .int64(t), .dictionary(eventType.gathered(perm, inverse)), .int64(productId.gathered(perm, inverse)),
            .int64(categoryId.gathered(perm, inverse)), .dictionary(categoryCode.gathered(perm, inverse)),
            .dictionary(brand.gathered(perm, inverse)), .double(price.gathered(perm, inverse)),
            .int64(userId.gathered(perm, inverse)),
        ]
        if schemaVersion == 1 {
            let sess = NullableBuilder<UUIDWords>.fixedBytes(words, validity: sessionValidity)
            let raw = sessionRaw.column(count: count, perm: perm)
            return try RecordBatch(schema: schema, columns: common + [.fixedBytes(sess), .string(raw)])
        }
        let text = SessionText.column(words: words, validity: sessionValidity, raw: sessionRaw, perm: perm)
        return try RecordBatch(schema: schema, columns: common + [.string(text)])
    }
}

/// A row's sort key packed into two words (see `EventBuffer.packedSortPermutation`).
struct PackedSortKey {
    var hi: UInt64
    var lo: UInt64

    /// Stable LSD radix sort on `hi` (8-bit digits; digits equal in every key are skipped).
    /// Memory: one scratch copy of the keys.
    static func radixSortByHi(_ keys: inout ContiguousArray<PackedSortKey>) {
        let n = keys.count
        guard n > 1 else { return }
        var counts = [Int](repeating: 0, count: 8 * 256)
        var scratch = ContiguousArray<PackedSortKey>(repeating: PackedSortKey(hi: 0, lo: 0), count: n)
        counts.withUnsafeMutableBufferPointer { c in
            keys.withUnsafeBufferPointer { k in
                for key in k {
                    var h = key.hi
                    for d in 0..<8 {
                        c[d &* 256 &+ Int(h & 255)] &+= 1
                        h >>= 8
                    }
                }
            }
            let first = keys[0].hi
            for d in 0..<8 {
                let digit = Int((first >> UInt64(d * 8)) & 255)
                if c[d * 256 + digit] == n { continue }
                // Exclusive prefix sums → the start of each bucket.
                var sum = 0
                for v in 0..<256 {
                    let x = c[d * 256 + v]
                    c[d * 256 + v] = sum
                    sum += x
                }
                let shift = UInt64(d * 8)
                keys.withUnsafeBufferPointer { src in
                    scratch.withUnsafeMutableBufferPointer { dst in
                        for key in src {
                            let slot = d &* 256 &+ Int((key.hi >> shift) & 255)
                            dst[c[slot]] = key
                            c[slot] &+= 1
                        }
                    }
                }
                swap(&keys, &scratch)
            }
        }
    }
}

/// A UUID's 16 bytes as two words, in memory order.
struct UUIDWords: BitwiseCopyable, Sendable {
    var a: UInt64
    var b: UInt64
}

extension NullableBuilder where T == UUIDWords {
    /// `values` as a 16-byte FIXED_LEN_BYTE_ARRAY column (one bulk copy).
    static func fixedBytes(_ values: ContiguousArray<UUIDWords>, validity: Bitmap?) -> FixedBytesColumn {
        let n = values.count * 16
        let bytes = ContiguousArray<UInt8>(unsafeUninitializedCapacity: n) { buf, initialized in
            values.withUnsafeBytes { src in
                if n > 0 { buf.baseAddress!.initialize(from: src.bindMemory(to: UInt8.self).baseAddress!, count: n) }
            }
            initialized = n
        }
        return FixedBytesColumn(width: 16, bytes: bytes, validity: validity)
    }
}
