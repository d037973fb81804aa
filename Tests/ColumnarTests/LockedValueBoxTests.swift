@testable import Columnar
import Foundation
import XCTest

/// Counts how many `Tracked` values were destroyed (thread-safe).
final class DropTally: Sendable {
    private let drops = LockedValueBox(0)
    var count: Int { drops.withLockedValue { $0 } }
    func dropped() { drops.withLockedValue { $0 += 1 } }
}

/// A non-copyable value that reports its destruction: proves an owner frees what it holds
/// exactly once.
struct Tracked: ~Copyable, Sendable {
    let id: Int
    let tally: DropTally
    deinit { tally.dropped() }
}

/// The id of a tracked value, borrowing it (optional chaining would consume it).
func trackedID(_ t: borrowing Tracked?) -> Int? {
    switch t {
    case .some(let x): return x.id
    case .none: return nil
    }
}

/// `LockedValueBox`: one lock guards the whole value, waiters wake on changes, and a
/// non-copyable value is owned (destroyed) by the box.
final class LockedValueBoxTests: XCTestCase {
    private struct Pair { var a = 0; var b = 0; var torn = 0 }

    /// Four threads each make 20,000 read-modify-write changes of two fields that must stay
    /// equal: no update is lost and no thread ever sees the pair half-changed (without the
    /// lock both fail: lost increments, torn pairs).
    func testConcurrentMutationIsSerialised() {
        let box = LockedValueBox(Pair())
        let threads = 4, rounds = 20_000
        DispatchQueue.concurrentPerform(iterations: threads) { _ in
            for _ in 0..<rounds {
                box.withLockedValue { p in
                    if p.a != p.b { p.torn += 1 }
                    let next = p.a + 1
                    p.a = next
                    for _ in 0..<(next % 7) { p.b = p.a - 1 }  // a window where the pair differs
                    p.b = next
                }
            }
        }
        let end = box.withLockedValue { $0 }
        XCTAssertEqual(end.a, threads * rounds)
        XCTAssertEqual(end.b, threads * rounds)
        XCTAssertEqual(end.torn, 0)
    }

    /// A waiter blocks until the condition holds and runs its body under that same hold; a
    /// change made without `wakingWaiters` does not wake it, one made with it does.
    func testWaitingUntilWakesOnlyOnWakingChanges() throws {
        let box = LockedValueBox(0)
        let seen = LockedValueBox<Int?>(nil)
        let started = DispatchSemaphore(value: 0), done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            started.signal()
            let v = box.withLockedValue(waitingUntil: { $0 >= 3 }, wakingWaiters: false) { v -> Int in
                v += 100
                return v
            }
            seen.withLockedValue { $0 = v }
            done.signal()
        }
        started.wait()
        box.withLockedValue(wakingWaiters: true) { $0 = 2 }
        XCTAssertEqual(done.wait(timeout: .now() + 0.3), .timedOut, "woke before its condition held")
        box.withLockedValue { $0 = 3 }  // no wake-up
        XCTAssertEqual(done.wait(timeout: .now() + 0.3), .timedOut, "woke without a waking change")
        box.withLockedValue(wakingWaiters: true) { _ in }
        XCTAssertEqual(done.wait(timeout: .now() + 10), .success)
        XCTAssertEqual(seen.withLockedValue { $0 }, 103)
        XCTAssertEqual(box.withLockedValue { $0 }, 103)
    }

    /// A typed error thrown by the body comes out as is, and the lock is released.
    func testThrowingBodyReleasesTheLock() {
        struct Boom: Error {}
        let box = LockedValueBox(1)
        XCTAssertThrowsError(try box.withLockedValue { (v: inout Int) throws(Boom) in v = 2; throw Boom() })
        XCTAssertEqual(box.withLockedValue { $0 }, 2)
    }

    /// A non-copyable value is destroyed once, with its box; one moved out through a body's
    /// result is then owned by the caller.
    func testNonCopyableValueIsOwnedByTheBox() {
        let tally = DropTally()
        do {
            let box = LockedValueBox<Tracked?>(Tracked(id: 1, tally: tally))
            XCTAssertEqual(box.withLockedValue { trackedID($0) }, 1)
            XCTAssertEqual(tally.count, 0)
            let other = LockedValueBox<Tracked?>(Tracked(id: 2, tally: tally))
            let moved = other.withLockedValue { $0.take() }
            let movedID = trackedID(moved)
            XCTAssertEqual(movedID, 2)
            XCTAssertEqual(tally.count, 0)
            _ = consume moved
            XCTAssertEqual(tally.count, 1)
        }
        XCTAssertEqual(tally.count, 2)
    }
}
