import Columnar

/// A realistic, seeded generator of REES46 e-commerce monthly dumps, in the exact text format of
/// the real files (`2019-10-01 00:00:04 UTC,view,44600062,2103807459595387724,,shiseido,35.79,541312140,<uuid>`).
///
/// Shape, at `scale` 1.0 (a real month): ~42 M rows in October and ~67 M in November, ~3 M users,
/// ~9 M sessions (a geometric number of events per session, mean ~4.6), ~167 K products with
/// Zipf-like popularity, ~3.4 K brands, ~126 category codes; 96% views, ~2% carts, ~1.7% purchases
/// in October, more carts in November; ~32% of rows without category_code and ~14% without brand;
/// sessions last a few minutes, some cross midnight; users return over days and re-view products.
/// Rows are written sorted by event_time.
///
/// Memory: the product catalogue (~40 bytes a product) plus the events of the sessions that start
/// within a sliding window of a few hours, independent of the month's size.
/// Determinism: the same (month, scale, seed) always gives the same bytes.
public struct REES46Generator: Sendable {
    public let year: Int
    public let month: Int
    public let scale: Double
    public let seed: UInt64

    /// Rows of a real month at scale 1.0 (REES46 electronics store, 2019).
    public static func realRows(month: Int) -> Int { month == 11 ? 67_500_000 : 42_450_000 }

    public init(year: Int = 2019, month: Int = 10, scale: Double, seed: UInt64 = 46) {
        self.year = year
        self.month = month
        self.scale = scale
        self.seed = seed
    }

    /// Parses "YYYY-MM".
    /// The largest scale `init?(monthText:scale:seed:)` accepts: every derived count (rows,
    /// users, sessions) stays far below `Int.max`, so no conversion traps.
    public static let maximumScale = 1000.0

    /// Nil for a malformed month or a scale that is not finite, not positive or above `maximumScale`.
    public init?(monthText: String, scale: Double, seed: UInt64 = 46) {
        let parts = monthText.split(separator: "-")
        guard parts.count == 2, let y = Int(parts[0]), let m = Int(parts[1]), (1...12).contains(m), y >= 1970, y < 10000,
              scale.isFinite, scale > 0, scale <= Self.maximumScale else { return nil }
        self.init(year: y, month: m, scale: scale, seed: seed)
    }

    public var targetRows: Int { max(1, Int((Double(Self.realRows(month: month)) * scale).rounded())) }
    var userCount: Int { max(50, Int(3_000_000 * scale)) }
    var productCount: Int { max(2_000, Int(167_000 * min(1, scale.squareRoot() * 1.2))) }

    /// Summary of one generated file.
    public struct Report: Sendable {
        public var rows: Int
        public var bytes: Int
        public var sessions: Int
    }

