import XCTest
import Columnar
@testable import Query

final class TimeWindowTests: XCTestCase {
    func testParsesInclusiveWindowAndDays() throws {
        let w = try TimeWindow(start: "2019-10-20 00:00:00", end: "2019-11-05 23:00:00")
        XCTAssertEqual(w.startMicros, 1_571_529_600 * 1_000_000)
        XCTAssertEqual(w.dayRange.count, 17)
        XCTAssertTrue(w.contains(w.startMicros))
        XCTAssertTrue(w.contains(w.endMicros))
        XCTAssertFalse(w.contains(w.endMicros + 1))
        XCTAssertEqual(CivilTime.isoDate(day: w.dayRange.lowerBound), "2019-10-20")
        XCTAssertEqual(CivilTime.isoDate(day: w.dayRange.upperBound), "2019-11-05")
    }

    func testRejectsBadBounds() {
        XCTAssertThrowsError(try TimeWindow(start: "2019-10-01 00:00:00", end: "2019-10-01 00:00:00"))
        XCTAssertThrowsError(try TimeWindow(start: "2019-10-02 00:00:00", end: "2019-10-01 00:00:00"))
        for bad in ["2019-02-29 00:00:00", "2019-10-01T00:00:00", "2019-10-01 24:00:00", "yesterday", "2019-1-1 00:00:00"] {
            XCTAssertThrowsError(try TimeWindow(start: bad, end: "2030-01-01 00:00:00"), bad)
        }
    }

    func testCivilRoundTripOverFourCenturies() {
        var day: Int64 = -146_097
        while day < 146_097 * 2 {
            let (y, m, d) = CivilTime.civilFromDays(day)
            XCTAssertEqual(CivilTime.daysFromCivil(year: y, month: m, day: d), day)
            day += 37
        }
        XCTAssertEqual(CivilTime.isoDateTime(micros: -1), "1969-12-31 23:59:59")
    }
}
