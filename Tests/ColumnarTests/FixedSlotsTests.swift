@testable import Columnar
import Foundation
import XCTest

/// `FixedSlots` and `RecyclePool` own what they hold: non-copyable elements move in and out
/// whole and every element still held is destroyed exactly once with its owner.
final class FixedSlotsTests: XCTestCase {
    func testSlotsMoveElementsAndDestroyWhatIsLeft() {
        let tally = DropTally()
        do {
            var slots = FixedSlots<Tracked>(count: 4)
            for i in 0..<4 { slots.put(Tracked(id: i, tally: tally), at: i) }
            XCTAssertTrue(slots.isFull(2))
            let two = slots.take(at: 2)
            let twoID = trackedID(two)
            XCTAssertEqual(twoID, 2)
            XCTAssertFalse(slots.isFull(2))
            XCTAssertTrue(slots.take(at: 2) == nil, "a slot gives its element once")
            slots.put(Tracked(id: 9, tally: tally), at: 2)
            XCTAssertEqual(tally.count, 0)
            _ = consume two
            XCTAssertEqual(tally.count, 1)
        }
        XCTAssertEqual(tally.count, 5, "the four elements left in the slots were destroyed with them")
    }

    func testRecyclePoolKeepsAtMostItsLimitAndGivesBackLastFirst() {
        let tally = DropTally()
        do {
            let pool = RecyclePool<Tracked>(limit: 2)
            XCTAssertTrue(pool.take() == nil)
            for i in 0..<3 { pool.give(Tracked(id: i, tally: tally)) }
            XCTAssertEqual(tally.count, 1, "the element past the limit is dropped at once")
            XCTAssertEqual(pool.spareCount, 2)
            let last = pool.take()
            let lastID = trackedID(last)
            XCTAssertEqual(lastID, 1)
            _ = consume last
            XCTAssertEqual(tally.count, 2)
            XCTAssertEqual(pool.spareCount, 1)
        }
        XCTAssertEqual(tally.count, 3, "the spare left in the pool is destroyed with it")
    }

    /// Threads taking and giving back the same few elements: none is ever duplicated or lost.
    func testRecyclePoolUnderConcurrency() {
        let tally = DropTally()
        let pool = RecyclePool<Tracked>(limit: 8)
        for i in 0..<8 { pool.give(Tracked(id: i, tally: tally)) }
        let inUse = LockedValueBox(Set<Int>())
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            for _ in 0..<5000 {
                guard let t = pool.take() else { continue }
                let fresh = inUse.withLockedValue { $0.insert(t.id).inserted }
                XCTAssertTrue(fresh, "element \(t.id) handed out twice")
                inUse.withLockedValue { _ = $0.remove(t.id) }
                pool.give(t)
            }
        }
        XCTAssertEqual(tally.count, 0)
        XCTAssertEqual(pool.spareCount, 8)
    }
}
