import Columnar
import Foundation
import Ingest
import Query
import TestSupport
import XCTest

/// Differential test: a seeded generator writes a few hundred thousand REES46-like rows full of
/// nasty cases (NULL sessions, NULL and overflowing ids, fractional ids, tied session starts,
/// duplicate rows, sessions crossing midnight and the window bounds, purchases without views,
/// odd event types and prices, quoted strings); the real ingest stores them; `extract`'s
/// learning base over several windows must match an independent DuckDB-SQL implementation
/// (`LearningBaseReference`) reading the same CSV, under the documented tolerances.
final class LearningBaseDifferentialTests: XCTestCase {
    static let windows: [(String, String)] = [
        ("2019-10-15 12:00:00", "2019-10-15 12:00:01"),     // one second
        ("2019-10-10 06:30:00", "2019-10-12 18:45:10"),     // cuts sessions at both ends
        ("2019-10-01 00:00:00", "2019-10-31 23:59:59"),     // a month
        ("2019-10-31 23:00:00", "2019-11-02 01:00:00"),     // across the month boundary and midnights
    ]

    func testMatchesDuckDBReferenceOnGeneratedData() throws {
        let dir = try TestPaths.temporaryDirectory(self, "lbdiff")
        let csv = dir.appendingPathComponent("events.csv").path
        var clock = Date()
        func lap(_ label: String) { print("[lbdiff] \(label): \(String(format: "%.1f", -clock.timeIntervalSinceNow)) s"); clock = Date() }
        let rows = try Self.generate(to: csv, seed: 20191001, sessions: 40_000)
        lap("generate \(rows) rows")
        XCTAssertGreaterThan(rows, 200_000)
        let storePath = dir.appendingPathComponent("store").path
        let options = IngestOptions(encoder: ParquetPartEncoder(rowGroupRows: 8192))
        _ = try Ingestor(store: try Store(path: storePath, create: true), options: options).ingest(sources: [.file(csv)])
        lap("ingest")

        let parsed = try Self.windows.map { try TimeWindow(start: $0.0, end: $0.1) }
        let starts = parsed.map { String($0.startMicros) }.joined(separator: ",")
        let ends = parsed.map { String($0.endMicros) }.joined(separator: ",")
        let ref = dir.appendingPathComponent("ref").path
        try InteropPython.run(LearningBaseReference.python, args: ["both", starts, ends, ref, csv])
        lap("reference")

        for (k, window) in parsed.enumerated() {
            let out = dir.appendingPathComponent("out\(k).csv").path
            let report = try LearningBase.run(store: storePath, window: window, output: out, format: .csv, workers: 2)
            let mine = try String(contentsOfFile: out, encoding: .utf8)
            let expected = try String(contentsOfFile: "\(ref).\(k)", encoding: .utf8)
            let f = try LearningBaseComparison.Facts(json: Data(contentsOf: URL(fileURLWithPath: "\(ref).\(k).facts")))
            lap("window \(k) query")
            let diffs = LearningBaseComparison.differences(candidate: mine, expected: expected, facts: f)
            XCTAssertEqual(diffs, [], "window \(Self.windows[k])")
            XCTAssertEqual(report.stats.outputRows, expected.split(separator: "\n").count - 1)
            if k == 0 { XCTAssertGreaterThan(report.stats.outputRows, 0, "the one-second window should hit some events") }
            lap("window \(k): \(report.stats.outputRows) rows")
        }
    }

