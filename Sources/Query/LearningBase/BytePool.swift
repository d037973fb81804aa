/// The per-user text pool of `UserAccumulator` (session texts, first category/brand values):
/// a growable raw byte buffer owned by one accumulator, reused across users (`removeAll`
/// keeps the capacity). A class so the accumulator's copies share it without uniqueness
/// checks on every append. Memory: the largest user's text bytes (rounded up to a power of 2).
final class BytePool {
    private var storage = RawBytes(capacity: 4096)

    deinit { storage.deallocate() }

    var count: Int { storage.count }

    @inline(__always) func append(_ byte: UInt8) { storage.append(byte) }

    @inline(__always) func append(contentsOf bytes: UnsafeRawBufferPointer) { storage.append(contentsOf: bytes) }

    func removeAll() { storage.removeAll() }

    /// Calls `body` with the pool's bytes (valid only during the call).
    @inline(__always)
    func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(storage.bytes)
    }

    /// Reserves `n` bytes at the end and lets `body` fill all of them.
    @inline(__always)
    func appendUninitialized(_ n: Int, _ body: (UnsafeMutablePointer<UInt8>) -> Void) {
        storage.appendUninitialized(n, body)
    }
}
