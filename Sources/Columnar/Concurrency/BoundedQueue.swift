/// A bounded blocking FIFO between threads (the package's one queue type): producers `put`,
/// consumers `take` in order; the bound is what keeps a fast producer's memory in check when
/// its consumer is slower (the ingest's parser and part writer).
///
/// Contract:
/// * `put` blocks while `capacity` items wait; `tryPut` never blocks and refuses when full.
/// * `close()` ends the queue: blocked and later `put`/`tryPut` return false (the item is not
///   added); `take` still returns every item added before, then nil.
/// * `take` blocks until an item arrives (returns it, oldest first) or the queue is closed and
///   empty (returns nil).
/// Memory: at most `capacity` items (≥ 1). State behind one `LockedValueBox`.
package final class BoundedQueue<Element: Sendable>: Sendable {
    private struct State: Sendable {
        /// Oldest first; at most `capacity` (small), so `removeFirst` is cheap.
        var items: [Element] = []
        var closed = false
        var waiting: Int { items.count }
    }

    package let capacity: Int
    private let state = LockedValueBox(State())

    package init(capacity: Int) { self.capacity = max(1, capacity) }

    /// Adds `item`, waiting while the queue is full; false (not added) once the queue is closed.
    @discardableResult
    package func put(_ item: Element) -> Bool {
        let capacity = capacity
        return state.withLockedValue(waitingUntil: { $0.closed || $0.waiting < capacity }, wakingWaiters: true) { s in
            guard !s.closed else { return false }
            s.items.append(item)
            return true
        }
    }

    /// Adds `item` unless `capacity` items already wait or the queue is closed; returns
    /// whether it was added. Never blocks.
    package func tryPut(_ item: Element) -> Bool {
        let capacity = capacity
        return state.withLockedValue(wakingWaiters: true) { s in
            guard !s.closed, s.waiting < capacity else { return false }
            s.items.append(item)
            return true
        }
    }

    /// The oldest item, waiting for one; nil once the queue is closed and empty.
    package func take() -> Element? {
        state.withLockedValue(waitingUntil: { $0.closed || $0.waiting > 0 }, wakingWaiters: true) { s -> Element? in
            guard s.waiting > 0 else { return nil }
            return s.items.removeFirst()
        }
    }

    /// Closes the queue (idempotent) and wakes every waiting thread.
    package func close() {
        state.withLockedValue(wakingWaiters: true) { $0.closed = true }
    }

    /// Items waiting now (for tests; stale as soon as it returns).
    package var count: Int { state.withLockedValue { $0.waiting } }
}
