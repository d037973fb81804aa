/// A statistics bound decoded with the column's type: integers (int32, date, int64,
/// timestamp in micros) as `.int`, floating point as `.double`, strings/binary/uuid as `.bytes`.
public enum StatValue: Sendable, Equatable { case int(Int64), double(Double), bytes([UInt8]), bool(Bool) }

/// Typed statistics of one column chunk, decoded with the column's type.
public struct ColumnStatistics: Sendable, Equatable {
    public var nullCount: Int64?
    public var min: StatValue?
    public var max: StatValue?

    public init(nullCount: Int64?, min: StatValue?, max: StatValue?) {
        self.nullCount = nullCount
        self.min = min
        self.max = max
    }

    /// Decodes `min_value`/`max_value`, falling back to the legacy `min`/`max` only for types
    /// whose order is signed (never for byte arrays or unsigned integers). A bound with the
    /// wrong byte length, or a NaN float bound, is dropped. nil when nothing usable remains.
    init?(_ s: Statistics, descriptor d: ParquetColumnDescriptor) {
        let signed: Bool = switch d.physical {
        case .byteArray, .fixedLenByteArray: false
        default: d.conversion != .uint32ToInt64
        }
        let minBytes = s.minValue ?? (signed ? s.min : nil)
        let maxBytes = s.maxValue ?? (signed ? s.max : nil)
        let nullCount = s.nullCount.flatMap { $0 >= 0 ? $0 : nil }
        let lo = minBytes.flatMap { Self.value($0, d, isMax: false) }
        let hi = maxBytes.flatMap { Self.value($0, d, isMax: true) }
        if nullCount == nil && lo == nil && hi == nil { return nil }
        self.init(nullCount: nullCount, min: lo, max: hi)
    }

    static func value(_ b: [UInt8], _ d: ParquetColumnDescriptor, isMax: Bool) -> StatValue? {
        func le(_ n: Int) -> UInt64? {
            guard b.count == n else { return nil }
            var v: UInt64 = 0
            for i in 0..<n { v |= UInt64(b[i]) << UInt64(8 * i) }
            return v
        }
        switch d.physical {
        case .boolean:
            guard b.count == 1 else { return nil }
            return .bool(b[0] != 0)
        case .int32:
            guard let v = le(4) else { return nil }
            let i = Int32(truncatingIfNeeded: v)
            return .int(d.conversion == .uint32ToInt64 ? Int64(UInt32(bitPattern: i)) : Int64(i))
        case .int64:
            guard let v = le(8) else { return nil }
            let i = Int64(bitPattern: v)
            switch d.conversion {
            case .millisToMicros:
                let (m, overflow) = i.multipliedReportingOverflow(by: 1000)
                return overflow ? nil : .int(m)
            case .nanosToMicros:
                let q = i / 1000
                return .int(i % 1000 < 0 ? q - 1 : q)
            default:
                return .int(i)
            }
        case .float:
            guard let v = le(4) else { return nil }
            let f = Double(Float(bitPattern: UInt32(truncatingIfNeeded: v)))
            return f.isNaN ? nil : .double(f)
        case .double:
            guard let v = le(8) else { return nil }
            let f = Double(bitPattern: v)
            return f.isNaN ? nil : .double(f)
        case .byteArray:
            return .bytes(b)
        case .fixedLenByteArray:
            return b.count == d.typeLength ? .bytes(b) : nil
        default:
            return nil
        }
    }
}
