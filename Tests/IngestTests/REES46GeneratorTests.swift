import XCTest
import TestSupport
@testable import Ingest

/// The synthetic REES46 generator: deterministic, in the exact text format of the real dumps,
/// sorted by time, and with the proportions the benchmarks rely on.
final class REES46GeneratorTests: XCTestCase {
    private func generate(_ g: REES46Generator) -> (bytes: [UInt8], report: REES46Generator.Report) {
        var bytes: [UInt8] = []
        let report = g.generate(sink: { bytes.append(contentsOf: $0) })
        return (bytes, report)
    }

    func testSameSeedSameBytesOtherSeedOtherBytes() {
        let a = generate(REES46Generator(month: 10, scale: 0.001, seed: 1))
        let b = generate(REES46Generator(month: 10, scale: 0.001, seed: 1))
        let c = generate(REES46Generator(month: 10, scale: 0.001, seed: 2))
        XCTAssertEqual(a.bytes, b.bytes)
        XCTAssertNotEqual(a.bytes, c.bytes)
        XCTAssertEqual(a.report.bytes, a.bytes.count)
    }

    func testFormatOrderAndProportions() throws {
        let (bytes, report) = generate(REES46Generator(month: 11, scale: 0.002, seed: 46))
        let text = String(decoding: bytes, as: UTF8.self)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(lines.removeLast(), "", "file ends with a newline")
        XCTAssertEqual(lines.removeFirst(),
                       "event_time,event_type,product_id,category_id,category_code,brand,price,user_id,user_session")
        XCTAssertEqual(lines.count, report.rows)
        XCTAssertEqual(Double(report.rows), Double(REES46Generator(month: 11, scale: 0.002).targetRows), accuracy: 1000)
        let pattern = try Regex(#"^2019-11-[0-3]\d [0-2]\d:[0-5]\d:[0-5]\d UTC,(view|cart|purchase|remove_from_cart),\d+,\d{19},[a-z_.]*,[a-z]*,\d+\.\d\d,\d{9},[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"#)
        var previous = Substring("")
        var views = 0, carts = 0, noCode = 0, noBrand = 0
        var sessions = Set<Substring>(), users = Set<Substring>()
        for line in lines {
            XCTAssertNotNil(try pattern.wholeMatch(in: line), String(line))
            let time = line.prefix(19)
            XCTAssertGreaterThanOrEqual(time, previous, "sorted by time")
            previous = time
            let f = line.split(separator: ",", omittingEmptySubsequences: false)
            if f[1] == "view" { views += 1 }
            if f[1] == "cart" { carts += 1 }
            if f[4].isEmpty { noCode += 1 }
            if f[5].isEmpty { noBrand += 1 }
            users.insert(f[7])
            sessions.insert(f[8])
        }
        let n = Double(lines.count)
        XCTAssertEqual(Double(views) / n, 0.94, accuracy: 0.02)
        XCTAssertEqual(Double(carts) / n, 0.042, accuracy: 0.015)
        XCTAssertEqual(Double(noCode) / n, 0.30, accuracy: 0.08)
        XCTAssertEqual(Double(noBrand) / n, 0.14, accuracy: 0.05)
        XCTAssertEqual(n / Double(sessions.count), 4.6, accuracy: 0.4, "events per session")
        XCTAssertLessThan(users.count, sessions.count / 2, "users return for several sessions")
    }
}
