/// Spare buffers for threads to reuse instead of allocating anew (the package's one free list):
/// `take` hands out a spare (nil: allocate one), `give` takes one back, keeping at most `limit`
/// and dropping the rest (their owner type frees them). Elements may be non-copyable owners
/// (`~Copyable`): a buffer moves in and out whole, so two users can never hold the same one.
/// Thread-safe (one `LockedValueBox`). Memory: at most `limit` spare elements.
package final class RecyclePool<Element: Sendable & ~Copyable>: Sendable {
    private struct Stack: ~Copyable, Sendable {
        var slots: FixedSlots<Element>
        var count = 0
    }

    package let limit: Int
    private let stack: LockedValueBox<Stack>

    package init(limit: Int) {
        self.limit = max(0, limit)
        stack = LockedValueBox(Stack(slots: FixedSlots(count: self.limit)))
    }

    /// A spare element, most recently given first; nil when none is spare.
    package func take() -> Element? {
        stack.withLockedValue { s -> Element? in
            guard s.count > 0 else { return nil }
            s.count -= 1
            return s.slots.take(at: s.count)
        }
    }

    /// Keeps `element` for a later `take` unless `limit` are kept already (then it is dropped).
    package func give(_ element: consuming Element) {
        var parcel: Element? = consume element
        stack.withLockedValue { s in
            guard s.count < limit else { return }
            s.slots.put(parcel.take()!, at: s.count)
            s.count += 1
        }
    }

    /// Spare elements now (for tests; stale as soon as it returns).
    package var spareCount: Int { stack.withLockedValue { $0.count } }
}
