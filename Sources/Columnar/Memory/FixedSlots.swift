/// `count` slots, each empty or holding one element, in one allocation this value owns
/// (swift-collections' `RigidDeque` style): non-copyable, so exactly one owner exists; its
/// `deinit` destroys the elements still held and frees the memory. Elements may themselves be
/// non-copyable (buffers that own memory): they move in with `put` and out with `take`.
///
/// Contract: `0 <= index < count` (trapped otherwise); `put` into a full slot is a programming
/// error (trapped, the element already there is never dropped silently).
/// Memory: `count` × `MemoryLayout<Element?>.stride` bytes plus what the elements own.
package struct FixedSlots<Element: ~Copyable>: ~Copyable {
    private let base: UnsafeMutablePointer<Element?>
    package let count: Int

    package init(count: Int) {
        precondition(count >= 0, "FixedSlots: negative count")
        self.count = count
        base = .allocate(capacity: max(count, 1))
        for i in 0..<count { (base + i).initialize(to: nil) }
    }

    deinit {
        base.deinitialize(count: count)
        base.deallocate()
    }

    /// Moves `element` into the empty slot `index`.
    package mutating func put(_ element: consuming Element, at index: Int) {
        precondition(index >= 0 && index < count, "FixedSlots: slot \(index) out of 0..<\(count)")
        precondition(base[index] == nil, "FixedSlots: slot \(index) is full")
        base[index] = consume element
    }

    /// Moves the element out of slot `index` (nil when the slot is empty), leaving it empty.
    package mutating func take(at index: Int) -> Element? {
        precondition(index >= 0 && index < count, "FixedSlots: slot \(index) out of 0..<\(count)")
        return base[index].take()
    }

    /// Whether slot `index` holds an element.
    package func isFull(_ index: Int) -> Bool {
        precondition(index >= 0 && index < count, "FixedSlots: slot \(index) out of 0..<\(count)")
        return base[index] != nil
    }
}

extension FixedSlots: @unchecked Sendable where Element: Sendable & ~Copyable {}
