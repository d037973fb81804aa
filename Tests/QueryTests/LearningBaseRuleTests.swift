import Columnar
import Query
import TestSupport
import XCTest

/// Each rule of docs/learning-base.md §4–§6 on tiny hand-made inputs.
final class LearningBaseRuleTests: XCTestCase {
    static let day1 = try! TimeWindow(start: "2019-10-01 00:00:00", end: "2019-10-03 23:59:59")

    func compute(_ events: [Ev], _ window: TimeWindow = day1, workers: Int = 1) throws -> [LearningBaseRow] {
        try LearningBase.rows(runs: EventFixture.runs(events), window: window, workers: workers)
    }

    func row(_ rows: [LearningBaseRow], session: String, product: Int32?) -> LearningBaseRow? {
        rows.first { $0.userSession == session && $0.productId == product }
    }

    func testNullSessionGroupTakesASessionsPrecedentesSlot() throws {
        let rows = try compute([
            Ev("2019-10-01 08:00:00", product: 3, session: nil),
            Ev("2019-10-01 09:00:00", product: 3, session: "a"),
            Ev("2019-10-01 10:00:00", product: 3, session: "b"),
        ])
        XCTAssertEqual(rows.map(\.userSession), ["a", "b"], "the NULL-session rows have no output row")
        XCTAssertEqual(rows.map(\.sessionsPrecedentes), [1, 2])
        XCTAssertEqual(rows.map(\.numPrevAndCurrentProductViews), [1, 2], "NULL-session views are not summed")
    }

    func testNullSessionTiedWithASessionTakesTheFirstSlot() throws {
        let rows = try compute([
            Ev("2019-10-01 15:00:00", product: 3, session: nil),
            Ev("2019-10-01 15:00:00", product: 3, session: "x"),
            Ev("2019-10-01 16:00:00", product: 3, session: "y"),
        ])
        XCTAssertEqual(rows.map(\.sessionsPrecedentes), [1, 2])
    }

    func testTiedSessionsAreOrderedByTextAndArePeersOfTheRangeFrame() throws {
        let rows = try compute([
            Ev("2019-10-01 18:00:00", product: 3003, session: "e10-earlier"),
            Ev("2019-10-02 12:00:00", product: 3002, session: "e10-tie-b"),
            Ev("2019-10-02 12:00:00", product: 3002, session: "e10-tie-a"),
            Ev("2019-10-02 12:01:00", product: 3002, session: "e10-tie-b"),
            Ev("2019-10-02 12:02:00", product: 3003, session: "e10-tie-a"),
            Ev("2019-10-02 18:00:00", product: 3002, session: "e10-later"),
        ])
        XCTAssertEqual(rows.map(\.userSession), ["e10-earlier", "e10-tie-a", "e10-tie-a", "e10-tie-b", "e10-later"])
        XCTAssertEqual(rows.map(\.sessionsPrecedentes), [0, 1, 1, 2, 3])
        let a = row(rows, session: "e10-tie-a", product: 3002)!, b = row(rows, session: "e10-tie-b", product: 3002)!
        XCTAssertEqual([a.numPrevAndCurrentProductViews, a.numPrevProductViews], [3, 2])
        XCTAssertEqual([b.numPrevAndCurrentProductViews, b.numPrevProductViews], [3, 1])
        XCTAssertEqual(row(rows, session: "e10-later", product: 3002)!.numPrevAndCurrentProductViews, 4)
        XCTAssertEqual(row(rows, session: "e10-tie-a", product: 3003)!.numPrevAndCurrentProductViews, 2)
    }

    func testNullProductIsOneProductAndNotCountedInNumViewsSession() throws {
        let rows = try compute([
            Ev("2019-10-01 13:00:00", product: nil, session: "s1", price: 5),
            Ev("2019-10-01 13:01:00", product: nil, session: "s1", price: 7),
            Ev("2019-10-01 13:02:00", "cart", product: 2009, session: "s1"),
            Ev("2019-10-02 13:00:00", product: nil, session: "s2"),
        ])
        XCTAssertEqual(rows.map(\.productId), [nil, 2009, nil], "NULL product first within a session")
        XCTAssertEqual(rows[0].numViewsProduct, 2)
        XCTAssertEqual(rows[0].price, 6)
        XCTAssertEqual(rows[0].numViewsSession, 1)
        XCTAssertEqual(rows[2].numViewsSession, 0)
        XCTAssertEqual(rows[2].numPrevAndCurrentProductViews, 3)
        XCTAssertEqual(rows[2].numPrevProductViews, 2)
    }

