import Columnar

/// Where the per-user pass delivers its rows. Implementations: the CSV writer, the Parquet
/// writer and the in-memory `RowCollector`. Called once per user with a finished accumulator
/// (`outGroups` in output order); the sink must copy what it keeps. A sink may own buffers
/// (non-copyable, like the CSV chunk sink).
protocol LearningBaseSink: ~Copyable {
    mutating func consume(_ user: UserAccumulator) throws(QueryError)
}

/// One output row of the learning base, as typed values (tests and small in-memory uses).
/// Strings are the raw values (not CSV-trimmed). Times are UTC microseconds.
public struct LearningBaseRow: Sendable, Equatable, Hashable {
    public var userId: Int32
    public var userSession: String
    public var productId: Int32?
    public var price: Double?
    public var categoryCode: String?
    public var brand: String?
    public var numViewsProduct: Int64
    public var purchased: Bool
    public var startTime: Int64
    public var endTime: Int64
    public var numViewsSession: Int64
    public var duration: Int32
    public var startHour: Int32
    public var startMinute: Int32
    public var startDayOfWeek: Int32
    public var sessionsPrecedentes: Int32
    public var numPrevAndCurrentProductViews: Int64
    public var numPrevProductViews: Int64
}

/// One value of an output row, as the type of its column (`LearningBaseColumns`).
public enum OutputValue: Sendable, Equatable, Hashable {
    case null
    case int(Int64)
    case double(Double)
    case bool(Bool)
    /// UTC microseconds.
    case timestamp(Int64)
    case string(String)
}

extension LearningBaseRow {
    /// The value of the output column named `column` (`LearningBaseColumns`), nil for a name
    /// that is not one: the typed row by column, which `LearningBaseColumnsTests` compares with
    /// what the CSV, Parquet and Arrow writers put in each column of the table.
    public func value(of column: String) -> OutputValue? {
        func optional<T>(_ v: T?, _ wrap: (T) -> OutputValue) -> OutputValue { v.map(wrap) ?? .null }
        switch column {
        case "user_id": return .int(Int64(userId))
        case "user_session": return .string(userSession)
        case "product_id": return optional(productId) { .int(Int64($0)) }
        case "price": return optional(price, OutputValue.double)
        case "category_code": return optional(categoryCode, OutputValue.string)
        case "brand": return optional(brand, OutputValue.string)
        case "num_views_product": return .int(numViewsProduct)
        case "purchased": return .bool(purchased)
        case "start_time": return .timestamp(startTime)
        case "end_time": return .timestamp(endTime)
        case "num_views_session": return .int(numViewsSession)
        case "duration": return .int(Int64(duration))
        case "start_hour": return .int(Int64(startHour))
        case "start_minute": return .int(Int64(startMinute))
        case "start_dayofweek": return .int(Int64(startDayOfWeek))
        case "sessions_precedentes": return .int(Int64(sessionsPrecedentes))
        case "num_prev_and_current_product_views": return .int(numPrevAndCurrentProductViews)
        case "num_prev_product_views": return .int(numPrevProductViews)
        default: return nil
        }
    }
}

/// Derived time fields of a session start (UTC): hour, minute, Spark day of week (1 = Sunday).
enum SessionClock {
    @inline(__always)
    static func fields(_ micros: Int64) -> (hour: Int32, minute: Int32, dayOfWeek: Int32) {
        let day = CivilTime.dayNumber(micros: micros)
        let secondOfDay = (micros &- day &* CivilTime.microsPerDay) / CivilTime.microsPerSecond
        // 1970-01-01 was a Thursday (Spark: 5).
        let weekday = ((day &+ 4) % 7 &+ 7) % 7
        return (Int32(secondOfDay / 3600), Int32(secondOfDay / 60 % 60), Int32(weekday) &+ 1)
    }

    /// Whole seconds between two timestamps (floor of each, like Spark's long cast).
    @inline(__always)
    static func seconds(from start: Int64, to end: Int64) -> Int32 {
        Int32(truncatingIfNeeded: floorSeconds(end) &- floorSeconds(start))
    }

    @inline(__always) static func floorSeconds(_ micros: Int64) -> Int64 {
        micros >= 0 ? micros / CivilTime.microsPerSecond : (micros &- CivilTime.microsPerSecond &+ 1) / CivilTime.microsPerSecond
    }
}

extension UserAccumulator {
    func text(_ ref: TextRef, _ column: TextColumn) -> String? {
        guard ref.length >= 0 else { return nil }
        return withText(ref, column) { String(decoding: $0, as: UTF8.self) }
    }

    func sessionText(_ session: Int) -> String {
        let o = Int(sessions[session].textOffset), n = Int(sessions[session].textLength)
        return pool.withUnsafeBytes { String(decoding: $0[o ..< o + n], as: UTF8.self) }
    }

    /// Product id of a product key (nil for the NULL product).
    @inline(__always) static func productId(_ key: UInt64) -> Int32? {
        key == nullProduct ? nil : Int32(truncatingIfNeeded: Int64(bitPattern: key) &- 1 &+ Int64(Int32.min))
    }

    /// The output row at position `i` of `outGroups` (allocates Strings: not for hot paths).
    func row(_ i: Int) -> LearningBaseRow {
        let group = groups[Int(outGroups[i])]
        let s = Int(group.session)
        let session = sessions[s]
        let start = session.start, end = session.end
        let clock = SessionClock.fields(start)
        let cumulative = outCumulative[i]
        return LearningBaseRow(
            userId: userId, userSession: sessionText(s), productId: Self.productId(group.product),
            price: group.price, categoryCode: text(group.category, .category), brand: text(group.brand, .brand),
            numViewsProduct: group.views, purchased: group.purchased, startTime: start, endTime: end,
            numViewsSession: session.products, duration: SessionClock.seconds(from: start, to: end),
            startHour: clock.hour, startMinute: clock.minute, startDayOfWeek: clock.dayOfWeek,
            sessionsPrecedentes: session.rank, numPrevAndCurrentProductViews: cumulative,
            numPrevProductViews: cumulative &- group.views)
    }
}

/// A sink that keeps every row in memory as `LearningBaseRow`s (tests, small windows).
struct RowCollector: LearningBaseSink {
    var rows: [LearningBaseRow] = []
    mutating func consume(_ user: UserAccumulator) throws(QueryError) {
        for i in 0..<user.outGroups.count { rows.append(user.row(i)) }
    }
}
