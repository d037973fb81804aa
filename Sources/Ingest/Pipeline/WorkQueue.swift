import Foundation

/// A bounded blocking FIFO between the parser thread and the writer thread. `put` blocks
/// while `capacity` items wait (this is what bounds the ingest's memory when the writer is
/// slower than the parser); `take` blocks until an item arrives or the queue is closed.
final class WorkQueue<T: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var items: [T] = []
    private var closed = false
    private let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    func put(_ item: T) {
        condition.lock()
        while items.count >= capacity && !closed { condition.wait() }
        items.append(item)
        condition.broadcast()
        condition.unlock()
    }

    /// Adds `item` unless `capacity` items already wait; returns whether it was added.
    func tryPut(_ item: T) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        if items.count >= capacity && !closed { return false }
        items.append(item)
        condition.broadcast()
        return true
    }

    /// The next item, or nil once the queue is closed and empty.
    func take() -> T? {
        condition.lock()
        defer { condition.unlock() }
        while items.isEmpty && !closed { condition.wait() }
        if items.isEmpty { return nil }
        let item = items.removeFirst()
        condition.broadcast()
        return item
    }

    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }
}