    func testIdsOutsideInt32AreNull() throws {
        let rows = try compute([
            Ev("2019-10-01 10:00:00", product: 1, user: 3_000_000_000, session: "over"),
            Ev("2019-10-01 10:00:00", product: 1, user: -2_147_483_649, session: "under"),
            Ev("2019-10-01 10:00:00", product: 1, user: nil, session: "nouser"),
            Ev("2019-10-01 10:00:00", product: 2_147_483_648, user: 2_147_483_647, session: "max"),
            Ev("2019-10-01 10:01:00", product: nil, user: 2_147_483_647, session: "max"),
            Ev("2019-10-01 10:02:00", product: -2_147_483_648, user: -2_147_483_648, session: "min"),
        ])
        XCTAssertEqual(rows.map(\.userId), [-2_147_483_648, 2_147_483_647])
        XCTAssertEqual(rows.map(\.productId), [-2_147_483_648, nil])
        XCTAssertEqual(rows[1].numViewsProduct, 2, "the overflow product merges into the NULL product")
    }

    func testWindowTruncatesSessionsAndKeepsBothBounds() throws {
        let w = try TimeWindow(start: "2019-10-01 00:00:00", end: "2019-10-03 23:59:59")
        let rows = try compute([
            Ev("2019-09-30 20:00:00", product: 1, session: "before"),
            Ev("2019-09-30 23:55:00", product: 1, session: "cross-start"),
            Ev("2019-10-01 00:00:00", product: 1, session: "cross-start"),
            Ev("2019-10-01 00:10:00", "cart", product: 1, session: "cross-start"),
            Ev("2019-10-03 23:50:00", product: 1, session: "cross-end"),
            Ev("2019-10-03 23:59:59", product: 1, session: "cross-end"),
            Ev("2019-10-04 00:00:00", "purchase", product: 1, session: "cross-end"),
            Ev("2019-10-04 00:00:01", product: 1, session: "after"),
        ], w)
        XCTAssertEqual(rows.map(\.userSession), ["cross-start", "cross-end"])
        XCTAssertEqual(rows[0].startTime, CivilTime.parseStrict("2019-10-01 00:00:00"))
        XCTAssertEqual(rows[0].sessionsPrecedentes, 0)
        XCTAssertEqual(rows[0].numViewsProduct, 1)
        XCTAssertEqual(rows[1].endTime, CivilTime.parseStrict("2019-10-03 23:59:59"))
        XCTAssertEqual(rows[1].purchased, false)
        XCTAssertEqual(rows[1].sessionsPrecedentes, 1)
        XCTAssertEqual(rows[1].duration, 599)
        let second = try compute([Ev("2019-10-02 10:00:00", session: "one"), Ev("2019-10-02 10:00:01", session: "two")],
                                 TimeWindow(start: "2019-10-02 10:00:00", end: "2019-10-02 10:00:01"))
        XCTAssertEqual(second.map(\.userSession), ["one", "two"])
    }

    func testGroupAggregatesAndSessionColumns() throws {
        let rows = try compute([
            Ev("2019-10-01 23:50:00", product: 10, session: "s", price: 54.06, category: nil, brand: "b1"),
            Ev("2019-10-01 23:51:00", product: 10, session: "s", price: nil, category: "c2", brand: "b2"),
            Ev("2019-10-01 23:52:00", "cart", product: 10, session: "s", price: 54.07),
            Ev("2019-10-02 00:05:00", "purchase", product: 11, session: "s", price: .nan),
            Ev("2019-10-02 00:06:00", "purchase", product: 11, session: "s", price: 3),
            Ev("2019-10-02 00:07:00", "VIEW", product: 12, session: "s"),
            Ev("2019-10-02 00:08:00", "Purchase", product: 12, session: "s"),
            Ev("2019-10-02 00:09:00", nil, product: 13, session: "s"),
            Ev("2019-10-02 00:20:00", "remove_from_cart", product: 14, session: "s"),
        ])
        XCTAssertEqual(rows.map(\.productId), [10, 11, 12, 13, 14])
        let r10 = rows[0]
        XCTAssertEqual(r10.price!, 54.065, accuracy: 1e-12)
        XCTAssertNil(r10.categoryCode, "first() keeps a NULL first value")
        XCTAssertEqual(r10.brand, "b1")
        XCTAssertEqual(r10.numViewsProduct, 2)
        XCTAssertFalse(r10.purchased)
        XCTAssertTrue(rows[1].price!.isNaN)
        XCTAssertTrue(rows[1].purchased)
        XCTAssertEqual(rows[1].numViewsProduct, 0)
        XCTAssertNil(rows[2].price)
        XCTAssertFalse(rows[2].purchased, "'Purchase' is not a purchase")
        XCTAssertEqual(rows[2].numViewsProduct, 0, "'VIEW' is not a view")
        for r in rows {
            XCTAssertEqual(r.numViewsSession, 5, "distinct products with any event type")
            XCTAssertEqual(r.duration, 1800)
            XCTAssertEqual([r.startHour, r.startMinute, r.startDayOfWeek], [23, 50, 3], "Tue 2019-10-01 is 3")
        }
        let days = try compute([Ev("2019-10-05 10:00:00", session: "sat"), Ev("2019-10-06 10:00:00", session: "sun"),
                                Ev("2019-10-07 10:00:00", session: "mon")],
                               TimeWindow(start: "2019-10-05 00:00:00", end: "2019-10-08 00:00:00"))
        XCTAssertEqual(days.map(\.startDayOfWeek), [7, 1, 2])
    }

