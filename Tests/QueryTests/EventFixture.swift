import Columnar
import Foundation
import Query

/// One input event as the store holds it (after the ingest's conversions): ids are Int64 as
/// stored (the 32-bit rule is the query's job), times UTC micros.
struct Ev {
    var time: Int64
    var type: String? = "view"
    var product: Int64? = 1
    var category: String? = nil
    var brand: String? = nil
    var price: Double? = nil
    var user: Int64? = 1
    var session: String? = "s1"

    /// `at` is 'YYYY-MM-DD HH:MM:SS' UTC.
    init(_ at: String, _ type: String? = "view", product: Int64? = 1, user: Int64? = 1, session: String? = "s1",
         price: Double? = nil, category: String? = nil, brand: String? = nil) {
        time = CivilTime.parseStrict(at)!
        self.type = type
        self.product = product
        self.user = user
        self.session = session
        self.price = price
        self.category = category
        self.brand = brand
    }

    init(time: Int64, type: String?, product: Int64?, category: String?, brand: String?, price: Double?,
         user: Int64?, session: String?) {
        self.time = time; self.type = type; self.product = product; self.category = category
        self.brand = brand; self.price = price; self.user = user; self.session = session
    }
}

/// Builds store-shaped sorted runs from events: one run per UTC day (like day partitions),
/// rows sorted by (user_id NULLs first, event_time, input order), cut into batches.
enum EventFixture {
    static func runs(_ events: [Ev], batchRows: Int = 1 << 20, dictionary: Bool = false, filesPerDay: Int = 1) -> [any EventRun] {
        var byDay: [Int64: [(Int, Ev)]] = [:]
        for (i, e) in events.enumerated() { byDay[CivilTime.dayNumber(micros: e.time), default: []].append((i, e)) }
        var runs: [any EventRun] = []
        for day in byDay.keys.sorted() {
            // Several files per day: deal rows round-robin, each file sorted on its own.
            var files = Array(repeating: [(Int, Ev)](), count: filesPerDay)
            for (k, item) in byDay[day]!.enumerated() { files[k % filesPerDay].append(item) }
            for (f, rows) in files.enumerated() where !rows.isEmpty {
                let sorted = rows.sorted { a, b in
                    let ua = a.1.user, ub = b.1.user
                    if ua != ub {
                        guard let ua else { return true }
                        guard let ub else { return false }
                        return ua < ub
                    }
                    if a.1.time != b.1.time { return a.1.time < b.1.time }
                    return a.0 < b.0
                }.map(\.1)
                var batches: [RecordBatch] = []
                var start = 0
                while start < sorted.count {
                    let end = min(start + batchRows, sorted.count)
                    batches.append(batch(Array(sorted[start..<end]), dictionary: dictionary))
                    start = end
                }
                runs.append(InMemoryRun(name: "day\(day)-file\(f)", batches: batches))
            }
        }
        return runs
    }

    static func batch(_ rows: [Ev], dictionary: Bool) -> RecordBatch {
        func strings(_ values: [String?]) -> AnyColumn {
            guard dictionary else { return .string(StringColumn(values)) }
            var dict: [String] = []
            var index: [String: UInt32] = [:]
            var codes = ContiguousArray<UInt32>()
            var validity = Bitmap(reservingCapacity: values.count)
            for v in values {
                if let v {
                    if index[v] == nil { index[v] = UInt32(dict.count); dict.append(v) }
                    codes.append(index[v]!)
                    validity.append(true)
                } else {
                    codes.append(0)
                    validity.append(false)
                }
            }
            return .dictionary(DictionaryColumn(codes: codes, dictionary: StringColumn(dict.map { Optional($0) }), validity: validity))
        }
        var times = FixedWidthColumn<Int64>()
        var products = FixedWidthColumn<Int64>()
        var users = FixedWidthColumn<Int64>()
        var prices = FixedWidthColumn<Double>()
        var uuids = FixedBytesColumn(width: 16)
        var raws: [String?] = []
        for e in rows {
            times.append(e.time, placeholder: 0)
            products.append(e.product, placeholder: 0)
            users.append(e.user, placeholder: 0)
            prices.append(e.price, placeholder: 0)
            if let s = e.session, let bytes = canonicalUUID(s) {
                uuids.append(bytes)
                raws.append(nil)
            } else {
                uuids.append(nil as [UInt8]?)
                raws.append(e.session)
            }
        }
        return try! RecordBatch(schema: EventColumns.schema, columns: [
            .int64(times), strings(rows.map(\.type)), .int64(products), strings(rows.map(\.category)),
            strings(rows.map(\.brand)), .double(prices), .int64(users), .fixedBytes(uuids), strings(raws),
        ])
    }

    /// The 16 bytes of a canonical lowercase 8-4-4-4-12 uuid text, else nil.
    static func canonicalUUID(_ s: String) -> [UInt8]? {
        let b = Array(s.utf8)
        guard b.count == 36 else { return nil }
        var out: [UInt8] = []
        var i = 0
        while i < 36 {
            if i == 8 || i == 13 || i == 18 || i == 23 { guard b[i] == 45 else { return nil }; i += 1; continue }
            func nibble(_ c: UInt8) -> UInt8? {
                switch c { case 48...57: c - 48; case 97...102: c - 87; default: nil }
            }
            guard let hi = nibble(b[i]), let lo = nibble(b[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }

    /// Reads the reference's `normalized` JSON lines (rows with a NULL event_time are dropped,
    /// as the ingest rejects them).
    static func events(normalizedJSONLines data: Data) throws -> [Ev] {
        var out: [Ev] = []
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            let a = try JSONSerialization.jsonObject(with: Data(line.utf8), options: [.fragmentsAllowed]) as! [Any]
            func str(_ i: Int) -> String? { a[i] as? String }
            func int(_ i: Int) -> Int64? { (a[i] as? NSNumber).map { $0.int64Value } }
            guard let t = int(0) else { continue }
            out.append(Ev(time: t, type: str(1), product: int(2), category: str(3), brand: str(4),
                          price: str(5).flatMap { Double($0) }, user: int(6), session: str(7)))
        }
        return out
    }
}