    /// Writes the generated CSV; returns its row count.
    static func generate(to path: String, seed: UInt64, sessions: Int) throws -> Int {
        var rng = SeededRandom(seed: seed)
        var out = "event_time,event_type,product_id,category_id,category_code,brand,price,user_id,user_session\n"
        out.reserveCapacity(sessions * 8 * 120)
        let monthStart = CivilTime.parseStrict("2019-10-01 00:00:00")! / 1_000_000
        let seconds: Int64 = 36 * 86_400
        func time(_ s: Int64) -> String { CivilTime.isoDateTime(micros: s * 1_000_000) + " UTC" }
        func uuid() -> String {
            let hex = Array("0123456789abcdef")
            var s = ""
            for i in 0..<32 {
                if i == 8 || i == 12 || i == 16 || i == 20 { s.append("-") }
                s.append(hex[Int(rng.next() % 16)])
            }
            return s
        }
        let categories = ["electronics.smartphone", "appliances.kitchen", "home,garden.tools", " kids.toys ", "", "apparel.shoes"]
        let brands = ["samsung", "apple", "acme, inc.", "  ", "", "xiaomi", "lg"]
        var rows = 0
        var lastSessionStart: [Int64: Int64] = [:]
        let fixed = CivilTime.parseStrict("2019-10-15 11:59:58")! / 1_000_000
        for n in 0..<sessions {
            // Users: mostly ordinary, some overflow / negative / fractional / missing.
            let userRoll = rng.next() % 1000
            let userNumber = Int64(rng.next() % 12_000) + 500_000_000
            let userText: String
            switch userRoll {
            case 0..<6: userText = "3000000000"                 // overflow -> NULL user
            case 6..<10: userText = ""                          // missing
            case 10..<14: userText = "\(userNumber).7"          // fractional, truncated
            case 14..<16: userText = "-\(userNumber % 1000)"    // negative
            default: userText = String(userNumber)
            }
            var start = monthStart + Int64(rng.next() % UInt64(seconds))
            let shape = rng.next() % 100
            if shape < 8 { start = start / 86_400 * 86_400 + 86_400 - Int64(rng.next() % 600) }   // crosses midnight
            if shape >= 8 && shape < 16, let previous = lastSessionStart[userNumber] { start = previous } // tie
            if n < 40 { start = fixed + Int64(n % 4) }                  // sessions around the one-second window
            lastSessionStart[userNumber] = start
            let sessionRoll = rng.next() % 100
            let session: String
            switch sessionRoll {
            case 0..<6: session = ""                                        // NULL session
            case 6..<9: session = "sess-\(rng.next() % 100_000)"            // raw text
            case 9..<10: session = uuid().uppercased()                      // non-canonical uuid
            default: session = uuid()
            }
            let events = 1 + Int(rng.next() % 12)
            var t = start
            var products: [String] = []
            for e in 0..<events {
                let productRoll = rng.next() % 100
                let productNumber = Int(rng.next() % 400) + 1_000
                var product: String
                switch productRoll {
                case 0..<4: product = ""
                case 4..<6: product = "3000000000"
                case 6..<8: product = "\(productNumber).9"
                default: product = String(productNumber)
                }
                if !products.isEmpty && rng.next() % 3 == 0 { product = products.randomElement(using: &rng)! }
                products.append(product)
                let typeRoll = rng.next() % 100
                let type = typeRoll < 62 ? "view" : typeRoll < 78 ? "cart" : typeRoll < 88 ? "purchase"
                    : typeRoll < 95 ? "remove_from_cart" : typeRoll < 97 ? "VIEW" : ""
                let priceRoll = rng.next() % 100
                let price = priceRoll < 3 ? "" : priceRoll < 4 ? "abc" : priceRoll < 5 ? "NaN"
                    : String(format: "%.2f", Double(rng.next() % 200_000) / 100)
                let pn = Int(product.split(separator: ".").first.flatMap { Int($0) } ?? 0)
                let category = rng.next() % 10 == 0 ? "" : categories[pn % categories.count]
                let brand = rng.next() % 12 == 0 ? "" : brands[pn % brands.count]
                func quoted(_ s: String) -> String { s.contains(",") ? "\"\(s)\"" : s }
                let line = "\(time(t)),\(type),\(product),2053013555631882655,\(quoted(category)),\(quoted(brand)),\(price),\(userText),\(session)\n"
                out += line
                rows += 1
                if rng.next() % 40 == 0 { out += line; rows += 1 }      // exact duplicate
                if e + 1 < events { t += Int64(rng.next() % 900) }
            }
        }
        try out.write(toFile: path, atomically: false, encoding: .utf8)
        return rows
    }
}
