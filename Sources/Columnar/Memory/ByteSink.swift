/// An append-only, growable byte buffer: the output side of every encoder (pages, Thrift
/// headers, footers). A value type over one `[UInt8]`; appends amortise to O(1) and never
/// allocate per value.
///
/// Memory: `bytes.count` rounded up by the array's growth policy. `removeAll(keepingCapacity:)`
/// reuses the storage, so a sink kept by a writer allocates only while it grows.
public struct ByteSink: Sendable {
    public var bytes: [UInt8]

    public init(capacity: Int = 0) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    public var count: Int { bytes.count }

    @inlinable public mutating func append(_ byte: UInt8) { bytes.append(byte) }

    public mutating func append(_ raw: UnsafeRawBufferPointer) { bytes.append(contentsOf: raw) }

    public mutating func append<C: Collection>(contentsOf other: C) where C.Element == UInt8 {
        bytes.append(contentsOf: other)
    }

    /// Appends `value` as `MemoryLayout<T>.size` little-endian bytes.
    @inlinable
    public mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        var v = value.littleEndian
        withUnsafeBytes(of: &v) { bytes.append(contentsOf: $0) }
    }

    /// Appends an unsigned LEB128 varint (7 bits per byte, low groups first).
    @inlinable
    public mutating func appendVarint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(truncatingIfNeeded: v))
    }

    /// Appends a zigzag-encoded signed varint (Thrift compact i16/i32/i64).
    @inlinable
    public mutating func appendZigzag(_ value: Int64) {
        appendVarint(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }

    public mutating func reserveCapacity(_ n: Int) { bytes.reserveCapacity(n) }

    /// Appends `n` zero bytes and lets `body` overwrite them through a pointer to exactly that
    /// region (valid only during the call): one append and one uniqueness check for a whole
    /// encoded block instead of one per word.
    @inlinable
    public mutating func appendWriting(count n: Int, _ body: (UnsafeMutableRawBufferPointer) -> Void) {
        guard n > 0 else { return }
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: n))
        bytes.withUnsafeMutableBytes { body(UnsafeMutableRawBufferPointer(rebasing: $0[start..<(start &+ n)])) }
    }

    public mutating func removeAll(keepingCapacity: Bool = true) {
        bytes.removeAll(keepingCapacity: keepingCapacity)
    }

    /// Overwrites 4 bytes at `offset` with `value` little-endian (length prefixes written
    /// after their payload).
    public mutating func setUInt32LittleEndian(_ value: UInt32, at offset: Int) {
        bytes[offset] = UInt8(truncatingIfNeeded: value)
        bytes[offset + 1] = UInt8(truncatingIfNeeded: value >> 8)
        bytes[offset + 2] = UInt8(truncatingIfNeeded: value >> 16)
        bytes[offset + 3] = UInt8(truncatingIfNeeded: value >> 24)
    }
}