    /// Writes the month as CSV to `sink` in chunks of about 4 MiB; `progress` gets (rows, bytes)
    /// after each chunk. The sink owns nothing it is given beyond the call.
    public func generate(sink: (UnsafeRawBufferPointer) throws -> Void,
                         progress: ((Int, Int) -> Void)? = nil) rethrows -> Report {
        var rng = GeneratorRandom(seed: seed ^ UInt64(year * 100 + month) &* 0x9E37_79B9)
        let catalogue = ProductCatalogue(count: productCount, seed: seed)
        let monthDays = Int(CivilTime.daysInMonth(year: Int64(year), month: Int64(month)))
        let firstDay = CivilTime.daysFromCivil(year: Int64(year), month: Int64(month), day: 1)
        let monthStart = firstDay * 86_400
        let monthSeconds = Int64(monthDays) * 86_400
        let meanEvents = 4.6
        let sessionTarget = max(1, Int(Double(targetRows) / meanEvents))
        let (cartRate, purchaseRate, removeRate) = month == 11 ? (0.042, 0.014, 0.0) : (0.0218, 0.0175, 0.0)

        var out = CSVOutput(catalogue: catalogue)
        out.appendHeader()
        var report = Report(rows: 0, bytes: 0, sessions: 0)

        // Sessions start uniformly (with a daily rhythm) over the month; they are generated one hour of
        // start times at a time, their events bucketed by the hour they fall in, and an hour is sorted
        // and written once no later session can add to it (sessions last < 3 hours).
        let hours = Int(monthSeconds / 3600)
        let sessionsPerHour = Double(sessionTarget) / Double(hours)
        var pending: [Int: [GeneratedEvent]] = [:]
        var rowsLeft = targetRows
        for hour in 0..<hours {
            let hourOfDay = hour % 24
            let rhythm = DailyRhythm.weight(hourOfDay) / DailyRhythm.mean
            var sessions = Int(sessionsPerHour * rhythm)
            if rng.nextDouble() < sessionsPerHour * rhythm - Double(sessions) { sessions += 1 }
            for _ in 0..<sessions where rowsLeft > 0 {
                let start = monthStart + Int64(hour) * 3600 + Int64(rng.next(below: 3600))
                let userIndex = rng.zipfIndex(count: userCount, skew: 0.6)
                let userId = 512_000_000 + Int64(userIndex) * 23
                var session = SessionBuilder(userId: userId, start: start, rng: &rng)
                var n = 1
                while rng.nextDouble() > 1.0 / meanEvents && n < 60 { n += 1 }
                n = min(n, rowsLeft)
                let favourite = catalogue.favourite(of: userIndex)
                for _ in 0..<n {
                    let event = session.next(catalogue: catalogue, favourite: favourite, cartRate: cartRate,
                                             purchaseRate: purchaseRate, removeRate: removeRate, rng: &rng)
                    // A real monthly dump holds only that month: events past its end are cut.
                    guard event.time < monthStart + monthSeconds else { break }
                    let eventHour = Int((event.time - monthStart) / 3600)
                    pending[eventHour, default: []].append(event)
                }
                rowsLeft -= n
                report.sessions += 1
            }
            // Hours that no later session can reach are complete.
            if hour >= 3 { try flush(hour: hour - 3, pending: &pending, out: &out, report: &report, sink: sink, progress: progress) }
        }
        for h in pending.keys.sorted() {
            try flush(hour: h, pending: &pending, out: &out, report: &report, sink: sink, progress: progress)
        }
        if out.count > 0 {
            try out.drain(sink)
        }
        report.bytes = out.totalBytes
        progress?(report.rows, report.bytes)
        return report
    }

    private func flush(hour: Int, pending: inout [Int: [GeneratedEvent]], out: inout CSVOutput, report: inout Report,
                       sink: (UnsafeRawBufferPointer) throws -> Void, progress: ((Int, Int) -> Void)?) rethrows {
        guard var events = pending.removeValue(forKey: hour) else { return }
        events.sort { $0.time < $1.time || ($0.time == $1.time && $0.sequence < $1.sequence) }
        for e in events { out.append(e) }
        report.rows += events.count
        if out.count >= 4 << 20 {
            try out.drain(sink)
            progress?(report.rows, out.totalBytes)
        }
    }
}

/// One generated event before formatting.
struct GeneratedEvent {
    var time: Int64          // seconds since epoch
    var sequence: Int64      // generation order, breaks ties stably
    var type: UInt8          // 0 view, 1 cart, 2 purchase, 3 remove_from_cart
    var product: Int32       // catalogue index
    var userId: Int64
    var session: (UInt64, UInt64)
}

/// The events of one session: a user browsing a few products, re-viewing some, sometimes carting
/// and buying.
struct SessionBuilder {
    let userId: Int64
    var time: Int64
    let session: (UInt64, UInt64)
    var viewed: [Int32] = []
    var carted: [Int32] = []
    var sequence: Int64

    init(userId: Int64, start: Int64, rng: inout GeneratorRandom) {
        self.userId = userId
        self.time = start
        self.session = (rng.next(), rng.next())
        self.sequence = start &* 1_000_003 &+ Int64(truncatingIfNeeded: rng.next() & 0xFFFFF)
    }

    mutating func next(catalogue: ProductCatalogue, favourite: Int32, cartRate: Double, purchaseRate: Double,
                       removeRate: Double, rng: inout GeneratorRandom) -> GeneratedEvent {
        if !viewed.isEmpty {
            // Gaps between events: mostly seconds to a couple of minutes.
            time += Int64(3 + rng.next(below: 20) + (rng.nextDouble() < 0.3 ? rng.next(below: 240) : 0))
        }
        let u = rng.nextDouble()
        var type: UInt8 = 0
        var product: Int32
        if u < purchaseRate, let p = carted.last ?? viewed.last {
            type = 2
            product = p
        } else if u < purchaseRate + cartRate, let p = viewed.last {
            type = 1
            product = p
            carted.append(p)
        } else if u < purchaseRate + cartRate + removeRate, let p = carted.last {
            type = 3
            product = p
        } else {
            let r = rng.nextDouble()
            if let last = viewed.last, r < 0.35 {
                product = last                         // re-view
            } else if r < 0.45 {
                product = favourite                    // returning users come back to products
            } else if let last = viewed.last, r < 0.75 {
                product = catalogue.similar(to: last, rng: &rng)
            } else {
                product = catalogue.popular(rng: &rng)
            }
            viewed.append(product)
        }
        sequence += 1
        return GeneratedEvent(time: time, sequence: sequence, type: type, product: product, userId: userId, session: session)
    }
}

