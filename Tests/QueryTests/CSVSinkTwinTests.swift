@testable import Query
import Columnar
import TestSupport
import XCTest

/// The CSV writer's unchecked row path (`CSVSink.appendRows` into `RawBytes` through
/// `UncheckedBytes`) against its checked generic twin.
final class CSVSinkTwinTests: XCTestCase {
    /// The CSV writer's unchecked row path (`RawBytes` overload, `appendBounded`) against the
    /// checked generic twin on rows made to be as long as possible: texts that are all quotes,
    /// backslashes, commas and blanks, extreme and non-finite prices, the widest ids. Every row
    /// fits the bound reserved for it.
    func testUncheckedRowsMatchCheckedTwinAndStayWithinTheirBound() throws {
        let texts: [String?] = [String(repeating: "\"", count: 40), String(repeating: "\\", count: 33), " a,\"b\"\n ",
                                "", "   ", nil, "plain.text", String(repeating: "é,", count: 50)]
        let prices: [Double?] = [-1.2345678901234567e-300, 1e300, 123_456_789.123, -0.0, .nan, -.infinity, 0.01, nil]
        var events: [Ev] = []
        for i in 0..<64 {
            let product: Int64? = i == 3 ? Int64(Int32.min) : i == 1 ? Int64(Int32.max) : i == 2 ? nil : Int64(i)
            events.append(Ev(time: CivilTime.parseStrict("2019-10-01 00:00:00")! + Int64(i) * 61_000_000, type: i % 5 == 0 ? "purchase" : "view",
                             product: product, category: texts[i % texts.count],
                             brand: texts[(i / 3) % texts.count], price: prices[i % prices.count],
                             user: [Int64(Int32.max), Int64(Int32.min), 5][i % 3], session: i % 7 == 0 ? nil : "s\(i % 4) ,\"\(i % 2)"))
        }
        let window = try TimeWindow(start: "2019-10-01 00:00:00", end: "2019-10-02 00:00:00")
        var sink = TwinSink()
        _ = try MergeEngine.execute(runs: EventFixture.runs(events, dictionary: true), window: window, users: UserSplit.all, sink: &sink)
        XCTAssertGreaterThan(sink.rows, 20)
        XCTAssertEqual(ContiguousArray(sink.raw.bytes), sink.checked)
        XCTAssertGreaterThanOrEqual(sink.slack, 0, "a row longer than its reserved bound")
        let text = String(decoding: sink.checked, as: UTF8.self)
        XCTAssertTrue(text.contains("\"" + String(repeating: "\\\"", count: 40) + "\""), "quotes escaped inside quotes")
        XCTAssertTrue(text.contains(",NaN,") && text.contains(",-Infinity,") && text.contains(",1.0E300,"))
        XCTAssertTrue(text.contains("\n-2147483648,") && text.contains(",-2147483648,") && text.contains(",2147483647,"), "widest ids")
    }
}

/// Feeds each finished user to both CSV row paths and measures how close rows come to `rowBound`.
private struct TwinSink: LearningBaseSink, ~Copyable {
    var checked = ContiguousArray<UInt8>()
    var raw = RawBytes(capacity: 64)
    var lead = RawBytes(capacity: 16), middle = RawBytes(capacity: 16)
    var slack = Int.max
    var rows = 0

    mutating func consume(_ u: UserAccumulator) throws(QueryError) {
        CSVSink.appendRows(u, to: &checked, lead: &lead, middle: &middle)
        CSVSink.appendRows(u, to: &raw, lead: &lead, middle: &middle)
        var current = -1
        for i in 0..<u.outGroups.count {
            let group = u.groups[Int(u.outGroups[i])]
            if Int(group.session) != current {
                current = Int(group.session)
                CSVSink.formatSession(u, current, lead: &lead, middle: &middle)
            }
            var row = ContiguousArray<UInt8>()
            CSVSink.appendRow(u, i, group, lead: lead, middle: middle, to: &row)
            slack = min(slack, CSVSink.rowBound(group, lead: lead, middle: middle) - row.count)
            rows += 1
        }
    }
}
