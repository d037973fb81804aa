/// The parse window of the CSV ingest: input bytes are read straight into its free space (no
/// intermediate read buffer and copy), parsed from the front, and the unparsed rest (an
/// incomplete last row) is moved to the front before the next read (`removeFirst`).
///
/// Memory: `capacity` bytes, doubled only when a read needs more room than is free (a row
/// longer than the window). Owned by one thread; not `Sendable`.
final class ScanBuffer {
    private var base: UnsafeMutableRawPointer
    private(set) var capacity: Int
    private(set) var count = 0

    init(capacity: Int) {
        self.capacity = max(64, capacity)
        base = UnsafeMutableRawPointer.allocate(byteCount: self.capacity, alignment: 64)
    }

    deinit { base.deallocate() }

    /// The bytes held (valid until the next mutating call).
    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    /// The free space after the bytes, grown to at least `minimum` bytes. Fill a prefix of it,
    /// then call `didAppend` with its length.
    func freeSpace(atLeast minimum: Int) -> UnsafeMutableRawBufferPointer {
        if capacity - count < minimum {
            var size = capacity
            while size - count < minimum { size *= 2 }
            let grown = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 64)
            grown.copyMemory(from: base, byteCount: count)
            base.deallocate()
            base = grown
            capacity = size
        }
        return UnsafeMutableRawBufferPointer(start: base + count, count: capacity - count)
    }

    /// Marks `n` bytes written into `freeSpace` as held.
    func didAppend(_ n: Int) {
        precondition(n >= 0 && n <= capacity - count, "ScanBuffer.didAppend past the free space")
        count += n
    }

    func append(_ b: UnsafeRawBufferPointer) {
        guard let src = b.baseAddress, !b.isEmpty else { return }
        freeSpace(atLeast: b.count).baseAddress!.copyMemory(from: src, byteCount: b.count)
        count += b.count
    }

    /// Drops the first `n` bytes (moves the rest to the front).
    func removeFirst(_ n: Int) {
        precondition(n >= 0 && n <= count, "ScanBuffer.removeFirst past the bytes held")
        if n < count { base.copyMemory(from: base + n, byteCount: count - n) }
        count -= n
    }
}
