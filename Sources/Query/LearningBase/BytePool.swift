/// The per-user text pool of `UserAccumulator` (session texts, first category/brand values):
/// a growable raw byte buffer owned by one accumulator, reused across users (`removeAll`
/// keeps the capacity). A class so the accumulator's copies share it without uniqueness
/// checks on every append. Memory: the largest user's text bytes (rounded up to a power of 2).
///
/// The buffer sits behind a pointer allocated once (`storage` is a `let`), so appends pay no
/// dynamic exclusivity check of a class `var`; owned and freed (with its bytes: `RawBytes` is non-copyable) by this object only.
final class BytePool {
    private let storage: UnsafeMutablePointer<RawBytes>

    init() {
        storage = .allocate(capacity: 1)
        storage.initialize(to: RawBytes(capacity: 4096))
    }

    deinit {
        storage.deinitialize(count: 1)
        storage.deallocate()
    }

    var count: Int { storage.pointee.count }

    @inline(__always) func append(_ byte: UInt8) { storage.pointee.append(byte) }

    @inline(__always) func append(contentsOf bytes: UnsafeRawBufferPointer) { storage.pointee.append(contentsOf: bytes) }

    func removeAll() { storage.pointee.removeAll() }

    /// Calls `body` with the pool's bytes (valid only during the call).
    @inline(__always)
    func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(storage.pointee.bytes)
    }

    /// Reserves `n` bytes at the end and lets `body` fill all of them.
    @inline(__always)
    func appendUninitialized(_ n: Int, _ body: (UnsafeMutablePointer<UInt8>) -> Void) {
        storage.pointee.appendUninitialized(n, body)
    }
}
