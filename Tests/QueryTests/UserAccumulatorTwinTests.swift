@testable import Query
import Columnar
import TestSupport
import XCTest

/// `UserAccumulator`'s fast paths (the small group sort, the single-session finish) against
/// their general twins.
final class UserAccumulatorTwinTests: XCTestCase {
    /// The group-order sort (insertion sort up to 16) against the standard sort on distinct
    /// random keys of every size around the switch.
    func testGroupKeySortMatchesStandardSort() {
        var rng = SeededRandom(seed: 33)
        for n in 0...40 {
            var seen = Set<UInt64>()
            var keys = ContiguousArray<(UInt64, Int32)>()
            while keys.count < n {
                let k = rng.next() % 1000
                if seen.insert(k).inserted { keys.append((k, Int32(keys.count))) }
            }
            var sorted = keys
            UserAccumulator.sortByKey(&sorted)
            XCTAssertEqual(sorted.map(\.0), keys.map(\.0).sorted(), "n \(n)")
            XCTAssertEqual(sorted.map(\.1), keys.sorted { $0.0 < $1.0 }.map(\.1), "n \(n)")
        }
    }

    /// Random one-session users (with and without a NULL session, NULL products, repeated
    /// products): the single-session finish gives the general pass's rows.
    func testSingleSessionFinishMatchesGeneral() throws {
        var rng = SeededRandom(seed: 21)
        let base = CivilTime.parseStrict("2019-10-01 00:00:00")!
        let window = try TimeWindow(start: "2019-10-01 00:00:00", end: "2019-10-02 00:00:00")
        var compared = 0
        for _ in 0..<400 {
            var events: [Ev] = []
            for _ in 0..<(Int(rng.next() % 30) + 1) {
                let p = Int64(rng.next() % 8)
                events.append(Ev(time: base + Int64(rng.next() % 3600) * 1_000_000,
                                 type: ["view", "cart", "purchase", nil][Int(rng.next() % 4)],
                                 product: p == 0 ? nil : p, category: "c\(p)", brand: nil, price: Double(p),
                                 user: 1, session: rng.next() % 5 == 0 ? nil : "s"))
            }
            var fast = UserAccumulator(), general = UserAccumulator()
            fast.reset(user: 1)
            general.reset(user: 1)
            for run in EventFixture.runs(events) {
                for b in 0..<run.batchCount {
                    let batch = try EventBatch(run.load(batch: b), window: window, needsFilter: false, source: "test")
                    for r in 0..<batch.count {
                        fast.add(batch, r)
                        general.add(batch, r)
                    }
                }
            }
            guard fast.sessions.count == 1 else { continue }
            fast.finishSingleSession()
            general.finishGeneral()
            XCTAssertEqual((0..<fast.outGroups.count).map { fast.row($0) }, (0..<general.outGroups.count).map { general.row($0) })
            compared += 1
        }
        XCTAssertGreaterThan(compared, 300)
    }

}
