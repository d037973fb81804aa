import Foundation
import TestSupport
import XCTest

/// The comparison helper accepts exactly the documented tolerances and rejects deliberately
/// wrong candidates.
final class LearningBaseComparisonTests: XCTestCase {
    let header = "user_id,user_session,product_id,price,category_code,brand,num_views_product,purchased,start_time,end_time,"
        + "num_views_session,duration,start_hour,start_minute,start_dayofweek,sessions_precedentes,"
        + "num_prev_and_current_product_views,num_prev_product_views"
    let rows = [
        "1,a,10,54.065,,acme,2,false,2019-10-01T09:00:00.000Z,2019-10-01T09:10:00.000Z,2,600,9,0,3,0,2,0",
        "1,a,11,0.20000000000000004,\"home,garden\",\"acme, inc.\",1,true,2019-10-01T09:00:00.000Z,2019-10-01T09:10:00.000Z,2,600,9,0,3,0,1,0",
        "1,b,10,NaN,x,y,1,false,2019-10-01T09:00:00.000Z,2019-10-01T09:00:00.000Z,1,0,9,0,3,1,3,2",
        "1,c,,,,,0,false,2019-10-01T10:00:00.000Z,2019-10-01T10:00:00.000Z,0,0,10,0,3,2,0,0",
    ]
    var expected: String { ([header] + rows).joined(separator: "\n") + "\n" }

    func candidate(_ edit: (inout [String]) -> Void) -> String {
        var r = rows
        edit(&r)
        return ([header] + r).joined(separator: "\n") + "\n"
    }

    func replace(_ line: Int, field: Int, with value: String) -> String {
        candidate { r in
            var f = r[line].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            if line == 1 { f = ["1", "a", "11", "0.20000000000000004", "\"home,garden\"", "\"acme, inc.\"", "1", "true",
                                "2019-10-01T09:00:00.000Z", "2019-10-01T09:10:00.000Z", "2", "600", "9", "0", "3", "0", "1", "0"] }
            f[field] = value
            r[line] = f.joined(separator: ",")
        }
    }

    func testAcceptsReorderingPriceUlpsAndTiePermutations() {
        XCTAssertEqual(LearningBaseComparison.differences(candidate: expected, expected: expected), [])
        XCTAssertEqual(LearningBaseComparison.differences(candidate: candidate { $0.reverse() }, expected: expected), [])
        XCTAssertEqual(LearningBaseComparison.differences(candidate: replace(1, field: 3, with: "0.19999999999999998"), expected: expected), [])
        // Sessions a and b tie at 09:00: swapping their slots is valid.
        let swapped = candidate { r in
            r[0] = r[0].replacingOccurrences(of: ",3,0,2,0", with: ",3,1,2,0")
            r[1] = r[1].replacingOccurrences(of: ",3,0,1,0", with: ",3,1,1,0")
            r[2] = r[2].replacingOccurrences(of: ",3,1,3,2", with: ",3,0,3,2")
        }
        XCTAssertEqual(LearningBaseComparison.differences(candidate: swapped, expected: expected), [])
    }

    func testRejectsWrongCandidates() {
        let wrong: [(String, String)] = [
            ("missing row", candidate { $0.removeLast() }),
            ("extra row", candidate { $0.append("2,z,1,1.0,,,1,false,2019-10-01T10:00:00.000Z,2019-10-01T10:00:00.000Z,1,0,10,0,3,0,1,0") }),
            ("duplicate row", candidate { $0.append($0[0]) }),
            ("price", replace(0, field: 3, with: "54.066")),
            ("price NULL", replace(0, field: 3, with: "")),
            ("NaN vs number", replace(2, field: 3, with: "1.0")),
            ("brand", replace(0, field: 5, with: "other")),
            ("category NULL vs value", replace(2, field: 4, with: "")),
            ("views", replace(0, field: 6, with: "3")),
            ("purchased", replace(0, field: 7, with: "true")),
            ("start", replace(3, field: 8, with: "2019-10-01T10:00:01.000Z")),
            ("quoting", replace(1, field: 4, with: "home,garden")),
            ("running sum", replace(2, field: 16, with: "2")),
            ("slot outside tie", replace(3, field: 15, with: "3")),
            ("duplicate slot", replace(2, field: 15, with: "0")),
            ("header", expected.replacingOccurrences(of: "brand,", with: "brand_,")),
        ]
        for (label, text) in wrong {
            XCTAssertFalse(LearningBaseComparison.differences(candidate: text, expected: expected).isEmpty, label)
        }
    }

    func testFactsWidenCategoryBrandAndNullSessionSlots() {
        var facts = LearningBaseComparison.Facts()
        facts.allowedText["1|a|10"] = (category: ["", "cat"], brand: ["acme", "ACME"])
        XCTAssertEqual(LearningBaseComparison.differences(candidate: replace(0, field: 4, with: "cat"), expected: expected, facts: facts), [])
        XCTAssertEqual(LearningBaseComparison.differences(candidate: replace(0, field: 5, with: "ACME"), expected: expected, facts: facts), [])
        XCTAssertFalse(LearningBaseComparison.differences(candidate: replace(0, field: 5, with: "zzz"), expected: expected, facts: facts).isEmpty)
        // Session c (10:00, slot 2) tied with the user's NULL session may take slot 2 or 3, not 1 or 4.
        facts.nullSessionStarts["1"] = "2019-10-01T10:00:00.000Z"
        XCTAssertEqual(LearningBaseComparison.differences(candidate: replace(3, field: 15, with: "3"), expected: expected, facts: facts), [])
        XCTAssertFalse(LearningBaseComparison.differences(candidate: replace(3, field: 15, with: "4"), expected: expected, facts: facts).isEmpty)
        XCTAssertFalse(LearningBaseComparison.differences(candidate: replace(3, field: 15, with: "1"), expected: expected, facts: facts).isEmpty)
        // A NULL session before the tie shifts the slots: without it, 0 is the first slot.
        facts.nullSessionStarts["1"] = "2019-10-01T08:00:00.000Z"
        XCTAssertFalse(LearningBaseComparison.differences(candidate: expected, expected: expected, facts: facts).isEmpty)
    }
}
