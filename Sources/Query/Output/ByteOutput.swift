#if canImport(Glibc)
import Glibc
#endif

/// Where the text encoders (`CSVText`, `JavaDouble`) append bytes. `ContiguousArray<UInt8>` is
/// the safe implementation (tests, small outputs); `RawBytes` is the hot one used by the CSV
/// writer (no uniqueness checks, one capacity compare per append). Outputs may be
/// non-copyable owners of their memory (`RawBytes`), so generic encoders take
/// `O: ByteOutput & ~Copyable`.
public protocol ByteOutput: ~Copyable {
    mutating func append(_ byte: UInt8)
    mutating func append(contentsOf bytes: UnsafeRawBufferPointer)
    /// Reserves `n` bytes at the end and lets `body` fill all `n` of them (it must write
    /// exactly the bytes `[0, n)` of the pointer, which is valid only during the call).
    mutating func appendUninitialized(_ n: Int, _ body: (UnsafeMutablePointer<UInt8>) -> Void)
}

extension ContiguousArray: ByteOutput where Element == UInt8 {}

extension ByteOutput where Self: ~Copyable {
    /// Default: `body` fills a temporary buffer that is then appended (the safe general path;
    /// `RawBytes` writes in place).
    public mutating func appendUninitialized(_ n: Int, _ body: (UnsafeMutablePointer<UInt8>) -> Void) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(n, 1)) { tmp in
            body(tmp.baseAddress!)
            append(contentsOf: UnsafeRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(tmp)[0 ..< n]))
        }
    }

    /// Appends the bytes of a literal.
    @inline(__always)
    public mutating func append(_ literal: StaticString) {
        append(contentsOf: UnsafeRawBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }
}

/// A growable byte buffer on raw memory that owns its allocation: non-copyable, so exactly one
/// owner exists at a time; moving it (`consume`, passing it `consuming`) transfers the memory,
/// and its `deinit` frees it once, on every path (a thrown error included). Borrow it
/// (`borrowing`, `bytes`) to read. Sendable: a value with one owner can move between threads.
/// Memory: `capacity` bytes.
struct RawBytes: ByteOutput, ~Copyable, @unchecked Sendable {
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var count = 0
    private(set) var capacity: Int

    init(capacity: Int) {
        self.capacity = max(capacity, 64)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    @inline(__always)
    mutating func append(_ byte: UInt8) {
        if count == capacity { grow(1) }
        base[count] = byte
        count &+= 1
    }

    @inline(__always)
    mutating func append(contentsOf bytes: UnsafeRawBufferPointer) {
        let n = bytes.count
        if n == 0 { return }
        if count &+ n > capacity { grow(n) }
        (base + count).update(from: bytes.baseAddress!.assumingMemoryBound(to: UInt8.self), count: n)
        count &+= n
    }

    @inline(never)
    private mutating func grow(_ needed: Int) {
        var newCapacity = capacity * 2
        while newCapacity < count + needed { newCapacity *= 2 }
        let fresh = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        fresh.update(from: base, count: count)
        base.deallocate()
        base = fresh
        capacity = newCapacity
    }

    /// Reserves `n` bytes at the end and lets `body` fill all of them.
    @inline(__always)
    mutating func appendUninitialized(_ n: Int, _ body: (UnsafeMutablePointer<UInt8>) -> Void) {
        if count &+ n > capacity { grow(n) }
        body(base + count)
        count &+= n
    }

    /// Lets `body` append at most `bound` bytes through an unchecked cursor, with room for
    /// `bound` reserved first: one capacity check for a whole CSV row instead of one per
    /// field. The cursor is non-copyable and lives only during the call. `body` writing more
    /// than `bound` is a programming error: trapped at the offending write in debug builds
    /// (tests), after the fact in release builds.
    @inline(__always)
    mutating func appendBounded(_ bound: Int, _ body: (inout UncheckedBytes) -> Void) {
        if count &+ bound > capacity { grow(bound) }
        let start = base + count
        var cursor = UncheckedBytes(start, end: start + bound)
        body(&cursor)
        let written = cursor.position - start
        precondition(written <= bound, "appendBounded: wrote \(written) bytes, reserved \(bound)")
        count &+= written
    }

    mutating func removeAll() { count = 0 }

    /// The bytes written so far; valid while this buffer is borrowed and not appended to.
    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }
}

/// Appends without capacity checks at a moving position in memory someone else reserved
/// (`RawBytes.appendBounded`, which bounds what may be written and hands it out for one call:
/// non-copyable, so the cursor cannot be kept). Debug builds check every write against the
/// reserved end (`assert`, compiled out in release). The unsafe twin of checked appends to
/// `RawBytes`/`ContiguousArray`, which tests compare it with through `CSVSink`.
struct UncheckedBytes: ByteOutput, ~Copyable {
    fileprivate private(set) var position: UnsafeMutablePointer<UInt8>
    private let end: UnsafeMutablePointer<UInt8>

    fileprivate init(_ position: UnsafeMutablePointer<UInt8>, end: UnsafeMutablePointer<UInt8>) {
        self.position = position
        self.end = end
    }

    @inline(__always)
    mutating func append(_ byte: UInt8) {
        assert(position < end, "UncheckedBytes: write past the reserved bound")
        position.pointee = byte
        position += 1
    }

    @inline(__always)
    mutating func append(contentsOf bytes: UnsafeRawBufferPointer) {
        let n = bytes.count
        if n == 0 { return }
        assert(end - position >= n, "UncheckedBytes: write past the reserved bound")
        position.update(from: bytes.baseAddress!.assumingMemoryBound(to: UInt8.self), count: n)
        position += n
    }

    @inline(__always)
    mutating func appendUninitialized(_ n: Int, _ body: (UnsafeMutablePointer<UInt8>) -> Void) {
        assert(end - position >= n, "UncheckedBytes: write past the reserved bound")
        body(position)
        position += n
    }
}