    func testSharedSessionTextGivesIndependentSessionsPerUser() throws {
        let rows = try compute([
            Ev("2019-10-02 19:00:00", product: 3013, user: 17, session: "shared"),
            Ev("2019-10-02 19:30:00", product: 3013, user: 18, session: "shared"),
        ])
        XCTAssertEqual(rows.map(\.userId), [17, 18])
        XCTAssertEqual(rows.map(\.startTime), [CivilTime.parseStrict("2019-10-02 19:00:00")!, CivilTime.parseStrict("2019-10-02 19:30:00")!])
        XCTAssertEqual(rows.map(\.numPrevAndCurrentProductViews), [1, 1])
    }

    /// Batch cuts, dictionary strings, several files per day and two workers give the same rows.
    func testLayoutAndParallelismDoNotChangeTheResult() throws {
        var rng = SeededRandom(seed: 7)
        var events: [Ev] = []
        let base = CivilTime.parseStrict("2019-10-01 00:00:00")!
        for _ in 0..<3000 {
            let user = Int64.random(in: 1...60, using: &rng)
            let product = Int64.random(in: 0...8, using: &rng)
            let t = base + Int64.random(in: 0..<(4 * 86_400), using: &rng) / 600 * 600 * 1_000_000
            events.append(Ev(time: t, type: ["view", "cart", "purchase", nil].randomElement(using: &rng)!,
                             product: product == 0 ? nil : product, category: "c\(product)", brand: "b\(product)",
                             price: Double(product * 10), user: user,
                             session: Bool.random(using: &rng) ? nil : "s\(user)-\(Int.random(in: 0..<6, using: &rng))"))
        }
        let w = try TimeWindow(start: "2019-10-01 12:00:00", end: "2019-10-03 12:00:00")
        let reference = try LearningBase.rows(runs: EventFixture.runs(events), window: w)
        XCTAssertGreaterThan(reference.count, 500)
        for (batchRows, dictionary, files, workers) in [(1, false, 1, 1), (7, true, 1, 2), (1000, true, 3, 2), (13, false, 2, 3)] {
            let rows = try LearningBase.rows(runs: EventFixture.runs(events, batchRows: batchRows, dictionary: dictionary, filesPerDay: files),
                                             window: w, workers: workers)
            XCTAssertEqual(rows, reference, "batchRows \(batchRows) dictionary \(dictionary) files \(files) workers \(workers)")
        }
    }

    /// A user whose groups start in more row groups than the accumulator pins
    /// (`UserAccumulator.maxPinned`): the texts of the groups beyond the cap are copied, and
    /// the rows equal those computed from one big batch.
    func testAUserSpreadOverManyRowGroupsKeepsItsTexts() throws {
        let count = 100  // > 3 × UserAccumulator.maxPinned (32)
        let events = (0..<count).map { i in
            Ev("2019-10-01 10:\(String(format: "%02d", i % 60)):00", product: Int64(i + 1), user: 7, session: "s\(i / 50)",
               price: Double(i), category: "cat.\(i % 5)", brand: "brand-\(i % 11)")
        }
        let w = try TimeWindow(start: "2019-10-01 00:00:00", end: "2019-10-01 23:59:59")
        let reference = try LearningBase.rows(runs: EventFixture.runs(events), window: w)
        XCTAssertEqual(reference.count, count)
        let spread = try LearningBase.rows(runs: EventFixture.runs(events, batchRows: 1, dictionary: true), window: w)
        XCTAssertEqual(spread, reference)
        XCTAssertEqual(Set(spread.compactMap { $0.brand }).count, 11)
    }
}
