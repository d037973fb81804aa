#if canImport(Glibc)
import Glibc
#endif

/// Where the text encoders (`CSVText`, `JavaDouble`) append bytes. `ContiguousArray<UInt8>` is
/// the safe implementation (tests, small outputs); `RawBytes` is the hot one used by the CSV
/// writer (no uniqueness checks, one capacity compare per append).
public protocol ByteOutput {
    mutating func append(_ byte: UInt8)
    mutating func append(contentsOf bytes: UnsafeRawBufferPointer)
    /// Reserves `n` bytes at the end and lets `body` fill all `n` of them (it must write
    /// exactly the bytes `[0, n)` of the pointer, which is valid only during the call).
    mutating func appendUninitialized(_ n: Int, _ body: (UnsafeMutablePointer<UInt8>) -> Void)
}

extension ContiguousArray: ByteOutput where Element == UInt8 {}

extension ByteOutput {
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

/// A growable byte buffer on raw memory. Not copyable in spirit: exactly one owner calls
/// `deallocate()` once (e.g. `OrderedChunkWriter` for chunk buffers). Memory: `capacity` bytes.
struct RawBytes: ByteOutput {
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var count = 0
    private(set) var capacity: Int

    init(capacity: Int) {
        self.capacity = max(capacity, 64)
        base = .allocate(capacity: self.capacity)
    }

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
    /// field. `body` writing more than `bound` is a programming error (trapped after the fact).
    @inline(__always)
    mutating func appendBounded(_ bound: Int, _ body: (inout UncheckedBytes) -> Void) {
        if count &+ bound > capacity { grow(bound) }
        var cursor = UncheckedBytes(base + count)
        body(&cursor)
        let written = cursor.position - (base + count)
        precondition(written <= bound, "appendBounded: wrote \(written) bytes, reserved \(bound)")
        count &+= written
    }

    mutating func removeAll() { count = 0 }

    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    func deallocate() { base.deallocate() }
}

/// Appends without capacity checks at a moving position in memory someone else reserved
/// (`RawBytes.appendBounded`, which bounds what may be written). The unsafe twin of checked
/// appends to `RawBytes`/`ContiguousArray`, which tests compare it with through `CSVSink`.
struct UncheckedBytes: ByteOutput {
    private(set) var position: UnsafeMutablePointer<UInt8>

    init(_ position: UnsafeMutablePointer<UInt8>) { self.position = position }

    @inline(__always)
    mutating func append(_ byte: UInt8) {
        position.pointee = byte
        position += 1
    }

    @inline(__always)
    mutating func append(contentsOf bytes: UnsafeRawBufferPointer) {
        let n = bytes.count
        if n == 0 { return }
        position.update(from: bytes.baseAddress!.assumingMemoryBound(to: UInt8.self), count: n)
        position += n
    }

    @inline(__always)
    mutating func appendUninitialized(_ n: Int, _ body: (UnsafeMutablePointer<UInt8>) -> Void) {
        body(position)
        position += n
    }
}
