@testable import Columnar
import Foundation
import XCTest

/// `BoundedQueue`: the bound (a full queue blocks `put` and refuses `tryPut`), FIFO order,
/// and the close semantics (blocked and later puts refused, items added before still taken,
/// then nil for every taker).
final class BoundedQueueTests: XCTestCase {
    func testPutBlocksAtCapacityUntilATake() {
        let queue = BoundedQueue<Int>(capacity: 2)
        XCTAssertTrue(queue.put(1))
        XCTAssertTrue(queue.put(2))
        XCTAssertFalse(queue.tryPut(99), "tryPut past the bound")
        let added = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            XCTAssertTrue(queue.put(3))
            added.signal()
        }
        XCTAssertEqual(added.wait(timeout: .now() + 0.3), .timedOut, "put went past the bound")
        XCTAssertEqual(queue.count, 2)
        XCTAssertEqual(queue.take(), 1)
        XCTAssertEqual(added.wait(timeout: .now() + 10), .success)
        XCTAssertEqual(queue.take(), 2)
        XCTAssertEqual(queue.take(), 3)
        XCTAssertEqual(queue.count, 0)
    }

    func testCloseRefusesPutsDrainsThenEndsEveryTaker() {
        let queue = BoundedQueue<Int>(capacity: 1)
        XCTAssertTrue(queue.put(7))
        let blockedPut = DispatchSemaphore(value: 0)
        let putResult = LockedValueBox<Bool?>(nil)
        Thread.detachNewThread {
            putResult.withLockedValue { $0 = queue.put(8) }
            blockedPut.signal()
        }
        XCTAssertEqual(blockedPut.wait(timeout: .now() + 0.2), .timedOut)
        queue.close()
        XCTAssertEqual(blockedPut.wait(timeout: .now() + 10), .success, "close did not wake the blocked put")
        XCTAssertEqual(putResult.withLockedValue { $0 }, false, "a put blocked at close is refused")
        XCTAssertFalse(queue.put(9))
        XCTAssertFalse(queue.tryPut(10))
        XCTAssertEqual(queue.take(), 7, "an item added before close is still delivered")
        XCTAssertNil(queue.take())
        XCTAssertNil(queue.take())
        queue.close()  // idempotent
    }

    func testCloseWakesBlockedTakers() {
        let queue = BoundedQueue<Int>(capacity: 4)
        let ended = DispatchSemaphore(value: 0)
        for _ in 0..<3 {
            Thread.detachNewThread {
                XCTAssertNil(queue.take())
                ended.signal()
            }
        }
        XCTAssertEqual(ended.wait(timeout: .now() + 0.2), .timedOut, "take returned on an open empty queue")
        queue.close()
        for _ in 0..<3 { XCTAssertEqual(ended.wait(timeout: .now() + 10), .success) }
    }

    /// Three producers, two consumers, capacity 3: every item arrives exactly once, each
    /// producer's items in its order, and no more than `capacity` ever wait.
    func testProducersAndConsumersUnderTheBound() {
        let queue = BoundedQueue<Int>(capacity: 3)
        let producers = 3, perProducer = 3000
        let received = LockedValueBox<[[Int]]>(Array(repeating: [], count: producers))
        let maxWaiting = LockedValueBox(0)
        let group = DispatchGroup()
        for p in 0..<producers {
            group.enter()
            Thread.detachNewThread {
                for i in 0..<perProducer {
                    XCTAssertTrue(queue.put(p * 1_000_000 + i))
                    let n = queue.count
                    maxWaiting.withLockedValue { $0 = max($0, n) }
                }
                group.leave()
            }
        }
        let consumers = DispatchGroup()
        for _ in 0..<2 {
            consumers.enter()
            Thread.detachNewThread {
                while let v = queue.take() {
                    received.withLockedValue { $0[v / 1_000_000].append(v % 1_000_000) }
                }
                consumers.leave()
            }
        }
        XCTAssertEqual(group.wait(timeout: .now() + 60), .success)
        queue.close()
        XCTAssertEqual(consumers.wait(timeout: .now() + 60), .success)
        let all = received.withLockedValue { $0 }
        for p in 0..<producers { XCTAssertEqual(all[p].sorted(), Array(0..<perProducer), "producer \(p)") }
        XCTAssertLessThanOrEqual(maxWaiting.withLockedValue { $0 }, 3)
    }
}