/// Products with Zipf-like popularity, a category (19-digit id, code missing for ~32% of rows),
/// a brand (missing for ~14%) and a stable two-decimal price.
struct ProductCatalogue: Sendable {
    let ids: [Int32]
    let categoryIds: [Int64]
    let categoryCodes: [Int16]   // -1 = missing
    let brands: [Int16]          // -1 = missing
    let cents: [Int32]
    let popularityOrder: [Int32] // rank -> product index

    static let codeNames: [String] = CategoryNames.all
    static let brandNames: [String] = BrandNames.make(count: 3_400)

    init(count: Int, seed: UInt64) {
        var rng = GeneratorRandom(seed: seed &+ 0xC0FFEE)
        var ids = [Int32](), categoryIds = [Int64](), codes = [Int16](), brands = [Int16](), cents = [Int32]()
        let categories = 680
        let categoryIdBase: [Int64] = (0..<categories).map { _ in 2_053_013_550_000_000_000 + Int64(rng.next(below: 9_999_999_999_999)) }
        let categoryCode: [Int16] = (0..<categories).map { c in c % 7 == 1 || c % 7 == 4 ? -1 : Int16(c % Self.codeNames.count) }
        for i in 0..<count {
            ids.append(Int32(1_000_000 + i * 97 % 99_000_000 + i % 97))
            let c = rng.zipfIndex(count: categories, skew: 0.8)
            categoryIds.append(categoryIdBase[c])
            codes.append(categoryCode[c])
            brands.append(rng.nextDouble() < 0.14 ? -1 : Int16(rng.zipfIndex(count: Self.brandNames.count, skew: 0.9)))
            let price = exp(1.2 + Double(rng.next(below: 1000)) / 1000.0 * 6.3)
            cents.append(Int32(price * 100))
        }
        var order = (0..<Int32(count)).map { $0 }
        for i in stride(from: count - 1, to: 0, by: -1) { order.swapAt(i, Int(rng.next(below: UInt64(i + 1)))) }
        self.ids = ids
        self.categoryIds = categoryIds
        self.categoryCodes = codes
        self.brands = brands
        self.cents = cents
        self.popularityOrder = order
    }

    func popular(rng: inout GeneratorRandom) -> Int32 {
        popularityOrder[rng.zipfIndex(count: popularityOrder.count, skew: 1.0)]
    }

    func similar(to product: Int32, rng: inout GeneratorRandom) -> Int32 {
        let offset = Int32(rng.next(below: 40)) - 20
        return Int32((Int(product) + Int(offset) + ids.count) % ids.count)
    }

    func favourite(of user: Int) -> Int32 {
        var h = UInt64(user) &* 0x9E37_79B9_7F4A_7C15
        h ^= h >> 29
        return popularityOrder[Int(h % UInt64(min(popularityOrder.count, 5_000)))]
    }
}

/// Hour-of-day weights of traffic (UTC), peaking in the (Russian) afternoon and evening.
enum DailyRhythm {
    static func weight(_ hour: Int) -> Double {
        let w: [Double] = [0.25, 0.15, 0.12, 0.15, 0.3, 0.5, 0.7, 0.85, 0.95, 1.0, 1.0, 1.0,
                           1.0, 1.0, 1.0, 1.0, 1.05, 1.1, 1.1, 1.0, 0.85, 0.7, 0.5, 0.35]
        return w[hour % 24]
    }

    static let mean: Double = (0..<24).reduce(0.0) { $0 + weight($1) } / 24
}

private func exp(_ x: Double) -> Double {
    // e^x by squaring a short series: accurate enough for price shapes, no Foundation needed.
    var r = 1.0, term = 1.0
    let y = x / 16
    for k in 1...12 { term *= y / Double(k); r += term }
    for _ in 0..<4 { r *= r }
    return r
}
