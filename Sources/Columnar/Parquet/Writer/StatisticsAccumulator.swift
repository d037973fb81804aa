/// Chunk-level statistics of one column chunk as values are encoded (docs/parquet.md §7).
///
/// * `null_count` always.
/// * Integers (INT32/INT64 incl. date and timestamp) and DOUBLE: `min_value`/`max_value` and the
///   legacy signed `min`/`max`, PLAIN-encoded.
/// * DOUBLE: NaN is excluded and counted in `nan_count`; a zero minimum is written as -0.0 and a
///   zero maximum as +0.0; all-NaN (or all-null) chunks get no bounds.
/// * BOOLEAN: one byte, false < true. BYTE_ARRAY / FIXED_LEN_BYTE_ARRAY: raw bytes (no length
///   prefix), unsigned byte-wise order, no legacy fields.
/// Memory: the current min/max byte strings (buffers reused; no per-value allocation).
struct StatisticsAccumulator {
    var nullCount: Int64 = 0
    var nanCount: Int64 = 0
    private var hasInt = false
    private var minInt: Int64 = 0
    private var maxInt: Int64 = 0
    private var hasDouble = false
    private var minDouble: Double = 0
    private var maxDouble: Double = 0
    private var anyTrue = false
    private var anyFalse = false
    private var hasBytes = false
    private var minBytes: [UInt8] = []
    private var maxBytes: [UInt8] = []
    /// `prefixKey` of `minBytes` / `maxBytes`: most values are decided by one integer compare.
    private var minKey: UInt64 = 0
    private var maxKey: UInt64 = 0

    mutating func reset() {
        let keepMin = minBytes, keepMax = maxBytes
        self = StatisticsAccumulator()
        minBytes = keepMin
        maxBytes = keepMax
        minBytes.removeAll(keepingCapacity: true)
        maxBytes.removeAll(keepingCapacity: true)
    }

    /// Min/max of the valid rows of `values[range]`.
    mutating func updateIntegers<T: FixedWidthInteger & SignedInteger>(
        _ values: ContiguousArray<T>, validity: Bitmap?, range: Range<Int>
    ) {
        guard !range.isEmpty else { return }
        var lo = T.max, hi = T.min, seen = false
        values.withUnsafeBufferPointer { p in
            if let validity {
                validity.forEachRun(in: range) { run, valid in
                    guard valid else { return }
                    for i in run {
                        let v = p[i]
                        lo = Swift.min(lo, v)
                        hi = Swift.max(hi, v)
                    }
                    seen = true
                }
            } else {
                for i in range {
                    let v = p[i]
                    lo = Swift.min(lo, v)
                    hi = Swift.max(hi, v)
                }
                seen = true
            }
        }
        guard seen else { return }
        if !hasInt {
            hasInt = true
            minInt = Int64(lo)
            maxInt = Int64(hi)
        } else {
            minInt = Swift.min(minInt, Int64(lo))
            maxInt = Swift.max(maxInt, Int64(hi))
        }
    }

    mutating func updateDoubles(_ values: ContiguousArray<Double>, validity: Bitmap?, range: Range<Int>) {
        values.withUnsafeBufferPointer { p in
            for i in range where validity?[i] ?? true {
                let v = p[i]
                if v.isNaN {
                    nanCount &+= 1
                } else if !hasDouble {
                    hasDouble = true
                    minDouble = v
                    maxDouble = v
                } else {
                    if v < minDouble { minDouble = v }
                    if v > maxDouble { maxDouble = v }
                }
            }
        }
    }

    mutating func updateBools(_ values: ContiguousArray<Bool>, validity: Bitmap?, range: Range<Int>) {
        values.withUnsafeBufferPointer { p in
            for i in range where validity?[i] ?? true {
                if p[i] { anyTrue = true } else { anyFalse = true }
            }
        }
    }

    /// Folds one byte string into the min/max. A value whose 8-byte prefix key is strictly
    /// above the minimum's (below the maximum's) cannot be a new minimum (maximum), so only the
    /// rest are compared in full.
    @inline(__always)
    mutating func updateBytes(_ value: UnsafeRawBufferPointer) {
        if !hasBytes {
            hasBytes = true
            minBytes.append(contentsOf: value)
            maxBytes.append(contentsOf: value)
            minKey = Self.prefixKey(value)
            maxKey = minKey
            return
        }
        let key = Self.prefixKey(value)
        if key <= minKey {
            let belowMin = minBytes.withUnsafeBytes { ByteOrder.compare(value, $0) < 0 }
            if belowMin {
                minBytes.removeAll(keepingCapacity: true)
                minBytes.append(contentsOf: value)
                minKey = key
                return
            }
        }
        if key >= maxKey {
            let aboveMax = maxBytes.withUnsafeBytes { ByteOrder.compare(value, $0) > 0 }
            if aboveMax {
                maxBytes.removeAll(keepingCapacity: true)
                maxBytes.append(contentsOf: value)
                maxKey = key
            }
        }
    }

    /// The first 8 bytes of `value` as a big-endian integer, zero-padded: comparing keys agrees
    /// with unsigned byte order whenever the keys differ (`prefixKeyScalar` is the twin).
    @inline(__always)
    static func prefixKey(_ value: UnsafeRawBufferPointer) -> UInt64 {
        guard let p = value.baseAddress else { return 0 }
        if value.count >= 8 { return UInt64(bigEndian: p.loadUnaligned(as: UInt64.self)) }
        var key: UInt64 = 0
        for i in 0..<value.count { key |= UInt64(p.load(fromByteOffset: i, as: UInt8.self)) << UInt64(56 &- 8 &* i) }
        return key
    }

    /// Byte-wise twin of `prefixKey` (tests).
    static func prefixKeyScalar(_ value: [UInt8]) -> UInt64 {
        var key: UInt64 = 0
        for (i, b) in value.prefix(8).enumerated() { key |= UInt64(b) << UInt64(56 - 8 * i) }
        return key
    }

    /// The Thrift `Statistics` for a chunk of `type`.
    func statistics(for type: ColumnType) -> Statistics {
        var s = Statistics()
        s.nullCount = nullCount
        var minV: [UInt8]?
        var maxV: [UInt8]?
        switch type {
        case .int32, .date:
            if hasInt {
                minV = Self.le(Int32(truncatingIfNeeded: minInt))
                maxV = Self.le(Int32(truncatingIfNeeded: maxInt))
            }
        case .int64, .timestampMicros:
            if hasInt {
                minV = Self.le(minInt)
                maxV = Self.le(maxInt)
            }
        case .double:
            s.nanCount = nanCount
            if hasDouble {
                let lo = minDouble == 0 ? -0.0 : minDouble
                let hi = maxDouble == 0 ? 0.0 : maxDouble
                minV = Self.le(lo.bitPattern)
                maxV = Self.le(hi.bitPattern)
            }
        case .bool:
            if anyTrue || anyFalse {
                minV = [anyFalse ? 0 : 1]
                maxV = [anyTrue ? 1 : 0]
            }
        case .string, .binary, .uuid:
            if hasBytes {
                minV = minBytes
                maxV = maxBytes
            }
        }
        if let minV, let maxV {
            s.minValue = minV
            s.maxValue = maxV
            if ParquetWriterSchema.hasSignedOrder(type) {
                s.min = minV
                s.max = maxV
            }
        }
        return s
    }

    private static func le<T: FixedWidthInteger>(_ v: T) -> [UInt8] {
        withUnsafeBytes(of: v.littleEndian) { Array($0) }
    }
}
